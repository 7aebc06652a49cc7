# METADATA
# title: Fargate task with a network mode other than awsvpc
# description: |
#   Fargate supports only the awsvpc network mode; a task definition that requires
#   FARGATE with bridge, host or none cannot be registered or run.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
#     description: Fargate task networking
# custom:
#   id: EA603
#   severity: high
#   tags: [reliability, fargate, network]
#   precision: very-high
#   remediation: |
#     Set `"networkMode": "awsvpc"`.
#   example: |
#     "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc"
package ecsaudit.rules.fargate_network_mode

import rego.v1

import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	td.derived.fargate
	mode := td.properties.networkMode
	mode != "awsvpc"
	finding := {
		"resource": td.id,
		"pointer": "/networkMode",
		"message": sprintf(
			"task definition %q requires FARGATE but uses network mode %q; Fargate supports only awsvpc",
			[td.name, mode],
		),
	}
}
