package ecsaudit.rules.image_too_old_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.image_too_old as rule

ref := "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4"

# An image pushed `days` days before now.
pushed(days) := testing.alb_service({"container": {"image": ref}, "images": [{
	"id": "arn:aws:ecr:us-east-1:123456789012:repository/web@sha256:abc", "kind": "image",
	"properties": {"repositoryName": "web", "imagePushedAt": (time.now_ns() / 1000000000) - ((days * 86400) + 60)},
	"derived": {"references": [ref]},
}]})

test_flags_an_image_older_than_the_limit if {
	inp := pushed(200)
	[f] := [x | some x in rule.deny] with input as inp
	f.message == sprintf(`container "web" runs image %s, pushed 200 days ago; rebuild it`, [ref])
}

test_allows_recent_images_and_a_longer_limit if {
	inp := pushed(30)
	count(rule.deny) == 0 with input as inp
	inp2 := pushed(200)
	count(rule.deny) == 0 with input as inp2 with data.ecsaudit.params as {"EA208": {"max_age_days": 365}}
}
