package ecsaudit.rules.agent_disconnected_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.agent_disconnected as rule

ci := "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci1"

instance(props) := testing.aws_graph([{"id": ci, "kind": "container_instance", "name": "i-1", "properties": object.union(
	{"containerInstanceArn": ci, "ec2InstanceId": "i-1", "status": "ACTIVE", "agentConnected": true},
	props,
)}], [])

test_flags_an_active_instance_whose_agent_is_disconnected if {
	inp := instance({"agentConnected": false})
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/agentConnected"
}

test_allows_connected_or_draining_instances if {
	inp := instance({})
	count(rule.deny) == 0 with input as inp
	inp2 := instance({"agentConnected": false, "status": "DRAINING"})
	count(rule.deny) == 0 with input as inp2
}
