# METADATA
# title: Fixed host port in bridge mode
# description: |
#   In bridge mode a non-zero `hostPort` pins the container to that port on the
#   instance: only one task per instance can run, deployments stall waiting for the
#   port, and an ALB cannot use dynamic host port mapping.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
#     description: PortMapping
# custom:
#   id: EA601
#   severity: low
#   tags: [reliability, network]
#   precision: very-high
#   remediation: |
#     Omit `hostPort` (or set it to 0) to get a dynamic host port, and let the target
#     group register it; the instance security group must admit the load balancer on
#     the ephemeral range.
#   example: |
#     "portMappings": [{"containerPort": 8080, "hostPort": 0, "protocol": "tcp"}]
package ecsaudit.rules.bridge_fixed_host_port

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	td.derived.network_mode == "bridge"
	some i, c in td.properties.containerDefinitions
	some j, pm in c.portMappings
	is_number(pm.hostPort)
	pm.hostPort != 0
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/portMappings/%d/hostPort", [i, j]),
		"message": sprintf(
			"%s maps container port %v to fixed host port %d in bridge mode; use hostPort 0 for dynamic mapping",
			[td.derived.containers[i].label, object.get(pm, "containerPort", "?"), pm.hostPort],
		),
	}
}
