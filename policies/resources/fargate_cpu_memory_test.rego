package ecsaudit.rules.fargate_cpu_memory_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.fargate_cpu_memory as rule

fargate(extra) := testing.graph([object.union({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx:1"}]}, extra)])

test_flags_missing_memory if {
	findings := rule.deny with input as fargate({"cpu": "256"})
	count(findings) == 1
	some f in findings
	f.pointer == "/memory"
}

test_flags_invalid_pair if {
	findings := rule.deny with input as fargate({"cpu": "256", "memory": "4096"})
	count(findings) == 1
}

test_flags_unparseable_value if {
	count(rule.deny) == 1 with input as fargate({"cpu": "lots", "memory": "1024"})
}

test_allows_valid_pairs if {
	count(rule.deny) == 0 with input as fargate({"cpu": "256", "memory": "512"})
	count(rule.deny) == 0 with input as fargate({"cpu": "1 vCPU", "memory": "3 GB"})
	count(rule.deny) == 0 with input as fargate({"cpu": "8192", "memory": "20480"})
}

test_ignores_ec2_tasks if {
	inp := testing.graph([{"family": "web", "requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": "app", "image": "nginx:1", "memory": 256}]}])
	count(rule.deny) == 0 with input as inp
}
