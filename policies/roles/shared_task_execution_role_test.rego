package ecsaudit.rules.shared_task_execution_role_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.shared_task_execution_role as rule

roles(task, exec) := testing.graph([{"family": "web", "taskRoleArn": task, "executionRoleArn": exec, "containerDefinitions": [{"name": "a", "image": "x:1"}]}])

test_flags_same_role if {
	count(rule.deny) == 1 with input as roles("arn:aws:iam::1:role/app", "arn:aws:iam::1:role/app")
}

test_allows_distinct_roles if {
	count(rule.deny) == 0 with input as roles("arn:aws:iam::1:role/app", "arn:aws:iam::1:role/exec")
}
