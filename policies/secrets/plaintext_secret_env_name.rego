# METADATA
# title: Secret-named environment variable with a plaintext value
# description: |
#   A container `environment` entry whose name says it holds a secret (PASSWORD,
#   SECRET, TOKEN, API_KEY, PRIVATE_KEY, ECS_ENGINE_AUTH_DATA: the ECS agent's
#   private-registry credentials, ...) has a literal value. Environment values
#   are stored in the task definition in clear text: anyone allowed to call
#   DescribeTaskDefinition, and every tool that logs task definitions, can read them.
#   Names that describe a secret rather than hold it (PASSWORD_MIN_LENGTH,
#   SECRET_NAME, TOKEN_TTL_SECONDS, *_FILE, *_ARN) and trivial values (numbers,
#   booleans, paths, ARNs, templated `${...}` values) are not flagged.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
#     description: Pass sensitive data to an Amazon ECS container
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8
#     description: "Security Hub ECS.8: secrets should not be passed as container environment variables"
# custom:
#   id: EA101
#   severity: high
#   controls:
#     security_hub: [ECS.8]
#     control_tower: [CT.ECS.PR.12]
#     config: [ecs-no-environment-secrets]
#     prowler: [ecs_task_definitions_no_environment_secrets]
#     kics: [a88baa34-e2ad-44ea-ad6f-8cac87bc7c71]
#     trivy: [AVD-AWS-0036]
#   tags: [security, secrets]
#   precision: high
#   remediation: |
#     Store the value in AWS Secrets Manager or SSM Parameter Store and reference it from
#     the container's `secrets` list (the execution role needs read access to it). Then
#     rotate the exposed value: it has been readable in the task definition.
#   example: |
#     "secrets": [
#       {"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"}
#     ]
#   parameters:
#     extra_name_tokens:
#       default: []
#       description: More upper-case name fragments that mark a secret (added to the built-in list).
#     ignore_names:
#       default: []
#       description: Exact variable names never to flag.
package ecsaudit.rules.plaintext_secret_env_name

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

# The scanner's redaction lists the secrets it found in `derived.secrets`: an
# environment value with no credential kind was found for its name (values of a known
# format are EA102's).
deny contains finding if {
	some td in task_definitions
	some s in td.derived.secrets
	s.field == "environment"
	s.kind == ""
	not s.name in lib.param("EA101", "ignore_names", [])
	message := sprintf(
		"%s sets %s to a plaintext value (%s) in `environment`; %s",
		[td.derived.containers[s.container].label, s.name, s.preview, advice],
	)
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/environment/%d", [s.container, s.index]),
		"message": message,
	}
}

advice := "move it to `secrets` (Secrets Manager or SSM) and rotate it"
