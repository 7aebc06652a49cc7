package ecsaudit.rules.registry_not_allowed_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.registry_not_allowed as rule

only_ecr := {"allowed_registries": ["*.dkr.ecr.*.amazonaws.com", "public.ecr.aws"]}

test_flags_docker_hub_when_restricted if {
	inp := testing.with_images(["nginx:1.25", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"])
	findings := rule.deny with input as inp
		with data.ecsaudit.params.EA203 as only_ecr
	count(findings) == 1
	some f in findings
	contains(f.message, "docker.io")
}

test_allows_listed_registries if {
	inp := testing.with_images(["123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1", "public.ecr.aws/nginx/nginx:1"])
	count(rule.deny) == 0 with input as inp
		with data.ecsaudit.params.EA203 as only_ecr
}

test_off_by_default if {
	inp := testing.with_images(["nginx:1.25"])
	count(rule.deny) == 0 with input as inp
		with data.ecsaudit.params.EA203 as {"allowed_registries": []}
}
