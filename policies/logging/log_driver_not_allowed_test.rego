package ecsaudit.rules.log_driver_not_allowed_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.log_driver_not_allowed as rule

driver(d) := testing.graph([{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1", "logConfiguration": {"logDriver": d}}]}])

test_flags_json_file if {
	inp := driver("json-file")
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/logConfiguration/logDriver"
}

test_allows_awslogs_and_firelens if {
	inp := driver("awslogs")
	count(rule.deny) == 0 with input as inp
	inp2 := driver("awsfirelens")
	count(rule.deny) == 0 with input as inp2
}
