# METADATA
# title: Role trust for ECS tasks has no source-account condition
# description: |
#   The trust statement letting `ecs-tasks.amazonaws.com` assume the task or execution
#   role has no `aws:SourceAccount` or `aws:SourceArn` condition. Any account's ECS
#   tasks could then be handed the role through the service (the confused-deputy
#   problem).
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
#     description: The confused deputy problem
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
#     description: Amazon ECS task IAM role
# custom:
#   id: EA804
#   severity: low
#   tags: [security, iam, live]
#   precision: high
#   remediation: |
#     Add `"Condition": {"StringEquals": {"aws:SourceAccount": "<account id>"}}` (or an
#     `ArnLike` on `aws:SourceArn` for the account's ECS resources) to the trust
#     statement.
package ecsaudit.rules.role_trust_confused_deputy

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.iam_roles
import data.ecsaudit.lib.iam

deny contains finding if {
	some role in iam_roles
	lib.complete(role)
	some i, s in iam.statements(role.properties.AssumeRolePolicyDocument)
	s in iam.ecs_trust_statements(role)
	not iam.source_condition(s)
	users := [td.name | some k in role_kinds; some td in lib.linked_from(role, k)]
	finding := {
		"resource": role.id,
		"pointer": sprintf("/AssumeRolePolicyDocument/Statement/%d", [i]),
		"message": sprintf(
			"role %q (used by %s) lets ecs-tasks.amazonaws.com assume it without an aws:SourceAccount or aws:SourceArn condition",
			[role.name, concat(", ", sort(users))],
		),
		"related": [id | some k in role_kinds; some id in role.derived.links["in"][k]],
	}
}

# The edges from a task definition to the roles it uses.
role_kinds := ["task_role", "execution_role"]
