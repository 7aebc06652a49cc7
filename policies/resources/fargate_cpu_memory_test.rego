package ecsaudit.rules.fargate_cpu_memory_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.fargate_cpu_memory as rule

fargate(extra) := testing.graph([object.union({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx:1"}]}, extra)])

test_flags_missing_memory if {
	inp := fargate({"cpu": "256"})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/memory"
}

test_flags_invalid_pair if {
	inp := fargate({"cpu": "256", "memory": "4096"})
	findings := rule.deny with input as inp
	count(findings) == 1
}

test_flags_unparseable_value if {
	inp := fargate({"cpu": "lots", "memory": "1024"})
	count(rule.deny) == 1 with input as inp
}

test_allows_valid_pairs if {
	inp := fargate({"cpu": "256", "memory": "512"})
	count(rule.deny) == 0 with input as inp
	inp2 := fargate({"cpu": "1 vCPU", "memory": "3 GB"})
	count(rule.deny) == 0 with input as inp2
	inp3 := fargate({"cpu": "8192", "memory": "20480"})
	count(rule.deny) == 0 with input as inp3
}

test_ignores_ec2_tasks if {
	inp := testing.graph([{"family": "web", "requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": "app", "image": "nginx:1", "memory": 256}]}])
	count(rule.deny) == 0 with input as inp
}

# Every size's bounds and step, on both sides.
test_sizes_at_the_edges_of_each_range if {
	every pair in [["256", "2048"], ["512", "1024"], ["512", "4096"], ["2048", "16384"], ["4096", "30720"], ["8192", "16384"], ["8192", "61440"], ["16384", "32768"], ["16384", "40960"], ["16384", "122880"]] {
		inp := fargate({"cpu": pair[0], "memory": pair[1]})
		count(rule.deny) == 0 with input as inp
	}
	every pair in [["256", "256"], ["256", "1536"], ["512", "512"], ["512", "1536"], ["4096", "31744"], ["8192", "18432"], ["16384", "36864"], ["16384", "131072"], ["300", "1024"]] {
		inp2 := fargate({"cpu": pair[0], "memory": pair[1]})
		count(rule.deny) == 1 with input as inp2
	}
}

test_missing_and_unusable_values_say_which if {
	inp := fargate({"memory": "a lot"})
	findings := rule.deny with input as inp
	messages := {f.pointer: f.message | some f in findings}
	count(findings) == 2
	contains(messages["/cpu"], "sets no task-level `cpu`")
	contains(messages["/memory"], "has task `memory` a lot, which is not a valid value")
}
