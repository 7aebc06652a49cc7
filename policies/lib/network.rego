# Security-group and load-balancer reasoning over the graph (live audits).
#   import data.ecsaudit.lib.network
# A permission must cover a port range on its own (ranges split over several
# permissions are not combined).
package ecsaudit.lib.network

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.services

ephemeral := [32768, 65535]

tcp_protocols := {"tcp", "6"}

# The permission covers TCP ports lo..hi.
covers(perm, lo, hi) if perm.IpProtocol == "-1"

covers(perm, lo, hi) if {
	lower(sprintf("%v", [perm.IpProtocol])) in tcp_protocols
	perm.FromPort <= lo
	hi <= perm.ToPort
}

# The permission names one of `group_ids`, or CIDRs covering every CIDR in `cidrs`.
admits(perm, group_ids, _) if {
	some pair in object.get(perm, "UserIdGroupPairs", [])
	pair.GroupId in group_ids
}

# Open to the whole IPv4 internet: whatever the other side is.
admits(perm, _, _) if {
	some r in object.get(perm, "IpRanges", [])
	r.CidrIp == "0.0.0.0/0"
}

admits(perm, _, cidrs) if {
	count(cidrs) > 0
	every c in cidrs {
		some r in object.get(perm, "IpRanges", [])
		net.cidr_contains(r.CidrIp, c)
	}
}

# Some group in `groups` admits (ingress) `group_ids`/`cidrs` on lo..hi.
ingress_admits(groups, lo, hi, group_ids, cidrs) if {
	some g in groups
	some perm in object.get(g.properties, "IpPermissions", [])
	covers(perm, lo, hi)
	admits(perm, group_ids, cidrs)
}

# Some group in `groups` lets traffic out to `group_ids`/`cidrs` on lo..hi.
egress_admits(groups, lo, hi, group_ids, cidrs) if {
	some g in groups
	some perm in object.get(g.properties, "IpPermissionsEgress", [])
	covers(perm, lo, hi)
	admits(perm, group_ids, cidrs)
}

# The permission is open to the whole internet.
open_to_world(perm) if {
	some r in object.get(perm, "IpRanges", [])
	r.CidrIp == "0.0.0.0/0"
}

open_to_world(perm) if {
	some r in object.get(perm, "Ipv6Ranges", [])
	r.CidrIpv6 == "::/0"
}

group_ids(groups) := [g.properties.GroupId | some g in groups]

# Group ids for messages: "sg-1 (web), sg-2 (alb)".
group_names(groups) := concat(", ", sort([g.name | some g in groups]))

# One load-balancer attachment of a service, with everything around it resolved:
# {service, td, entry, index, tg, lb, lb_groups, container, container_index, mapping,
#  mode, lo, hi} where lo..hi are the ports the load balancer sends traffic to.
# Only attachments whose nodes were all read completely.
attachments contains a if {
	some svc in services
	lib.complete(svc)
	some td in lib.linked(svc, "uses_task_definition")
	td.id == svc.properties.taskDefinition
	lib.complete(td)
	some index, entry in object.get(svc.properties, "loadBalancers", [])
	tg := input.nodes[entry.targetGroupArn]
	lib.complete(tg)
	some lb in lib.linked(tg, "load_balancer")
	lib.complete(lb)
	lb_groups := lib.linked(lb, "security_group")
	lib.all_complete(lb_groups)
	some ci, c in td.properties.containerDefinitions
	c.name == entry.containerName
	some mapping in object.get(c, "portMappings", [])
	mapping.containerPort == entry.containerPort
	mode := lib.network_mode(td)
	[lo, hi] := target_ports(mode, mapping)
	a := {
		"service": svc, "td": td, "entry": entry, "index": index, "tg": tg, "lb": lb,
		"lb_groups": lb_groups, "container": c, "container_index": ci, "mapping": mapping,
		"mode": mode, "lo": lo, "hi": hi,
	}
}

# Ports traffic reaches: the container port on awsvpc; the host port (or the
# ephemeral range when dynamic) on bridge; the container port on host.
target_ports("awsvpc", m) := [m.containerPort, m.containerPort]

target_ports("host", m) := [m.containerPort, m.containerPort]

target_ports("bridge", m) := [p, p] if {
	p := object.get(m, "hostPort", 0)
	p > 0
} else := ephemeral

dynamic(a) if {
	a.mode == "bridge"
	a.lo != a.hi
}

ports_label(a) := sprintf("TCP %d", [a.lo]) if a.lo == a.hi

else := sprintf("TCP %d-%d", [a.lo, a.hi])

# Container instances of the service's cluster, with their security groups.
instances(svc) := [ci |
	some cluster in lib.linked(svc, "in_cluster")
	some ci in lib.linked_from(cluster, "in_cluster")
	ci.kind == "container_instance"
]

# Every subnet the node links to was read.
subnets_read(node) if lib.all_complete(lib.linked(node, "subnet"))

# CIDRs of the subnets a node links to (complete only when subnets_read).
subnet_cidrs(node) := [s.properties.CidrBlock | some s in lib.linked(node, "subnet")]

# What `groups`' permissions (`key`: "IpPermissions" or "IpPermissionsEgress") on
# lo..hi are matched against: the node's subnet CIDRs when they were read, or [] when
# no such permission names a CIDR, so that unread subnets cannot change the answer.
# `known` is false when they could: the check is then not performed.
subnet_scope(node, _, _, _, _) := {"known": true, "cidrs": subnet_cidrs(node)} if {
	subnets_read(node)
}

subnet_scope(node, groups, key, lo, hi) := {"known": true, "cidrs": []} if {
	not subnets_read(node)
	not names_cidrs(groups, key, lo, hi)
}

subnet_scope(node, groups, key, lo, hi) := {"known": false, "cidrs": []} if {
	not subnets_read(node)
	names_cidrs(groups, key, lo, hi)
}

# Some permission of `groups` on lo..hi names a CIDR narrower than the internet.
names_cidrs(groups, key, lo, hi) if {
	some g in groups
	some perm in object.get(g.properties, key, [])
	covers(perm, lo, hi)
	some r in object.get(perm, "IpRanges", [])
	r.CidrIp != "0.0.0.0/0"
}
