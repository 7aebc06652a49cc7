# METADATA
# title: awslogs driver without its required options
# description: |
#   The awslogs driver needs the `awslogs-group` and `awslogs-region` options, and on
#   Fargate also `awslogs-stream-prefix`. Without them the container fails to start
#   (the agent cannot create the log stream) or logs go to an unexpected place.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
#     description: Using the awslogs log driver
# custom:
#   id: EA303
#   severity: medium
#   tags: [logging, reliability]
#   precision: very-high
#   remediation: |
#     Set `awslogs-group` and `awslogs-region`, and `awslogs-stream-prefix` (required on
#     Fargate, and what ties a log stream to its task elsewhere).
#   example: |
#     "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}
package ecsaudit.rules.awslogs_incomplete

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

# The options awslogs needs: Fargate also needs a stream prefix.
required(td) := ["awslogs-group", "awslogs-region", "awslogs-stream-prefix"] if {
	lib.is_fargate(td)
} else := ["awslogs-group", "awslogs-region"]

# "set it" or "set them".
them(names) := "it" if count(names) == 1

else := "them"

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	c.logConfiguration.logDriver == "awslogs"
	options := object.get(c.logConfiguration, "options", {})
	missing := [o | some o in required(td); not options[o]]
	count(missing) > 0
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/logConfiguration", [i]),
		"message": sprintf(
			"%s uses awslogs without %s; set %s in logConfiguration.options",
			[td.derived.containers[i].label, concat(", ", missing), them(missing)],
		),
	}
}
