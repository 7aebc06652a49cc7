# METADATA
# title: Execution role lacks a permission the task needs
# description: |
#   The ECS agent uses the execution role to start the task. This rule works out what
#   the task definition needs and evaluates the role's policies (Allow/Deny, wildcards,
#   NotAction, NotResource) for each need:
#   `secretsmanager:GetSecretValue` / `ssm:GetParameters` for `secrets` and log
#   `secretOptions`; `ecr:GetAuthorizationToken`, `ecr:BatchGetImage` and
#   `ecr:GetDownloadUrlForLayer` for private ECR images; `logs:CreateLogStream` and
#   `logs:PutLogEvents` for awslogs (plus `logs:CreateLogGroup` when
#   `awslogs-create-group` is true); `s3:GetObject` for `environmentFiles`; and
#   `secretsmanager:GetSecretValue` for `repositoryCredentials`. A missing permission
#   makes tasks fail to start. Only identity policies are evaluated (permission
#   boundaries can only remove access; resource policies are not read).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
#     description: Amazon ECS task execution IAM role
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
#     description: Pass Secrets Manager secrets through environment variables
# custom:
#   id: EA808
#   severity: high
#   tags: [iam, reliability, live]
#   precision: high
#   remediation: |
#     Grant the execution role the missing action on the named resource (e.g. attach
#     AmazonECSTaskExecutionRolePolicy and an inline policy allowing
#     secretsmanager:GetSecretValue on the task's secret ARNs).
package ecsaudit.rules.execution_role_missing_permissions

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.iam
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some role in lib.linked(td, "execution_role")
	iam.complete(role)
	some need in needs(td)
	not iam.allows(role, need.action, need.resource)
	finding := {
		"resource": td.id,
		"pointer": need.pointer,
		"message": sprintf(
			"execution role %q of task definition %q does not allow %s on %s, needed for %s",
			[role.name, td.name, need.action, need.resource, need.why],
		),
		"related": [role.id],
	}
}

# What the task definition needs its execution role to allow.
needs(td) := union({
	ecr_needs(td),
	log_needs(td),
	secret_needs(td),
	repo_cred_needs(td),
	env_file_needs(td),
})

requirement(pointer, action, resource, why) := {
	"pointer": pointer,
	"action": action,
	"resource": resource,
	"why": why,
}

ecr_needs(td) := {n |
	some i, c in td.properties.containerDefinitions
	img := td.derived.containers[i].image
	img.ecr != null
	not img.unresolved
	repo := sprintf(
		"arn:%s:ecr:%s:%s:repository/%s",
		[lib.partition_of(td), img.ecr.region, img.ecr.account, img.repository],
	)
	some [action, resource] in [
		["ecr:GetAuthorizationToken", "*"],
		["ecr:BatchGetImage", repo],
		["ecr:GetDownloadUrlForLayer", repo],
	]
	n := requirement(
		sprintf("/containerDefinitions/%d/image", [i]),
		action,
		resource,
		sprintf("pulling image %s of %s", [c.image, td.derived.containers[i].label]),
	)
}

log_needs(td) := {n |
	some i, c in td.properties.containerDefinitions
	c.logConfiguration.logDriver == "awslogs"
	opts := object.get(c.logConfiguration, "options", {})
	group := opts["awslogs-group"]
	is_string(group)
	region := object.get(opts, "awslogs-region", lib.region_of(td))
	base := sprintf(
		"arn:%s:logs:%s:%s:log-group:%s",
		[lib.partition_of(td), region, lib.account_of(td), group],
	)
	stream := sprintf("%s:log-stream:%s", [base, stream_name(opts, c)])
	some [action, resource] in array.concat(
		[["logs:CreateLogStream", stream], ["logs:PutLogEvents", stream]],
		[["logs:CreateLogGroup", base] | creates_group(opts)],
	)
	n := requirement(
		sprintf("/containerDefinitions/%d/logConfiguration", [i]),
		action,
		resource,
		sprintf("awslogs of %s", [td.derived.containers[i].label]),
	)
}

# `awslogs-create-group` is "true" (or true).
creates_group(opts) if {
	lower(sprintf("%v", [object.get(opts, "awslogs-create-group", "false")])) == "true"
}

# A stream name as ECS makes it: prefix/container/task-id (a sample task id).
stream_name(opts, c) := sprintf(
	"%s/%s/0123456789abcdef0123456789abcdef",
	[opts["awslogs-stream-prefix"], c.name],
) if opts["awslogs-stream-prefix"]

else := "0123456789abcdef0123456789abcdef"

secret_needs(td) := {n |
	some i, c in td.properties.containerDefinitions
	log_secrets := object.get(object.get(c, "logConfiguration", {}), "secretOptions", [])
	some [field, list] in [
		["secrets", object.get(c, "secrets", [])],
		["logConfiguration/secretOptions", log_secrets],
	]
	some j, s in list
	is_string(s.valueFrom)
	[action, resource] := secret_access(td, s.valueFrom)
	n := requirement(
		sprintf("/containerDefinitions/%d/%s/%d", [i, field, j]),
		action,
		resource,
		sprintf("secret %s of %s", [s.name, td.derived.containers[i].label]),
	)
}

# Secrets Manager ARN (a JSON key / version suffix is not part of the secret's ARN).
secret_access(td, ref) := [
	"secretsmanager:GetSecretValue",
	concat(":", array.slice(parts, 0, 7)),
] if {
	parts := split(ref, ":")
	parts[2] == "secretsmanager"
}

else := ["ssm:GetParameters", ref] if {
	split(ref, ":")[2] == "ssm"
}

else := [
	"ssm:GetParameters",
	sprintf(
		"arn:%s:ssm:%s:%s:parameter/%s",
		[lib.partition_of(td), lib.region_of(td), lib.account_of(td), trim_prefix(ref, "/")],
	),
] if {
	not startswith(ref, "arn:")
}

repo_cred_needs(td) := {n |
	some i, c in td.properties.containerDefinitions
	ref := c.repositoryCredentials.credentialsParameter
	is_string(ref)
	n := requirement(
		sprintf("/containerDefinitions/%d/repositoryCredentials", [i]),
		"secretsmanager:GetSecretValue",
		concat(":", array.slice(split(ref, ":"), 0, 7)),
		sprintf("private registry credentials of %s", [td.derived.containers[i].label]),
	)
}

env_file_needs(td) := {n |
	some i, c in td.properties.containerDefinitions
	some j, f in object.get(c, "environmentFiles", [])
	object.get(f, "type", "s3") == "s3"
	n := requirement(
		sprintf("/containerDefinitions/%d/environmentFiles/%d", [i, j]),
		"s3:GetObject",
		f.value,
		sprintf("environment file of %s", [td.derived.containers[i].label]),
	)
}
