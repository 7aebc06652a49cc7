package ecsaudit.rules.privileged_container_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.privileged_container as rule

test_flags_privileged if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1", "privileged": true}]}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/privileged"
}

test_allows_unprivileged if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1", "privileged": false}, {"name": "b", "image": "x:1"}]}])
	count(rule.deny) == 0 with input as inp
}
