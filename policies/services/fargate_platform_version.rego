# METADATA
# title: Fargate service pinned to an old platform version
# description: |
#   The Fargate service sets a `platformVersion` other than LATEST. Older platform
#   versions miss kernel, runtime and agent fixes and features (ephemeral storage
#   sizing, ECS Exec on 1.3). Pin only while a migration requires it.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html
#     description: Fargate platform versions
# custom:
#   id: EA902
#   severity: low
#   controls:
#     security_hub: [ECS.10]
#     control_tower: [CT.ECS.PR.1]
#     config: [ecs-fargate-latest-platform-version]
#     prowler: [ecs_service_fargate_latest_platform_version]
#     checkov: [CKV_AWS_332]
#   tags: [security, maintenance, live]
#   precision: very-high
#   remediation: |
#     Set `platformVersion` to LATEST (or omit it) and redeploy the service.
package ecsaudit.rules.fargate_platform_version

import rego.v1

import data.ecsaudit.lib.services

deny contains finding if {
	some svc in services
	fargate(svc)
	v := svc.properties.platformVersion
	is_string(v)
	v != "LATEST"
	finding := {
		"resource": svc.id,
		"pointer": "/platformVersion",
		"message": sprintf(
			"Fargate service %q is pinned to platform version %s, not LATEST",
			[svc.name, v],
		),
	}
}

fargate(svc) if svc.properties.launchType == "FARGATE"

fargate(svc) if {
	some s in object.get(svc.properties, "capacityProviderStrategy", [])
	startswith(s.capacityProvider, "FARGATE")
}
