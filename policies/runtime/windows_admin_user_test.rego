package ecsaudit.rules.windows_admin_user_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.windows_admin_user as rule

windows(container) := testing.graph([{
	"family": "iis",
	"runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE", "cpuArchitecture": "X86_64"},
	"containerDefinitions": [object.union({"name": "iis", "image": "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"}, container)],
}])

test_flags_windows_containers_without_a_user if {
	inp := windows({})
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/containerDefinitions/0"
}

test_flags_container_administrator if {
	inp := windows({"user": "ContainerAdministrator"})
	[f] := [x | some x in rule.deny] with input as inp
	f.pointer == "/containerDefinitions/0/user"
	f.message == "Windows container \"iis\" runs as ContainerAdministrator; set `user` to ContainerUser"
}

test_allows_container_user_and_linux if {
	inp := windows({"user": "ContainerUser"})
	count(rule.deny) == 0 with input as inp
	linux := testing.graph([{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.25"}]}])
	count(rule.deny) == 0 with input as linux
}
