# METADATA
# title: ECS Exec sessions of the cluster are not logged
# description: |
#   The cluster's ECS Exec configuration sets `logging` to `NONE`: commands run in
#   containers with `aws ecs execute-command` (an interactive shell in production) leave
#   no record in CloudWatch Logs or S3. With `DEFAULT` the session output goes to the
#   task's awslogs group; with `OVERRIDE` to the log group or bucket you name.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging
#     description: Logging and auditing using ECS Exec
# custom:
#   id: EA952
#   severity: medium
#   controls:
#     checkov: [CKV_AWS_223]
#   tags: [logging, security, clusters]
#   precision: very-high
#   remediation: |
#     Set `executeCommandConfiguration.logging` to `DEFAULT` or to `OVERRIDE` with a
#     `logConfiguration` naming a CloudWatch Logs group or an S3 bucket.
#   example: |
#     "configuration": {"executeCommandConfiguration": {"logging": "OVERRIDE", "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec", "cloudWatchEncryptionEnabled": true}}}
package ecsaudit.rules.exec_logging_disabled

import rego.v1

import data.ecsaudit.lib.clusters

deny contains finding if {
	some cluster in clusters
	cluster.properties.configuration.executeCommandConfiguration.logging == "NONE"
	finding := {
		"resource": cluster.id,
		"pointer": "/configuration/executeCommandConfiguration/logging",
		"message": sprintf(
			"cluster %q does not log ECS Exec sessions (logging NONE)",
			[cluster.name],
		),
	}
}
