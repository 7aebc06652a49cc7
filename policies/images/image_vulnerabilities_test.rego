package ecsaudit.rules.image_vulnerabilities_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.image_vulnerabilities as rule

ref := "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4"

scanned(counts) := testing.alb_service({"container": {"image": ref}, "images": [{
	"id": "arn:aws:ecr:us-east-1:123456789012:repository/web@sha256:abc", "kind": "image",
	"properties": {"repositoryName": "web", "imageScanFindingsSummary": {"findingSeverityCounts": counts}},
	"derived": {"references": [ref]},
}]})

test_flags_critical_and_high_counts if {
	inp := scanned({"CRITICAL": 2, "HIGH": 5, "MEDIUM": 9})
	[f] := [x | some x in rule.deny] with input as inp
	f.message == sprintf(`container "web" runs image %s, whose ECR scan found 2 CRITICAL, 5 HIGH vulnerabilities`, [ref])
}

test_allows_lower_severities_and_a_narrower_parameter if {
	inp := scanned({"MEDIUM": 9, "LOW": 1})
	count(rule.deny) == 0 with input as inp
	inp2 := scanned({"HIGH": 1})
	count(rule.deny) == 0 with input as inp2 with data.ecsaudit.params as {"EA207": {"severities": ["CRITICAL"]}}
	inp3 := testing.alb_service({"container": {"image": ref}})
	count(rule.deny) == 0 with input as inp3
}
