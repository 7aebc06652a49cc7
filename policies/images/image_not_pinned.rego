# METADATA
# title: Image tag not pinned by digest
# description: |
#   The image has a version tag but no digest. Tags in most registries can be moved to
#   another image, so the same task definition can run different bytes over time.
#   A digest pins exactly what was reviewed and scanned.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html#deployment-container-image-stability
#     description: Container image resolution
# custom:
#   id: EA202
#   severity: low
#   tags: [security, supply-chain, images]
#   precision: very-high
#   remediation: |
#     Append the digest to the reference (`repo:1.4.2@sha256:...`) in your deployment
#     pipeline, or make the ECR repository's tags immutable.
#   example: |
#     "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2@sha256:3b1e...c9a0"
package ecsaudit.rules.image_not_pinned

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	img := td.derived.containers[i].image
	is_object(img)
	img.literal_tag
	not img.pinned
	not img.mutable_latest
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/image", [i]),
		"message": sprintf(
			"%s uses image %q by tag only; pin it with @sha256:<digest>",
			[td.derived.containers[i].label, c.image],
		),
	}
}
