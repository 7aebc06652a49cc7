# METADATA
# title: EFS volume without encryption in transit
# description: |
#   An EFS volume does not set `transitEncryption` to ENABLED, so NFS traffic between
#   the task and the file system is unencrypted.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
#     description: Use Amazon EFS volumes with Amazon ECS
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html
#     description: EFSVolumeConfiguration
# custom:
#   id: EA702
#   severity: high
#   controls:
#     security_hub: [ECS.18]
#     config: [ecs-task-definition-efs-encryption-enabled]
#     checkov: [CKV_AWS_97]
#     kics:
#       - 4d46ff3b-7160-41d1-a310-71d6d370b08f
#       - 4c3267c9-b2ac-40bf-93f6-b610fb8c7b9f
#       - c1282e03-b285-4637-aee7-eefe3a7bb658
#       - 6c131358-c54d-419b-9dd6-1f7dd41d180c
#     trivy: [AVD-AWS-0035]
#   tags: [security, volumes, encryption]
#   precision: very-high
#   remediation: |
#     Set `"transitEncryption": "ENABLED"` in the volume's `efsVolumeConfiguration`.
#   example: |
#     "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED"}}
package ecsaudit.rules.efs_transit_encryption

import rego.v1

import data.ecsaudit.lib.task_definitions

deny contains finding if {
	some td in task_definitions
	some i, v in td.properties.volumes
	efs := v.efsVolumeConfiguration
	is_object(efs)
	not efs.transitEncryption == "ENABLED"
	finding := {
		"resource": td.id,
		"pointer": sprintf("/volumes/%d/efsVolumeConfiguration", [i]),
		"message": sprintf(
			"EFS volume %q does not encrypt data in transit; set transitEncryption to ENABLED",
			[v.name],
		),
	}
}
