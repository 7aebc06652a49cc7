# METADATA
# title: Service gives its tasks public IP addresses
# description: |
#   `assignPublicIp` is ENABLED: every task ENI gets a public address and is reachable
#   from the internet wherever its security groups allow. Tasks behind a load balancer,
#   or that only call out, belong in private subnets (with a NAT gateway or VPC
#   endpoints for egress).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/networking-outbound.html
#     description: Connecting Amazon ECS to the internet
# custom:
#   id: EA901
#   severity: medium
#   controls:
#     security_hub: [ECS.2]
#     control_tower: [CT.ECS.PR.9]
#     prowler: [ecs_service_no_assign_public_ip]
#     checkov: [CKV_AWS_333]
#     kics: [bafe7989-3c4b-47f0-910b-e6e1cba7f146]
#   tags: [security, networking, live]
#   precision: very-high
#   remediation: |
#     Run the service in private subnets with `assignPublicIp: DISABLED`; reach it
#     through a load balancer and the internet through NAT or VPC endpoints.
package ecsaudit.rules.service_public_ip

import rego.v1

import data.ecsaudit.lib.services

deny contains finding if {
	some svc in services
	svc.properties.networkConfiguration.awsvpcConfiguration.assignPublicIp == "ENABLED"
	finding := {
		"resource": svc.id,
		"pointer": "/networkConfiguration/awsvpcConfiguration/assignPublicIp",
		"message": sprintf("service %q assigns public IP addresses to its tasks", [svc.name]),
	}
}
