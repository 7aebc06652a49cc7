package ecsaudit.rules.host_namespaces_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.host_namespaces as rule

test_flags_each_host_mode if {
	inp := testing.graph([{"family": "web", "pidMode": "host", "ipcMode": "host", "networkMode": "host", "containerDefinitions": [{"name": "a", "image": "x:1"}]}])
	findings := rule.deny with input as inp
	{f.pointer | some f in findings} == {"/pidMode", "/ipcMode", "/networkMode"}
}

test_allows_task_scoped_modes if {
	inp := testing.graph([{"family": "web", "pidMode": "task", "ipcMode": "none", "networkMode": "awsvpc", "containerDefinitions": [{"name": "a", "image": "x:1"}]}])
	count(rule.deny) == 0 with input as inp
}
