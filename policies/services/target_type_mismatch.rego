# METADATA
# title: Target group type does not match the task's network mode
# description: |
#   awsvpc tasks register their ENI's IP address and need a target group of target
#   type `ip`; bridge and host tasks register the container instance and need type
#   `instance`. With the wrong type ECS cannot register the targets and the service
#   fails to deploy.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html
#     description: Use an Application Load Balancer for Amazon ECS
# custom:
#   id: EA904
#   severity: high
#   tags: [networking, reliability, live]
#   precision: very-high
#   remediation: |
#     Create a target group of the right target type (`ip` for awsvpc, `instance` for
#     bridge/host) and point the service at it.
package ecsaudit.rules.target_type_mismatch

import rego.v1

import data.ecsaudit.lib.network.attachments

expected := {"awsvpc": "ip", "bridge": "instance", "host": "instance"}

deny contains finding if {
	some a in attachments
	want := expected[a.mode]
	is_string(want)
	got := a.tg.properties.TargetType
	got != want
	msg := sprintf(
		"service %q runs task definition %q in %s mode, but target group %q has target type %q; it needs %q",
		[a.service.name, a.td.name, a.mode, a.tg.name, got, want],
	)
	finding := {
		"resource": a.service.id,
		"pointer": sprintf("/loadBalancers/%d/targetGroupArn", [a.index]),
		"message": msg,
		"related": [a.tg.id, a.td.id],
	}
}
