# METADATA
# title: Container adds dangerous Linux capabilities
# description: |
#   `linuxParameters.capabilities.add` grants capabilities such as SYS_ADMIN, NET_ADMIN,
#   SYS_MODULE or ALL, which allow escaping the container or tampering with the host's
#   network and kernel.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html
#     description: KernelCapabilities
# custom:
#   id: EA504
#   severity: high
#   tags: [security, runtime]
#   precision: very-high
#   remediation: |
#     Remove the capability, or replace it with the narrow one the process needs; drop
#     ALL and add back only what is required.
#   example: |
#     "linuxParameters": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}
#   parameters:
#     dangerous_capabilities:
#       default: ["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "DAC_READ_SEARCH", "DAC_OVERRIDE", "BPF", "PERFMON", "SYS_TIME", "MAC_ADMIN", "MAC_OVERRIDE", "NET_RAW"]
#       description: Capabilities (without the CAP_ prefix) that are flagged when added.
package ecsaudit.rules.dangerous_capabilities

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

dangerous := lib.param("EA504", "dangerous_capabilities", ["ALL", "SYS_ADMIN"])

deny contains finding if {
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	some j, cap in c.linuxParameters.capabilities.add
	name := lib.capability_name(cap)
	name in dangerous
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/linuxParameters/capabilities/add/%d", [i, j]),
		"message": sprintf(
			"%s adds capability %s; remove it or use a narrower one",
			[td.derived.containers[i].label, name],
		),
	}
}
