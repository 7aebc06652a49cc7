# METADATA
# title: Image has critical or high vulnerabilities in its ECR scan
# description: |
#   The last ECR scan of the image the container runs found vulnerabilities of the
#   severities listed (by default CRITICAL and HIGH): counts per severity come from the
#   image's scan findings summary, as basic and enhanced scanning report it.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
#     description: Scan images for software vulnerabilities in Amazon ECR
# custom:
#   id: EA207
#   severity: high
#   controls:
#     prowler: [ecr_repositories_scan_vulnerabilities_in_latest_image]
#   tags: [security, images, vulnerabilities, live]
#   precision: high
#   remediation: |
#     Rebuild the image on a patched base image and updated packages, push it, and
#     deploy a task definition revision that uses it.
#   parameters:
#     severities:
#       default: [CRITICAL, HIGH]
#       description: Scan finding severities that make a finding.
package ecsaudit.rules.image_vulnerabilities

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some img in lib.linked(td, "image")
	counts := img.properties.imageScanFindingsSummary.findingSeverityCounts
	is_object(counts)
	severities := lib.param("EA207", "severities", ["CRITICAL", "HIGH"])
	found := [sprintf("%d %s", [counts[s], s]) | some s in severities; counts[s] > 0]
	count(found) > 0
	some i, c in td.properties.containerDefinitions
	c.image in img.derived.references
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/image", [i]),
		"message": sprintf(
			"%s runs image %s, whose ECR scan found %s vulnerabilities",
			[td.derived.containers[i].label, c.image, concat(", ", found)],
		),
		"related": [img.id],
	}
}
