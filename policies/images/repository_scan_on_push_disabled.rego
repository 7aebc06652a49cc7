# METADATA
# title: ECR repository of a task's image does not scan images when they are pushed
# description: |
#   Images pushed to the repository are scanned neither on push nor continuously: its
#   effective scanning configuration (the repository's own setting with the registry's
#   scanning rules applied) is `MANUAL`. A vulnerable base image then reaches ECS with
#   nobody told. Read for repositories of the audited account's own registry.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
#     description: Scan images for software vulnerabilities in Amazon ECR
# custom:
#   id: EA206
#   severity: low
#   controls:
#     control_tower: [CT.ECR.PR.2]
#     config: [ecr-private-image-scanning-enabled]
#     prowler:
#       - ecr_registry_scan_images_on_push_enabled
#       - ecr_repositories_scan_images_on_push_enabled
#     checkov: [CKV_AWS_163]
#     trivy: [AVD-AWS-0030]
#   tags: [security, images, supply-chain, live]
#   precision: very-high
#   remediation: |
#     Add a registry scanning rule that scans on push (basic scanning) or continuously
#     (enhanced scanning with Amazon Inspector) for the repository.
#   example: |
#     aws ecr put-registry-scanning-configuration --scan-type BASIC --rules '[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]'
package ecsaudit.rules.repository_scan_on_push_disabled

import rego.v1

import data.ecsaudit.lib

deny contains finding if {
	some repo in lib.nodes_of_kind("ecr_repository")
	repo.properties.scanningConfiguration.scanFrequency == "MANUAL"
	tds := lib.linked_from(repo, "repository")
	finding := {
		"resource": repo.id,
		"pointer": "/scanningConfiguration/scanFrequency",
		"message": sprintf(
			"ECR repository %q (images of %s) scans no image on push or continuously",
			[repo.name, lib.names([td | some td in tds; td.kind == "task_definition"])],
		),
		"related": [td.id | some td in tds; td.kind == "task_definition"],
	}
}
