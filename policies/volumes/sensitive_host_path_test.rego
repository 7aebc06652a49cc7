package ecsaudit.rules.sensitive_host_path_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.sensitive_host_path as rule

vols(paths) := testing.graph([{"family": "web", "volumes": [{"name": sprintf("v%d", [i]), "host": {"sourcePath": p}} | some i, p in paths], "containerDefinitions": [{"name": "a", "image": "x:1"}]}])

test_flags_docker_socket_as_critical if {
	inp := vols(["/var/run/docker.sock"])
	findings := rule.deny with input as inp
	count(findings) == 1
	some f in findings
	f.severity == "critical"
	f.pointer == "/volumes/0/host/sourcePath"
}

test_flags_paths_under_etc if {
	inp := vols(["/etc/ssl/", "/proc"])
	findings := rule.deny with input as inp
	count(findings) == 2
	every f in findings {
		f.severity == "high"
	}
}

test_allows_application_paths if {
	inp := vols(["/var/scratch", "/data/app", "/etcetera"])
	count(rule.deny) == 0 with input as inp
		with data.ecsaudit.params.EA701 as {"sensitive_paths": ["/", "/etc", "/proc", "/var/run/docker.sock"]}
}

# One list: /lib64 like /lib; /var/run and /run hold the Docker socket, so they are as
# critical as the socket itself.
test_socket_directories_are_critical_and_lib64_is_sensitive if {
	paths := ["/var/run", "/run/", "/run/docker.sock", "/lib64", "/var/run/secrets"]
	inp := vols(paths)
	findings := rule.deny with input as inp
	count(findings) == 5
	severity := {path: f.severity |
		some f in findings
		some path in paths
		contains(f.message, sprintf("host path %s into", [path]))
	}
	severity == {
		"/var/run": "critical", "/run/": "critical", "/run/docker.sock": "critical",
		"/lib64": "high", "/var/run/secrets": "high",
	}
}
