package ecsaudit.rules.task_role_overly_broad_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.task_role_overly_broad as rule

admin := {"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}

test_flags_attached_administrator_access_as_critical if {
	inp := testing.alb_service({"task_managed": [admin]})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.severity == "critical"
	contains(f.message, "AdministratorAccess")
	testing.arn_task_role in f.related
}

test_flags_service_wildcard_raised_when_internet_facing if {
	stmts := [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]
	inp := testing.alb_service({"task_statements": stmts})
	internal := rule.deny with input as inp
	some f in internal
	f.severity == "high"
	inp2 := testing.alb_service({"task_statements": stmts, "scheme": "internet-facing"})
	public := rule.deny with input as inp2
	some g in public
	g.severity == "critical"
	contains(g.message, "reachable from the internet")
}

test_flags_not_action if {
	stmts := [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]
	inp := testing.alb_service({"task_statements": stmts})
	some f in rule.deny with input as inp
	contains(f.message, "NotAction")
}

test_allows_scoped_statements if {
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
	stmts := [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::web-assets/*"}]
	inp2 := testing.alb_service({"task_statements": stmts})
	count(rule.deny) == 0 with input as inp2
}

test_ignores_incomplete_policies if {
	inp := testing.alb_service({"task_managed": [admin], "task_role_status": "unavailable"})
	count(rule.deny) == 0 with input as inp
}
