package ecsaudit.rules.no_essential_container_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.no_essential_container as rule

test_flags_all_non_essential if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1", "essential": false}, {"name": "b", "image": "x:1", "essential": false}]}])
	count(rule.deny) == 1 with input as inp
}

test_allows_default_essential if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "x:1", "essential": false}]}])
	count(rule.deny) == 0 with input as inp
}
