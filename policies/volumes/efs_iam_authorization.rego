# METADATA
# title: EFS volume without IAM authorization
# description: |
#   An EFS volume does not use IAM authorization, so access is governed only by network
#   reachability and POSIX permissions, not by the task role and the file system
#   policy.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
#     description: Use Amazon EFS volumes with Amazon ECS
# custom:
#   id: EA703
#   severity: medium
#   tags: [security, volumes, iam]
#   precision: very-high
#   remediation: |
#     Set `authorizationConfig.iam` to ENABLED (this requires transit encryption) and
#     grant the task role elasticfilesystem:ClientMount / ClientWrite in the file system
#     policy.
#   example: |
#     "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED", "accessPointId": "fsap-0123456789abcdef0"}}
package ecsaudit.rules.efs_iam_authorization

import rego.v1

import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	some i, v in td.properties.volumes
	efs := v.efsVolumeConfiguration
	is_object(efs)
	not efs.authorizationConfig.iam == "ENABLED"
	finding := {
		"resource": td.id,
		"pointer": sprintf("/volumes/%d/efsVolumeConfiguration", [i]),
		"message": sprintf(
			"EFS volume %q does not use IAM authorization; set authorizationConfig.iam to ENABLED",
			[v.name],
		),
	}
}
