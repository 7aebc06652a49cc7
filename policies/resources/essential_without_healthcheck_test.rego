package ecsaudit.rules.essential_without_healthcheck_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.essential_without_healthcheck as rule

test_flags_essential_without_check if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "x:1", "essential": false}]}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/healthCheck"
}

test_allows_checked_or_exempt if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [
		{"name": "a", "image": "x:1", "healthCheck": {"command": ["CMD", "true"]}},
		{"name": "agent", "image": "x:1"},
	]}])
	count(rule.deny) == 0 with input as inp with data.ecsaudit.params.EA406 as {"exempt_containers": ["agent"]}
}
