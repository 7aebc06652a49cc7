# METADATA
# title: Container instance security groups do not admit the load balancer (bridge)
# description: |
#   In bridge mode the load balancer sends traffic to the container instance on the
#   task's host port: a dynamic host port falls in the ephemeral range 32768-65535, a
#   fixed one is that port. The instances' security groups must admit the load
#   balancer's security groups (or a CIDR covering its subnets) on those ports, or
#   targets never become healthy.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-definition-parameters.html#container_definition_portmappings
#     description: Port mappings (dynamic host ports)
#   - ref: https://repost.aws/knowledge-center/dynamic-port-mapping-ecs
#     description: Set up dynamic port mapping for Amazon ECS
# custom:
#   id: EA907
#   severity: high
#   tags: [networking, reliability, live]
#   precision: high
#   remediation: |
#     Add an ingress rule to the container instances' security group: TCP 32768-65535
#     (or the fixed host port) from the load balancer's security group.
package ecsaudit.rules.alb_to_instance_sg_gap

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.network
import data.ecsaudit.lib.network.attachments

deny contains finding if {
	some a in attachments
	a.mode in {"bridge", "host"}
	count(a.lb_groups) > 0
	lacking := [ci |
		some ci in network.instances(a.service)
		lib.complete(ci)
		groups := lib.linked(ci, "security_group")
		lib.all_complete(groups)
		scope := network.subnet_scope(a.lb, groups, "IpPermissions", a.lo, a.hi)
		scope.known
		not network.ingress_admits(groups, a.lo, a.hi, network.group_ids(a.lb_groups), scope.cidrs)
	]
	count(lacking) > 0
	groups := {g | some ci in lacking; some g in lib.linked(ci, "security_group")}
	msg := sprintf(
		"service %q: security groups %s of container instances %s do not admit load balancer %q (security groups %s) on %s (%s host port of container %q)",
		[
			a.service.name,
			network.group_names(groups),
			lib.names(lacking),
			a.lb.name,
			network.group_names(a.lb_groups),
			network.ports_label(a),
			port_kind(a),
			a.container.name,
		],
	)
	related := array.concat(
		array.concat([a.lb.id, a.tg.id, a.td.id], [g.id | some g in a.lb_groups]),
		[g.id | some g in groups],
	)
	finding := {
		"resource": a.service.id,
		"pointer": sprintf("/loadBalancers/%d", [a.index]),
		"message": msg,
		"related": related,
	}
}

port_kind(a) := "dynamic" if network.dynamic(a)

else := "fixed"
