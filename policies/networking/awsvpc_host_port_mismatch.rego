# METADATA
# title: awsvpc port mapping with a different host port
# description: |
#   In awsvpc mode the task has its own network interface and `hostPort` must equal
#   `containerPort` (or be omitted). A different value is rejected at registration.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
#     description: PortMapping
# custom:
#   id: EA602
#   severity: high
#   tags: [reliability, network]
#   precision: very-high
#   remediation: |
#     Omit `hostPort` or set it to the same value as `containerPort`.
#   example: |
#     "portMappings": [{"containerPort": 8080, "protocol": "tcp"}]
package ecsaudit.rules.awsvpc_host_port_mismatch

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	td.derived.network_mode == "awsvpc"
	some i, c in td.properties.containerDefinitions
	some j, pm in c.portMappings
	is_number(pm.hostPort)
	pm.hostPort != pm.containerPort
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/portMappings/%d/hostPort", [i, j]),
		"message": sprintf(
			"%s: in awsvpc mode hostPort %d must equal containerPort %v",
			[
				td.derived.containers[i].label,
				pm.hostPort,
				object.get(pm, "containerPort", "(unset)"),
			],
		),
	}
}
