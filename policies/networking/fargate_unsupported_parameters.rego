# METADATA
# title: Fargate task uses parameters Fargate does not support
# description: |
#   The task requires FARGATE but uses parameters only the EC2 launch type supports:
#   host volumes with a source path, Docker volume configuration, privileged
#   containers, devices, added capabilities other than SYS_PTRACE, Docker security
#   options, links, IPC mode, host PID mode, shared memory size, tmpfs mounts or
#   placement constraints. Registration or task launch fails.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-task-defs
#     description: Task definition considerations for Fargate
# custom:
#   id: EA604
#   severity: high
#   tags: [reliability, fargate]
#   precision: high
#   remediation: |
#     Remove the parameter, or run the task on the EC2 launch type. Use EFS volumes
#     instead of host paths.
package ecsaudit.rules.fargate_unsupported_parameters

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

# One body per parameter Fargate rejects: task-level ones first, then container ones.

deny contains finding if {
	some td in fargate_task_definitions
	some i, v in td.properties.volumes
	v.host.sourcePath
	what := sprintf("volume %q uses a host source path", [v.name])
	finding := task_finding(td, sprintf("/volumes/%d/host/sourcePath", [i]), what)
}

deny contains finding if {
	some td in fargate_task_definitions
	some i, v in td.properties.volumes
	v.dockerVolumeConfiguration
	what := sprintf("volume %q uses dockerVolumeConfiguration", [v.name])
	finding := task_finding(td, sprintf("/volumes/%d/dockerVolumeConfiguration", [i]), what)
}

deny contains finding if {
	some td in fargate_task_definitions
	td.properties.ipcMode
	finding := task_finding(td, "/ipcMode", "ipcMode is set")
}

deny contains finding if {
	some td in fargate_task_definitions
	td.properties.pidMode == "host"
	finding := task_finding(td, "/pidMode", "pidMode host is set")
}

deny contains finding if {
	some td in fargate_task_definitions
	count(td.properties.placementConstraints) > 0
	finding := task_finding(td, "/placementConstraints", "placementConstraints are set")
}

deny contains finding if {
	some td in fargate_task_definitions
	some i, c in td.properties.containerDefinitions
	c.privileged == true
	finding := container_finding(td, i, "privileged", "runs privileged")
}

deny contains finding if {
	some td in fargate_task_definitions
	some i, c in td.properties.containerDefinitions
	count(c.linuxParameters.devices) > 0
	finding := container_finding(td, i, "linuxParameters/devices", "maps host devices")
}

deny contains finding if {
	some td in fargate_task_definitions
	some i, c in td.properties.containerDefinitions
	c.linuxParameters.sharedMemorySize
	field := "linuxParameters/sharedMemorySize"
	finding := container_finding(td, i, field, "sets sharedMemorySize")
}

deny contains finding if {
	some td in fargate_task_definitions
	some i, c in td.properties.containerDefinitions
	count(c.linuxParameters.tmpfs) > 0
	finding := container_finding(td, i, "linuxParameters/tmpfs", "uses tmpfs mounts")
}

deny contains finding if {
	some td in fargate_task_definitions
	some i, c in td.properties.containerDefinitions
	count(c.dockerSecurityOptions) > 0
	field := "dockerSecurityOptions"
	finding := container_finding(td, i, field, "sets dockerSecurityOptions")
}

deny contains finding if {
	some td in fargate_task_definitions
	some i, c in td.properties.containerDefinitions
	count(c.links) > 0
	finding := container_finding(td, i, "links", "uses links")
}

# Fargate allows adding SYS_PTRACE only.
deny contains finding if {
	some td in fargate_task_definitions
	some i, c in td.properties.containerDefinitions
	some j, cap in c.linuxParameters.capabilities.add
	lib.capability_name(cap) != "SYS_PTRACE"
	field := sprintf("linuxParameters/capabilities/add/%d", [j])
	finding := container_finding(td, i, field, sprintf("adds capability %s", [cap]))
}

fargate_task_definitions := [td | some td in task_definitions; td.derived.fargate]

task_finding(td, pointer, what) := {
	"resource": td.id,
	"pointer": pointer,
	"message": sprintf(
		"task definition %q requires FARGATE but %s, which Fargate does not support",
		[td.name, what],
	),
}

container_finding(td, i, field, what) := {
	"resource": td.id,
	"pointer": sprintf("/containerDefinitions/%d/%s", [i, field]),
	"message": sprintf(
		"%s %s, which Fargate does not support",
		[td.derived.containers[i].label, what],
	),
}
