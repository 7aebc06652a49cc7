package ecsaudit.rules.dangerous_capabilities_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.dangerous_capabilities as rule

caps(add) := testing.graph([{"family": "web", "containerDefinitions": [{"name": "a", "image": "x:1", "linuxParameters": {"capabilities": {"add": add}}}]}])

test_flags_sys_admin_and_prefixed if {
	inp := caps(["NET_BIND_SERVICE", "SYS_ADMIN", "cap_net_admin"])
	findings := rule.deny with input as inp
	count(findings) == 2
	some f in findings
	f.pointer == "/containerDefinitions/0/linuxParameters/capabilities/add/1"
}

test_allows_narrow_capabilities if {
	inp := caps(["NET_BIND_SERVICE", "CHOWN"])
	count(rule.deny) == 0 with input as inp
}
