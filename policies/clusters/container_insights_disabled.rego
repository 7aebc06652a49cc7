# METADATA
# title: Cluster without Container Insights
# description: |
#   Container Insights collects the CPU, memory, network and storage metrics of every
#   task and service of the cluster, and the events ECS emits. Without it a task that
#   is starved, restarted or killed for memory leaves nothing to investigate with.
#   `enhanced` (container-level metrics) counts as enabled.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-container-insights.html
#     description: Monitor Amazon ECS containers using Container Insights
# custom:
#   id: EA951
#   severity: low
#   controls:
#     security_hub: [ECS.12]
#     control_tower: [CT.ECS.PR.2]
#     config: [ecs-container-insights-enabled]
#     prowler: [ecs_cluster_container_insights_enabled]
#     checkov: [CKV_AWS_65]
#     kics: [97cb0688-369a-4d26-b1f7-86c4c91231bc, ab759fde-e1e8-4b0e-ad73-ba856e490ed8]
#     trivy: [AVD-AWS-0034]
#   tags: [monitoring, clusters]
#   precision: very-high
#   remediation: |
#     Set the cluster setting `containerInsights` to `enhanced` (or `enabled`).
#   example: |
#     "settings": [{"name": "containerInsights", "value": "enhanced"}]
package ecsaudit.rules.container_insights_disabled

import rego.v1

import data.ecsaudit.lib.clusters

# Values of the setting that turn Container Insights on.
on := {"enabled", "enhanced"}

deny contains finding if {
	some cluster in clusters
	cluster.status == "complete"
	some i, s in object.get(cluster.properties, "settings", [])
	s.name == "containerInsights"
	not s.value in on
	finding := {
		"resource": cluster.id,
		"pointer": sprintf("/settings/%d/value", [i]),
		"message": sprintf("cluster %q has Container Insights %s", [cluster.name, s.value]),
	}
}

deny contains finding if {
	some cluster in clusters
	cluster.status == "complete"
	not has_setting(cluster)
	finding := {
		"resource": cluster.id,
		"pointer": "",
		"message": sprintf("cluster %q does not enable Container Insights", [cluster.name]),
	}
}

has_setting(cluster) if {
	some s in cluster.properties.settings
	s.name == "containerInsights"
}
