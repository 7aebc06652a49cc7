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
	inp := with_statement({"Effect": "Allow", "Principal": "*", "Action": "ecr:*"})
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/policy/Statement/0"
	f.message == `the policy of ECR repository "web" (images of "web:3") lets any principal pull (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)`
	inp2 := with_statement({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["ecr:BatchGetImage"]})
	count(rule.deny) == 1 with input as inp2
}

test_allows_named_accounts_conditions_and_push_only if {
	inp := with_statement({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "ecr:*"})
	count(rule.deny) == 0 with input as inp
	org := {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
	inp2 := with_statement({"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": org})
	count(rule.deny) == 0 with input as inp2
	inp3 := with_statement({"Effect": "Allow", "Principal": "*", "Action": "ecr:PutImage"})
	count(rule.deny) == 0 with input as inp3
	inp4 := with_statement({"Effect": "Deny", "Principal": "*", "Action": "ecr:*"})
	count(rule.deny) == 0 with input as inp4
	inp5 := testing.alb_service({"repositories": [object.union(repo({}), {"properties": {"policy": null}})]})
	count(rule.deny) == 0 with input as inp5
}
