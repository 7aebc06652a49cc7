# Build graph documents inside Rego tests, with the same derived facts the scanner
# computes (a Rust test keeps the two in step):
#   import data.ecsaudit.lib.testing
#   inp := testing.graph([{"family": "web", "containerDefinitions": [...]}])
#   count(deny) == 0 with input as inp
package ecsaudit.lib.testing

import rego.v1

# A graph holding one task-definition node per element of `tds` (ids td0, td1, ...).
graph(tds) := {
	"schema_version": 1,
	"generator": {"name": "ecsaudit-test", "version": "0"},
	"sources": [],
	"nodes": {id: task_definition(id, td) | some i, td in tds; id := sprintf("td%d", [i])},
	"edges": [],
}

# A graph with one task definition (family "web") holding one container per image,
# named c0, c1, ...
with_images(images) := graph([{"family": "web", "containerDefinitions": [{"name": sprintf("c%d", [i]), "image": img} | some i, img in images]}])

# A graph with one task definition whose single container "app" has `env` as its
# environment.
with_environment(env) := graph([{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1.25", "environment": env}]}])

# A task-definition node with id `id`.
task_definition(id, td) := {
	"id": id,
	"kind": "task_definition",
	"name": object.get(td, "family", id),
	"identity": id,
	"source": {"type": "file", "file": "test.json", "pointer": "", "shape": "register_input"},
	"status": "complete",
	"properties": td,
	"derived": derive(td),
}

# The `derived` object of a task definition.
derive(td) := {
	"containers": [container(c) | some c in containers(td)],
	"cpu_units": cpu_units(object.get(td, "cpu", null)),
	"memory_mib": memory_mib(object.get(td, "memory", null)),
	"fargate": fargate(td),
	"network_mode": network_mode(td),
}

containers(td) := cs if {
	cs := td.containerDefinitions
	is_array(cs)
} else := []

container(c) := {"name": name, "image": img} if {
	name := string_or_null(object.get(c, "name", null))
	img := image_or_null(object.get(c, "image", null))
}

string_or_null(v) := v if is_string(v)

else := null

image_or_null(v) := image(v) if is_string(v)

else := null

fargate(td) if "FARGATE" in object.get(td, "requiresCompatibilities", [])

fargate(td) := false if not "FARGATE" in object.get(td, "requiresCompatibilities", [])

network_mode(td) := td.networkMode if is_string(td.networkMode)

else := "awsvpc" if fargate(td)

else := "bridge"

# Numbers and units of task-level cpu/memory ("1024", "1 vCPU", "2 GB", 512).
number_unit(v) := [v, ""] if is_number(v)

number_unit(v) := [to_number(m[1]), lower(m[2])] if {
	is_string(v)
	m := regex.find_all_string_submatch_n(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$`, v, 1)[0]
}

whole(x) := x if {
	x >= 0
	floor(x) == x
}

cpu_units(v) := r if {
	[n, u] := number_unit(v)
	u == ""
	r := whole(n)
} else := r if {
	[n, u] := number_unit(v)
	u in {"vcpu", "vcpus"}
	r := whole(n * 1024)
} else := null

memory_mib(v) := r if {
	[n, u] := number_unit(v)
	u in {"", "mb", "mib"}
	r := whole(n)
} else := r if {
	[n, u] := number_unit(v)
	u in {"gb", "gib"}
	r := whole(n * 1024)
} else := null

# Image reference parts, as the scanner derives them.
image(ref) := {
	"registry": registry,
	"repository": repository,
	"tag": tag,
	"digest": digest,
	"pinned": pinned,
	"mutable_latest": mutable_latest,
	"ecr": ecr(registry),
	"ecr_public": registry == "public.ecr.aws",
	"unresolved": unresolved(r),
} if {
	r := trim_space(ref)
	at := indexof(r, "@")
	name_tag := substring_until(r, at)
	digest := digest_of(r, at)
	[registry, remainder] := split_registry(name_tag)
	[repo0, tag] := split_tag(remainder)
	repository := library_prefix(registry, repo0)
	pinned := is_pinned(digest)
	mutable_latest := is_mutable_latest(pinned, tag)
}

substring_until(s, i) := s if i < 0

else := substring(s, 0, i)

digest_of(_, i) := null if i < 0

digest_of(s, i) := substring(s, i + 1, -1) if i >= 0

split_registry(name) := [first, substring(name, count(first) + 1, -1)] if {
	contains(name, "/")
	first := split(name, "/")[0]
	registry_like(first)
} else := ["docker.io", name]

registry_like(h) if contains(h, ".")

registry_like(h) if contains(h, ":")

registry_like(h) if h == "localhost"

split_tag(rem) := [substring(rem, 0, cut), substring(rem, cut + 1, -1)] if {
	slash := last_index(rem, "/")
	colon := last_index(rem, ":")
	colon > slash
	cut := colon
} else := [rem, null]

last_index(s, ch) := i if {
	idx := indexof_n(s, ch)
	count(idx) > 0
	i := max(idx)
} else := -1

library_prefix(registry, repo) := concat("/", ["library", repo]) if {
	registry == "docker.io"
	not contains(repo, "/")
} else := repo

is_pinned(digest) if {
	is_string(digest)
	contains(digest, ":")
}

is_pinned(digest) := false if not is_string(digest)

is_pinned(digest) := false if {
	is_string(digest)
	not contains(digest, ":")
}

is_mutable_latest(true, _) := false

is_mutable_latest(false, tag) if tag == null

is_mutable_latest(false, tag) if tag == "latest"

is_mutable_latest(false, tag) := false if {
	tag != null
	tag != "latest"
}

ecr(registry) := {"account": parts[0], "region": parts[3]} if {
	parts := split(registry, ".")
	regex.match(`^[0-9]{12}$`, parts[0])
	parts[1] == "dkr"
	parts[2] in {"ecr", "ecr-fips"}
	rest := array.slice(parts, 4, count(parts))
	rest in {["amazonaws", "com"], ["amazonaws", "com", "cn"]}
} else := null

unresolved(r) if contains(r, "${")

unresolved(r) if contains(r, "{{")

unresolved(r) if startswith(r, "$")

unresolved(r) if r == ""

unresolved(r) := false if {
	not contains(r, "${")
	not contains(r, "{{")
	not startswith(r, "$")
	r != ""
}
