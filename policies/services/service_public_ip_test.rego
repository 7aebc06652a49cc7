package ecsaudit.rules.service_public_ip_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.service_public_ip as rule

test_flags_public_ip if {
	inp := testing.alb_service({"assign_public_ip": "ENABLED"})
	count(rule.deny) == 1 with input as inp
}

test_allows_private_tasks if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"network_mode": "bridge"})
	count(rule.deny) == 0 with input as inp2
}
