package ecsaudit.rules.repository_tag_mutable_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.repository_tag_mutable as rule

registry := "123456789012.dkr.ecr.us-east-1.amazonaws.com"

repo(props) := {
	"id": "arn:aws:ecr:us-east-1:123456789012:repository/web", "kind": "ecr_repository", "name": "web",
	"properties": object.union({"repositoryName": "web", "registryId": "123456789012", "imageTagMutability": "MUTABLE"}, props),
}

running(image, props) := testing.alb_service({"container": {"image": image}, "repositories": [repo(props)]})

test_flags_a_tag_in_a_mutable_repository if {
	inp := running(sprintf("%s/web:1.4", [registry]), {})
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/containerDefinitions/0/image"
	f.related == [repo({}).id]
	contains(f.message, `from ECR repository "web", whose tags are MUTABLE`)
}

test_flags_no_tag_as_latest_and_tags_outside_the_exclusions if {
	excl := {"imageTagMutability": "MUTABLE_WITH_EXCLUSION", "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "release-*"}]}
	inp := running(sprintf("%s/web", [registry]), {})
	count(rule.deny) == 1 with input as inp
	inp2 := running(sprintf("%s/web:dev", [registry]), excl)
	count(rule.deny) == 1 with input as inp2
}

test_allows_digests_immutable_tags_and_excluded_tags if {
	excl := {"imageTagMutability": "MUTABLE_WITH_EXCLUSION", "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "release-*"}]}
	inp := running(sprintf("%s/web@sha256:%s", [registry, concat("", ["a" | some _ in numbers.range(1, 64)])]), {})
	count(rule.deny) == 0 with input as inp
	inp2 := running(sprintf("%s/web:1.4", [registry]), {"imageTagMutability": "IMMUTABLE"})
	count(rule.deny) == 0 with input as inp2
	inp3 := running(sprintf("%s/web:release-7", [registry]), excl)
	count(rule.deny) == 0 with input as inp3
	inp4 := running(sprintf("%s/other:1.4", [registry]), {})
	count(rule.deny) == 0 with input as inp4
}
