package ecsaudit.rules.missing_log_configuration_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.missing_log_configuration as rule

test_flags_container_without_logging if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [
		{"name": "app", "image": "nginx:1", "logConfiguration": {"logDriver": "awslogs"}},
		{"name": "sidecar", "image": "envoy:1"},
	]}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/1/logConfiguration"
	contains(f.message, "sidecar")
}

test_allows_any_log_configuration if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1", "logConfiguration": {"logDriver": "json-file"}}]}])
	count(rule.deny) == 0 with input as inp
}
