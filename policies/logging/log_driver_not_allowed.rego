# METADATA
# title: Log driver does not ship logs off the host
# description: |
#   The container logs through a driver that is not on the allowed list (by default
#   awslogs, awsfirelens and splunk). Drivers such as json-file, journald or syslog keep
#   logs on the host or need host setup, and are not available on Fargate.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html
#     description: LogConfiguration
# custom:
#   id: EA302
#   severity: low
#   tags: [logging]
#   precision: very-high
#   remediation: |
#     Use awslogs (CloudWatch Logs) or awsfirelens (FireLens / Fluent Bit), or add your
#     driver to `allowed_log_drivers`.
#   example: |
#     "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch_logs", "region": "us-east-1", "log_group_name": "/ecs/web"}}
#   parameters:
#     allowed_log_drivers:
#       default: ["awslogs", "awsfirelens", "splunk"]
#       description: Log drivers that ship logs to a durable destination.
package ecsaudit.rules.log_driver_not_allowed

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

allowed := lib.param("EA302", "allowed_log_drivers", ["awslogs", "awsfirelens", "splunk"])

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	driver := c.logConfiguration.logDriver
	driver != null
	not driver in allowed
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/logConfiguration/logDriver", [i]),
		"message": sprintf(
			"%s logs with the %q driver; use one of %s",
			[td.derived.containers[i].label, driver, concat(", ", allowed)],
		),
	}
}
