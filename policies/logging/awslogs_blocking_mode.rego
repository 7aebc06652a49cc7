# METADATA
# title: awslogs delivers in blocking mode
# description: |
#   In `blocking` mode a container's writes to stdout and stderr wait until the awslogs
#   driver has passed them on. When CloudWatch Logs throttles or cannot be reached, the
#   application stalls on its next log line: health checks fail and ECS replaces tasks
#   that were otherwise healthy. A container that sets no `mode` gets the account's
#   `defaultLogDriverMode` (non-blocking since June 2025 unless the account set it to
#   blocking); live audits read that setting, file and IaC scans judge such a container
#   by the AWS default.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
#     description: Using the awslogs log driver (mode, max-buffer-size)
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html
#     description: Amazon ECS account settings (defaultLogDriverMode)
# custom:
#   id: EA304
#   severity: medium
#   controls:
#     prowler: [ecs_task_definitions_logging_block_mode]
#   tags: [logging, reliability]
#   precision: very-high
#   remediation: |
#     Set the awslogs option `mode` to `non-blocking` with a `max-buffer-size` that holds
#     a burst of your logs (for example `25m`), or keep `blocking` only where losing a
#     log line is worse than stopping the application.
#   example: |
#     "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web", "mode": "non-blocking", "max-buffer-size": "25m"}
package ecsaudit.rules.awslogs_blocking_mode

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	c.logConfiguration.logDriver == "awslogs"
	c.logConfiguration.options.mode == "blocking"
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/logConfiguration/options/mode", [i]),
		"message": sprintf(
			"%s logs with awslogs in blocking mode: when CloudWatch Logs cannot take its output, the application stalls; set mode to non-blocking with a max-buffer-size",
			[td.derived.containers[i].label],
		),
	}
}

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	c.logConfiguration.logDriver == "awslogs"
	not c.logConfiguration.options.mode
	lib.account_setting(td, "defaultLogDriverMode") == "blocking"
	source := lib.account_setting_source(td, "defaultLogDriverMode")
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/logConfiguration", [i]),
		"message": sprintf(
			"%s sets no awslogs mode and defaultLogDriverMode is blocking in %s: when CloudWatch Logs cannot take its output, the application stalls; set mode to non-blocking with a max-buffer-size",
			[td.derived.containers[i].label, source],
		),
	}
}
