package ecsaudit.rules.container_memory_unset_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.container_memory_unset as rule

test_flags_ec2_container_without_memory if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1"}, {"name": "ok", "image": "nginx:1", "memory": 128}]}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0"
}

test_allows_task_memory_or_reservation if {
	inp := testing.graph([
		{"family": "a", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx:1"}]},
		{"family": "b", "containerDefinitions": [{"name": "app", "image": "nginx:1", "memoryReservation": 64}]},
	])
	count(rule.deny) == 0 with input as inp
}
