package ecsaudit.rules.capacity_provider_termination_protection_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.capacity_provider_termination_protection as rule

cp := "arn:aws:ecs:us-east-1:123456789012:capacity-provider/asg"

with_provider(asg) := testing.aws_graph(
	[
		{"id": testing.arn_cluster, "kind": "cluster", "name": "prod", "properties": {"clusterName": "prod", "capacityProviders": ["asg"]}},
		{"id": cp, "kind": "capacity_provider", "name": "asg", "properties": {"name": "asg", "autoScalingGroupProvider": asg}},
	],
	[[testing.arn_cluster, "capacity_provider", cp]],
)

test_flags_protection_disabled if {
	inp := with_provider({"managedTerminationProtection": "DISABLED"})
	[f] := [x | some x in rule.deny] with input as inp
	f.message == `capacity provider "asg" (of cluster "prod") has managed termination protection DISABLED: scaling in can end instances that run tasks`
	f.related == [testing.arn_cluster]
}

test_allows_protection_enabled if {
	inp := with_provider({"managedTerminationProtection": "ENABLED"})
	count(rule.deny) == 0 with input as inp
}

test_a_provider_no_cluster_names_is_still_judged if {
	graph := testing.aws_graph(
		[{"id": cp, "kind": "capacity_provider", "name": "asg", "properties": {"name": "asg", "autoScalingGroupProvider": {"managedTerminationProtection": "DISABLED"}}}],
		[],
	)
	[f] := [x | some x in rule.deny] with input as graph
	f.message == `capacity provider "asg" has managed termination protection DISABLED: scaling in can end instances that run tasks`
	f.related == []
}
