# METADATA
# title: Fargate task cpu/memory missing or not a valid combination
# description: |
#   Fargate needs task-level `cpu` and `memory`, and only certain pairs exist (for
#   example 256 CPU units with 512, 1024 or 2048 MiB). A missing or invalid pair makes
#   RegisterTaskDefinition or RunTask fail.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
#     description: Task CPU and memory on Fargate
# custom:
#   id: EA401
#   severity: high
#   controls:
#     kics: [f4c9b5f5-68b8-491f-9e48-4f96644a1d51]
#   tags: [reliability, fargate]
#   precision: very-high
#   remediation: |
#     Set task `cpu` and `memory` to a supported pair: 256 (512-2048 MiB), 512
#     (1-4 GiB), 1024 (2-8 GiB), 2048 (4-16 GiB), 4096 (8-30 GiB), 8192 (16-60 GiB in
#     4 GiB steps), 16384 (32-120 GiB in 8 GiB steps).
#   example: |
#     "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024"
package ecsaudit.rules.fargate_cpu_memory

import rego.v1

import data.ecsaudit.lib.task_definitions

# cpu units -> [min MiB, max MiB, step MiB]
ranges := {
	512: [1024, 4096, 1024],
	1024: [2048, 8192, 1024],
	2048: [4096, 16384, 1024],
	4096: [8192, 30720, 1024],
	8192: [16384, 61440, 4096],
	16384: [32768, 122880, 8192],
}

# cpu units -> every memory size (MiB) Fargate offers with it; built once per evaluation,
# so each task definition costs one lookup.
memory_sizes := object.union({256: {512, 1024, 2048}}, {cpu: sizes |
	some cpu, [lo, hi, step] in ranges
	sizes := {m | some m in numbers.range_step(lo, hi, step)}
})

# cpu or memory missing or not a size (derived.cpu_units / memory_mib is null for both).
deny contains finding if {
	some td in task_definitions
	td.derived.fargate
	some [field, fact] in [["cpu", "cpu_units"], ["memory", "memory_mib"]]
	td.derived[fact] == null
	finding := {
		"resource": td.id,
		"pointer": concat("", ["/", field]),
		"message": unusable(td, field),
	}
}

unusable(td, field) := sprintf(
	"task definition %q requires FARGATE but sets no task-level `%s`; Fargate needs both cpu and memory",
	[td.name, field],
) if {
	not td.properties[field]
} else := sprintf("task definition %q has task `%s` %v, which is not a valid value", [
	td.name,
	field,
	td.properties[field],
])

deny contains finding if {
	some td in task_definitions
	td.derived.fargate
	cpu := td.derived.cpu_units
	is_number(cpu)
	mem := td.derived.memory_mib
	is_number(mem)
	not memory_sizes[cpu][mem]
	finding := {
		"resource": td.id,
		"pointer": "/memory",
		"message": sprintf(
			"task definition %q: Fargate has no size with cpu %d and memory %d MiB; pick a supported pair",
			[td.name, cpu, mem],
		),
	}
}
