package ecsaudit.rules.exec_command_without_ssm_permissions_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.exec_command_without_ssm_permissions as rule

test_flags_exec_without_channels if {
	inp := testing.alb_service({"exec": true})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.resource == testing.arn_service
	contains(f.message, "ssmmessages:OpenDataChannel")
}

test_flags_exec_without_task_role if {
	inp := json.remove(testing.alb_service({"exec": true}), [["nodes", testing.arn_td, "properties", "taskRoleArn"]])
	some f in rule.deny with input as inp
	contains(f.message, "no task role")
}

test_allows_exec_with_channels_or_exec_off if {
	stmts := [{"Effect": "Allow", "Action": "ssmmessages:*", "Resource": "*"}]
	inp := testing.alb_service({"exec": true, "task_statements": stmts})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({})
	count(rule.deny) == 0 with input as inp2
}
