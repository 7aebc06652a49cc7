# METADATA
# title: Essential container without a health check
# description: |
#   An essential container has no `healthCheck`. ECS then only notices when the process
#   exits; a hung or deadlocked container keeps receiving traffic (unless a load
#   balancer health check catches it) and is never replaced.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
#     description: HealthCheck
# custom:
#   id: EA406
#   severity: low
#   controls:
#     kics: [d24389b4-b209-4ff0-8345-dc7a4569dcdd]
#   tags: [reliability]
#   precision: high
#   remediation: |
#     Add a `healthCheck` command that exercises the application.
#   example: |
#     "healthCheck": {"command": ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"], "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 30}
#   parameters:
#     exempt_containers:
#       default: []
#       description: Container names not required to have a health check.
package ecsaudit.rules.essential_without_healthcheck

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

deny contains finding if {
	exempt := lib.param("EA406", "exempt_containers", [])
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	object.get(c, "essential", true) == true
	not c.healthCheck
	not c.name in exempt
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/healthCheck", [i]),
		"message": sprintf(
			"essential %s has no `healthCheck`; add one so ECS replaces it when it hangs",
			[td.derived.containers[i].label],
		),
	}
}
