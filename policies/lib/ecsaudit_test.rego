package ecsaudit.lib_test

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.testing

# The built-in rules write findings, pointers and names inline and read the derived
# launch facts directly (docs/graph.md); these helpers stay for your rules and must give
# the same values.

test_finding_helpers_build_finding_objects if {
	td := {"id": "f.json#", "name": "web"}
	lib.finding(td, "/cpu", "m") == {"resource": "f.json#", "pointer": "/cpu", "message": "m"}
	lib.finding_related(td, "/cpu", "m", ["r"]) == {"resource": "f.json#", "pointer": "/cpu", "message": "m", "related": ["r"]}
}

test_pointer_and_name_helpers if {
	lib.container_pointer(2) == "/containerDefinitions/2"
	lib.container_field_pointer(2, "image") == "/containerDefinitions/2/image"
	lib.td_label({"name": "web"}) == `task definition "web"`
	lib.container_label({"name": "app"}, 0) == `container "app"`
	lib.container_label({"image": "nginx"}, 1) == "container #1"
}

test_launch_helpers_read_the_derived_facts if {
	inp := testing.graph([
		{"family": "f", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "a", "image": "x"}]},
		{"family": "e", "containerDefinitions": [{"name": "a", "image": "x"}]},
	])
	lib.is_fargate(inp.nodes.td0)
	not lib.is_fargate(inp.nodes.td1)
	lib.network_mode(inp.nodes.td0) == "awsvpc"
	lib.network_mode(inp.nodes.td1) == "bridge"
}

test_pointer_token_escapes_tilde_then_slash if {
	lib.pointer_token("a/b~c") == "a~1b~0c"
	lib.pointer_token("~1") == "~01"
	lib.pointer_token("plain") == "plain"
}
