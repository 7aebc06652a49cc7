package ecsaudit.rules.bridge_fixed_host_port_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.bridge_fixed_host_port as rule

ports(mode, pms) := testing.graph([{"family": "web", "networkMode": mode, "containerDefinitions": [{"name": "a", "image": "x:1", "portMappings": pms}]}])

test_flags_fixed_port_in_bridge if {
	inp := ports("bridge", [{"containerPort": 80, "hostPort": 80}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0/portMappings/0/hostPort"
}

test_allows_dynamic_ports_and_awsvpc if {
	inp := ports("bridge", [{"containerPort": 80, "hostPort": 0}, {"containerPort": 81}])
	count(rule.deny) == 0 with input as inp
	inp2 := ports("awsvpc", [{"containerPort": 80, "hostPort": 80}])
	count(rule.deny) == 0 with input as inp2
}
