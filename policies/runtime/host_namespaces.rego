# METADATA
# title: Task shares the host's PID, IPC or network namespace
# description: |
#   `pidMode: host` lets containers see and signal every process on the instance,
#   `ipcMode: host` shares the host's IPC (shared memory), and `networkMode: host` puts
#   containers on the host's network stack, bypassing task isolation and security
#   groups for tasks.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3
#     description: "Security Hub ECS.3: task definitions should not share the host's process namespace"
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#network_mode
#     description: Network mode
# custom:
#   id: EA505
#   severity: high
#   controls:
#     security_hub: [ECS.3, ECS.17]
#     control_tower: [CT.ECS.PR.10, CT.ECS.PR.8]
#     config:
#       - ecs-task-definition-pid-mode-check
#       - ecs-task-definition-network-mode-not-host
#       - ecs-task-definition-user-for-host-mode-check
#     prowler:
#       - ecs_task_definitions_host_namespace_not_shared
#       - ecs_task_definitions_host_networking_mode_users
#     checkov: [CKV_AWS_335]
#   tags: [security, runtime, network]
#   precision: very-high
#   remediation: |
#     Remove `pidMode`/`ipcMode` host (use `task` to share between the task's own
#     containers) and use the awsvpc network mode.
#   example: |
#     "networkMode": "awsvpc", "pidMode": "task"
package ecsaudit.rules.host_namespaces

import rego.v1

import data.ecsaudit.lib.task_definitions

namespaces := {"pidMode": "process (PID)", "ipcMode": "IPC", "networkMode": "network"}

# The rule's controls (METADATA) each namespace is about: IPC is none of them.
controls := {
	"pidMode": [
		"ECS.3", "CT.ECS.PR.10", "ecs-task-definition-pid-mode-check",
		"ecs_task_definitions_host_namespace_not_shared", "CKV_AWS_335",
	],
	"ipcMode": [],
	"networkMode": [
		"ECS.17", "CT.ECS.PR.8", "ecs-task-definition-network-mode-not-host",
		"ecs-task-definition-user-for-host-mode-check",
		"ecs_task_definitions_host_networking_mode_users",
	],
}

deny contains finding if {
	some td in task_definitions
	some field, what in namespaces
	td.properties[field] == "host"
	finding := {
		"resource": td.id,
		"pointer": concat("", ["/", field]),
		"message": sprintf(
			"task definition %q sets %s to host: containers share the host's %s namespace",
			[td.name, field, what],
		),
		"controls": controls[field],
	}
}
