# METADATA
# title: ECS agent of a container instance is disconnected
# description: |
#   The container instance is ACTIVE but its ECS agent is not connected: ECS cannot
#   place tasks on it or stop the ones it runs, the instance's tasks are not replaced
#   when they fail, and the capacity still counts in the cluster. It usually means the
#   agent stopped, cannot reach the ECS endpoint, or lost its instance role.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-disconnected-ec2.html
#     description: Troubleshoot a disconnected Amazon ECS container agent
# custom:
#   id: EA962
#   severity: medium
#   tags: [reliability, instances, live]
#   precision: very-high
#   remediation: |
#     Check the agent on the instance (`systemctl status ecs`, `/var/log/ecs/`), its
#     route to the ECS endpoint and its instance role; replace the instance if it does
#     not reconnect.
package ecsaudit.rules.agent_disconnected

import rego.v1

import data.ecsaudit.lib.container_instances

deny contains finding if {
	some ci in container_instances
	ci.properties.status == "ACTIVE"
	ci.properties.agentConnected == false
	finding := {
		"resource": ci.id,
		"pointer": "/agentConnected",
		"message": sprintf(
			"the ECS agent of container instance %q is disconnected: ECS neither places nor manages its tasks",
			[ci.name],
		),
	}
}
