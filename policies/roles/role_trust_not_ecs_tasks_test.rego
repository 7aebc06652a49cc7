package ecsaudit.rules.role_trust_not_ecs_tasks_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.role_trust_not_ecs_tasks as rule

ec2_trust := {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

test_flags_role_trusting_another_service if {
	inp := testing.alb_service({"exec_trust": ec2_trust})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/executionRoleArn"
	contains(f.message, "web-exec")
	f.related == [testing.arn_exec_role]
}

test_allows_ecs_trust_with_list_principals if {
	trust := {"Statement": {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}}
	inp := testing.alb_service({"task_trust": trust})
	count(rule.deny) == 0 with input as inp
}

test_ignores_unreadable_roles if {
	inp := testing.alb_service({"exec_trust": ec2_trust, "exec_role_status": "unavailable"})
	count(rule.deny) == 0 with input as inp
}
