package ecsaudit.rules.secret_in_other_fields_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.secret_in_other_fields as rule

one(c) := testing.graph([{"family": "web", "containerDefinitions": [object.union({"name": "app", "image": "nginx:1.25"}, c)]}])

test_flags_password_argument if {
	inp := one({"command": ["serve", "--db-password=hunter2hunter2"]})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/command/1"
	not contains(f.message, "hunter2hunter2")
}

test_flags_key_in_entrypoint if {
	inp := one({"entryPoint": ["sh", "-c", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE ./run"]})
	count(rule.deny) == 1 with input as inp
}

test_flags_splunk_token_option if {
	inp := one({"logConfiguration": {"logDriver": "splunk", "options": {"splunk-url": "https://s:8088", "splunk-token": "00000000-aaaa-bbbb-cccc-123456789abc"}}})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/logConfiguration/options/splunk-token"
}

test_flags_token_in_docker_label if {
	inp := one({"dockerLabels": {"ci": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}})
	count(rule.deny) == 1 with input as inp
}

# A key holding `/` or `~` is escaped in the pointer, so the finding points at the entry.
test_escapes_the_key_in_the_pointer if {
	inp := one({"dockerLabels": {"com.example/ci~token": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}})
	some f in rule.deny with input as inp
	f.pointer == "/containerDefinitions/0/dockerLabels/com.example~1ci~0token"
}

test_ignores_plain_arguments_and_labels if {
	inp := one({
		"command": ["serve", "--port=8080", "--password-file=/run/secrets/db", "--token-ttl=3600"],
		"dockerLabels": {"team": "core", "com.example.version": "1.2.3"},
		"logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}},
	})
	count(rule.deny) == 0 with input as inp
}

# Arguments and entries are classified once per distinct string: every occurrence is
# still reported.
test_flags_repeated_arguments_and_options_everywhere if {
	c := {
		"name": "a", "image": "nginx:1.25",
		"command": ["serve", "--db-password=hunter2hunter2"],
		"logConfiguration": {"logDriver": "splunk", "options": {"splunk-token": "00000000-aaaa-bbbb-cccc-123456789abc"}},
	}
	inp := testing.graph([
		{"family": "one", "containerDefinitions": [c, object.union(c, {"name": "b"})]},
		{"family": "two", "containerDefinitions": [c]},
	])
	findings := rule.deny with input as inp
	count(findings) == 6
}

# Markers of secret-named arguments and labels are reported as the values were.
test_reads_redaction_markers_as_their_value if {
	inp := one({"command": ["--db-password=hunter2hunter2"], "dockerLabels": {"api-token": "labeltok42"}})
	plain := rule.deny with input as inp
	inp2 := one({"command": ["ecsaudit:redacted||--db…(28 chars)"], "dockerLabels": {"api-token": "ecsaudit:redacted||la…(10 chars)"}})
	redacted := rule.deny with input as inp2
	count(plain) == 2
	plain == redacted
}
