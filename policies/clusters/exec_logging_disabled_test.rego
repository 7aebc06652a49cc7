package ecsaudit.rules.exec_logging_disabled_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.exec_logging_disabled as rule

with_exec(config) := testing.alb_service({"cluster": {"configuration": {"executeCommandConfiguration": config}}})

test_flags_logging_none if {
	inp := with_exec({"logging": "NONE"})
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/configuration/executeCommandConfiguration/logging"
}

test_allows_default_and_override_logging if {
	inp := with_exec({"logging": "DEFAULT"})
	count(rule.deny) == 0 with input as inp
	inp2 := with_exec({"logging": "OVERRIDE", "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec"}})
	count(rule.deny) == 0 with input as inp2
	inp3 := testing.alb_service({})
	count(rule.deny) == 0 with input as inp3
}
