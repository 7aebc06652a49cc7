# METADATA
# title: awslogs driver without log group or region
# description: |
#   The awslogs driver needs `awslogs-group` and `awslogs-region` options. Without
#   them the container fails to start (the agent cannot create the log stream) or logs
#   go to an unexpected place.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
#     description: Using the awslogs log driver
# custom:
#   id: EA303
#   severity: medium
#   tags: [logging, reliability]
#   precision: very-high
#   remediation: |
#     Set both `awslogs-group` and `awslogs-region` (and usually `awslogs-stream-prefix`).
#   example: |
#     "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}
package ecsaudit.rules.awslogs_incomplete

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

required := ["awslogs-group", "awslogs-region"]

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	c.logConfiguration.logDriver == "awslogs"
	options := object.get(c.logConfiguration, "options", {})
	missing := [o | some o in required; not options[o]]
	count(missing) > 0
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/logConfiguration", [i]),
		"message": sprintf("%s uses awslogs without %s; set them in logConfiguration.options", [td.derived.containers[i].label, concat(" and ", missing)]),
	}
}
