# METADATA
# title: Image was pushed long ago
# description: |
#   The ECR image the container runs was pushed more than `max_age_days` days ago (by
#   default 180). An image that old carries the vulnerabilities fixed in its base image
#   and packages since: it has not been rebuilt, whatever its tag says.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html
#     description: "ECS best practices: tasks and containers security"
# custom:
#   id: EA208
#   severity: low
#   tags: [security, images, live]
#   precision: high
#   remediation: |
#     Rebuild the image regularly (a scheduled pipeline), push it and deploy it.
#   parameters:
#     max_age_days:
#       default: 180
#       description: Oldest acceptable push date, in days before the scan.
package ecsaudit.rules.image_too_old

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some img in lib.linked(td, "image")
	pushed := img.properties.imagePushedAt
	is_number(pushed)
	days := floor(((time.now_ns() / 1000000000) - pushed) / 86400)
	days > lib.param("EA208", "max_age_days", 180)
	some i, c in td.properties.containerDefinitions
	c.image in img.derived.references
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/image", [i]),
		"message": sprintf(
			"%s runs image %s, pushed %d days ago; rebuild it",
			[td.derived.containers[i].label, c.image, days],
		),
		"related": [img.id],
	}
}
