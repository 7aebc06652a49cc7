package ecsaudit.rules.awslogs_no_buffer_size_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.awslogs_no_buffer_size as rule

with_options(options) := testing.graph([{"family": "web", "containerDefinitions": [{
	"name": "web", "image": "nginx:1.25",
	"logConfiguration": {"logDriver": "awslogs", "options": object.union({"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}, options)},
}]}])

test_flags_non_blocking_without_buffer if {
	inp := with_options({"mode": "non-blocking"})
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/containerDefinitions/0/logConfiguration/options/mode"
}

test_allows_a_buffer_size_or_other_modes if {
	inp := with_options({"mode": "non-blocking", "max-buffer-size": "25m"})
	count(rule.deny) == 0 with input as inp
	inp2 := with_options({"mode": "blocking"})
	count(rule.deny) == 0 with input as inp2
	inp3 := with_options({})
	count(rule.deny) == 0 with input as inp3
}
