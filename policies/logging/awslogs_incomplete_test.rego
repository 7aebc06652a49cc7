package ecsaudit.rules.awslogs_incomplete_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.awslogs_incomplete as rule

awslogs(options) := testing.graph([{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1", "logConfiguration": {"logDriver": "awslogs", "options": options}}]}])

test_flags_missing_region if {
	inp := awslogs({"awslogs-group": "/ecs/web"})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.message, "without awslogs-region; set it in")
}

test_fargate_also_needs_a_stream_prefix if {
	fargate := testing.graph([{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx:1", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}}]}])
	findings := rule.deny with input as fargate
	count(findings) == 1
	some f in findings
	contains(f.message, "without awslogs-stream-prefix; set it")
	inp := awslogs({"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"})
	count(rule.deny) == 0 with input as inp
}

test_names_every_missing_option if {
	inp := awslogs({})
	some f in rule.deny with input as inp
	contains(f.message, "without awslogs-group, awslogs-region; set them")
}

test_flags_missing_options_object if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1", "logConfiguration": {"logDriver": "awslogs"}}]}])
	count(rule.deny) == 1 with input as inp
}

test_allows_complete_awslogs if {
	inp := awslogs({"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"})
	count(rule.deny) == 0 with input as inp
}
