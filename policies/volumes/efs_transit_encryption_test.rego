package ecsaudit.rules.efs_transit_encryption_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.efs_transit_encryption as rule

efs(cfg) := testing.graph([{"family": "web", "volumes": [{"name": "data", "efsVolumeConfiguration": cfg}], "containerDefinitions": [{"name": "a", "image": "x:1"}]}])

test_flags_missing_and_disabled if {
	inp := efs({"fileSystemId": "fs-1"})
	count(rule.deny) == 1 with input as inp
	inp2 := efs({"fileSystemId": "fs-1", "transitEncryption": "DISABLED"})
	count(rule.deny) == 1 with input as inp2
}

test_allows_enabled if {
	inp := efs({"fileSystemId": "fs-1", "transitEncryption": "ENABLED"})
	count(rule.deny) == 0 with input as inp
}
