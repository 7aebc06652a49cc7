# METADATA
# title: Image referenced by a tag that its ECR repository lets be repointed
# description: |
#   The container names its private ECR image by tag, and the repository's tags are
#   mutable: anyone who may push can move the tag to other content. The next task ECS
#   starts (a scale-out, a replaced task, a new deployment of the same revision) then
#   runs that content, while the task definition still reads the same. With
#   `MUTABLE_WITH_EXCLUSION`, tags that match an exclusion filter are immutable and are
#   not reported.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
#     description: Preventing image tags from being overwritten in Amazon ECR
# custom:
#   id: EA205
#   severity: medium
#   controls:
#     control_tower: [CT.ECR.PR.3]
#     config: [ecr-private-tag-immutability-enabled]
#     prowler: [ecr_repositories_tag_immutability]
#     checkov: [CKV_AWS_51]
#     kics: [d1846b12-20c5-4d45-8798-fc35b79268eb, 33f41d31-86b1-46a4-81f7-9c9a671f59ac]
#     trivy: [AVD-AWS-0031]
#   tags: [security, images, supply-chain, live]
#   precision: very-high
#   remediation: |
#     Make the repository's tags immutable (`imageTagMutability: IMMUTABLE`), or pin the
#     image by digest (`repo@sha256:...`) in the task definition.
#   example: |
#     "imageTagMutability": "IMMUTABLE"
package ecsaudit.rules.repository_tag_mutable

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.linked_task_definitions

deny contains finding if {
	some td in linked_task_definitions
	some repo in lib.linked(td, "repository")
	some i, c in td.properties.containerDefinitions
	img := td.derived.containers[i].image
	img.ecr.account == repo.properties.registryId
	img.repository == repo.properties.repositoryName
	not img.pinned
	tag := object.get(img, "tag", null)
	mutable(repo.properties, tag_or_latest(tag))
	finding := {
		"resource": td.id,
		"pointer": sprintf("/containerDefinitions/%d/image", [i]),
		"message": sprintf(
			"%s runs %s by tag from ECR repository %q, whose tags are %s: the tag can be moved to other content under a running service; pin the digest or make the tags immutable",
			[
				td.derived.containers[i].label,
				c.image,
				repo.name,
				repo.properties.imageTagMutability,
			],
		),
		"related": [repo.id],
	}
}

tag_or_latest(tag) := tag if is_string(tag)

else := "latest"

mutable(repo, _) if repo.imageTagMutability == "MUTABLE"

mutable(repo, tag) if {
	repo.imageTagMutability == "MUTABLE_WITH_EXCLUSION"
	not excluded(repo, tag)
}

excluded(repo, tag) if {
	some f in repo.imageTagMutabilityExclusionFilters
	glob.match(f.filter, [], tag)
}
