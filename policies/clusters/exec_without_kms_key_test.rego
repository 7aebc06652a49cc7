package ecsaudit.rules.exec_without_kms_key_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.exec_without_kms_key as rule

test_flags_exec_service_in_cluster_without_key if {
	inp := testing.alb_service({"exec": true})
	[f] := [x | some x in rule.deny] with input as inp
	f.resource == testing.arn_cluster
	f.related == [testing.arn_service]
	contains(f.message, `ECS Exec ("web")`)
}

test_allows_a_key_or_no_exec if {
	key := {"configuration": {"executeCommandConfiguration": {"kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/k"}}}
	inp := testing.alb_service({"exec": true, "cluster": key})
	count(rule.deny) == 0 with input as inp
	inp2 := testing.alb_service({})
	count(rule.deny) == 0 with input as inp2
}
