# METADATA
# title: Container has no log configuration
# description: |
#   The container has no `logConfiguration`, so its output is not shipped anywhere
#   durable: on Fargate it is lost, on EC2 it stays in the instance's Docker logs until
#   the instance goes away. Incidents then cannot be investigated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
#     description: Send Amazon ECS logs to CloudWatch
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9
#     description: "Security Hub ECS.9: task definitions should have a logging configuration"
# custom:
#   id: EA301
#   severity: medium
#   controls:
#     security_hub: [ECS.9]
#     control_tower: [CT.ECS.PR.5]
#     config: [ecs-task-definition-log-configuration]
#     prowler: [ecs_task_definitions_logging_enabled]
#   tags: [security, logging]
#   precision: very-high
#   remediation: |
#     Add a `logConfiguration`, for example the awslogs driver with a log group and
#     region (the execution role needs logs:CreateLogStream and logs:PutLogEvents).
#   example: |
#     "logConfiguration": {
#       "logDriver": "awslogs",
#       "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}
#     }
package ecsaudit.rules.missing_log_configuration

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	not c.logConfiguration
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/logConfiguration", [i]),
		"message": sprintf(
			"%s has no `logConfiguration`: its output is not kept; add the awslogs (or awsfirelens) driver",
			[td.derived.containers[i].label],
		),
	}
}
