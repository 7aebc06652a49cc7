# METADATA
# title: ECS Exec enabled but the task role cannot open its channels
# description: |
#   The service sets `enableExecuteCommand`, but the task role of the task definition it
#   runs does not allow the `ssmmessages` actions ECS Exec needs
#   (`CreateControlChannel`, `CreateDataChannel`, `OpenControlChannel`,
#   `OpenDataChannel`), or there is no task role. `aws ecs execute-command` fails; if
#   ECS Exec is not wanted, turn it off instead.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
#     description: Monitor Amazon ECS containers with ECS Exec
# custom:
#   id: EA809
#   severity: low
#   tags: [iam, reliability, live]
#   precision: high
#   remediation: |
#     Allow ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel and
#     OpenDataChannel on "*" in the task role, or set enableExecuteCommand to false.
package ecsaudit.rules.exec_command_without_ssm_permissions

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.services
import data.ecsaudit.lib.iam

channel_actions := [
	"ssmmessages:CreateControlChannel",
	"ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel",
	"ssmmessages:OpenDataChannel",
]

deny contains finding if {
	some svc in services
	svc.properties.enableExecuteCommand == true
	some td in lib.linked(svc, "uses_task_definition")
	lib.complete(td)
	svc.properties.taskDefinition == td.id
	some role in lib.linked(td, "task_role")
	iam.complete(role)
	missing := [a | some a in channel_actions; not iam.allows(role, a, "*")]
	count(missing) > 0
	finding := {
		"resource": svc.id,
		"pointer": "/enableExecuteCommand",
		"message": sprintf(
			"service %q enables ECS Exec but task role %q of task definition %q does not allow %s",
			[svc.name, role.name, td.name, concat(", ", missing)],
		),
		"related": [td.id, role.id],
	}
}

deny contains finding if {
	some svc in services
	svc.properties.enableExecuteCommand == true
	some td in lib.linked(svc, "uses_task_definition")
	lib.complete(td)
	svc.properties.taskDefinition == td.id
	not td.properties.taskRoleArn
	finding := {
		"resource": svc.id,
		"pointer": "/enableExecuteCommand",
		"message": sprintf(
			"service %q enables ECS Exec but task definition %q has no task role",
			[svc.name, td.name],
		),
		"related": [td.id],
	}
}
