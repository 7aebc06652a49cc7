package ecsaudit.rules.secret_value_in_env_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.secret_value_in_env as rule

flags(name, value) if {
	findings := rule.deny with input as testing.with_environment([{"name": name, "value": value}])
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/environment/0/value"
	not contains(f.message, value)
}

test_flags_aws_access_key if flags("KEY", "AKIAIOSFODNN7EXAMPLE")

test_flags_pem_private_key if flags("TLS", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----")

test_flags_url_credentials if flags("DATABASE_URL", "postgres://app:s3cr3tPass@db.internal:5432/app")

test_flags_github_token if flags("GH", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")

test_flags_slack_token if flags("SLACK", "xoxb-123456789012-abcdefghijkl")

# The shortest value any pattern matches (secrets.format_min_length characters).
test_flags_shortest_slack_token if flags("SLACK", "xoxb-123456789a")

test_flags_stripe_key if flags("PAY", "sk_live_abcdefghijklmnop1234")

test_flags_high_entropy if flags("SIGNATURE_SEED", "q8Zr2LwX9vN4mK7pT1sY6dB3")

test_ignores_ordinary_values if {
	count(rule.deny) == 0 with input as testing.with_environment([
		{"name": "DATABASE_URL", "value": "postgres://db.internal:5432/app"},
		{"name": "DATABASE_URL2", "value": "postgres://app:${DB_PASSWORD}@db.internal:5432/app"},
		{"name": "LOG_LEVEL", "value": "info"},
		{"name": "GIT_SHA", "value": "3f9a8c7d6e5b4a3f2e1d0c9b8a7f6e5d4c3b2a19"},
		{"name": "REQUEST_ID", "value": "Q8Zr2LwX9vN4mK7pT1sY6dB3"},
		{"name": "GREETING", "value": "Hello World From The Container 2024"},
		{"name": "ALPHABET", "value": "abcdefghijklmnopqrstuvwxyzABCDEF0123"},
	])
}

test_ignores_entropy_when_disabled if {
	count(rule.deny) == 0 with input as testing.with_environment([{"name": "SEED", "value": "q8Zr2LwX9vN4mK7pT1sY6dB3"}])
		with data.ecsaudit.params.EA102 as {"ignore_names": [], "entropy_check": false}
}
