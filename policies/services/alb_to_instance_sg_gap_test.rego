package ecsaudit.rules.alb_to_instance_sg_gap_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.alb_to_instance_sg_gap as rule

test_flags_missing_ephemeral_range if {
	inp := testing.alb_service({"network_mode": "bridge", "instance_ingress": [testing.tcp(80, 80, [], ["sg-alb"])]})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.message, "TCP 32768-65535")
	contains(f.message, "dynamic")
	contains(f.message, "sg-inst (ecs-instances)")
	testing.arn_inst_sg in f.related
}

test_flags_partial_range_and_fixed_port if {
	inp := testing.alb_service({"network_mode": "bridge", "instance_ingress": [testing.tcp(32768, 40000, [], ["sg-alb"])]})
	count(rule.deny) == 1 with input as inp
	inp2 := testing.alb_service({"network_mode": "bridge", "host_port": 8080, "instance_ingress": [testing.tcp(32768, 65535, [], ["sg-alb"])]})
	some f in rule.deny with input as inp2
	contains(f.message, "TCP 8080")
}

test_allows_ephemeral_range_from_alb if {
	inp := testing.alb_service({"network_mode": "bridge"})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"network_mode": "bridge", "instance_ingress": [testing.tcp(0, 65535, ["10.0.1.0/24"], [])]})
	count(rule.deny) == 0 with input as inp2
}

# ec2:DescribeSubnets denied: see alb_to_task_sg_gap_test.
test_unread_subnets_are_not_judged_unless_they_cannot_matter if {
	base := {"network_mode": "bridge", "subnet_status": "unavailable"}
	by_cidr := object.union(base, {"instance_ingress": [testing.tcp(32768, 65535, ["10.0.0.0/16"], [])]})
	inp := testing.alb_service(by_cidr)
	count(rule.deny) == 0 with input as inp
	no_rule := object.union(base, {"instance_ingress": [testing.tcp(22, 22, ["10.0.0.0/8"], [])]})
	inp2 := testing.alb_service(no_rule)
	count(rule.deny) == 1 with input as inp2
}
