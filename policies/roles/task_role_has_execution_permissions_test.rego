package ecsaudit.rules.task_role_has_execution_permissions_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.task_role_has_execution_permissions as rule

exec_policy := {"arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", "document": {"Statement": [{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]}}

test_flags_execution_policy_on_task_role if {
	inp := testing.alb_service({"task_managed": [exec_policy]})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.message, "AmazonECSTaskExecutionRolePolicy")
}

test_allows_other_policies if {
	other := {"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "document": {"Statement": []}}
	inp := testing.alb_service({"task_managed": [other]})
	count(rule.deny) == 0 with input as inp
}
