# METADATA
# title: No essential container
# description: |
#   Every container sets `essential` to false. ECS requires at least one essential
#   container, and a task whose main process may die without stopping the task hides
#   failures from the scheduler.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_environment
#     description: essential
# custom:
#   id: EA405
#   severity: medium
#   tags: [reliability]
#   precision: very-high
#   remediation: |
#     Mark the main container `"essential": true` (the default when omitted).
package ecsaudit.rules.no_essential_container

import rego.v1

import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	count(td.properties.containerDefinitions) > 0
	every c in td.properties.containerDefinitions {
		c.essential == false
	}
	finding := {
		"resource": td.id,
		"pointer": "/containerDefinitions",
		"message": sprintf(
			"task definition %q has no essential container; mark the main container essential",
			[td.name],
		),
	}
}
