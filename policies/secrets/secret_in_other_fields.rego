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

import data.ecsaudit.lib
import data.ecsaudit.lib.secrets
import data.ecsaudit.lib.secrets.argument_fields
import data.ecsaudit.lib.secrets.arguments
import data.ecsaudit.lib.secrets.secret_keys
import data.ecsaudit.lib.secrets.secret_option_args
import data.ecsaudit.lib.secrets.value_kinds
import data.ecsaudit.lib.task_definitions

# Arguments: a credential-looking value, or --secret-name=value.
deny contains finding if {
	problems := arg_problems
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	some field in argument_fields
	some j, arg in c[field]
	why := problems[arg]
	is_string(why)
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/%s/%d", [i, field, j]),
		"message": sprintf("%s: `%s` argument %d holds %s (%s); read it from a `secrets` variable instead", [td.derived.containers[i].label, field, j, why, lib.redact(arg)]),
	}
}

# Docker labels and log options: by value, or a secret-named key with a real value.
deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	some key, value in c.dockerLabels
	why := map_problem(key, value)
	is_string(why)
	finding := map_finding(td, i, "dockerLabels", key, value, why)
}

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	some key, value in c.logConfiguration.options
	why := map_problem(key, value)
	is_string(why)
	finding := map_finding(td, i, "logConfiguration/options", key, value, why)
}

map_finding(td, i, path, key, value, why) := {
	"resource": td.id,
	"pointer": sprintf("/containerDefinitions/%d/%s/%s", [i, path, lib.pointer_token(key)]),
	"message": sprintf("%s: `%s` entry %q holds %s (%s); use `secretOptions` or `secrets` instead", [td.derived.containers[i].label, replace(path, "/", "."), key, why, lib.redact(value)]),
}

# Values and names are classified once per distinct string (data.ecsaudit.lib.secrets),
# and each distinct argument's reason is worked out once per evaluation ({argument:
# reason}): sidecars repeat the same arguments in every task definition.
arg_problems := {arg: why | some arg in arguments; why := arg_problem(arg)}

arg_problem(arg) := msg if {
	kind := value_kinds[arg]
	is_string(kind)
	msg := sprintf("what looks like %s", [kind])
}

else := "a secret-named option with a literal value" if {
	arg in secret_option_args
}

map_problem(key, value) := msg if {
	kind := value_kinds[value]
	is_string(kind)
	msg := sprintf("what looks like %s", [kind])
}

else := "a secret-named key with a literal value" if {
	is_string(value)
	key in secret_keys
	not secrets.trivial_value(value)
}
