# METADATA
# title: Container root filesystem is writable
# description: |
#   `readonlyRootFilesystem` is not true, so an attacker (or a bug) can modify binaries
#   and configuration inside the container. Sidecars that need a writable root (some
#   agents) can be exempted by container name.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5
#     description: "Security Hub ECS.5: containers should be limited to read-only access to root filesystems"
# custom:
#   id: EA502
#   severity: medium
#   controls:
#     security_hub: [ECS.5]
#     control_tower: [CT.ECS.PR.6]
#     config: [ecs-containers-readonly-access]
#     prowler: [ecs_task_definitions_containers_readonly_access]
#     checkov: [CKV_AWS_336]
#   tags: [security, runtime]
#   precision: very-high
#   remediation: |
#     Set `"readonlyRootFilesystem": true` and mount writable volumes only where the
#     application writes (e.g. /tmp), or exempt the container with `exempt_containers`.
#   example: |
#     "readonlyRootFilesystem": true,
#     "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}]
#   parameters:
#     exempt_containers:
#       default: []
#       description: Container names allowed a writable root filesystem.
package ecsaudit.rules.writable_root_filesystem

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	exempt := lib.param("EA502", "exempt_containers", [])
	some td in task_definitions
	not lib.is_windows(td)
	some i, c in td.properties.containerDefinitions
	not c.readonlyRootFilesystem == true
	not c.name in exempt
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/readonlyRootFilesystem", [i]),
		"message": sprintf(
			"%s has a writable root filesystem; set `readonlyRootFilesystem` to true",
			[td.derived.containers[i].label],
		),
	}
}
