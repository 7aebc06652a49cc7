package ecsaudit.rules.secret_value_in_env_test

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.secrets
import data.ecsaudit.lib.testing
import data.ecsaudit.rules.secret_value_in_env as rule

flags(name, value) if {
	inp := testing.with_environment([{"name": name, "value": value}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/environment/0/value"
	not contains(f.message, value)
}

# Flagged, and as `kind`.
flags_as(name, value, kind) if {
	flags(name, value)
	inp := testing.with_environment([{"name": name, "value": value}])
	some f in rule.deny with input as inp
	contains(f.message, sprintf("looks like %s (", [kind]))
}

test_flags_aws_access_key if flags("KEY", "AKIAIOSFODNN7EXAMPLE")

test_flags_pem_private_key if flags("TLS", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----")

test_flags_url_credentials if flags("DATABASE_URL", "postgres://app:s3cr3tPass@db.internal:5432/app")

test_flags_github_token if flags("GH", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")

test_flags_slack_token if flags("SLACK", "xoxb-123456789012-abcdefghijkl")

test_flags_google_api_key if flags_as("MAPS", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "a Google API key")

test_flags_json_web_token if flags_as("SESSION", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "a JSON Web Token")

test_flags_slack_webhook if flags_as("HOOK", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "a Slack webhook URL")

test_flags_github_fine_grained_token if flags_as("GH", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "a GitHub token")

test_flags_temporary_aws_key if flags_as("KEY", "ASIAIOSFODNN7EXAMPLE", "an AWS access key id")

# The shortest value any credential format matches.
test_flags_shortest_slack_token if flags("SLACK", "xoxb-123456789a")

test_flags_stripe_key if flags("PAY", "sk_live_abcdefghijklmnop1234")

test_flags_high_entropy if flags("SIGNATURE_SEED", "q8Zr2LwX9vN4mK7pT1sY6dB3")

test_ignores_ordinary_values if {
	inp := testing.with_environment([
		{"name": "DATABASE_URL", "value": "postgres://db.internal:5432/app"},
		{"name": "DATABASE_URL2", "value": "postgres://app:${DB_PASSWORD}@db.internal:5432/app"},
		{"name": "LOG_LEVEL", "value": "info"},
		{"name": "GIT_SHA", "value": "3f9a8c7d6e5b4a3f2e1d0c9b8a7f6e5d4c3b2a19"},
		{"name": "REQUEST_ID", "value": "Q8Zr2LwX9vN4mK7pT1sY6dB3"},
		{"name": "GREETING", "value": "Hello World From The Container 2024"},
		{"name": "ALPHABET", "value": "abcdefghijklmnopqrstuvwxyzABCDEF0123"},
	])
	count(rule.deny) == 0 with input as inp
}

test_ignores_entropy_when_disabled if {
	inp := testing.with_environment([{"name": "SEED", "value": "q8Zr2LwX9vN4mK7pT1sY6dB3"}])
	count(rule.deny) == 0 with input as inp
		with data.ecsaudit.params.EA102 as {"ignore_names": [], "entropy_check": false}
}

# Values are classified once per distinct string: a value repeated across containers
# and task definitions is still reported at every place it occurs.
test_flags_a_repeated_value_everywhere if {
	env := [{"name": "KEY", "value": "AKIAIOSFODNN7EXAMPLE"}]
	c := {"name": "a", "image": "nginx:1.25", "environment": env}
	inp := testing.graph([
		{"family": "one", "containerDefinitions": [c, object.union(c, {"name": "b"})]},
		{"family": "two", "containerDefinitions": [c]},
	])
	findings := rule.deny with input as inp
	count(findings) == 3
	count({[f.resource, f.pointer] | some f in findings}) == 3
}

# Below the shortest credential format only a URL can carry a secret.
test_flags_short_url_with_credentials if flags_as("U", "a://b:c@d", "a URL with embedded credentials")

test_value_kind_of_short_values if {
	secrets.value_kind("a://b:c@d") == "a URL with embedded credentials"
	not secrets.value_kind("ghp_x://")
	not secrets.value_kind("/ecs/svc-1")
}

# The test graph lists exactly the values value_kind classifies as found secrets, with
# their kinds and previews, as the scanner's redaction does.
test_found_secrets_are_the_classified_values if {
	values := [
		"a://b:c@d", "x://y:z@hostname.example", "AKIAABCDEFGHIJKLMNOP", "AKIA1234", "8080",
		"/ecs/svc-1", "us-east-1", "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
		"Zx9Qw7Er5Ty3Ui1OpAs8Df6Gh4Jk2L", "short", "exactly15chars!", "--config=/etc/otel.yaml",
	]
	env := [{"name": sprintf("V%d", [i]), "value": v} | some i, v in values]
	inp := testing.with_environment(env)
	kinds := {[lib.redact(v), k] | some v in values; k := secrets.value_kind(v)}
	count(kinds) == 5
	found := {[s.preview, s.kind] | some s in inp.nodes.td0.derived.secrets}
	found == kinds
}

# A redaction marker (what ecsaudit leaves in a graph in place of the value) is
# reported as the value it stands for, with the same preview.
test_reads_redaction_markers_as_their_value if {
	inp := testing.with_environment([{"name": "K", "value": "AKIAIOSFODNN7EXAMPLE"}])
	plain := rule.deny with input as inp
	marker := "ecsaudit:redacted|an AWS access key id|AKIA…(20 chars)"
	inp2 := testing.with_environment([{"name": "K", "value": marker}])
	redacted := rule.deny with input as inp2
	count(plain) == 1
	plain == redacted
	secrets.value_kind(marker) == "an AWS access key id"
	not secrets.value_kind("ecsaudit:redacted||AKIA…(20 chars)")
}
