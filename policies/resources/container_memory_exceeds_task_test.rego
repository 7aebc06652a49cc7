package ecsaudit.rules.container_memory_exceeds_task_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.container_memory_exceeds_task as rule

td(mem, cs) := testing.graph([{"family": "web", "memory": mem, "containerDefinitions": cs}])

test_flags_oversubscribed_task if {
	inp := td("1024", [{"name": "a", "image": "x:1", "memory": 768}, {"name": "b", "image": "x:1", "memoryReservation": 512}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.message, "1280 MiB")
}

test_allows_fitting_containers if {
	inp := td("1 GB", [{"name": "a", "image": "x:1", "memory": 512}, {"name": "b", "image": "x:1", "memoryReservation": 512}])
	count(rule.deny) == 0 with input as inp
}
