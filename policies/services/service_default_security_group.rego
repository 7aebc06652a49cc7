# METADATA
# title: Service uses the VPC's default security group
# description: |
#   The service's tasks use the VPC's `default` security group, either by naming it or
#   by listing no security groups at all (ECS then applies the default group). The
#   default group admits everything from every other member, so unrelated workloads can
#   reach each other, and rules added for one leak to all.
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
#     description: Default security groups for your VPCs
# custom:
#   id: EA903
#   severity: medium
#   tags: [security, networking, live]
#   precision: very-high
#   remediation: |
#     Create a security group for the service admitting only what it serves (e.g. the
#     load balancer's group on the container port) and list it in the service's network
#     configuration.
package ecsaudit.rules.service_default_security_group

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.services

pointer := "/networkConfiguration/awsvpcConfiguration/securityGroups"

deny contains finding if {
	some svc in services
	some g in lib.linked(svc, "security_group")
	g.properties.GroupName == "default"
	finding := {
		"resource": svc.id,
		"pointer": pointer,
		"message": sprintf(
			"service %q uses the VPC's default security group %s",
			[svc.name, g.name],
		),
		"related": [g.id],
	}
}

deny contains finding if {
	some svc in services
	cfg := svc.properties.networkConfiguration.awsvpcConfiguration
	count(object.get(cfg, "securityGroups", [])) == 0
	finding := {
		"resource": svc.id,
		"pointer": "/networkConfiguration/awsvpcConfiguration",
		"message": sprintf(
			"service %q lists no security groups, so its tasks get the VPC's default security group",
			[svc.name],
		),
	}
}
