package ecsaudit.rules.health_check_port_mismatch_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.health_check_port_mismatch as rule

test_flags_fixed_port_with_dynamic_host_ports if {
	inp := testing.alb_service({"network_mode": "bridge", "health_check_port": "8080"})
	some f in rule.deny with input as inp
	contains(f.message, "TCP 32768-65535")
}

test_flags_other_port_on_awsvpc if {
	inp := testing.alb_service({"health_check_port": "9090"})
	count(rule.deny) == 1 with input as inp
}

test_allows_traffic_port_and_same_port if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"health_check_port": "8080"})
	count(rule.deny) == 0 with input as inp2
	inp3 := testing.alb_service({"network_mode": "bridge"})
	count(rule.deny) == 0 with input as inp3
}
