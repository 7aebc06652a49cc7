# METADATA
# title: Credential value in container environment
# description: |
#   An `environment` value looks like a credential whatever its name: an AWS access
#   key id, a PEM private key, a URL with a password in it, a GitHub, Slack, Stripe or
#   Google API token, a JSON Web Token, or a long random-looking (high-entropy) string.
#   Environment values are clear text in the task definition.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
#     description: Pass sensitive data to an Amazon ECS container
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8
#     description: "Security Hub ECS.8"
# custom:
#   id: EA102
#   severity: critical
#   controls:
#     security_hub: [ECS.8]
#     control_tower: [CT.ECS.PR.12]
#     prowler: [ecs_task_definitions_no_environment_secrets]
#     kics: [a88baa34-e2ad-44ea-ad6f-8cac87bc7c71]
#     trivy: [AVD-AWS-0036]
#   tags: [security, secrets]
#   precision: medium
#   remediation: |
#     Revoke and rotate the credential now, store the new one in Secrets Manager or SSM
#     Parameter Store, and reference it from `secrets`. For AWS keys, give the task a
#     task role instead of static keys.
#   example: |
#     "secrets": [{"name": "GITHUB_TOKEN", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/ci/github-token"}]
#   parameters:
#     ignore_names:
#       default: []
#       description: Exact variable names never to flag (for known public values).
#     entropy_check:
#       default: true
#       description: Also flag long random-looking values (high Shannon entropy).
package ecsaudit.rules.secret_value_in_env

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.secrets
import data.ecsaudit.lib.task_definitions
import data.ecsaudit.lib.secrets.value_kinds

ignore_names := lib.param("EA102", "ignore_names", [])

deny contains finding if {
	kinds := value_kinds
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	some j, e in c.environment
	kind := kinds[e.value]
	reportable(kind, e.name)
	not e.name in ignore_names
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/environment/%d/value", [i, j]),
		"message": sprintf("%s: environment variable %s holds what looks like %s (%s); revoke it and pass it through `secrets`", [td.derived.containers[i].label, e.name, kind, lib.redact(e.value)]),
	}
}

reportable(kind, _) if kind != "a high-entropy string"

reportable(kind, name) if {
	kind == "a high-entropy string"
	lib.param("EA102", "entropy_check", true)
	is_string(name)
	not secrets.safe_suffix(upper(name))
}
