//! Graph nodes of IaC resources, shared by the Terraform and CloudFormation sources:
//! a node from evaluated API-named properties (locations and unknowns lowered, values
//! redacted), the edges node-id references make, the AWS managed policies templates
//! attach by ARN (from a table shipped with ecsaudit), and the report entries of values
//! not known before deploy.

use super::{lower, Spanned};
use crate::diagnostics::Diagnostic;
use crate::graph::secrets::Redactor;
use crate::graph::{kind, Node, NodeSource, Status};

/// AWS managed policies by ARN suffix (`policy/<name>` or `policy/service-role/<name>`):
/// their documents, as `GetPolicyVersion` returns them (what the rules need of them).
const MANAGED: &str = include_str!("aws_managed_policies.json");

/// The document of the AWS managed policy `arn`, when the table has it.
pub fn managed_policy(arn: &str) -> Option<(String, serde_json::Value)> {
    // Parsed once per process, not once per policy attached.
    static TABLE: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    let name = arn.strip_prefix("arn:aws:iam::aws:policy/")?;
    let table = TABLE.get_or_init(|| serde_json::from_str(MANAGED).unwrap_or_default());
    let short = name.rsplit('/').next()?;
    table.get(short).map(|doc| (short.to_string(), doc.clone()))
}

/// Move `nodes` and `edges` into `graph` (its links are not re-indexed: call
/// [`crate::graph::Graph::index_links`] once everything is in).
pub fn add_to(
    graph: &mut crate::graph::Graph,
    nodes: Vec<Node>,
    edges: &[(String, String, &'static str)],
) {
    for n in nodes {
        graph.add_node(n);
    }
    for (from, to, kind) in edges {
        graph.add_edge(from, to, kind);
    }
}

/// Record the inline suppressions (`# ecsaudit:ignore`, a template's `Metadata`) that
/// apply to `node`, in `derived.ignore_comments`, where the suppression step reads them.
pub fn set_ignores(node: &mut Node, ignores: &[serde_json::Value]) {
    match node.derived.as_object_mut() {
        Some(d) => {
            d.insert("ignore_comments".into(), serde_json::json!(ignores));
        }
        None => node.derived = serde_json::json!({ "ignore_comments": ignores }),
    }
}

/// Nodes `nodes` relate by edges, the AWS managed policies they attach (added as
/// nodes), and a diagnostic per value not known before deploy.
pub fn finish(nodes: &mut Vec<Node>) -> (Vec<(String, String, &'static str)>, Vec<Diagnostic>) {
    // An argument set to `null` is unset: a task definition holds no `null` field.
    for n in nodes.iter_mut().filter(|n| n.kind == kind::TASK_DEFINITION) {
        crate::source::shape::drop_nulls(&mut n.properties);
    }
    let edges = edges(nodes);
    let mut managed: Vec<Node> = Vec::new();
    for (_, to, k) in &edges {
        if *k == "attached_policy"
            && !nodes.iter().any(|n| n.id == *to)
            && !managed.iter().any(|n| n.id == *to)
        {
            managed.push(managed_policy_node(to));
        }
    }
    nodes.extend(managed);
    let mut diagnostics: Vec<Diagnostic> = nodes.iter().flat_map(unresolved_diagnostics).collect();
    diagnostics.extend(nodes.iter().flat_map(shape_errors));
    (edges, diagnostics)
}

pub fn managed_policy_node(arn: &str) -> Node {
    let (name, status, properties) = match managed_policy(arn) {
        Some((name, doc)) => (
            name.clone(),
            Status::Complete,
            serde_json::json!({"PolicyName": name, "Arn": arn, "Document": doc}),
        ),
        None => (
            arn.rsplit('/').next().unwrap_or(arn).to_string(),
            Status::Unavailable,
            serde_json::json!({}),
        ),
    };
    Node {
        id: arn.to_string(),
        kind: kind::IAM_POLICY.to_string(),
        name,
        identity: arn.to_string(),
        source: NodeSource::Aws {
            arn: Some(arn.to_string()),
            account: Some("aws".into()),
            region: None,
            snapshot: None,
        },
        status,
        derived: if status == Status::Complete {
            serde_json::json!({})
        } else {
            serde_json::json!({"unavailable_reason": "an AWS managed policy ecsaudit has no copy of"})
        },
        properties,
        locations: Default::default(),
        unresolved: Vec::new(),
    }
}

/// The relations the rules follow, from node-id references in the properties.
pub fn edges(nodes: &[Node]) -> Vec<(String, String, &'static str)> {
    use serde_json::Value;
    let ids: std::collections::HashSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let mut out = Vec::new();
    let strings = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    for n in nodes {
        let p = &n.properties;
        let mut link = |to: String, kind: &'static str, must_exist: bool| {
            if !must_exist || ids.contains(to.as_str()) {
                out.push((n.id.clone(), to, kind));
            }
        };
        match n.kind.as_str() {
            kind::TASK_DEFINITION => {
                for (field, k) in [
                    ("taskRoleArn", "task_role"),
                    ("executionRoleArn", "execution_role"),
                ] {
                    for to in strings(p.get(field)) {
                        link(to, k, true);
                    }
                }
            }
            kind::SERVICE => {
                for to in strings(p.get("taskDefinition")) {
                    link(to, "uses_task_definition", true);
                }
                for to in strings(p.get("clusterArn")) {
                    link(to, "in_cluster", true);
                }
                for lb in p
                    .get("loadBalancers")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    for to in strings(lb.get("targetGroupArn")) {
                        link(to, "target_group", true);
                    }
                }
                for to in
                    strings(p.pointer("/networkConfiguration/awsvpcConfiguration/securityGroups"))
                {
                    link(to, "security_group", true);
                }
            }
            kind::CLUSTER => {
                // Capacity providers are named; FARGATE and FARGATE_SPOT have no node.
                for name in strings(p.get("capacityProviders")) {
                    let provider = nodes.iter().find(|c| {
                        c.kind == kind::CAPACITY_PROVIDER && (c.id == name || c.name == name)
                    });
                    if let Some(c) = provider {
                        link(c.id.clone(), "capacity_provider", true);
                    }
                }
            }
            kind::LOAD_BALANCER => {
                for to in strings(p.get("SecurityGroups")) {
                    link(to, "security_group", true);
                }
            }
            kind::TARGET_GROUP => {
                for to in strings(p.get("LoadBalancerArns")) {
                    link(to, "load_balancer", true);
                }
            }
            kind::IAM_ROLE => {
                for a in p
                    .get("AttachedManagedPolicies")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    for to in strings(a.get("PolicyArn")) {
                        if !to.contains("${") {
                            link(to, "attached_policy", false);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Where a resource is declared: its tool, node id, address (`aws_ecs_service.api`,
/// a logical id) and file.
pub struct Declared<'a> {
    pub tool: &'static str,
    pub id: &'a str,
    pub address: &'a str,
    pub file: &'a str,
}

/// The node of resource `at` of `kind` with API-named properties `props`.
pub fn node(at: &Declared, kind: &'static str, props: &Spanned, redactor: &Redactor) -> Node {
    let lowered = lower(props);
    let mut properties = lowered.value;
    redactor.redact_node(kind, &mut properties);
    // What the report shows of an unknown value is what the (redacted) properties hold
    // there, on one line: a template's text can hold a secret too.
    let mut unresolved = lowered.unresolved;
    for u in &mut unresolved {
        if !u.open {
            let shown = properties
                .pointer(&u.pointer)
                .and_then(|v| v.as_str())
                .unwrap_or("${...}");
            u.expression = one_line(shown);
        }
    }
    let name_field = match kind {
        kind::TASK_DEFINITION => "family",
        kind::SERVICE => "serviceName",
        kind::CLUSTER => "clusterName",
        kind::CAPACITY_PROVIDER => "name",
        kind::SECURITY_GROUP => "GroupName",
        kind::LOAD_BALANCER => "LoadBalancerName",
        kind::TARGET_GROUP => "TargetGroupName",
        kind::IAM_ROLE => "RoleName",
        _ => "PolicyName",
    };
    let name = properties
        .get(name_field)
        .and_then(|f| f.as_str())
        .filter(|n| !n.contains("${"))
        .map_or_else(|| at.address.to_string(), str::to_string);
    let origin = props.origin.as_ref();
    let (line, column) = origin.map_or((1, 1), |o| (o.line, o.column));
    let derived = if kind == kind::TASK_DEFINITION {
        crate::graph::derive_task_definition(&properties)
    } else {
        serde_json::json!({})
    };
    Node {
        id: at.id.to_string(),
        kind: kind.to_string(),
        name,
        identity: at.id.to_string(),
        source: NodeSource::Iac {
            tool: at.tool.into(),
            file: at.file.to_string(),
            line,
            column,
            address: at.address.to_string(),
        },
        status: Status::Complete,
        derived,
        properties,
        locations: lowered.locations,
        unresolved,
    }
}

/// `text` on one line, at most 80 characters.
pub fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 80 {
        format!("{}…", flat.chars().take(79).collect::<String>())
    } else {
        flat
    }
}

/// What a task definition's known values get wrong for the ECS API (a field of the
/// wrong type, a container without a name), at the line it is written, as for JSON
/// files. Values not known before deploy are not judged (`null`s, unset arguments,
/// were dropped), and a missing `family` is not an error in IaC (CloudFormation names
/// the family itself).
fn shape_errors(node: &Node) -> Vec<Diagnostic> {
    if node.kind != kind::TASK_DEFINITION {
        return Vec::new();
    }
    crate::source::shape::validate(&node.properties)
        .into_iter()
        .filter(|(pointer, _)| !pointer.is_empty() && node.unresolved_at(pointer).is_none())
        .map(|(pointer, message)| {
            let mut d =
                Diagnostic::error("invalid-task-definition", message).for_resource(&node.id);
            if let Some(loc) = node.iac_location(&pointer) {
                d = d.at(loc);
            }
            d
        })
        .collect()
}

/// One `unresolved` diagnostic per value of `node` that is not known before deploy.
pub fn unresolved_diagnostics(node: &Node) -> Vec<Diagnostic> {
    node.unresolved
        .iter()
        .map(|u| {
            let what = if u.pointer.is_empty() { "the resource".to_string() } else { format!("`{}`", u.pointer) };
            let message = if u.open {
                format!("{what} of {} may hold entries not known before deploy: checks of what it lacks are not performed", node.name)
            } else {
                format!("{what} of {} is not known before deploy ({}): checks that need it are not performed", node.name, u.expression)
            };
            let mut d = Diagnostic::unresolved("unresolved", message).for_resource(&node.id);
            if let Some(loc) = node.iac_location(&u.pointer) {
                d = d.at(loc);
            }
            d
        })
        .collect()
}
