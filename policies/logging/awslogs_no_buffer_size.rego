# METADATA
# title: awslogs in non-blocking mode without a buffer size
# description: |
#   In `non-blocking` mode the awslogs driver holds log lines in memory while CloudWatch
#   Logs is slow or unreachable, and drops them once the buffer is full. Without
#   `max-buffer-size` the buffer is the driver's default (1 MB), which a busy container
#   fills in seconds: the lines of an incident are the ones lost.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
#     description: Using the awslogs log driver (mode, max-buffer-size)
#   - ref: https://aws.amazon.com/blogs/containers/preventing-log-loss-with-non-blocking-mode-in-the-awslogs-container-log-driver/
#     description: Preventing log loss with non-blocking mode in the awslogs log driver
# custom:
#   id: EA305
#   severity: info
#   tags: [logging, reliability]
#   precision: very-high
#   remediation: |
#     Set `max-buffer-size` to what a burst of your logs needs while CloudWatch Logs does
#     not answer (for example `25m`; the memory counts against the container's).
#   example: |
#     "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "mode": "non-blocking", "max-buffer-size": "25m"}
package ecsaudit.rules.awslogs_no_buffer_size

import rego.v1

import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	c.logConfiguration.logDriver == "awslogs"
	c.logConfiguration.options.mode == "non-blocking"
	not c.logConfiguration.options["max-buffer-size"]
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/logConfiguration/options/mode", [i]),
		"message": sprintf(
			"%s logs with awslogs in non-blocking mode without max-buffer-size: the default buffer drops lines while CloudWatch Logs is unreachable",
			[td.derived.containers[i].label],
		),
	}
}
