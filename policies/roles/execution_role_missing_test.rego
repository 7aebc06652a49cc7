package ecsaudit.rules.execution_role_missing_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.execution_role_missing as rule

td(extra, c) := testing.graph([object.union({"family": "web", "containerDefinitions": [object.union({"name": "a", "image": "nginx:1"}, c)]}, extra)])

fargate := {"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512"}

ecr_image := "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"

test_flags_awslogs_without_role_on_fargate if {
	inp := td(fargate, {"logConfiguration": {"logDriver": "awslogs"}})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.message, "awslogs")
}

test_flags_private_ecr_and_secrets if {
	inp := td(fargate, {"image": ecr_image, "secrets": [{"name": "A", "valueFrom": "arn:x"}]})
	findings := rule.deny with input as inp
	some f in findings
	contains(f.message, "private ECR image")
	contains(f.message, "`secrets`")
}

# On EC2 the container instance role pulls from ECR and writes logs; secrets still need
# the execution role.
test_ec2_needs_it_only_for_secrets if {
	ec2 := {"requiresCompatibilities": ["EC2"]}
	logs_and_ecr := {"image": ecr_image, "logConfiguration": {"logDriver": "awslogs"}}
	inp := td(ec2, logs_and_ecr)
	count(rule.deny) == 0 with input as inp
	inp2 := td({}, logs_and_ecr)
	count(rule.deny) == 0 with input as inp2
	with_secret := object.union(logs_and_ecr, {"secrets": [{"name": "A", "valueFrom": "arn:x"}]})
	inp3 := td(ec2, with_secret)
	findings := rule.deny with input as inp3
	count(findings) == 1
	some f in findings
	contains(f.message, "uses `secrets` but")
}

test_allows_with_role_or_no_need if {
	with_role := object.union(fargate, {"executionRoleArn": "arn:aws:iam::1:role/x"})
	inp := td(with_role, {"logConfiguration": {"logDriver": "awslogs"}})
	count(rule.deny) == 0 with input as inp
	inp2 := td({}, {"image": "public.ecr.aws/nginx/nginx:1"})
	count(rule.deny) == 0 with input as inp2
}
