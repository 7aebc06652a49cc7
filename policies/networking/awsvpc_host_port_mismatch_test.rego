package ecsaudit.rules.awsvpc_host_port_mismatch_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.awsvpc_host_port_mismatch as rule

ports(extra, pms) := testing.graph([object.union({"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1", "portMappings": pms}]}, extra)])

test_flags_mismatch_in_awsvpc if {
	inp := ports({"networkMode": "awsvpc"}, [{"containerPort": 8080, "hostPort": 80}])
	count(rule.deny) == 1 with input as inp
}

test_flags_mismatch_on_fargate_default_mode if {
	inp := ports({"requiresCompatibilities": ["FARGATE"]}, [{"containerPort": 8080, "hostPort": 80}])
	count(rule.deny) == 1 with input as inp
}

test_allows_equal_or_omitted if {
	inp := ports({"networkMode": "awsvpc"}, [{"containerPort": 8080, "hostPort": 8080}, {"containerPort": 9090}])
	count(rule.deny) == 0 with input as inp
}
