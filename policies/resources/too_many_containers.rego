# METADATA
# title: More than 10 containers in one task definition
# description: |
#   ECS allows at most 10 container definitions per task definition; registration of
#   more fails. Tasks that large are also hard to scale and deploy independently.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
#     description: Amazon ECS service quotas
# custom:
#   id: EA404
#   severity: medium
#   tags: [reliability]
#   precision: very-high
#   remediation: |
#     Split the containers into several task definitions and services.
#   parameters:
#     max_containers:
#       default: 10
#       description: Most containers a task definition may have.
package ecsaudit.rules.too_many_containers

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	limit := lib.param("EA404", "max_containers", 10)
	n := count(td.properties.containerDefinitions)
	n > limit
	finding := {
		"resource": td.id,
		"pointer": "/containerDefinitions",
		"message": sprintf(
			"task definition %q has %d containers; the limit is %d",
			[td.name, n, limit],
		),
	}
}
