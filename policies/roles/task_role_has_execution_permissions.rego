# METADATA
# title: Task role carries the execution-role policy
# description: |
#   AmazonECSTaskExecutionRolePolicy is attached to the task role. That policy is for the
#   ECS agent (pull images, write logs); attached to the task role it lets the
#   application's code pull any image in the account's registries and write to any log
#   group. It usually means the two roles were confused.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
#     description: Amazon ECS task execution IAM role
# custom:
#   id: EA806
#   severity: medium
#   tags: [security, iam, live]
#   precision: very-high
#   remediation: |
#     Detach AmazonECSTaskExecutionRolePolicy from the task role and attach it to the
#     execution role (`executionRoleArn`).
package ecsaudit.rules.task_role_has_execution_permissions

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some role in lib.linked(td, "task_role")
	not role.id in object.get(td, ["derived", "links", "out", "execution_role"], [])
	some p in lib.linked(role, "attached_policy")
	endswith(p.id, "/AmazonECSTaskExecutionRolePolicy")
	finding := {
		"resource": td.id,
		"pointer": "/taskRoleArn",
		"message": sprintf(
			"task role %q of task definition %q has %s attached; that policy belongs on the execution role",
			[role.name, td.name, p.name],
		),
		"related": [role.id, p.id],
	}
}
