# METADATA
# title: Containers reserve more memory than the task has
# description: |
#   The containers' memory (hard limit, or reservation where no hard limit is set) adds
#   up to more than the task-level `memory`. Registration fails, or containers are
#   killed under load.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size
#     description: Task size
# custom:
#   id: EA403
#   severity: medium
#   tags: [reliability]
#   precision: very-high
#   remediation: |
#     Raise task `memory` or lower the containers' `memory`/`memoryReservation` so their
#     sum fits.
#   example: |
#     "memory": "1024", "containerDefinitions": [{"name": "app", "memory": 768}, {"name": "sidecar", "memory": 256}]
package ecsaudit.rules.container_memory_exceeds_task

import rego.v1

import data.ecsaudit.lib.task_definitions

container_memory(c) := c.memory if is_number(c.memory)

else := c.memoryReservation if is_number(c.memoryReservation)

else := 0

deny contains finding if {
	some td in task_definitions
	task := td.derived.memory_mib
	is_number(task)
	total := sum([container_memory(c) | some c in td.properties.containerDefinitions])
	total > task
	finding := {
		"resource": td.id,
		"pointer": "/memory",
		"message": sprintf(
			"task definition %q: containers reserve %d MiB but the task has %d MiB; raise task memory or lower container limits",
			[td.name, total, task],
		),
	}
}
