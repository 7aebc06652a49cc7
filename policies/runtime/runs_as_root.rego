# METADATA
# title: Container runs as root
# description: |
#   `user` is unset (the image's default, usually root), `root`, `0`, or a root user
#   with a group (`0:0`, `root:staff`). Root inside the container makes escapes and
#   host-volume abuse far easier. Windows task definitions are judged by EA506.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20
#     description: "Security Hub ECS.20: non-root users in Linux container definitions"
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security
#     description: user
# custom:
#   id: EA503
#   severity: medium
#   controls:
#     security_hub: [ECS.20]
#     control_tower: [CT.ECS.PR.3]
#     config: [ecs-task-definition-nonroot-user]
#   tags: [security, runtime]
#   precision: high
#   remediation: |
#     Set `user` to a non-root uid (and gid), e.g. "1000:1000", and build the image so the
#     application runs as that user.
#   example: |
#     "user": "1000:1000"
#   parameters:
#     exempt_containers:
#       default: []
#       description: Container names allowed to run as root.
package ecsaudit.rules.runs_as_root

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

root_user(u) if lower(split(u, ":")[0]) in {"root", "0"}

deny contains finding if {
	exempt := lib.param("EA503", "exempt_containers", [])
	some td in task_definitions
	not lib.is_windows(td)
	some i, c in td.properties.containerDefinitions
	not c.name in exempt
	not c.user
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d", [i]),
		"message": sprintf(
			"%s sets no `user`, so it runs as the image's default user (usually root); set a non-root user",
			[td.derived.containers[i].label],
		),
	}
}

deny contains finding if {
	exempt := lib.param("EA503", "exempt_containers", [])
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	not c.name in exempt
	is_string(c.user)
	root_user(trim_space(c.user))
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/user", [i]),
		"message": sprintf(
			"%s runs as root (`user` is %q); use a non-root uid",
			[td.derived.containers[i].label, c.user],
		),
	}
}
