# METADATA
# title: Task role grants administrator or wildcard access
# description: |
#   The task role (what the application's code may call in AWS) has a statement that
#   allows every action (`"Action": "*"`, or `NotAction`) or every action of a service
#   (`"s3:*"`) on every resource, directly or through an attached managed policy such as
#   AdministratorAccess. Anyone who gets code execution in the container gets that
#   access. Severity is raised to critical for administrator access, and for any such
#   grant when a service running the task is reachable from the internet.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
#     description: Amazon ECS task IAM role
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#     description: Apply least-privilege permissions
# custom:
#   id: EA805
#   severity: high
#   tags: [security, iam, live]
#   precision: high
#   remediation: |
#     Replace the statement with the specific actions the application calls, on the
#     specific resources (bucket, table, queue ARNs) it uses; detach AdministratorAccess
#     and PowerUserAccess from task roles.
package ecsaudit.rules.task_role_overly_broad

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.iam
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some role in lib.linked(td, "task_role")
	iam.complete(role)
	some g in iam.broad_grants(role)
	services := lib.services_of(td)
	exposed := [s | some s in services; lib.internet_reachable(s)]
	msg := sprintf(
		"task role %q of task definition %q grants %s (%s, statement %d)%s",
		[role.name, td.name, g.grant, g.policy, g.index, exposure(exposed)],
	)
	f := {
		"resource": td.id,
		"pointer": "/taskRoleArn",
		"message": msg,
		"related": array.concat([role.id], [s.id | some s in services]),
	}
	finding := object.union(f, {"severity": severity(g, exposed)})
}

exposure(exposed) := "" if count(exposed) == 0

else := sprintf("; service %s is reachable from the internet", [lib.names(exposed)])

severity(g, exposed) := "critical" if iam.admin_grant(g)

else := "critical" if count(exposed) > 0

else := "high"
