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
import data.ecsaudit.lib.secrets
import data.ecsaudit.lib.task_definitions
import data.ecsaudit.lib.secrets.default_name_tokens
import data.ecsaudit.lib.secrets.env_names
import data.ecsaudit.lib.secrets.value_kinds

tokens := secrets.token_set(array.concat(default_name_tokens, lib.param("EA101", "extra_name_tokens", [])))

ignore_names := lib.param("EA101", "ignore_names", [])

# Each distinct variable name is checked once.
secret_names := {n | some n in env_names; secrets.name_suggests_secret(n, tokens)}

# The rules this one reads are bound once, before the loops (a rule read costs more than
# a variable on regorus' VM).
deny contains finding if {
	names := secret_names
	ignored := ignore_names
	kinds := value_kinds
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	some j, e in c.environment
	e.name in names
	not e.name in ignored
	not secrets.trivial_value(e.value)
	not kinds[e.value] # a known format or high entropy: EA102 reports it
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/environment/%d", [i, j]),
		"message": sprintf("%s sets %s to a plaintext value (%s) in `environment`; move it to `secrets` (Secrets Manager or SSM) and rotate it", [td.derived.containers[i].label, e.name, lib.redact(e.value)]),
	}
}
