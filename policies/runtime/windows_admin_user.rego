# METADATA
# title: Windows container runs as an administrator
# description: |
#   A container of a Windows task definition sets `user` to `ContainerAdministrator` (or
#   `Administrator`), or sets no `user` and so runs as the image's default, which is
#   `ContainerAdministrator` in the Windows Server Core images. An administrator in the
#   container can change its whole filesystem and services and is the first step of an
#   escape to the host.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-21
#     description: "Security Hub ECS.21: non-administrator users in Windows container definitions"
#   - ref: https://learn.microsoft.com/en-us/virtualization/windowscontainers/manage-containers/container-security
#     description: Windows container security
# custom:
#   id: EA506
#   severity: medium
#   controls:
#     security_hub: [ECS.21]
#   tags: [security, runtime]
#   precision: high
#   remediation: |
#     Set `user` to `ContainerUser` (or another non-administrator account the image
#     creates) and build the image so the application runs as that account.
#   example: |
#     "user": "ContainerUser"
package ecsaudit.rules.windows_admin_user

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

admins := {"containeradministrator", "administrator"}

deny contains finding if {
	some td in task_definitions
	lib.is_windows(td)
	some i, c in td.properties.containerDefinitions
	not c.user
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d", [i]),
		"message": sprintf(
			"Windows %s sets no `user`, so it runs as the image's default (ContainerAdministrator in Server Core images); set `user` to ContainerUser",
			[td.derived.containers[i].label],
		),
	}
}

deny contains finding if {
	some td in task_definitions
	lib.is_windows(td)
	some i, c in td.properties.containerDefinitions
	is_string(c.user)
	lower(trim_space(c.user)) in admins
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/user", [i]),
		"message": sprintf(
			"Windows %s runs as %s; set `user` to ContainerUser",
			[td.derived.containers[i].label, c.user],
		),
	}
}
