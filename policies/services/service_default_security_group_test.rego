package ecsaudit.rules.service_default_security_group_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.service_default_security_group as rule

test_flags_default_group if {
	inp := testing.alb_service({"task_sg_name": "default"})
	some f in rule.deny with input as inp
	contains(f.message, "default security group sg-task (default)")
}

test_flags_no_groups if {
	inp := json.remove(testing.alb_service({}), [["nodes", testing.arn_service, "properties", "networkConfiguration", "awsvpcConfiguration", "securityGroups"]])
	some f in rule.deny with input as inp
	contains(f.message, "lists no security groups")
}

test_allows_dedicated_group if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
}
