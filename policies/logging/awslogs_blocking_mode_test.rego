package ecsaudit.rules.awslogs_blocking_mode_test

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.testing
import data.ecsaudit.rules.awslogs_blocking_mode as rule

awslogs(options) := {"logDriver": "awslogs", "options": object.union({"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}, options)}

one_container(log) := testing.graph([{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.25", "logConfiguration": log}]}])

# A live account whose default delivery mode is `mode`.
live(options, mode) := with_settings(options, settings(mode))

with_settings(options, node) := testing.aws_graph(
	[
		{"id": testing.arn_td, "kind": "task_definition", "properties": {"family": "web", "containerDefinitions": [
			{"name": "web", "image": "nginx:1.25", "logConfiguration": awslogs(options)},
		]}},
		node,
	],
	[[testing.arn_td, "account_settings", node.id]],
)

settings(mode) := {
	"id": "arn:aws:ecs:us-east-1:123456789012:account-settings", "kind": "account_settings",
	"name": "ECS account settings (us-east-1)", "properties": {"settings": [
		{"name": "defaultLogDriverMode", "value": mode, "principalArn": "arn:aws:iam::123456789012:root"},
		{"name": "containerInsights", "value": "enabled", "principalArn": "arn:aws:iam::123456789012:root"},
	]},
}

test_flags_explicit_blocking_mode if {
	inp := one_container(awslogs({"mode": "blocking"}))
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/containerDefinitions/0/logConfiguration/options/mode"
	contains(f.message, `container "web" logs with awslogs in blocking mode`)
}

test_flags_account_default_blocking if {
	inp := live({}, "blocking")
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/containerDefinitions/0/logConfiguration"
	contains(f.message, "defaultLogDriverMode is blocking in ECS account settings (us-east-1)")
}

# Terraform: an `aws_ecs_account_setting_default` of the task definition's provider.
tf_default(mode) := {
	"id": "terraform:main.tf#aws_ecs_account_setting_default.logs", "kind": "account_settings",
	"name": "aws_ecs_account_setting_default.logs",
	"properties": {"settings": [{"name": "defaultLogDriverMode", "value": mode}]},
}

test_flags_a_terraform_account_default if {
	inp := with_settings({}, tf_default("blocking"))
	[f] := [x | some x in rule.deny] with input as inp
	contains(f.message, "blocking in aws_ecs_account_setting_default.logs")
	inp2 := with_settings({}, tf_default("non-blocking"))
	count(rule.deny) == 0 with input as inp2
}

# Two sources that disagree (the same setting twice): the default is not known.
test_skips_settings_that_disagree if {
	other := object.union(tf_default("non-blocking"), {"id": "terraform:main.tf#other"})
	two := testing.aws_graph(
		[
			{"id": testing.arn_td, "kind": "task_definition", "properties": {"family": "web", "containerDefinitions": [
				{"name": "web", "image": "nginx:1.25", "logConfiguration": awslogs({})},
			]}},
			tf_default("blocking"),
			other,
		],
		[
			[testing.arn_td, "account_settings", tf_default("blocking").id],
			[testing.arn_td, "account_settings", other.id],
		],
	)
	count(lib.account_settings(two.nodes[testing.arn_td], "defaultLogDriverMode")) == 2 with input as two
	count(rule.deny) == 0 with input as two
}

test_allows_non_blocking_and_the_aws_default if {
	inp := one_container(awslogs({"mode": "non-blocking", "max-buffer-size": "25m"}))
	count(rule.deny) == 0 with input as inp
	inp2 := one_container(awslogs({}))
	count(rule.deny) == 0 with input as inp2
	inp3 := live({}, "non-blocking")
	count(rule.deny) == 0 with input as inp3
	inp4 := live({"mode": "non-blocking"}, "blocking")
	count(rule.deny) == 0 with input as inp4
	inp5 := one_container({"logDriver": "splunk", "options": {"mode": "blocking"}})
	count(rule.deny) == 0 with input as inp5
}

test_skips_settings_that_could_not_be_read if {
	unread := object.union(settings("blocking"), {"status": "unavailable", "properties": {}})
	g := testing.alb_service({"container": {"logConfiguration": awslogs({})}, "extra_nodes": [unread]})
	count(rule.deny) == 0 with input as g
}
