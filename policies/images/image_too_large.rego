# METADATA
# title: Container image is larger than the size limit
# description: |
#   The ECR image a container runs is larger than the limit (default 1 GiB, compressed
#   size as ECR reports it). Large images slow every task start and scale-out, cost
#   more to store and transfer, and usually carry build tools and packages that widen
#   the attack surface.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/application.html
#     description: Best practices for container images
# custom:
#   id: EA204
#   severity: low
#   tags: [performance, security, live]
#   precision: very-high
#   remediation: |
#     Use a slim or distroless base image and multi-stage builds so only the runtime
#     artefacts ship.
#   parameters:
#     max_bytes:
#       default: 1073741824
#       description: Largest acceptable image, in bytes (ECR imageSizeInBytes).
package ecsaudit.rules.image_too_large

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some img in lib.linked(td, "image")
	lib.complete(img)
	size := img.properties.imageSizeInBytes
	is_number(size)
	limit := lib.param("EA204", "max_bytes", 1073741824)
	size > limit
	some i, c in td.properties.containerDefinitions
	c.image in img.derived.references
	msg := sprintf(
		"%s of task definition %q runs image %s of %s; the limit is %s",
		[td.derived.containers[i].label, td.name, c.image, human(size), human(limit)],
	)
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/image", [i]),
		"message": msg,
		"related": [img.id],
	}
}

# 2147483648 -> "2.0 GiB", 200000000 -> "190 MiB".
human(n) := sprintf(
	"%d.%d GiB",
	[floor(n / 1073741824), floor((n * 10) / 1073741824) % 10],
) if n >= 1073741824

else := sprintf("%d MiB", [floor(n / 1048576)])
