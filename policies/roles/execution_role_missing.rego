# METADATA
# title: Execution role missing while the task needs one
# description: |
#   The task definition has no `executionRoleArn` but uses something the ECS agent can
#   only do with an execution role: `secrets`, `repositoryCredentials`,
#   `environmentFiles` or log `secretOptions` anywhere, and on Fargate also the awslogs
#   driver or a private ECR image (on EC2 the container instance role pulls images and
#   writes logs). Tasks fail to start.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
#     description: Amazon ECS task execution IAM role
# custom:
#   id: EA801
#   severity: high
#   tags: [iam, reliability]
#   precision: very-high
#   remediation: |
#     Create an execution role trusted by ecs-tasks.amazonaws.com with
#     AmazonECSTaskExecutionRolePolicy (plus read access to the task's secrets) and set
#     `executionRoleArn`.
#   example: |
#     "executionRoleArn": "arn:aws:iam::123456789012:role/web-execution"
package ecsaudit.rules.execution_role_missing

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

# What a container uses that needs the execution role.
needs(
	td,
	i,
	c,
) := (((on_fargate(td, i, c) | secrets(c)) | repo_creds(c)) | env_files(c)) | log_secrets(c)

# On EC2 the container instance role pulls images and writes logs instead.
on_fargate(td, i, c) := awslogs(c) | private_ecr(td, i) if lib.is_fargate(td)

else := set()

awslogs(c) := {"the awslogs log driver" | c.logConfiguration.logDriver == "awslogs"}

private_ecr(td, i) := {"a private ECR image" | td.derived.containers[i].image.ecr != null}

secrets(c) := {"`secrets`" | count(c.secrets) > 0}

repo_creds(c) := {"`repositoryCredentials`" | c.repositoryCredentials}

env_files(c) := {"`environmentFiles`" | count(c.environmentFiles) > 0}

log_secrets(c) := {"log `secretOptions`" | count(c.logConfiguration.secretOptions) > 0}

deny contains finding if {
	some td in task_definitions
	not td.properties.executionRoleArn
	some i, c in td.properties.containerDefinitions
	reasons := needs(td, i, c)
	count(reasons) > 0
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d", [i]),
		"message": sprintf(
			"%s uses %s but the task definition has no executionRoleArn; tasks will fail to start",
			[td.derived.containers[i].label, concat(", ", sort(reasons))],
		),
	}
}
