# METADATA
# title: Task security groups do not admit the load balancer (awsvpc)
# description: |
#   In awsvpc mode (Fargate, or EC2 with awsvpc) the load balancer sends traffic straight
#   to the task's ENI, so the service's security groups must admit the load balancer's
#   security groups (or a CIDR covering the load balancer's subnets) on the container
#   port. Without it, health checks fail and the service never becomes healthy, or ECS
#   keeps replacing tasks.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/networking-inbound.html
#     description: Receiving inbound connections to Amazon ECS
# custom:
#   id: EA906
#   severity: high
#   tags: [networking, reliability, live]
#   precision: high
#   remediation: |
#     Add an ingress rule to a task security group: TCP on the container port from the
#     load balancer's security group.
package ecsaudit.rules.alb_to_task_sg_gap

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.network
import data.ecsaudit.lib.network.attachments

deny contains finding if {
	some a in attachments
	a.mode == "awsvpc"
	count(a.lb_groups) > 0
	task_groups := lib.linked(a.service, "security_group")
	count(task_groups) > 0
	lib.all_complete(task_groups)
	scope := network.subnet_scope(a.lb, task_groups, "IpPermissions", a.lo, a.hi)
	scope.known
	not network.ingress_admits(task_groups, a.lo, a.hi, network.group_ids(a.lb_groups), scope.cidrs)
	msg := sprintf(
		"service %q: task security groups %s do not admit load balancer %q (security groups %s) on %s, the port of container %q",
		[
			a.service.name,
			network.group_names(task_groups),
			a.lb.name,
			network.group_names(a.lb_groups),
			network.ports_label(a),
			a.container.name,
		],
	)
	related := array.concat(
		array.concat([a.lb.id, a.tg.id, a.td.id], [g.id | some g in a.lb_groups]),
		[g.id | some g in task_groups],
	)
	finding := {
		"resource": a.service.id,
		"pointer": "/networkConfiguration/awsvpcConfiguration/securityGroups",
		"message": msg,
		"related": related,
	}
}
