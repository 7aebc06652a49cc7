# METADATA
# title: Load balancer security groups do not let traffic out to the targets
# description: |
#   Security groups filter egress too. The load balancer's security groups must allow
#   outbound TCP to the targets on the ports traffic is sent to (the container port in
#   awsvpc mode, the host port or ephemeral range in bridge mode): to the task or
#   instance security groups, or to CIDRs covering them. Groups created with custom
#   egress often forget this, and every target then fails its health check.
# related_resources:
#   - ref: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html
#     description: Security groups for your Application Load Balancer
# custom:
#   id: EA908
#   severity: high
#   tags: [networking, reliability, live]
#   precision: high
#   remediation: |
#     Add an egress rule to the load balancer's security group: TCP on the target ports
#     to the task (or container instance) security group.
package ecsaudit.rules.alb_egress_blocks_targets

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.network
import data.ecsaudit.lib.network.attachments

deny contains finding if {
	some a in attachments
	count(a.lb_groups) > 0
	[groups, cidrs] := destinations(a)
	count(groups) > 0
	lib.all_complete(groups)
	not network.egress_admits(a.lb_groups, a.lo, a.hi, network.group_ids(groups), cidrs)
	msg := sprintf(
		"load balancer %q: security groups %s do not allow egress on %s to the targets of service %q (security groups %s)",
		[
			a.lb.name,
			network.group_names(a.lb_groups),
			network.ports_label(a),
			a.service.name,
			network.group_names(groups),
		],
	)
	related := array.concat(
		array.concat([a.service.id, a.tg.id], [g.id | some g in a.lb_groups]),
		[g.id | some g in groups],
	)
	finding := {
		"resource": a.lb.id,
		"pointer": "/SecurityGroups",
		"message": msg,
		"related": related,
	}
}

# Where the targets are: task groups and subnets (awsvpc), or instance groups and
# addresses (bridge, host). Undefined when subnets that matter could not be read.
destinations(a) := [groups, scope.cidrs] if {
	a.mode == "awsvpc"
	groups := lib.linked(a.service, "security_group")
	scope := network.subnet_scope(a.service, a.lb_groups, "IpPermissionsEgress", a.lo, a.hi)
	scope.known
}

destinations(a) := [groups, cidrs] if {
	a.mode != "awsvpc"
	cis := network.instances(a.service)
	groups := [g | some ci in cis; some g in lib.linked(ci, "security_group")]
	cidrs := [sprintf("%s/32", [ip]) |
		some ci in cis
		ip := ci.properties.Ec2Instance.PrivateIpAddress
		is_string(ip)
	]
}
