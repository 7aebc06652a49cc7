package ecsaudit.rules.root_volume_unencrypted_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.root_volume_unencrypted as rule

ci := "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci1"

instance(ec2) := testing.aws_graph([{"id": ci, "kind": "container_instance", "name": "i-1", "properties": {
	"containerInstanceArn": ci, "ec2InstanceId": "i-1", "status": "ACTIVE",
	"Ec2Instance": object.union({"InstanceId": "i-1"}, ec2),
}}], [])

test_flags_an_unencrypted_root_volume if {
	inp := instance({"RootVolume": {"VolumeId": "vol-1", "Encrypted": false}})
	[f] := [x | some x in rule.deny] with input as inp
	f.message == `the root volume vol-1 of container instance "i-1" is not encrypted`
}

test_allows_encrypted_or_unread_volumes if {
	inp := instance({"RootVolume": {"VolumeId": "vol-1", "Encrypted": true}})
	count(rule.deny) == 0 with input as inp
	inp2 := instance({})
	count(rule.deny) == 0 with input as inp2
}
