package ecsaudit.rules.image_not_pinned_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.image_not_pinned as rule

test_flags_version_tag_without_digest if {
	inp := testing.with_images(["nginx:1.25.3"])
	findings := rule.deny with input as inp
	count(findings) == 1
}

test_ignores_digest_latest_and_templates if {
	inp := testing.with_images([
		"nginx:1.25@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
		"nginx:latest",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:{{tag}}",
	])
	count(rule.deny) == 0 with input as inp
}

test_flags_a_literal_version_after_a_template if {
	inp := testing.with_images(["${ECR}/app:1.4", "${ECR}/app@sha256:0123456789", "<IMAGE_NAME>"])
	findings := rule.deny with input as inp
	{f.pointer | some f in findings} == {"/containerDefinitions/0/image"}
}
