# METADATA
# title: EC2 container without any memory limit
# description: |
#   On the EC2 launch type a container needs `memory` or `memoryReservation` unless the
#   task sets task-level `memory`. Without any of them registration fails; with only
#   a loose reservation one container can starve the instance.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory
#     description: Container memory parameters
# custom:
#   id: EA402
#   severity: medium
#   controls:
#     control_tower: [CT.ECS.PR.7]
#     config: [ecs-task-definition-memory-hard-limit]
#   tags: [reliability, ec2]
#   precision: very-high
#   remediation: |
#     Set a container hard limit (`memory`) or soft limit (`memoryReservation`), or a
#     task-level `memory`.
#   example: |
#     {"name": "app", "image": "...", "memoryReservation": 256, "memory": 512}
package ecsaudit.rules.container_memory_unset

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	not td.derived.fargate
	not td.properties.memory
	some i, c in td.properties.containerDefinitions
	not c.memory
	not c.memoryReservation
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d", [i]),
		"message": sprintf(
			"%s sets neither `memory` nor `memoryReservation` and the task has no `memory`; set a limit",
			[td.derived.containers[i].label],
		),
	}
}
