package ecsaudit.rules.role_not_found_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.role_not_found as rule

test_flags_missing_execution_role if {
	inp := testing.alb_service({"exec_role_status": "not_found"})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/executionRoleArn"
}

test_ignores_unavailable_and_present_roles if {
	inp := testing.alb_service({"exec_role_status": "unavailable"})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({})
	count(rule.deny) == 0 with input as inp2
}
