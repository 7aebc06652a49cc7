# METADATA
# title: Container instance's root volume is not encrypted
# description: |
#   The EBS volume the container instance boots from is not encrypted. It holds the
#   Docker images and container layers, the writable filesystems of the containers,
#   their json-file logs, and the ECS agent's state: whatever a task writes to disk is
#   readable from a snapshot of the volume.
# related_resources:
#   - ref: https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html
#     description: Enable Amazon EBS encryption by default
# custom:
#   id: EA963
#   severity: medium
#   tags: [security, instances, live]
#   precision: very-high
#   remediation: |
#     Turn on EBS encryption by default in the region and replace the instances (a
#     launch template with `Encrypted: true` on the root block device does it per
#     group).
package ecsaudit.rules.root_volume_unencrypted

import rego.v1

import data.ecsaudit.lib.container_instances

deny contains finding if {
	some ci in container_instances
	volume := ci.properties.Ec2Instance.RootVolume
	volume.Encrypted == false
	finding := {
		"resource": ci.id,
		"pointer": "/Ec2Instance/RootVolume/Encrypted",
		"message": sprintf(
			"the root volume %s of container instance %q is not encrypted",
			[volume.VolumeId, ci.name],
		),
	}
}
