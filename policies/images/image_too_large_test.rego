package ecsaudit.rules.image_too_large_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.image_too_large as rule

ref := "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4"

image(size) := {
	"id": "arn:aws:ecr:us-east-1:123456789012:repository/web@sha256:abc",
	"kind": "image",
	"properties": {"repositoryName": "web", "imageSizeInBytes": size},
	"derived": {"references": [ref]},
}

test_flags_large_image if {
	inp := testing.alb_service({"container": {"image": ref}, "images": [image(2147483648)]})
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.message, "2.0 GiB")
	f.pointer == "/containerDefinitions/0/image"
}

test_allows_small_image_and_raised_limit if {
	inp := testing.alb_service({"container": {"image": ref}, "images": [image(200000000)]})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({"container": {"image": ref}, "images": [image(2147483648)]})
	count(rule.deny) == 0 with input as inp2 with data.ecsaudit.params as {"EA204": {"max_bytes": 4294967296}}
}
