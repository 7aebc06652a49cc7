package ecsaudit.rules.repository_public_pull_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.repository_public_pull as rule

repo(statement) := {
	"id": "arn:aws:ecr:us-east-1:123456789012:repository/web", "kind": "ecr_repository", "name": "web",
	"properties": {"repositoryName": "web", "registryId": "123456789012", "policy": {"Version": "2012-10-17", "Statement": [statement]}},
}

with_statement(s) := testing.alb_service({"repositories": [repo(s)]})

test_flags_pull_for_everyone if {
	[f] := [x | some x in rule.deny] with input as with_statement({"Effect": "Allow", "Principal": "*", "Action": "ecr:*"})
	f.pointer == "/policy/Statement/0"
	f.message == `the policy of ECR repository "web" (images of "web:3") lets any principal pull (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)`
	count(rule.deny) == 1 with input as with_statement({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["ecr:BatchGetImage"]})
}

test_allows_named_accounts_conditions_and_push_only if {
	count(rule.deny) == 0 with input as with_statement({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "ecr:*"})
	org := {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
	count(rule.deny) == 0 with input as with_statement({"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": org})
	count(rule.deny) == 0 with input as with_statement({"Effect": "Allow", "Principal": "*", "Action": "ecr:PutImage"})
	count(rule.deny) == 0 with input as with_statement({"Effect": "Deny", "Principal": "*", "Action": "ecr:*"})
	inp := testing.alb_service({"repositories": [object.union(repo({}), {"properties": {"policy": null}})]})
	count(rule.deny) == 0 with input as inp
}
