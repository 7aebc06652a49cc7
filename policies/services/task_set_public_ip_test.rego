package ecsaudit.rules.task_set_public_ip_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.task_set_public_ip as rule

task_set(public) := {
	"id": "ecs-svc/1234", "taskSetArn": "arn:aws:ecs:us-east-1:123456789012:task-set/prod/web/ecs-svc/1234",
	"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"], "assignPublicIp": public}},
}


test_flags_a_public_task_set if {
	g := object.union(testing.alb_service({}), {"nodes": {testing.arn_service: {"properties": {"taskSets": [task_set("DISABLED"), task_set("ENABLED")]}}}})
	[f] := [x | some x in rule.deny] with input as g
	f.pointer == "/taskSets/1/networkConfiguration/awsvpcConfiguration/assignPublicIp"
	f.message == `task set ecs-svc/1234 of service "web" assigns public IP addresses to its tasks`
}

test_allows_private_task_sets_and_none if {
	g := object.union(testing.alb_service({}), {"nodes": {testing.arn_service: {"properties": {"taskSets": [task_set("DISABLED")]}}}})
	count(rule.deny) == 0 with input as g
	inp := testing.alb_service({})
	count(rule.deny) == 0 with input as inp
}
