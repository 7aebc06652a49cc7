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

deny contains finding if {
	some td in task_definitions
	some s in td.derived.secrets
	s.field == "environment"
	s.kind != ""
	reportable(s.kind, s.name)
	not s.name in lib.param("EA102", "ignore_names", [])
	message := sprintf(
		"%s: environment variable %s holds what looks like %s (%s); %s",
		[td.derived.containers[s.container].label, s.name, s.kind, s.preview, advice],
	)
	finding := {"resource": td.id, "pointer": s.pointer, "message": message}
}

advice := "revoke it and pass it through `secrets`"

reportable(kind, _) if kind != "a high-entropy string"

# Random-looking values are reported unless turned off, or stored under a name that
# describes rather than holds a secret (`..._ID`, `..._ARN`).
reportable(kind, name) if {
	kind == "a high-entropy string"
	lib.param("EA102", "entropy_check", true)
	is_string(name)
	not secrets.safe_suffix(upper(name))
}
