# METADATA
# title: ECR repository policy lets anyone pull
# description: |
#   A statement of the repository's policy allows a pull action (`ecr:BatchGetImage`,
#   `ecr:GetDownloadUrlForLayer`, or a wildcard that covers them) to every principal
#   (`"*"`) with no condition: any AWS account can download the images the tasks run,
#   with whatever the images hold (code, configuration, baked-in secrets).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
#     description: Private repository policies in Amazon ECR
# custom:
#   id: EA209
#   severity: high
#   controls:
#     prowler: [ecr_repositories_not_publicly_accessible]
#     checkov: [CKV_AWS_32]
#     kics: [e86e26fc-489e-44f0-9bcd-97305e4ba69a, 75be209d-1948-41f6-a8c8-e22dd0121134]
#     trivy: [AVD-AWS-0032]
#   tags: [security, images, live]
#   precision: very-high
#   remediation: |
#     Name the accounts or the organisation that may pull (`Principal: {"AWS":
#     "arn:aws:iam::ACCOUNT:root"}`, or a condition on `aws:PrincipalOrgID`).
#   example: |
#     {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}
package ecsaudit.rules.repository_public_pull

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.iam

pull_actions := ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

deny contains finding if {
	some repo in lib.nodes_of_kind("ecr_repository")
	policy := repo.properties.policy
	is_object(policy)
	some i, s in iam.statements(policy)
	s.Effect == "Allow"
	anyone(s.Principal)
	not s.Condition
	actions := [a | some a in pull_actions; iam.covers_action(s, a)]
	count(actions) > 0
	tds := [td | some td in lib.linked_from(repo, "repository"); td.kind == "task_definition"]
	finding := {
		"resource": repo.id,
		"pointer": sprintf("/policy/Statement/%d", [i]),
		"message": sprintf(
			"the policy of ECR repository %q (images of %s) lets any principal pull (%s)",
			[repo.name, lib.names(tds), concat(", ", actions)],
		),
		"related": [td.id | some td in tds],
	}
}

anyone(p) if p == "*"

anyone(p) if "*" in lib.as_list(p.AWS)
