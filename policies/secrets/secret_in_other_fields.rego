# METADATA
# title: Credential in command, entryPoint, docker labels or log options
# description: |
#   Secrets get pasted where they are just as visible as environment values: command
#   and entryPoint arguments (`--password=...`), `dockerLabels`, and log-driver
#   `options` (e.g. a Splunk token). Values are matched against known credential formats
#   and high entropy; `--name=value` arguments and option keys are also matched by name.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
#     description: Pass sensitive data to an Amazon ECS container
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-logconfig.html
#     description: Pass secrets to a log configuration
# custom:
#   id: EA103
#   severity: high
#   controls:
#     kics: [a88baa34-e2ad-44ea-ad6f-8cac87bc7c71]
#   tags: [security, secrets]
#   precision: medium
#   remediation: |
#     Rotate the value and move it into Secrets Manager or SSM: reference container
#     secrets through `secrets` (read them from the environment in your command) and
#     log-driver secrets through `logConfiguration.secretOptions`.
#   example: |
#     "logConfiguration": {
#       "logDriver": "splunk",
#       "options": {"splunk-url": "https://splunk.example.com:8088"},
#       "secretOptions": [{"name": "splunk-token", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:splunk-AbCdEf"}]
#     }
package ecsaudit.rules.secret_in_other_fields

import rego.v1

import data.ecsaudit.lib.task_definitions

# Arguments: a credential-looking value, or --secret-name=value.
deny contains finding if {
	some td in task_definitions
	some s in td.derived.secrets
	s.field in {"command", "entryPoint"}
	message := sprintf(
		"%s: `%s` argument %d holds %s (%s); read it from a `secrets` variable instead",
		[td.derived.containers[s.container].label, s.field, s.index, why(s, "option"), s.preview],
	)
	finding := {"resource": td.id, "pointer": s.pointer, "message": message}
}

# Docker labels and log options: by value, or a secret-named key with a real value.
deny contains finding if {
	some td in task_definitions
	some s in td.derived.secrets
	s.field in {"dockerLabels", "logConfiguration.options"}
	message := sprintf(
		"%s: `%s` entry %q holds %s (%s); use `secretOptions` or `secrets` instead",
		[td.derived.containers[s.container].label, s.field, s.key, why(s, "key"), s.preview],
	)
	finding := {"resource": td.id, "pointer": s.pointer, "message": message}
}

# What was found: a value of a credential kind, or a literal value under a secret name.
why(s, named) := sprintf("what looks like %s", [s.kind]) if s.kind != ""

else := sprintf("a secret-named %s with a literal value", [named])
