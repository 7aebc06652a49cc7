package ecsaudit.rules.mutable_image_tag_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.mutable_image_tag as rule

test_flags_latest_and_untagged if {
	inp := testing.with_images(["nginx:latest", "redis", "registry.local:5000/app"])
	findings := rule.deny with input as inp
	count(findings) == 3
	{f.pointer | some f in findings} == {"/containerDefinitions/0/image", "/containerDefinitions/1/image", "/containerDefinitions/2/image"}
}

test_ignores_versions_digests_and_templates if {
	inp := testing.with_images([
		"nginx:1.25.3",
		"nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
		"${IMAGE_URI}",
		"registry.local:5000/app:2.0",
	])
	count(rule.deny) == 0 with input as inp
}

# A literal tag is judged even when what precedes it is templated; a placeholder is not.
test_flags_a_literal_latest_after_a_template if {
	inp := testing.with_images(["${REPO}:latest", "${REPO}:${TAG}", "<IMAGE_NAME>", "$IMAGE"])
	findings := rule.deny with input as inp
	{f.pointer | some f in findings} == {"/containerDefinitions/0/image"}
}
