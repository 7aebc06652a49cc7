# METADATA
# title: ECS Exec used without a KMS key for its sessions
# description: |
#   A service of the cluster enables ECS Exec, and the cluster's ECS Exec configuration
#   names no `kmsKeyId`. The session between the client and the container is then
#   protected by TLS only: with a key of yours it is encrypted with it too, and
#   `kms:Decrypt` on that key becomes a permission you can grant, audit and revoke per
#   user.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-encryption
#     description: Encrypt ECS Exec data with your KMS key
# custom:
#   id: EA953
#   severity: low
#   controls:
#     checkov: [CKV_AWS_224]
#   tags: [security, clusters, live]
#   precision: high
#   remediation: |
#     Set `executeCommandConfiguration.kmsKeyId` on the cluster to a customer managed
#     key, and give the task role `kms:Decrypt` on it.
#   example: |
#     "configuration": {"executeCommandConfiguration": {"kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/...", "logging": "DEFAULT"}}
package ecsaudit.rules.exec_without_kms_key

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.clusters

deny contains finding if {
	some cluster in clusters
	cluster.status == "complete"
	not cluster.properties.configuration.executeCommandConfiguration.kmsKeyId
	users := [svc |
		some svc in lib.linked_from(cluster, "in_cluster")
		svc.properties.enableExecuteCommand == true
	]
	count(users) > 0
	finding := {
		"resource": cluster.id,
		"pointer": "",
		"message": sprintf(
			"cluster %q runs services with ECS Exec (%s) but encrypts its sessions with no KMS key of yours",
			[cluster.name, lib.names(users)],
		),
		"related": [svc.id | some svc in users],
	}
}
