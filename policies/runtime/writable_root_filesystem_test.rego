package ecsaudit.rules.writable_root_filesystem_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.writable_root_filesystem as rule

test_flags_missing_and_false if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "x:1", "readonlyRootFilesystem": false}]}])
	count(rule.deny) == 2 with input as inp
}

test_allows_read_only_and_exempt if {
	inp := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1", "readonlyRootFilesystem": true}, {"name": "datadog-agent", "image": "x:1"}]}])
	count(rule.deny) == 0 with input as inp with data.ecsaudit.params.EA502 as {"exempt_containers": ["datadog-agent"]}
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
