package ecsaudit.rules.too_many_containers_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.too_many_containers as rule

n_containers(n) := testing.graph([{"family": "web", "containerDefinitions": [{"name": sprintf("c%d", [i]), "image": "x:1"} | some i in numbers.range(1, n)]}])

test_flags_eleven_containers if {
	count(rule.deny) == 1 with input as n_containers(11)
}

test_allows_ten_containers if {
	count(rule.deny) == 0 with input as n_containers(10)
}
