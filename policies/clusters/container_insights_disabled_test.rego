package ecsaudit.rules.container_insights_disabled_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.container_insights_disabled as rule

with_settings(settings) := testing.alb_service({"cluster": {"settings": settings}})

test_flags_disabled_setting if {
	inp := with_settings([{"name": "containerInsights", "value": "disabled"}])
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/settings/0/value"
	f.message == `cluster "prod" has Container Insights disabled`
}

test_flags_cluster_without_the_setting if {
	inp := testing.alb_service({})
	[f] := [x | some x in rule.deny] with input as inp
	f.message == `cluster "prod" does not enable Container Insights`
}

test_allows_enabled_and_enhanced if {
	inp := with_settings([{"name": "containerInsights", "value": "enabled"}])
	count(rule.deny) == 0 with input as inp
	inp2 := with_settings([{"name": "containerInsights", "value": "enhanced"}])
	count(rule.deny) == 0 with input as inp2
}

test_skips_a_cluster_that_could_not_be_described if {
	graph := testing.aws_graph([{"id": testing.arn_cluster, "kind": "cluster", "status": "unavailable", "properties": {}}], [])
	count(rule.deny) == 0 with input as graph
}
