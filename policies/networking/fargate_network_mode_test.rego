package ecsaudit.rules.fargate_network_mode_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.fargate_network_mode as rule

td(mode) := testing.graph([{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": mode, "containerDefinitions": [{"name": "a", "image": "x:1"}]}])

test_flags_bridge_on_fargate if {
	inp := td("bridge")
	count(rule.deny) == 1 with input as inp
}

test_allows_awsvpc if {
	inp := td("awsvpc")
	count(rule.deny) == 0 with input as inp
}
