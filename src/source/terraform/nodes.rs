//! Graph nodes and edges of evaluated Terraform resources: each supported resource as
//! the node the live collector makes (rules, listeners and role policies folded into
//! the nodes they belong to), the edges its references make, AWS managed policies from
//! the shipped table, and the report entries of unresolved values.

use super::eval::{Module, Scope};
use super::{iam, resources};
use crate::diagnostics::Diagnostic;
use crate::graph::secrets::Redactor;
use crate::graph::{kind, Node, NodeSource, Status};
use crate::source::iac::{lower, Spanned, Val};

/// Resource types read into nodes, or into the nodes they belong to (rules, listeners,
/// role policies and attachments).
pub(super) const SUPPORTED: &[&str] = &[
    "aws_ecs_task_definition",
    "aws_ecs_service",
    "aws_ecs_cluster",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_lb",
    "aws_alb",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_listener_rule",
    "aws_alb_listener_rule",
    "aws_iam_role",
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
];

/// One evaluated resource instance: its arguments (for a task definition, already its
/// API object).
pub(super) struct Built {
    pub(super) rtype: String,
    pub(super) address: String,
    pub(super) id: String,
    pub(super) file: usize,
    pub(super) props: Spanned,
}

/// Nodes of the built resources (rules, listeners and policies folded into the nodes
/// they belong to; AWS managed policies added from the shipped table) and their edges.
pub(super) fn assemble(module: &Module, built: Vec<Built>, redactor: &Redactor) -> Vec<Node> {
    use resources as r;
    let mut nodes: Vec<(Built, &'static str, Spanned)> = Vec::new();
    let mut attach: Vec<Built> = Vec::new();
    for b in built {
        let (kind, props) = match b.rtype.as_str() {
            "aws_ecs_task_definition" => (kind::TASK_DEFINITION, b.props.clone()),
            "aws_ecs_service" => (kind::SERVICE, r::service(&b.props, &b.id)),
            "aws_ecs_cluster" => (kind::CLUSTER, r::cluster(&b.props, &b.id)),
            "aws_security_group" => (kind::SECURITY_GROUP, r::security_group(&b.props, &b.id)),
            "aws_lb" | "aws_alb" => (kind::LOAD_BALANCER, r::load_balancer(&b.props, &b.id)),
            "aws_lb_target_group" | "aws_alb_target_group" => {
                (kind::TARGET_GROUP, r::target_group(&b.props, &b.id))
            }
            "aws_iam_role" => (kind::IAM_ROLE, r::iam_role(module, &b.props, &b.id)),
            "aws_iam_policy" => (kind::IAM_POLICY, r::iam_policy(module, &b.props, &b.id)),
            _ => {
                attach.push(b);
                continue;
            }
        };
        nodes.push((b, kind, props));
    }
    let find = |nodes: &mut Vec<(Built, &'static str, Spanned)>, id: &str, kind: &str| {
        nodes.iter().position(|(b, k, p)| {
            *k == kind
                && (b.id == id
                    || (kind == kind::IAM_ROLE
                        && p.get("RoleName").and_then(|n| n.as_str()) == Some(id)))
        })
    };
    for a in attach {
        let p = &a.props;
        match a.rtype.as_str() {
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => {
                let ingress = match a.rtype.as_str() {
                    "aws_security_group_rule" => {
                        p.get("type").and_then(|t| t.as_str()) != Some("egress")
                    }
                    other => other.ends_with("ingress_rule"),
                };
                let key = if ingress {
                    "IpPermissions"
                } else {
                    "IpPermissionsEgress"
                };
                let sg = p.get("security_group_id").and_then(|v| v.as_str());
                if let Some(sg) = sg.map(str::to_string) {
                    if let Some(i) = find(&mut nodes, &sg, kind::SECURITY_GROUP) {
                        r::push_to(&mut nodes[i].2, key, r::permission(p, &sg));
                    }
                }
            }
            "aws_lb_listener" | "aws_alb_listener" => {
                let (lb, tgs) = r::listener_targets(p);
                let Some(lb) = lb else { continue };
                for tg in tgs {
                    if let Some(i) = find(&mut nodes, &tg, kind::TARGET_GROUP) {
                        r::push_to(
                            &mut nodes[i].2,
                            "LoadBalancerArns",
                            Spanned::new(Val::String(lb.clone()), None),
                        );
                    }
                }
            }
            "aws_lb_listener_rule" | "aws_alb_listener_rule" => {
                // The rule's listener is another resource: its load balancer.
                let listener = p
                    .get("listener_arn")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                let lb = module
                    .resources
                    .iter()
                    .find(|(addr, _)| module.node_id(addr) == listener)
                    .and_then(|(_, (block, fi, _))| {
                        let s = Scope::new(module, *fi);
                        block
                            .body
                            .get_attribute("load_balancer_arn")
                            .map(|a| s.eval(&a.value))
                    })
                    .and_then(|v| v.as_str().map(str::to_string));
                let Some(lb) = lb else { continue };
                for tg in r::action_targets(p, "action") {
                    if let Some(i) = find(&mut nodes, &tg, kind::TARGET_GROUP) {
                        r::push_to(
                            &mut nodes[i].2,
                            "LoadBalancerArns",
                            Spanned::new(Val::String(lb.clone()), None),
                        );
                    }
                }
            }
            "aws_iam_role_policy" => {
                if let Some((role, entry)) = r::role_policy(module, p) {
                    if let Some(i) = find(&mut nodes, &role, kind::IAM_ROLE) {
                        r::push_to(&mut nodes[i].2, "RolePolicyList", entry);
                    }
                }
            }
            "aws_iam_role_policy_attachment" => {
                if let Some((role, entry)) = r::role_policy_attachment(p) {
                    if let Some(i) = find(&mut nodes, &role, kind::IAM_ROLE) {
                        r::push_to(&mut nodes[i].2, "AttachedManagedPolicies", entry);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<Node> = Vec::new();
    for (b, kind, props) in nodes {
        let file = &module.files[b.file];
        out.push(node(&b, kind, &props, &file.path, redactor));
    }
    out
}

pub(super) fn managed_policy_node(arn: &str) -> Node {
    let (name, status, properties) = match iam::managed_policy(arn) {
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
pub(super) fn edges(nodes: &[Node]) -> Vec<(String, String, &'static str)> {
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

/// A node of `kind` with properties `props`.
pub(super) fn node(
    b: &Built,
    kind: &'static str,
    props: &Spanned,
    file: &str,
    redactor: &Redactor,
) -> Node {
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
        .map_or_else(|| b.address.clone(), str::to_string);
    let origin = props.origin.as_ref();
    let (line, column) = origin.map_or((1, 1), |o| (o.line, o.column));
    let derived = if kind == kind::TASK_DEFINITION {
        crate::graph::derive_task_definition(&properties)
    } else {
        serde_json::json!({})
    };
    Node {
        id: b.id.clone(),
        kind: kind.to_string(),
        name,
        identity: b.id.clone(),
        source: NodeSource::Iac {
            tool: "terraform".into(),
            file: file.to_string(),
            line,
            column,
            address: b.address.clone(),
        },
        status: Status::Complete,
        derived,
        properties,
        locations: lowered.locations,
        unresolved,
    }
}

/// `text` on one line, at most 80 characters.
pub(super) fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 80 {
        format!("{}…", flat.chars().take(79).collect::<String>())
    } else {
        flat
    }
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
            if let Some(loc) = crate::findings::iac_location(node, &u.pointer) {
                d = d.at(loc);
            }
            d
        })
        .collect()
}
