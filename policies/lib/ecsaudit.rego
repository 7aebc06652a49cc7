# Helpers shared by the built-in rules and available to user rules:
#   import data.ecsaudit.lib
package ecsaudit.lib

import rego.v1

# Every task-definition node of the graph.
task_definitions contains td if {
	some td in input.nodes
	td.kind == "task_definition"
}

# Every node of a kind.
nodes_of_kind(kind) := [n | some n in input.nodes; n.kind == kind]

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

# How a container is named in messages.
container_label(c, i) := sprintf("container %q", [c.name]) if is_string(c.name)

else := sprintf("container #%d", [i])

# Name of a task definition in messages.
td_label(td) := sprintf("task definition %q", [td.name])

# Rule parameters: data.ecsaudit.params[rule_id] (defaults come from METADATA).
params(rule_id) := object.get(object.get(data, ["ecsaudit", "params"], {}), rule_id, {})

param(rule_id, name, default_value) := object.get(params(rule_id), name, default_value)

# The task definition declares Fargate compatibility.
is_fargate(td) if td.derived.fargate

# Network mode, defaulting as ECS does (awsvpc on Fargate, bridge otherwise).
network_mode(td) := td.derived.network_mode

# Never show a secret in full: keep a short prefix and the length.
redact(s) := sprintf("%s…(%d chars)", [substring(s, 0, 4), count(s)]) if count(s) >= 16

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
