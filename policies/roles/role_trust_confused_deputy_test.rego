package ecsaudit.rules.role_trust_confused_deputy_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.role_trust_confused_deputy as rule

open_trust := {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

test_flags_trust_without_condition if {
	inp := testing.alb_service({"task_trust": open_trust})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.resource == testing.arn_task_role
	contains(f.message, "web:3")
}

test_allows_source_arn_condition if {
	trust := {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*"}}}]}
	inp := testing.alb_service({"task_trust": trust})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({})
	count(rule.deny) == 0 with input as inp2
}
