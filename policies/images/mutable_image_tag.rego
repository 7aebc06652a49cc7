# METADATA
# title: Image uses the latest tag or no tag
# description: |
#   The container image is referenced as `:latest` or without a tag (which means
#   `latest`). What runs then depends on when a task starts: two tasks of one revision
#   may run different code, rollbacks do not roll back, and a compromised push reaches
#   production on the next scale-out. Templated references (`${IMAGE}`,
#   `<IMAGE_NAME>`) are not judged, but a tag written literally is, whatever is
#   templated before it (`${REPO}:latest`).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-considerations.html
#     description: Container image best practices
#   - ref: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
#     description: Preventing image tags from being overwritten in Amazon ECR
# custom:
#   id: EA201
#   severity: medium
#   tags: [security, supply-chain, images]
#   precision: very-high
#   remediation: |
#     Reference an immutable version: a digest (`repo@sha256:...`) or at least a unique
#     version tag, and turn on tag immutability in the ECR repository.
#   example: |
#     "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:3b1e...c9a0"
package ecsaudit.rules.mutable_image_tag

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	img := td.derived.containers[i].image
	is_object(img)
	img.literal_tag
	img.mutable_latest
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/image", [i]),
		"message": sprintf(
			"%s uses image %q, which floats with the `latest` tag; pin a digest or a version tag",
			[td.derived.containers[i].label, c.image],
		),
	}
}
