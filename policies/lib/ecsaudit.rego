# Helpers shared by the built-in rules and available to user rules:
#   import data.ecsaudit.lib
package ecsaudit.lib

import rego.v1

# Every task-definition node of the graph, in id order. (An array, not a set: a set of
# whole nodes costs a deep comparison per insertion.)
task_definitions := [td | some td in input.nodes; td.kind == "task_definition"]

# The task definitions with relations (live audits: roles, services, images). Rules that
# follow a task definition's edges start here: a file scan has no edges, and walking
# every task definition only to find none costs a rule ~10% of a scan's rule time.
linked_task_definitions := [td | some td in task_definitions; td.derived.links]

# Every node of a kind.
nodes_of_kind(kind) := [n | some n in input.nodes; n.kind == kind]

# The services and the IAM roles (live audits; empty in a file scan). Rules start here:
# each is one walk over the nodes per evaluation, where every `nodes_of_kind` call walks
# them again.
services := nodes_of_kind("service")

iam_roles := nodes_of_kind("iam_role")

# The clusters and the container instances (live audits; clusters also from IaC).
clusters := nodes_of_kind("cluster")

container_instances := nodes_of_kind("container_instance")

# A finding on `node` at `pointer` (a JSON pointer into node.properties).
finding(node, pointer, message) := {
	"resource": node.id,
	"pointer": pointer,
	"message": message,
}

# A finding that names other nodes too (e.g. a role or a security group).
finding_related(node, pointer, message, related) := {
	"resource": node.id,
	"pointer": pointer,
	"message": message,
	"related": related,
}

# Pointer of container `i`, or of a field of it.
container_pointer(i) := sprintf("/containerDefinitions/%d", [i])

container_field_pointer(i, field) := sprintf("/containerDefinitions/%d/%s", [i, field])

# One JSON-pointer token for a key (RFC 6901: `~` as `~0`, `/` as `~1`). Map keys such as
# docker labels may hold either; unescaped, the pointer would name another path.
pointer_token(key) := replace(replace(key, "~", "~0"), "/", "~1")

# How a container is named in messages: `container "web"` (the name quoted as JSON
# quotes it), or `container #2` without a name. Task-definition rules read the same text
# as `td.derived.containers[i].label`, which costs no call per finding.
container_label(c, i) := sprintf("container %s", [json.marshal(c.name)]) if is_string(c.name)

else := sprintf("container #%d", [i])

# Name of a task definition in messages.
td_label(td) := sprintf("task definition %q", [td.name])

# Rule parameters: data.ecsaudit.params[rule_id] (defaults come from METADATA).
params(rule_id) := object.get(data.ecsaudit.params, rule_id, {})

param(rule_id, name, default_value) := object.get(params(rule_id), name, default_value)

# The task definition declares Fargate compatibility.
is_fargate(td) if td.derived.fargate

# The task runs Windows containers (`runtimePlatform.operatingSystemFamily` WINDOWS_*):
# Linux-only settings (`user`, `readonlyRootFilesystem`) do not apply there.
is_windows(td) if startswith(td.properties.runtimePlatform.operatingSystemFamily, "WINDOWS")

# Network mode, defaulting as ECS does (awsvpc on Fargate, bridge otherwise).
network_mode(td) := td.derived.network_mode

# Never show a secret in full: keep a short prefix and the length. A redaction marker
# (data.ecsaudit.lib.secrets) shows the preview it holds of the value it replaced.
redact(s) := concat("|", array.slice(parts, 2, count(parts))) if {
	startswith(s, "ecsaudit:redacted|")
	parts := split(s, "|")
	count(parts) >= 3
} else := sprintf("%s…(%d chars)", [substring(s, 0, 4), count(s)]) if count(s) >= 16

else := sprintf("%s…(%d chars)", [substring(s, 0, 2), count(s)]) if count(s) >= 8

else := sprintf("****(%d chars)", [count(s)])

# A string value that is templated or otherwise unknown until deploy time.
unresolved(s) if contains(s, "${")

unresolved(s) if contains(s, "{{")

# A Linux capability name as ECS matches it: upper case, without a CAP_ prefix.
capability_name(cap) := trim_prefix(upper(cap), "CAP_")

# Value of tag `key` on a task definition (key/value or Key/Value spelling).
tag_value(td, key) := v if {
	some t in td.properties.tags
	object.get(t, "key", object.get(t, "Key", "")) == key
	v := object.get(t, "value", object.get(t, "Value", ""))
}

# Relations (live audits; see docs/graph.md "Edges"). Nodes `node` points to with edges
# of `kind`, e.g. linked(td, "task_role"); missing nodes are left out.
linked(node, kind) := [input.nodes[id] |
	some id in object.get(node, ["derived", "links", "out", kind], [])
]

# Nodes pointing at `node` with edges of `kind`, e.g. linked_from(td, "uses_task_definition")
# gives the services running it.
linked_from(node, kind) := [input.nodes[id] |
	some id in object.get(node, ["derived", "links", "in", kind], [])
]

# The node's data was read completely (not `unavailable`, not `not_found`). Rules must
# skip incomplete nodes: their checks are reported as not performed, never as passed.
complete(node) if node.status == "complete"

# Every node is complete.
all_complete(nodes) if every n in nodes {
	n.status == "complete"
}

# The value of ECS account setting `name` (e.g. "defaultLogDriverMode") that applies to
# a task definition: live audits read the account's effective settings in its region
# when a rule needs them; Terraform's `aws_ecs_account_setting_default` sets one for
# the task definitions of its provider. Undefined in file scans, when the settings
# could not be read, and when two sources disagree.
account_setting(td, name) := value if {
	values := {s.value | some s in account_settings(td, name)}
	count(values) == 1
	some value in values
}

# The name of the account settings that set `name` for a task definition (for
# messages: "ECS account settings (us-east-1)", "aws_ecs_account_setting_default.logs").
account_setting_source(td, name) := sort([n.name |
	some n in linked(td, "account_settings")
	some s in settings_of(n)
	s.name == name
])[0]

account_settings(td, name) := [s |
	some n in linked(td, "account_settings")
	some s in settings_of(n)
	s.name == name
]

settings_of(n) := n.properties.settings if n.status == "complete"

# Region, account and partition of a node collected from AWS (from its ARN id).
arn_part(node, i) := split(node.id, ":")[i]

region_of(node) := arn_part(node, 3)

account_of(node) := arn_part(node, 4)

partition_of(node) := arn_part(node, 1)

# A node's value as a list (AWS accepts a string or a list in many places).
as_list(x) := x if is_array(x)

else := [] if x == null

else := [x]

# Services running a task definition (live audits).
services_of(td) := linked_from(td, "uses_task_definition")

# Load balancers in front of a service (through its target groups).
load_balancers_of(service) := [lb |
	some tg in linked(service, "target_group")
	some lb in linked(tg, "load_balancer")
]

# The service's tasks are reachable from the internet: a public IP on the task ENI, or an
# internet-facing load balancer in front.
internet_reachable(service) if {
	service.properties.networkConfiguration.awsvpcConfiguration.assignPublicIp == "ENABLED"
}

internet_reachable(service) if {
	some lb in load_balancers_of(service)
	lb.properties.Scheme == "internet-facing"
}

# Names of nodes, sorted and joined for messages.
names(nodes) := concat(", ", sort([sprintf("%q", [n.name]) | some n in nodes]))
