# METADATA
# title: Task behind a load balancer is open to the internet on its port
# description: |
#   The service sits behind a load balancer, yet one of its task security groups admits
#   0.0.0.0/0 (or ::/0) on the container port. Anyone who finds the task's address can
#   bypass the load balancer and whatever it enforces (TLS, WAF, authentication).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-network.html
#     description: Amazon ECS network security best practices
# custom:
#   id: EA909
#   severity: high
#   tags: [security, networking, live]
#   precision: high
#   remediation: |
#     Replace the 0.0.0.0/0 rule with one admitting only the load balancer's security
#     group on the container port.
package ecsaudit.rules.task_sg_open_behind_alb

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.network
import data.ecsaudit.lib.network.attachments

deny contains finding if {
	some a in attachments
	a.mode == "awsvpc"
	some g in lib.linked(a.service, "security_group")
	lib.complete(g)
	some perm in object.get(g.properties, "IpPermissions", [])
	network.covers(perm, a.lo, a.hi)
	network.open_to_world(perm)
	msg := sprintf(
		"service %q is behind load balancer %q, but its task security group %s admits the internet on %s; traffic can bypass the load balancer",
		[a.service.name, a.lb.name, g.name, network.ports_label(a)],
	)
	finding := {
		"resource": a.service.id,
		"pointer": "/networkConfiguration/awsvpcConfiguration/securityGroups",
		"message": msg,
		"related": [g.id, a.lb.id],
	}
}
