# IAM policy evaluation over the graph (live audits): which statements apply to a role
# and whether they allow an action on a resource.
#   import data.ecsaudit.lib.iam
# Identity policies only: Allow statements are assumed to hold whatever their Condition;
# a Deny with a Condition is assumed not to apply. Permission boundaries, SCPs and
# resource policies are not evaluated (a missing permission may still be granted there).
package ecsaudit.lib.iam

import rego.v1

import data.ecsaudit.lib

# The documents that apply to a role, named for messages: inline and attached managed.
named_documents(role) := array.concat(
	[{"name": sprintf("inline policy %q", [p.PolicyName]), "document": p.PolicyDocument} |
		some p in object.get(role.properties, "RolePolicyList", [])
	],
	[{"name": sprintf("managed policy %q", [p.name]), "document": p.properties.Document} |
		some p in lib.linked(role, "attached_policy")
	],
)

# Statements of a policy document (a single statement object or a list).
statements(doc) := lib.as_list(object.get(doc, "Statement", []))

role_statements(role) := [s | some d in named_documents(role); some s in statements(d.document)]

# The role and every managed policy attached to it were read completely.
complete(role) if {
	lib.complete(role)
	lib.all_complete(lib.linked(role, "attached_policy"))
}

# IAM wildcard match: `*` any run of characters (no delimiters), `?` one character.
matches(pattern, value) if glob.match(pattern, null, value)

action_hit(patterns, action) if {
	some p in lib.as_list(patterns)
	matches(lower(p), lower(action))
}

resource_hit(patterns, resource) if {
	some p in lib.as_list(patterns)
	matches(p, resource)
}

# The statement names the action (Action, or everything outside NotAction).
covers_action(s, action) if action_hit(s.Action, action)

covers_action(s, action) if {
	s.NotAction
	not action_hit(s.NotAction, action)
}

covers_resource(s, resource) if resource_hit(s.Resource, resource)

covers_resource(s, resource) if {
	s.NotResource
	not resource_hit(s.NotResource, resource)
}

allow_statement(s, action, resource) if {
	s.Effect == "Allow"
	covers_action(s, action)
	covers_resource(s, resource)
}

deny_statement(s, action, resource) if {
	s.Effect == "Deny"
	not s.Condition
	covers_action(s, action)
	covers_resource(s, resource)
}

denied(stmts, action, resource) if {
	some s in stmts
	deny_statement(s, action, resource)
}

# The role's identity policies allow `action` on `resource`.
allows(role, action, resource) if {
	stmts := role_statements(role)
	some s in stmts
	allow_statement(s, action, resource)
	not denied(stmts, action, resource)
}

# Statements granting every action, or every action of a service, on every resource;
# NotAction allows are as broad. Each as {"policy", "index", "grant"} for messages.
broad_grants(role) := [g |
	some d in named_documents(role)
	some i, s in statements(d.document)
	s.Effect == "Allow"
	resource_hit(object.get(s, "Resource", []), "*")
	some grant in broad_actions(s)
	g := {"policy": d.name, "index": i, "grant": grant}
]

broad_actions(s) := {sprintf("Action %q on Resource \"*\"", [a]) |
	some a in lib.as_list(object.get(s, "Action", []))
	wildcard_action(a)
} | {"NotAction (everything else) on Resource \"*\"" | s.NotAction}

wildcard_action(a) if a == "*"

wildcard_action(a) if endswith(a, ":*")

# The statement is full administrator access: Allow * on *.
admin_grant(g) if startswith(g.grant, "Action \"*\"")

admin_grant(g) if startswith(g.grant, "NotAction")

# Trust-policy statements that let ECS tasks assume the role.
ecs_trust_statements(role) := [s |
	some s in statements(role.properties.AssumeRolePolicyDocument)
	s.Effect == "Allow"
	action_hit(object.get(s, "Action", []), "sts:AssumeRole")
	trusts_ecs_tasks(s)
]

trusts_ecs_tasks(s) if {
	some p in lib.as_list(object.get(object.get(s, "Principal", {}), "Service", []))
	p == "ecs-tasks.amazonaws.com"
}

# The trust statement restricts the caller with aws:SourceAccount or aws:SourceArn.
source_condition(s) if {
	some _, conds in object.get(s, "Condition", {})
	some key, _ in conds
	lower(key) in {"aws:sourceaccount", "aws:sourcearn"}
}
