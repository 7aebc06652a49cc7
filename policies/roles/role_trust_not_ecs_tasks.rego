# METADATA
# title: Task or execution role does not trust ecs-tasks.amazonaws.com
# description: |
#   The role named as `taskRoleArn` or `executionRoleArn` has no trust-policy statement
#   that lets the `ecs-tasks.amazonaws.com` service principal call `sts:AssumeRole`.
#   ECS cannot hand it to the task: tasks fail to start (execution role) or the
#   application gets no credentials (task role). Usually the wrong role was picked.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
#     description: Amazon ECS task IAM role
# custom:
#   id: EA803
#   severity: high
#   tags: [iam, reliability, live]
#   precision: very-high
#   remediation: |
#     Point the task definition at a role meant for ECS tasks, or add a trust statement
#     allowing `ecs-tasks.amazonaws.com` to `sts:AssumeRole` (with an aws:SourceAccount
#     condition).
#   example: |
#     {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
#      "Action": "sts:AssumeRole",
#      "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}
package ecsaudit.rules.role_trust_not_ecs_tasks

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.iam
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some edge in ["task_role", "execution_role"]
	some role in lib.linked(td, edge)
	lib.complete(role)
	count(iam.ecs_trust_statements(role)) == 0
	finding := {
		"resource": td.id,
		"pointer": pointer(edge),
		"message": sprintf(
			"task definition %q uses role %q as its %s, but the role's trust policy does not admit ecs-tasks.amazonaws.com",
			[td.name, role.name, replace(edge, "_", " ")],
		),
		"related": [role.id],
	}
}

pointer("task_role") := "/taskRoleArn"

pointer("execution_role") := "/executionRoleArn"
