# METADATA
# title: Task role and execution role are the same role
# description: |
#   `taskRoleArn` equals `executionRoleArn`. The application then holds everything the
#   ECS agent needs (pulling any image, reading every secret the task is given, writing
#   logs) and the agent holds everything the application needs: neither is least
#   privilege.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
#     description: Amazon ECS task IAM role
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
#     description: Amazon ECS task execution IAM role
# custom:
#   id: EA802
#   severity: medium
#   controls:
#     checkov: [CKV_AWS_249]
#   tags: [security, iam]
#   precision: very-high
#   remediation: |
#     Create separate roles: an execution role with AmazonECSTaskExecutionRolePolicy and
#     secret access, and a task role with only what the application calls.
#   example: |
#     "taskRoleArn": "arn:aws:iam::123456789012:role/web-task",
#     "executionRoleArn": "arn:aws:iam::123456789012:role/web-execution"
package ecsaudit.rules.shared_task_execution_role

import rego.v1

import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	role := td.properties.taskRoleArn
	is_string(role)
	role != ""
	role == td.properties.executionRoleArn
	finding := {
		"resource": td.id,
		"pointer": "/taskRoleArn",
		"message": sprintf(
			"task definition %q uses %s as both task role and execution role; split them",
			[td.name, role],
		),
	}
}
