package ecsaudit.rules.instance_metadata_reachable_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.instance_metadata_reachable as rule

ci := "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci1"

td(name, mode) := {
	"id": sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/%s:1", [name]),
	"kind": "task_definition", "name": sprintf("%s:1", [name]),
	"properties": {"family": name, "networkMode": mode, "requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": name, "image": "nginx:1.25"}]},
}

# A container instance with metadata options `m` running `tds`.
instance(m, tds) := testing.aws_graph(
	array.concat([{"id": ci, "kind": "container_instance", "name": "i-1", "properties": {
		"containerInstanceArn": ci, "ec2InstanceId": "i-1", "status": "ACTIVE", "agentConnected": true,
		"Ec2Instance": {
			"InstanceId": "i-1", "MetadataOptions": m,
			"IamInstanceProfile": {"Arn": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"},
		},
	}}], tds),
	[[ci, "runs_task_definition", t.id] | some t in tds],
)

imdsv1 := {"HttpTokens": "optional", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"}

imdsv2(hops) := {"HttpTokens": "required", "HttpPutResponseHopLimit": hops, "HttpEndpoint": "enabled"}

test_flags_imdsv1_under_bridge_tasks if {
	inp := instance(imdsv1, [td("api", "bridge"), td("vpc", "awsvpc")])
	[f] := [x | some x in rule.deny] with input as inp
	f.resource == ci
	f.related == [td("api", "bridge").id]
	f.message == `container instance "i-1" (instance profile ecsInstanceRole) allows IMDSv1 (HttpTokens optional) while tasks of "api:1" run on it in bridge mode: their containers can take the instance role's credentials`
}

test_flags_a_hop_limit_above_one if {
	inp := instance(imdsv2(2), [td("api", "bridge")])
	[f] := [x | some x in rule.deny] with input as inp
	contains(f.message, "lets IMDSv2 tokens travel 2 hops")
}

test_flags_host_mode_whatever_the_hop_limit if {
	inp := instance(imdsv2(1), [td("edge", "host")])
	[f] := [x | some x in rule.deny] with input as inp
	contains(f.message, `serves its metadata to tasks of "edge:1" running in host mode`)
}

test_allows_imdsv2_one_hop_disabled_or_awsvpc_only if {
	inp := instance(imdsv2(1), [td("api", "bridge")])
	count(rule.deny) == 0 with input as inp
	inp2 := instance(object.union(imdsv1, {"HttpEndpoint": "disabled"}), [td("api", "bridge")])
	count(rule.deny) == 0 with input as inp2
	inp3 := instance(imdsv1, [td("vpc", "awsvpc")])
	count(rule.deny) == 0 with input as inp3
	inp4 := instance(imdsv1, [])
	count(rule.deny) == 0 with input as inp4
}
