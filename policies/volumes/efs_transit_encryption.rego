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
#     checkov: [CKV_AWS_97]
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
	finding := {"resource": td.id, "pointer": sprintf("/volumes/%d/efsVolumeConfiguration", [i]), "message": sprintf("EFS volume %q does not encrypt data in transit; set transitEncryption to ENABLED", [v.name])}
}
