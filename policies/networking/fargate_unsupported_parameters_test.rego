package ecsaudit.rules.fargate_unsupported_parameters_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.fargate_unsupported_parameters as rule

fargate(extra, c) := testing.graph([object.union({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [object.union({"name": "a", "image": "x:1"}, c)]}, extra)])

test_flags_host_volume_and_privileged if {
	findings := rule.deny with input as fargate({"volumes": [{"name": "sock", "host": {"sourcePath": "/var/run/docker.sock"}}]}, {"privileged": true})
	{f.pointer | some f in findings} == {"/volumes/0/host/sourcePath", "/containerDefinitions/0/privileged"}
}

test_flags_devices_and_capabilities if {
	findings := rule.deny with input as fargate({}, {"linuxParameters": {"devices": [{"hostPath": "/dev/fuse"}], "capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"]}}})
	count(findings) == 2
}

test_allows_supported_parameters if {
	count(rule.deny) == 0 with input as fargate({"volumes": [{"name": "scratch"}, {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}]}, {"linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"], "drop": ["ALL"]}, "initProcessEnabled": true}})
}

test_ignores_ec2_tasks if {
	inp := testing.graph([{"family": "web", "requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": "a", "image": "x:1", "privileged": true}]}])
	count(rule.deny) == 0 with input as inp
}
