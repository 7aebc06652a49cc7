package ecsaudit.rules.alb_to_task_sg_gap_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.alb_to_task_sg_gap as rule

test_flags_task_group_without_alb_rule if {
	inp := testing.alb_service({"task_ingress": [testing.tcp(443, 443, [], ["sg-alb"])]})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.message, "sg-task (web-task)")
	contains(f.message, "sg-alb (alb)")
	contains(f.message, "TCP 8080")
	testing.arn_alb_sg in f.related
	testing.arn_task_sg in f.related
}

test_allows_group_rule_cidr_and_all_traffic if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"task_ingress": [testing.tcp(8000, 9000, ["10.0.0.0/16"], [])]})
	count(rule.deny) == 0 with input as inp2
	inp3 := testing.alb_service({"task_ingress": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-alb"}]}]})
	count(rule.deny) == 0 with input as inp3
}

test_ignores_bridge_services if {
	inp := testing.alb_service({"network_mode": "bridge", "instance_ingress": []})
	count(rule.deny) == 0 with input as inp
}

# ec2:DescribeSubnets denied: a CIDR rule on the port might admit the load balancer's
# subnets, which could not be read, so no finding; without one the gap is certain.
test_unread_subnets_are_not_judged_unless_they_cannot_matter if {
	by_cidr := {"subnet_status": "unavailable", "task_ingress": [testing.tcp(8080, 8080, ["10.0.0.0/16"], [])]}
	inp := testing.alb_service(by_cidr)
	count(rule.deny) == 0 with input as inp
	no_rule := {"subnet_status": "unavailable", "task_ingress": [testing.tcp(443, 443, [], ["sg-alb"])]}
	inp2 := testing.alb_service(no_rule)
	count(rule.deny) == 1 with input as inp2
	other_cidr := {"subnet_status": "complete", "task_ingress": [testing.tcp(8080, 8080, ["10.9.0.0/16"], [])]}
	inp3 := testing.alb_service(other_cidr)
	count(rule.deny) == 1 with input as inp3
}
