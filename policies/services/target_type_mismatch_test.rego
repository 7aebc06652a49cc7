package ecsaudit.rules.target_type_mismatch_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.target_type_mismatch as rule

test_flags_instance_targets_for_awsvpc if {
	inp := testing.alb_service({"target_type": "instance"})
	some f in rule.deny with input as inp
	contains(f.message, "needs \"ip\"")
}

test_flags_ip_targets_for_bridge if {
	inp := testing.alb_service({"network_mode": "bridge", "target_type": "ip"})
	count(rule.deny) == 1 with input as inp
}

test_allows_matching_types if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"network_mode": "bridge"})
	count(rule.deny) == 0 with input as inp2
}
