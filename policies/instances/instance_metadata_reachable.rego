# METADATA
# title: Containers can read the container instance's role credentials
# description: |
#   The EC2 instance under the container instance serves its metadata (IMDS) to the
#   tasks that run on it in bridge or host network mode. Any process in those containers
#   can then fetch the credentials of the instance's role (the ECS agent's role: it can
#   pull images, register instances and often more) instead of the task role it was
#   given. A bridge-mode container reaches IMDS when the instance allows IMDSv1
#   (`HttpTokens: optional`) or lets an IMDSv2 token travel more than one hop. A
#   host-mode container shares the instance's network, so the hop limit does not stop
#   it; only turning the endpoint off, or blocking 169.254.169.254 on the host, does.
#   (awsvpc tasks on EC2 are blocked with the agent's `ECS_AWSVPC_BLOCK_IMDS`, which
#   the API does not show; they are not judged here.)
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-iam-roles.html#security-iam-roles-recommendations
#     description: "ECS best practices: block access to Amazon EC2 metadata"
#   - ref: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html
#     description: Configure the instance metadata options
# custom:
#   id: EA961
#   severity: high
#   tags: [security, instances, live]
#   precision: high
#   remediation: |
#     Require IMDSv2 with a hop limit of 1 on the instances (launch template
#     `MetadataOptions: {HttpTokens: required, HttpPutResponseHopLimit: 1}`), move
#     host-mode tasks to awsvpc or bridge, and block 169.254.169.254 from containers on
#     the host where tasks must keep host networking.
#   example: |
#     "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"}
package ecsaudit.rules.instance_metadata_reachable

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.container_instances

# Why bridge-mode containers reach the instance's metadata.
bridge_reach(m) := "allows IMDSv1 (HttpTokens optional)" if m.HttpTokens != "required"

else := sprintf("lets IMDSv2 tokens travel %d hops", [m.HttpPutResponseHopLimit]) if {
	m.HttpPutResponseHopLimit > 1
}

# The task definitions on `ci` whose containers reach the metadata `m`, and how.
exposed(ci, m) := {[td, sprintf("%s while tasks of %%s run on it in bridge mode", [why])] |
	some td in lib.linked(ci, "runs_task_definition")
	lib.network_mode(td) == "bridge"
	why := bridge_reach(m)
} | {[td, "serves its metadata to tasks of %s running in host mode"] |
	some td in lib.linked(ci, "runs_task_definition")
	lib.network_mode(td) == "host"
}

deny contains finding if {
	some ci in container_instances
	ci.status == "complete"
	m := ci.properties.Ec2Instance.MetadataOptions
	m.HttpEndpoint != "disabled"
	some how in {h | some [_, h] in exposed(ci, m)}
	tds := [td | some [td, h] in exposed(ci, m); h == how]
	finding := {
		"resource": ci.id,
		"pointer": "/Ec2Instance/MetadataOptions",
		"message": sprintf(
			"container instance %q (%s) %s: their containers can take the instance role's credentials",
			[ci.name, profile(ci), sprintf(how, [lib.names(tds)])],
		),
		"related": [td.id | some td in tds],
	}
}

profile(ci) := sprintf(
	"instance profile %s",
	[split(ci.properties.Ec2Instance.IamInstanceProfile.Arn, "/")[1]],
) if {
	ci.properties.Ec2Instance.IamInstanceProfile.Arn
} else := "no instance profile"
