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

# The fields every check below needs: most task definitions and containers set none of
# them, and then the checks are not run at all (one object.filter is cheaper than a
# lookup per field).
task_fields := {"volumes", "ipcMode", "pidMode", "placementConstraints"}

container_fields := {"privileged", "linuxParameters", "dockerSecurityOptions", "links"}

# [pointer, what] pairs of task-level parameters Fargate rejects.
task_problems(td) := ((((host_volumes(td) | docker_volumes(td)) | ipc(td)) | pid(td)) | placement(td))

host_volumes(td) := {[sprintf("/volumes/%d/host/sourcePath", [i]), sprintf("volume %q uses a host source path", [v.name])] |
	some i, v in td.properties.volumes
	v.host.sourcePath
}

docker_volumes(td) := {[sprintf("/volumes/%d/dockerVolumeConfiguration", [i]), sprintf("volume %q uses dockerVolumeConfiguration", [v.name])] |
	some i, v in td.properties.volumes
	v.dockerVolumeConfiguration
}

ipc(td) := {["/ipcMode", "ipcMode is set"] | td.properties.ipcMode}

pid(td) := {["/pidMode", "pidMode host is set"] | td.properties.pidMode == "host"}

placement(td) := {["/placementConstraints", "placementConstraints are set"] | count(td.properties.placementConstraints) > 0}

# [field, what] pairs of container parameters Fargate rejects.
container_problems(c) := ((((((privileged(c) | devices(c)) | shm(c)) | tmpfs(c)) | security_options(c)) | links(c)) | capabilities(c))

privileged(c) := {["privileged", "runs privileged"] | c.privileged == true}

devices(c) := {["linuxParameters/devices", "maps host devices"] | count(c.linuxParameters.devices) > 0}

shm(c) := {["linuxParameters/sharedMemorySize", "sets sharedMemorySize"] | c.linuxParameters.sharedMemorySize}

tmpfs(c) := {["linuxParameters/tmpfs", "uses tmpfs mounts"] | count(c.linuxParameters.tmpfs) > 0}

security_options(c) := {["dockerSecurityOptions", "sets dockerSecurityOptions"] | count(c.dockerSecurityOptions) > 0}

links(c) := {["links", "uses links"] | count(c.links) > 0}

capabilities(c) := {[sprintf("linuxParameters/capabilities/add/%d", [j]), sprintf("adds capability %s", [cap])] |
	some j, cap in c.linuxParameters.capabilities.add
	lib.capability_name(cap) != "SYS_PTRACE"
}

deny contains finding if {
	some td in task_definitions
	td.derived.fargate
	count(object.filter(td.properties, task_fields)) > 0
	some [pointer, what] in task_problems(td)
	finding := {"resource": td.id, "pointer": pointer, "message": sprintf("task definition %q requires FARGATE but %s, which Fargate does not support", [td.name, what])}
}

deny contains finding if {
	some td in task_definitions
	td.derived.fargate
	some i, c in td.properties.containerDefinitions
	count(object.filter(c, container_fields)) > 0
	some [field, what] in container_problems(c)
	finding := {"resource": td.id, "pointer": sprintf("/containerDefinitions/%d/%s", [i, field]), "message": sprintf("%s %s, which Fargate does not support", [td.derived.containers[i].label, what])}
}
