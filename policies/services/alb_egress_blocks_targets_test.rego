package ecsaudit.rules.alb_egress_blocks_targets_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.alb_egress_blocks_targets as rule

test_flags_egress_only_to_https if {
	inp := testing.alb_service({"lb_egress": [testing.tcp(443, 443, ["0.0.0.0/0"], [])]})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.resource == testing.arn_lb
	contains(f.message, "TCP 8080")
	contains(f.message, "sg-task (web-task)")
}

test_flags_bridge_egress_without_ephemeral if {
	inp := testing.alb_service({"network_mode": "bridge", "lb_egress": [testing.tcp(8080, 8080, [], ["sg-inst"])]})
	count(rule.deny) == 1 with input as inp
}

test_allows_group_and_default_egress if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"lb_egress": [testing.tcp(8080, 8080, [], ["sg-task"])]})
	count(rule.deny) == 0 with input as inp2
	inp3 := testing.alb_service({"network_mode": "bridge", "lb_egress": [testing.tcp(32768, 65535, [], ["sg-inst"])]})
	count(rule.deny) == 0 with input as inp3
}

# ec2:DescribeSubnets denied: egress allowed only to a CIDR cannot be judged (the task
# subnets' CIDRs are unknown), so no finding; egress naming no CIDR still can be.
test_unread_subnets_are_not_judged_unless_they_cannot_matter if {
	to_cidr := {"subnet_status": "unavailable", "lb_egress": [testing.tcp(8080, 8080, ["10.0.0.0/16"], [])]}
	inp := testing.alb_service(to_cidr)
	count(rule.deny) == 0 with input as inp
	https_only := {"subnet_status": "unavailable", "lb_egress": [testing.tcp(443, 443, ["0.0.0.0/0"], [])]}
	inp2 := testing.alb_service(https_only)
	count(rule.deny) == 1 with input as inp2
	to_other_cidr := {"subnet_status": "complete", "lb_egress": [testing.tcp(8080, 8080, ["10.9.0.0/16"], [])]}
	inp3 := testing.alb_service(to_other_cidr)
	count(rule.deny) == 1 with input as inp3
}
