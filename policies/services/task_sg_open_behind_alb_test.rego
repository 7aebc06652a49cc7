package ecsaudit.rules.task_sg_open_behind_alb_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.task_sg_open_behind_alb as rule

test_flags_world_open_container_port if {
	inp := testing.alb_service({"task_ingress": [testing.tcp(8080, 8080, ["0.0.0.0/0"], [])]})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.message, "bypass")
}

test_allows_alb_only_or_other_port if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"task_ingress": [testing.tcp(8080, 8080, [], ["sg-alb"]), testing.tcp(22, 22, ["0.0.0.0/0"], [])]})
	count(rule.deny) == 0 with input as inp2
}
