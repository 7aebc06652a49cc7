# METADATA
# title: Privileged container
# description: |
#   `privileged: true` gives the container all capabilities and access to every host
#   device: a compromise of the container is a compromise of the instance and of every
#   other task on it.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4
#     description: "Security Hub ECS.4: ECS containers should run as non-privileged"
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security
#     description: Container security parameters
# custom:
#   id: EA501
#   severity: critical
#   controls:
#     security_hub: [ECS.4]
#     control_tower: [CT.ECS.PR.11]
#     config: [ecs-containers-nonprivileged]
#     prowler: [ecs_task_definitions_no_privileged_containers]
#     checkov: [CKV_AWS_334]
#   tags: [security, runtime]
#   precision: very-high
#   remediation: |
#     Remove `privileged` (or set it to false). Grant only the Linux capabilities the
#     process needs through `linuxParameters.capabilities.add`.
#   example: |
#     "privileged": false,
#     "linuxParameters": {"capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}}
package ecsaudit.rules.privileged_container

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	c.privileged == true
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/privileged", [i]),
		"message": sprintf(
			"%s runs privileged: it has full access to the host; remove `privileged`",
			[td.derived.containers[i].label],
		),
	}
}
