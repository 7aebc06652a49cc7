package ecsaudit.rules.efs_iam_authorization_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.efs_iam_authorization as rule

efs(cfg) := testing.graph([{"family": "web", "volumes": [{"name": "data", "efsVolumeConfiguration": cfg}], "containerDefinitions": [{"name": "a", "image": "x:1"}]}])

test_flags_missing_iam if {
	inp := efs({"fileSystemId": "fs-1", "transitEncryption": "ENABLED"})
	count(rule.deny) == 1 with input as inp
}

test_allows_iam_enabled if {
	inp := efs({"fileSystemId": "fs-1", "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED"}})
	count(rule.deny) == 0 with input as inp
}
