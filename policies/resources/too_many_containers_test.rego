package ecsaudit.rules.too_many_containers_test

import rego.v1

import data.ecsaudit.lib.testing
import data.ecsaudit.rules.too_many_containers as rule

n_containers(n) := testing.graph([{"family": "web", "containerDefinitions": [{"name": sprintf("c%d", [i]), "image": "x:1"} | some i in numbers.range(1, n)]}])

test_flags_eleven_containers if {
	inp := n_containers(11)
	count(rule.deny) == 1 with input as inp
}

test_allows_ten_containers if {
	inp := n_containers(10)
	count(rule.deny) == 0 with input as inp
}
