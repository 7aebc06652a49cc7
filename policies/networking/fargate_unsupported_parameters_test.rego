package ecsaudit.rules.fargate_unsupported_parameters_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.fargate_unsupported_parameters as rule

fargate(extra, c) := testing.graph([object.union({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [object.union({"name": "a", "image": "x:1"}, c)]}, extra)])

test_flags_host_volume_and_privileged if {
	inp := fargate({"volumes": [{"name": "sock", "host": {"sourcePath": "/var/run/docker.sock"}}]}, {"privileged": true})
	findings := rule.deny with input as inp
	{f.pointer | some f in findings} == {"/volumes/0/host/sourcePath", "/containerDefinitions/0/privileged"}
}

test_flags_devices_and_capabilities if {
	inp := fargate({}, {"linuxParameters": {"devices": [{"hostPath": "/dev/fuse"}], "capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"]}}})
	findings := rule.deny with input as inp
	count(findings) == 2
}

test_allows_supported_parameters if {
	inp := fargate({"volumes": [{"name": "scratch"}, {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}]}, {"linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"], "drop": ["ALL"]}, "initProcessEnabled": true}})
	count(rule.deny) == 0 with input as inp
}

test_ignores_ec2_tasks if {
	inp := testing.graph([{"family": "web", "requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": "a", "image": "x:1", "privileged": true}]}])
	count(rule.deny) == 0 with input as inp
}

# Every parameter Fargate rejects, each reported where it is set.
test_flags_every_unsupported_parameter if {
	task := {
		"volumes": [{"name": "d", "dockerVolumeConfiguration": {"scope": "task"}}],
		"ipcMode": "host",
		"pidMode": "host",
		"placementConstraints": [{"type": "memberOf", "expression": "attribute:x == y"}],
	}
	container := {
		"linuxParameters": {
			"sharedMemorySize": 64,
			"tmpfs": [{"containerPath": "/tmp", "size": 64}],
		},
		"dockerSecurityOptions": ["no-new-privileges"],
		"links": ["db"],
	}
	inp := fargate(task, container)
	pointers := {f.pointer | some f in rule.deny} with input as inp
	pointers == {
		"/volumes/0/dockerVolumeConfiguration",
		"/ipcMode",
		"/pidMode",
		"/placementConstraints",
		"/containerDefinitions/0/linuxParameters/sharedMemorySize",
		"/containerDefinitions/0/linuxParameters/tmpfs",
		"/containerDefinitions/0/dockerSecurityOptions",
		"/containerDefinitions/0/links",
	}
	inp_ec2 := testing.graph([object.union(task, {"family": "web", "containerDefinitions": [container]})])
	count(rule.deny) == 0 with input as inp_ec2
}
