package ecsaudit.rules.execution_role_missing_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.execution_role_missing as rule

td(extra, c) := testing.graph([object.union({"family": "web", "containerDefinitions": [object.union({"name": "a", "image": "nginx:1"}, c)]}, extra)])

test_flags_awslogs_without_role if {
	findings := rule.deny with input as td({}, {"logConfiguration": {"logDriver": "awslogs"}})
	count(findings) == 1
	some f in findings
	contains(f.message, "awslogs")
}

test_flags_private_ecr_and_secrets if {
	findings := rule.deny with input as td({}, {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1", "secrets": [{"name": "A", "valueFrom": "arn:x"}]})
	some f in findings
	contains(f.message, "private ECR image")
	contains(f.message, "`secrets`")
}

test_allows_with_role_or_no_need if {
	count(rule.deny) == 0 with input as td({"executionRoleArn": "arn:aws:iam::1:role/x"}, {"logConfiguration": {"logDriver": "awslogs"}})
	count(rule.deny) == 0 with input as td({}, {"image": "public.ecr.aws/nginx/nginx:1"})
}
