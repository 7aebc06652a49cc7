package ecsaudit.rules.runs_as_root_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.runs_as_root as rule

users(list) := testing.graph([{"family": "web", "containerDefinitions": [{"name": sprintf("c%d", [i]), "image": "x:1", "user": u} | some i, u in list]}])

test_flags_root_spellings if {
	inp := users(["root", "0", "0:0", "root:staff"])
	count(rule.deny) == 4 with input as inp
}

test_flags_unset_user if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1"}]}])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.pointer == "/containerDefinitions/0"
}

test_allows_non_root if {
	inp := users(["1000", "1000:1000", "app", "10001:0"])
	count(rule.deny) == 0 with input as inp
}

# Windows containers have no read-only root filesystem and no `user`: not judged.
test_windows_tasks_are_not_judged if {
	windows := testing.graph([{
		"family": "win",
		"runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
		"containerDefinitions": [{"name": "iis", "image": "mcr.microsoft.com/windows/servercore/iis:1"}],
	}])
	count(rule.deny) == 0 with input as windows
	linux := testing.graph([{
		"family": "lin",
		"containerDefinitions": [{"name": "iis", "image": "mcr.microsoft.com/windows/servercore/iis:1"}],
	}])
	count(rule.deny) == 1 with input as linux
}
