package ecsaudit.rules.awslogs_incomplete_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.awslogs_incomplete as rule

awslogs(options) := testing.graph([{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1", "logConfiguration": {"logDriver": "awslogs", "options": options}}]}])

test_flags_missing_region if {
	findings := rule.deny with input as awslogs({"awslogs-group": "/ecs/web"})
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
	count(rule.deny) == 0 with input as awslogs({"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"})
}

test_names_every_missing_option if {
	some f in rule.deny with input as awslogs({})
	contains(f.message, "without awslogs-group, awslogs-region; set them")
}

test_flags_missing_options_object if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1", "logConfiguration": {"logDriver": "awslogs"}}]}])
	count(rule.deny) == 1 with input as inp
}

test_allows_complete_awslogs if {
	count(rule.deny) == 0 with input as awslogs({"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"})
}
