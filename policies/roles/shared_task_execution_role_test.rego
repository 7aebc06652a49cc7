package ecsaudit.rules.shared_task_execution_role_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.shared_task_execution_role as rule

roles(task, exec) := testing.graph([{"family": "web", "taskRoleArn": task, "executionRoleArn": exec, "containerDefinitions": [{"name": "a", "image": "x:1"}]}])

test_flags_same_role if {
	inp := roles("arn:aws:iam::1:role/app", "arn:aws:iam::1:role/app")
	count(rule.deny) == 1 with input as inp
}

test_allows_distinct_roles if {
	inp := roles("arn:aws:iam::1:role/app", "arn:aws:iam::1:role/exec")
	count(rule.deny) == 0 with input as inp
}
