package ecsaudit.rules.plaintext_secret_env_name_test

import rego.v1

import data.ecsaudit.lib.secrets
import data.ecsaudit.lib.testing
import data.ecsaudit.rules.plaintext_secret_env_name as rule

test_flags_password_by_name if {
	inp := testing.with_environment([{"name": "PORT", "value": "80"}, {"name": "DB_PASSWORD", "value": "hunter2hunter2"}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/environment/1"
	contains(f.message, "DB_PASSWORD")
	not contains(f.message, "hunter2hunter2")
}

test_flags_lowercase_token_name if {
	inp := testing.with_environment([{"name": "stripe_api_key", "value": "not-a-real-key"}])
	count(rule.deny) == 1 with input as inp
}

# The ECS agent's private-registry credentials (AWS Config checks this name).
test_flags_ecs_engine_auth_data if {
	env := [
		{"name": "ECS_ENGINE_AUTH_TYPE", "value": "dockercfg"},
		{"name": "ECS_ENGINE_AUTH_DATA", "value": `{"https://index.docker.io/v1/":{"auth":"bWU6aHVudGVy"}}`},
	]
	inp := testing.with_environment(env)
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/containerDefinitions/0/environment/1"
}

# The scanner's redaction counts the configured tokens when it builds the graph; the
# test graph is built with them too.
test_flags_extra_token_from_params if {
	params := {"extra_name_tokens": ["PIN_CODE"], "ignore_names": []}
	env := [{"name": "MY_PIN_CODE", "value": "a1b2c3"}]
	inp := testing.with_environment(env) with data.ecsaudit.params.EA101 as params
	count(rule.deny) == 1 with input as inp with data.ecsaudit.params.EA101 as params
	without := testing.with_environment(env)
	count(rule.deny) == 0 with input as without
}

test_ignores_config_about_secrets if {
	inp := testing.with_environment([
		{"name": "PASSWORD_MIN_LENGTH", "value": "12"},
		{"name": "SECRET_NAME", "value": "prod/db"},
		{"name": "TOKEN_TTL_SECONDS", "value": "3600"},
		{"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db"},
		{"name": "API_KEY_ARN", "value": "arn:aws:secretsmanager:us-east-1:1:secret:x"},
		{"name": "AUTH_TOKEN", "value": "${AUTH_TOKEN}"},
		{"name": "SECRET_ROTATION_ENABLED", "value": "true"},
	])
	count(rule.deny) == 0 with input as inp
}

test_ignores_ignored_names if {
	inp := testing.with_environment([{"name": "DB_PASSWORD", "value": "hunter2hunter2"}])
	count(rule.deny) == 0 with input as inp
		with data.ecsaudit.params.EA101 as {"extra_name_tokens": [], "ignore_names": ["DB_PASSWORD"]}
}

test_leaves_known_formats_to_ea102 if {
	inp := testing.with_environment([{"name": "AWS_SECRET_TOKEN", "value": "AKIAIOSFODNN7EXAMPLE"}])
	count(rule.deny) == 0 with input as inp
}

# The library helper user rules call.
test_name_suggests_secret if {
	secrets.name_suggests_secret("db_password", ["PASSWORD"])
	secrets.name_suggests_secret("MY_API_KEY", secrets.default_name_tokens)
	not secrets.name_suggests_secret("db_password_file", ["PASSWORD"])
	not secrets.name_suggests_secret("db_user", secrets.default_name_tokens)
	not secrets.name_suggests_secret("db_user", [])
	not secrets.name_suggests_secret(5, ["PASSWORD"])
}

# Names are checked once per distinct name: every occurrence is still reported.
test_flags_a_repeated_name_everywhere if {
	c := {"name": "a", "image": "nginx:1.25", "environment": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]}
	inp := testing.graph([
		{"family": "one", "containerDefinitions": [c, object.union(c, {"name": "b"})]},
		{"family": "two", "containerDefinitions": [c]},
	])
	findings := rule.deny with input as inp
	count({[f.resource, f.pointer] | some f in findings}) == 3
}

# A value redacted for its name (a marker with no kind) is reported as the value was.
test_reads_name_redaction_markers_as_their_value if {
	inp := testing.with_environment([{"name": "DB_PASSWORD", "value": "hunter2hunter2"}])
	plain := rule.deny with input as inp
	marker := "ecsaudit:redacted||hu…(14 chars)"
	inp2 := testing.with_environment([{"name": "DB_PASSWORD", "value": marker}])
	redacted := rule.deny with input as inp2
	count(plain) == 1
	plain == redacted
	not secrets.trivial_value(marker)
}

# Template placeholders are filled in before deploy: never a plaintext secret. A value
# that only looks like one (a bcrypt hash starting with `$`) still is.
test_ignores_template_placeholders if {
	inp := testing.with_environment([
		{"name": "API_KEY", "value": "$API_KEY"},
		{"name": "DB_PASSWORD", "value": "<PASSWORD>"},
		{"name": "DD_API_KEY", "value": "<YOUR_DATADOG_API_KEY>"},
		{"name": "GITHUB_TOKEN", "value": "{{ github_token }}"},
	])
	count(rule.deny) == 0 with input as inp
	inp2 := testing.with_environment([
		{"name": "ADMIN_PASSWORD", "value": "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"},
	])
	count(rule.deny) == 1 with input as inp2
}
