package ecsaudit.rules.service_public_ip_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.service_public_ip as rule

test_flags_public_ip if {
	count(rule.deny) == 1 with input as testing.alb_service({"assign_public_ip": "ENABLED"})
}

test_allows_private_tasks if {
	count(rule.deny) == 0 with input as testing.alb_service({})
	count(rule.deny) == 0 with input as testing.alb_service({"network_mode": "bridge"})
}
