# METADATA
# title: Host volume mounts a sensitive path
# description: |
#   A bind-mount volume exposes a sensitive host path to the containers: the Docker
#   socket (full control of the instance) or the /var/run and /run directories that
#   hold it, the root filesystem, /etc, /proc, /sys, /dev, /root, /boot, the system's
#   binaries and libraries (/usr, /bin, /sbin, /lib, /lib64) or the data directories of
#   Docker and the kubelet. Findings on `/` or anything that exposes the Docker socket
#   are critical.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html
#     description: Use bind mounts with Amazon ECS
# custom:
#   id: EA701
#   severity: high
#   tags: [security, volumes]
#   precision: very-high
#   remediation: |
#     Do not mount host system paths. Use EFS or task-scoped volumes for data; if an
#     agent truly needs the host path, isolate it on dedicated instances and mount
#     read-only.
#   example: |
#     "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "transitEncryption": "ENABLED"}}]
#   parameters:
#     sensitive_paths:
#       default: ["/", "/etc", "/proc", "/sys", "/dev", "/root", "/boot", "/var/run", "/run", "/var/lib/docker", "/var/lib/kubelet", "/usr", "/bin", "/sbin", "/lib", "/lib64"]
#       description: Host paths (and everything under them) that must not be mounted.
package ecsaudit.rules.sensitive_host_path

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

sensitive := lib.param(
	"EA701",
	"sensitive_paths",
	[
		"/",
		"/etc",
		"/proc",
		"/sys",
		"/dev",
		"/root",
		"/boot",
		"/var/run",
		"/run",
		"/var/lib/docker",
		"/var/lib/kubelet",
		"/usr",
		"/bin",
		"/sbin",
		"/lib",
		"/lib64",
	],
)

normalise(p) := "/" if trim_right(p, "/") == ""

else := trim_right(p, "/")

under(path, s) if path == s

under(path, s) if {
	s != "/"
	startswith(path, concat("", [s, "/"]))
}

# `/`, and the Docker socket or a directory holding it: control of the instance.
severity(path) := "critical" if path in {"/", "/var/run", "/run"}

else := "critical" if endswith(path, "/docker.sock")

else := "high"

deny contains finding if {
	some td in task_definitions
	some i, v in td.properties.volumes
	raw := v.host.sourcePath
	is_string(raw)
	path := normalise(raw)
	matched := [s | some s in sensitive; under(path, normalise(s))]
	count(matched) > 0
	f := {
		"resource": td.id,
		"pointer": sprintf("/volumes/%d/host/sourcePath", [i]),
		"message": sprintf(
			"volume %q mounts host path %s into the task; do not expose host system paths",
			[v.name, raw],
		),
	}
	finding := object.union(f, {"severity": severity(path)})
}
