# METADATA
# title: Task or execution role does not exist
# description: |
#   The task definition names a `taskRoleArn` or `executionRoleArn` that IAM does not
#   know (deleted, renamed, or in another account). New tasks fail to start or run
#   without credentials.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
#     description: Amazon ECS task IAM role
# custom:
#   id: EA807
#   severity: high
#   tags: [iam, reliability, live]
#   precision: very-high
#   remediation: |
#     Create the role, or register a new revision naming an existing role.
package ecsaudit.rules.role_not_found

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some edge in ["task_role", "execution_role"]
	some role in lib.linked(td, edge)
	role.status == "not_found"
	field := {"task_role": "/taskRoleArn", "execution_role": "/executionRoleArn"}[edge]
	finding := {
		"resource": td.id,
		"pointer": field,
		"message": sprintf(
			"task definition %q names %s %s, which does not exist",
			[td.name, replace(edge, "_", " "), role.id],
		),
		"related": [role.id],
	}
}
