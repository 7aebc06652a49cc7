package ecsaudit.rules.execution_role_missing_permissions_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.execution_role_missing_permissions as rule

secret_arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"

needs_everything := {
	"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4",
	"secrets": [{"name": "DB_PASSWORD", "valueFrom": sprintf("%s:password::", [secret_arn])}, {"name": "API_KEY", "valueFrom": "/prod/api-key"}],
	"logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-stream-prefix": "web", "awslogs-create-group": "true"}},
	"environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::config-bucket/web.env"}],
}

actions(findings) := {a | some f in findings; some a in ["secretsmanager:GetSecretValue", "ssm:GetParameters", "ecr:BatchGetImage", "logs:CreateLogGroup", "logs:PutLogEvents", "s3:GetObject"]; contains(f.message, a)}

test_flags_each_missing_permission if {
	inp := testing.alb_service({"container": needs_everything, "exec_statements": []})
	findings := rule.deny with input as inp
	actions(findings) == {"secretsmanager:GetSecretValue", "ssm:GetParameters", "ecr:BatchGetImage", "logs:CreateLogGroup", "logs:PutLogEvents", "s3:GetObject"}
	some f in findings
	contains(f.message, "secretsmanager:GetSecretValue")
	f.pointer == "/containerDefinitions/0/secrets/0"
	contains(f.message, secret_arn)
}

test_flags_explicit_deny_and_scoped_resources if {
	stmts := array.concat(testing.exec_permissions, [
		{"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"},
		{"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/other"},
		{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::config-bucket/*"},
	])
	inp := testing.alb_service({"container": needs_everything, "exec_statements": stmts})
	findings := rule.deny with input as inp
	actions(findings) == {"secretsmanager:GetSecretValue", "logs:CreateLogGroup"}
}

test_allows_wildcards_and_not_action if {
	stmts := [
		{"Effect": "Allow", "Action": ["ecr:*", "logs:*", "ssm:Get*", "secretsmanager:GetSecretValue"], "Resource": "*"},
		{"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::other/*"},
	]
	inp := testing.alb_service({"container": needs_everything, "exec_statements": stmts})
	count(rule.deny) == 0 with input as inp
}

test_ignores_unreadable_role_and_public_images if {
	inp := testing.alb_service({"container": needs_everything, "exec_statements": [], "exec_role_status": "unavailable"})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"exec_statements": []})
	count(rule.deny) == 0 with input as inp2
}
