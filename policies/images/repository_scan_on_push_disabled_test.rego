package ecsaudit.rules.repository_scan_on_push_disabled_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.repository_scan_on_push_disabled as rule

repo(frequency) := {
	"id": "arn:aws:ecr:us-east-1:123456789012:repository/web", "kind": "ecr_repository", "name": "web",
	"properties": {"repositoryName": "web", "registryId": "123456789012", "scanningConfiguration": {"scanOnPush": false, "scanFrequency": frequency}},
}

test_flags_a_repository_scanned_manually_only if {
	inp := testing.alb_service({"repositories": [repo("MANUAL")]})
	[f] := [x | some x in rule.deny] with input as inp
	f.message == `ECR repository "web" (images of "web:3") scans no image on push or continuously`
}

test_allows_scan_on_push_continuous_or_unknown if {
	inp := testing.alb_service({"repositories": [repo("SCAN_ON_PUSH")]})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"repositories": [repo("CONTINUOUS_SCAN")]})
	count(rule.deny) == 0 with input as inp2
	unread := {"id": "arn:aws:ecr:us-east-1:111122223333:repository/base", "kind": "ecr_repository", "name": "base", "properties": {"repositoryName": "base"}}
	inp3 := testing.alb_service({"repositories": [unread]})
	count(rule.deny) == 0 with input as inp3
}
