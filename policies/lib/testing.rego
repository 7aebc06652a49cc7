# Build graph documents inside Rego tests, with the same derived facts the scanner
# computes (a Rust test keeps the two in step):
#   import data.ecsaudit.lib.testing
#   inp := testing.graph([{"family": "web", "containerDefinitions": [...]}])
#   count(deny) == 0 with input as inp
package ecsaudit.lib.testing

import rego.v1

import data.ecsaudit.lib
import data.ecsaudit.lib.secrets
import data.ecsaudit.lib.secrets.default_name_tokens

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

# A live-account graph. `nodes`: list of {"id", "kind", "properties"} (optional "name",
# "status", "derived"); task definitions get their derived facts. `edges`: list of
# [from, kind, to]. Links are indexed as the collector indexes them.
aws_graph(nodes, edges) := {
	"schema_version": 1,
	"generator": {"name": "ecsaudit-test", "version": "0"},
	"sources": [{"type": "aws", "account": "123456789012", "regions": ["us-east-1"]}],
	"nodes": {n.id: aws_node(n, edges) | some n in nodes},
	"edges": [{"from": e[0], "kind": e[1], "to": e[2]} | some e in edges],
}

aws_node(n, edges) := {
	"id": n.id,
	"kind": n.kind,
	"name": object.get(n, "name", n.id),
	"identity": n.id,
	"source": {"type": "aws", "arn": n.id, "account": "123456789012", "region": "us-east-1"},
	"status": object.get(n, "status", "complete"),
	"properties": n.properties,
	"derived": object.union(base_derived(n), {"links": links(n.id, edges)}),
}

base_derived(n) := derive(n.properties) if n.kind == "task_definition"

else := object.get(n, "derived", {})

links(id, edges) := {
	"out": {k: [e[2] | some e in edges; e[0] == id; e[1] == k] | some e0 in edges; e0[0] == id; k := e0[1]},
	"in": {k: [e[0] | some e in edges; e[2] == id; e[1] == k] | some e0 in edges; e0[2] == id; k := e0[1]},
}

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
	"containers": [container(c, i) | some i, c in containers(td)],
	"cpu_units": cpu_units(object.get(td, "cpu", null)),
	"memory_mib": memory_mib(object.get(td, "memory", null)),
	"fargate": fargate(td),
	"network_mode": network_mode(td),
	"secrets": found_secrets(td),
}

# `derived.secrets`: what the scanner's redaction finds in the fields the secret rules
# read (docs/graph.md), here from plain test values. A redaction marker counts with the
# kind it records; a plain value when it has a credential format or high entropy, or,
# stored under a secret name, when it is not trivial. EA101's `extra_name_tokens` count
# for environment names, as the scanner's redaction counts them from the config.
found_secrets(td) := [s | some i, c in containers(td); some s in container_secrets(c, i)]

container_secrets(c, i) := array.concat(
	array.concat(env_secrets(c, i), array.concat(args(c, i, "command"), args(c, i, "entryPoint"))),
	array.concat(
		entries(i, "dockerLabels", "dockerLabels", object.get(c, "dockerLabels", {})),
		entries(i, "logConfiguration.options", "logConfiguration/options", log_options(c)),
	),
)

env_secrets(c, i) := [object.union(found, entry) |
	some j, e in object.get(c, "environment", [])
	found := found_value(object.get(e, "value", null), env_secret_name(e))
	entry := {
		"container": i,
		"field": "environment",
		"index": j,
		"name": string_or_null(object.get(e, "name", null)),
		"pointer": sprintf("/containerDefinitions/%d/environment/%d/value", [i, j]),
	}
]

args(c, i, field) := [object.union(found, entry) |
	some j, arg in object.get(c, field, [])
	found := found_value(arg, secret_option(arg))
	entry := {
		"container": i,
		"field": field,
		"index": j,
		"pointer": sprintf("/containerDefinitions/%d/%s/%d", [i, field, j]),
	}
]

entries(i, field, path, map) := [object.union(found, entry) |
	is_object(map)
	some key in sort(object.keys(map))
	found := found_value(map[key], secret_key(key))
	entry := {
		"container": i,
		"field": field,
		"key": key,
		"pointer": sprintf("/containerDefinitions/%d/%s/%s", [i, path, lib.pointer_token(key)]),
	}
]

log_options(c) := object.get(object.get(c, "logConfiguration", {}), "options", {})

# Whether a name makes a value a secret (true or false, never undefined).
env_secret_name(e) := true if {
	tokens := array.concat(
		default_name_tokens,
		lib.param("EA101", "extra_name_tokens", []),
	)
	secrets.name_suggests_secret(e.name, tokens)
} else := false

secret_option(arg) := true if secrets.secret_option_arg(arg) else := false

secret_key(key) := true if secrets.secret_key(key) else := false

# {kind, preview} of a value the redaction replaces; `named`: whether its name or key
# suggests a secret.
found_value(v, named) := {"kind": kind, "preview": lib.redact(v)} if {
	kind := found_kind(v, named)
}

found_kind(v, named) := kind if {
	kind := secrets.redacted_kind(v)
} else := kind if {
	kind := secrets.value_kind(v)
} else := "" if {
	named == true
	not secrets.trivial_value(v)
}

containers(td) := cs if {
	cs := td.containerDefinitions
	is_array(cs)
} else := []

container(c, i) := {"name": name, "label": lib.container_label(c, i), "image": img} if {
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
	"literal_tag": literal_tag(r, tag, digest),
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

# The tag and digest are written literally (see the Rust `literal_tag`).
literal_tag(r, _, _) if not unresolved(r)

literal_tag(r, tag, digest) if {
	unresolved(r)
	literal_parts(tag, digest)
}

literal_tag(r, tag, digest) := false if {
	unresolved(r)
	not literal_parts(tag, digest)
}

# A tag or a digest is present, and neither is templated.
literal_parts(tag, digest) if {
	[x | some x in [tag, digest]; x != null] != []
	every x in [tag, digest] {
		literal_part(x)
	}
}

literal_part(x) if x == null

literal_part(x) if {
	is_string(x)
	not regex.match(`[${}<>]`, x)
}

unresolved(r) if secrets.placeholder(r)

unresolved(r) if startswith(r, "$")

unresolved(r) if r == ""

unresolved(r) := false if {
	not secrets.placeholder(r)
	not startswith(r, "$")
	r != ""
}

# ---------------------------------------------------------------------------------------
# A live-account fixture: one service "web" (cluster "prod") running task definition
# web:3 (container "web", port 8080) behind an ALB, with task and execution roles.
# `o` overrides the defaults (all optional):
#   network_mode        "awsvpc" (Fargate, default) or "bridge" (EC2, container instance)
#   host_port           bridge host port (default 0: dynamic)
#   task_ingress        ingress of the task security group (awsvpc)
#   task_sg_name        name of the task security group
#   instance_ingress    ingress of the container instance's group (bridge)
#   lb_egress           egress of the ALB's group
#   scheme              "internal" (default) or "internet-facing"
#   target_type         default "ip" on awsvpc, "instance" on bridge
#   health_check_port   default "traffic-port"
#   assign_public_ip    "DISABLED" (default) or "ENABLED"
#   platform_version    Fargate platform version (default "LATEST")
#   exec                enableExecuteCommand (default false)
#   cluster             fields merged into the cluster
#   container           fields merged into the container definition
#   td                  fields merged into the task definition
#   task_statements     statements of the task role's inline policy
#   exec_statements     statements of the execution role's inline policy
#   task_trust / exec_trust   trust policy documents
#   task_managed        managed policies attached to the task role: [{"arn", "document"}]
#   task_role_status / exec_role_status   node status (default "complete")
#   images              extra nodes of kind image, linked from the task definition
#   repositories        extra nodes of kind ecr_repository, linked from it likewise
# ---------------------------------------------------------------------------------------
acct := "123456789012"

arn_td := "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"

arn_service := "arn:aws:ecs:us-east-1:123456789012:service/prod/web"

arn_cluster := "arn:aws:ecs:us-east-1:123456789012:cluster/prod"

arn_tg := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"

arn_lb := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef"

arn_alb_sg := "arn:aws:ec2:us-east-1:123456789012:security-group/sg-alb"

arn_task_sg := "arn:aws:ec2:us-east-1:123456789012:security-group/sg-task"

arn_inst_sg := "arn:aws:ec2:us-east-1:123456789012:security-group/sg-inst"

arn_subnet := "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-a"

arn_ci := "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci1"

arn_task_role := "arn:aws:iam::123456789012:role/web-task"

arn_exec_role := "arn:aws:iam::123456789012:role/web-exec"

ecs_trust := {"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow",
	"Principal": {"Service": "ecs-tasks.amazonaws.com"},
	"Action": "sts:AssumeRole",
	"Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
}]}

exec_permissions := [
	{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
	{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameters"], "Resource": "*"},
]

tcp(from, to, cidrs, groups) := {
	"IpProtocol": "tcp", "FromPort": from, "ToPort": to,
	"IpRanges": [{"CidrIp": c} | some c in cidrs],
	"UserIdGroupPairs": [{"GroupId": g} | some g in groups],
}

all_traffic := [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "UserIdGroupPairs": []}]

opt(o, k, d) := object.get(o, k, d)

# The fixture's subnet; `unavailable` when ec2:DescribeSubnets was denied.
subnet(status) := {"id": arn_subnet, "kind": "subnet", "name": "subnet-a", "status": status, "properties": {
	"SubnetId": "subnet-a", "CidrBlock": "10.0.1.0/24", "VpcId": "vpc-1",
}} if status == "complete"

else := {"id": arn_subnet, "kind": "subnet", "name": "subnet-a", "status": status, "properties": {}}

pick(cond, a, _) := a if cond

pick(cond, _, b) := b if not cond

is_awsvpc(o) := opt(o, "network_mode", "awsvpc") == "awsvpc"

alb_service(o) := aws_graph(fixture_nodes(o), fixture_edges(o))

fixture_td(o) := object.union(
	{
		"family": "web", "revision": 3, "taskDefinitionArn": arn_td,
		"networkMode": opt(o, "network_mode", "awsvpc"),
		"requiresCompatibilities": pick(is_awsvpc(o), ["FARGATE"], ["EC2"]),
		"cpu": "256", "memory": "512",
		"taskRoleArn": arn_task_role, "executionRoleArn": arn_exec_role,
		"containerDefinitions": [object.union(
			{
				"name": "web", "image": "nginx:1.25", "essential": true,
				"portMappings": [{"containerPort": 8080, "hostPort": pick(is_awsvpc(o), 8080, opt(o, "host_port", 0)), "protocol": "tcp"}],
			},
			opt(o, "container", {}),
		)],
	},
	opt(o, "td", {}),
)

fixture_service(o) := object.union(
	{
		"serviceName": "web", "serviceArn": arn_service, "clusterArn": arn_cluster,
		"launchType": pick(is_awsvpc(o), "FARGATE", "EC2"),
		"taskDefinition": arn_td,
		"enableExecuteCommand": opt(o, "exec", false),
		"loadBalancers": [{"targetGroupArn": arn_tg, "containerName": "web", "containerPort": 8080}],
	},
	pick(is_awsvpc(o), {
		"platformVersion": opt(o, "platform_version", "LATEST"),
		"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"], "securityGroups": ["sg-task"], "assignPublicIp": opt(o, "assign_public_ip", "DISABLED")}},
	}, {}),
)

role(arn, name, trust, statements, status) := {
	"id": arn, "kind": "iam_role", "name": name, "status": status,
	"properties": {
		"RoleName": name, "Arn": arn, "AssumeRolePolicyDocument": trust,
		"RolePolicyList": [{"PolicyName": sprintf("%s-inline", [name]), "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
		"AttachedManagedPolicies": [],
	},
}

fixture_nodes(o) := array.concat(array.concat(
	[
		{"id": arn_td, "kind": "task_definition", "name": "web:3", "properties": fixture_td(o)},
		{"id": arn_service, "kind": "service", "name": "web", "properties": fixture_service(o)},
		{"id": arn_cluster, "kind": "cluster", "name": "prod", "properties": object.union({"clusterArn": arn_cluster, "clusterName": "prod"}, opt(o, "cluster", {}))},
		{"id": arn_tg, "kind": "target_group", "name": "web", "properties": {
			"TargetGroupArn": arn_tg, "TargetGroupName": "web", "Protocol": "HTTP", "Port": 80,
			"TargetType": opt(o, "target_type", pick(is_awsvpc(o), "ip", "instance")),
			"HealthCheckPort": opt(o, "health_check_port", "traffic-port"),
			"LoadBalancerArns": [arn_lb],
		}},
		{"id": arn_lb, "kind": "load_balancer", "name": "web", "properties": {
			"LoadBalancerArn": arn_lb, "LoadBalancerName": "web", "Type": "application",
			"Scheme": opt(o, "scheme", "internal"), "SecurityGroups": ["sg-alb"],
			"AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "subnet-a"}],
		}},
		{"id": arn_alb_sg, "kind": "security_group", "name": "sg-alb (alb)", "properties": {
			"GroupId": "sg-alb", "GroupName": "alb", "VpcId": "vpc-1",
			"IpPermissions": [tcp(443, 443, ["0.0.0.0/0"], [])],
			"IpPermissionsEgress": opt(o, "lb_egress", all_traffic),
		}},
		subnet(opt(o, "subnet_status", "complete")),
		role(arn_task_role, "web-task", opt(o, "task_trust", ecs_trust), opt(o, "task_statements", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::web-assets/*"}]), opt(o, "task_role_status", "complete")),
		role(arn_exec_role, "web-exec", opt(o, "exec_trust", ecs_trust), opt(o, "exec_statements", exec_permissions), opt(o, "exec_role_status", "complete")),
	],
	pick(is_awsvpc(o), [
		{"id": arn_task_sg, "kind": "security_group", "name": sprintf("sg-task (%s)", [opt(o, "task_sg_name", "web-task")]), "properties": {
			"GroupId": "sg-task", "GroupName": opt(o, "task_sg_name", "web-task"), "VpcId": "vpc-1",
			"IpPermissions": opt(o, "task_ingress", [tcp(8080, 8080, [], ["sg-alb"])]),
			"IpPermissionsEgress": all_traffic,
		}},
	], [
		{"id": arn_ci, "kind": "container_instance", "name": "i-1", "properties": {
			"containerInstanceArn": arn_ci, "ec2InstanceId": "i-1",
			"Ec2Instance": {"InstanceId": "i-1", "SecurityGroups": [{"GroupId": "sg-inst"}]},
		}},
		{"id": arn_inst_sg, "kind": "security_group", "name": "sg-inst (ecs-instances)", "properties": {
			"GroupId": "sg-inst", "GroupName": "ecs-instances", "VpcId": "vpc-1",
			"IpPermissions": opt(o, "instance_ingress", [tcp(32768, 65535, [], ["sg-alb"])]),
			"IpPermissionsEgress": all_traffic,
		}},
	]),
), array.concat(
	[{"id": p.arn, "kind": "iam_policy", "name": split(p.arn, "/")[count(split(p.arn, "/")) - 1], "properties": {"Arn": p.arn, "PolicyName": split(p.arn, "/")[count(split(p.arn, "/")) - 1], "Document": p.document}} | some p in opt(o, "task_managed", [])],
	array.concat(opt(o, "images", []), opt(o, "repositories", [])),
))

fixture_edges(o) := array.concat(array.concat(
	[
		[arn_service, "uses_task_definition", arn_td],
		[arn_service, "in_cluster", arn_cluster],
		[arn_service, "target_group", arn_tg],
		[arn_tg, "load_balancer", arn_lb],
		[arn_lb, "security_group", arn_alb_sg],
		[arn_lb, "subnet", arn_subnet],
		[arn_td, "task_role", arn_task_role],
		[arn_td, "execution_role", arn_exec_role],
	],
	pick(is_awsvpc(o), [
		[arn_service, "security_group", arn_task_sg],
		[arn_service, "subnet", arn_subnet],
	], [
		[arn_ci, "in_cluster", arn_cluster],
		[arn_ci, "security_group", arn_inst_sg],
	]),
), array.concat(
	[[arn_task_role, "attached_policy", p.arn] | some p in opt(o, "task_managed", [])],
	array.concat(
		[[arn_td, "image", img.id] | some img in opt(o, "images", [])],
		[[arn_td, "repository", repo.id] | some repo in opt(o, "repositories", [])],
	),
))
