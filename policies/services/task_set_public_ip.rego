# METADATA
# title: Task set gives its tasks public IP addresses
# description: |
#   A task set of the service (the unit of an EXTERNAL or CodeDeploy blue/green
#   deployment) has `assignPublicIp` ENABLED: every task it starts gets a public address
#   and is reachable from the internet wherever its security groups allow, whatever the
#   service's own network configuration says.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-external.html
#     description: External deployments and task sets
# custom:
#   id: EA910
#   severity: medium
#   controls:
#     security_hub: [ECS.16]
#     prowler: [ecs_task_set_no_assign_public_ip]
#   tags: [security, networking]
#   precision: very-high
#   remediation: |
#     Create the task set with `assignPublicIp: DISABLED` in private subnets; reach it
#     through a load balancer and the internet through NAT or VPC endpoints.
#   example: |
#     "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-private-a"], "assignPublicIp": "DISABLED"}}
package ecsaudit.rules.task_set_public_ip

import rego.v1

import data.ecsaudit.lib.services

deny contains finding if {
	some svc in services
	some i, set in object.get(svc.properties, "taskSets", [])
	set.networkConfiguration.awsvpcConfiguration.assignPublicIp == "ENABLED"
	finding := {
		"resource": svc.id,
		"pointer": sprintf(
			"/taskSets/%d/networkConfiguration/awsvpcConfiguration/assignPublicIp",
			[i],
		),
		"message": sprintf(
			"task set %s of service %q assigns public IP addresses to its tasks",
			[name(set), svc.name],
		),
	}
}

# The task set's id, or in IaC the address it was declared at.
name(set) := set.id if is_string(set.id)

else := split(set.taskSetArn, "#")[1] if contains(set.taskSetArn, "#")

else := set.taskSetArn
