# METADATA
# title: Image from a registry outside the allowed list
# description: |
#   The image comes from a registry that is not on the organisation's allowed list.
#   Off by default: it runs only when `allowed_registries` is set. Entries are globs
#   matched against the registry host (`*.dkr.ecr.*.amazonaws.com`, `public.ecr.aws`,
#   `docker.io`).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
#     description: Sync an upstream registry with an Amazon ECR private registry
# custom:
#   id: EA203
#   severity: high
#   tags: [security, supply-chain, images]
#   precision: very-high
#   remediation: |
#     Mirror the image into an allowed registry (for example with an ECR pull-through
#     cache) and reference the mirror, or add the registry to `allowed_registries`.
#   example: |
#     [parameters.EA203]
#     allowed_registries = ["123456789012.dkr.ecr.*.amazonaws.com", "public.ecr.aws"]
#   parameters:
#     allowed_registries:
#       default: []
#       description: Registry host globs images may come from; empty turns the rule off.
package ecsaudit.rules.registry_not_allowed

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.task_definitions

allowed := lib.param("EA203", "allowed_registries", [])

deny contains finding if {
	count(allowed) > 0
	some td in task_definitions
	some i, c in td.properties.containerDefinitions
	img := td.derived.containers[i].image
	is_object(img)
	not img.unresolved
	not registry_allowed(img.registry)
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/image", [i]),
		"message": sprintf(
			"%s pulls from registry %q, which is not in allowed_registries (%s)",
			[td.derived.containers[i].label, img.registry, concat(", ", allowed)],
		),
	}
}

registry_allowed(registry) if {
	some pattern in allowed
	glob.match(pattern, [], registry)
}
