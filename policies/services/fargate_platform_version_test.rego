package ecsaudit.rules.fargate_platform_version_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.fargate_platform_version as rule

test_flags_pinned_version if {
	inp := testing.alb_service({"platform_version": "1.3.0"})
	some f in rule.deny with input as inp
	contains(f.message, "1.3.0")
}

test_allows_latest_and_ec2 if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"network_mode": "bridge"})
	count(rule.deny) == 0 with input as inp2
}
