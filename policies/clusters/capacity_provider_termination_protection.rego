# METADATA
# title: Capacity provider lets its Auto Scaling group end instances that run tasks
# description: |
#   The cluster's Auto Scaling group capacity provider has managed termination
#   protection off: when the group scales in, it can terminate an instance that still
#   runs tasks. Those tasks are killed without draining, in-flight requests fail and ECS
#   has to place the work again. With it on (and managed scaling), ECS protects instances
#   that run tasks and scales in only the empty ones.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html
#     description: Managed termination protection for Amazon ECS capacity providers
# custom:
#   id: EA954
#   severity: medium
#   controls:
#     security_hub: [ECS.19]
#     config: [ecs-capacity-provider-termination-check]
#   tags: [reliability, clusters]
#   precision: very-high
#   remediation: |
#     Turn on managed scaling and managed termination protection on the capacity
#     provider, and instance scale-in protection on its Auto Scaling group.
#   example: |
#     "autoScalingGroupProvider": {"managedScaling": {"status": "ENABLED"}, "managedTerminationProtection": "ENABLED"}
package ecsaudit.rules.capacity_provider_termination_protection

import rego.v1

import data.ecsaudit.lib

deny contains finding if {
	some cp in lib.nodes_of_kind("capacity_provider")
	asg := cp.properties.autoScalingGroupProvider
	asg.managedTerminationProtection != "ENABLED"
	clusters := lib.linked_from(cp, "capacity_provider")
	finding := {
		"resource": cp.id,
		"pointer": "/autoScalingGroupProvider/managedTerminationProtection",
		"message": sprintf(
			"capacity provider %q%s has managed termination protection %s: scaling in can end instances that run tasks",
			[cp.name, of_clusters(clusters), asg.managedTerminationProtection],
		),
		"related": [c.id | some c in clusters],
	}
}

# " (of cluster "prod")", or nothing for a provider no cluster names (IaC).
of_clusters(clusters) := sprintf(" (of cluster %s)", [lib.names(clusters)]) if {
	count(clusters) > 0
} else := ""
