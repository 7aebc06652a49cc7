package ecsaudit.rules.task_role_overly_broad_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.task_role_overly_broad as rule

admin := {"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}

test_flags_attached_administrator_access_as_critical if {
	findings := rule.deny with input as testing.alb_service({"task_managed": [admin]})
	count(findings) == 1
	some f in findings
	f.severity == "critical"
	contains(f.message, "AdministratorAccess")
	testing.arn_task_role in f.related
}

test_flags_service_wildcard_raised_when_internet_facing if {
	stmts := [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]
	internal := rule.deny with input as testing.alb_service({"task_statements": stmts})
	some f in internal
	f.severity == "high"
	public := rule.deny with input as testing.alb_service({"task_statements": stmts, "scheme": "internet-facing"})
	some g in public
	g.severity == "critical"
	contains(g.message, "reachable from the internet")
}

test_flags_not_action if {
	stmts := [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]
	some f in rule.deny with input as testing.alb_service({"task_statements": stmts})
	contains(f.message, "NotAction")
}

test_allows_scoped_statements if {
	count(rule.deny) == 0 with input as testing.alb_service({})
	stmts := [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::web-assets/*"}]
	count(rule.deny) == 0 with input as testing.alb_service({"task_statements": stmts})
}

test_ignores_incomplete_policies if {
	count(rule.deny) == 0 with input as testing.alb_service({"task_managed": [admin], "task_role_status": "unavailable"})
}
