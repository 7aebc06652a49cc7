//! Graph nodes of evaluated Terraform resources: each supported resource as the node
//! the live collector makes (rules, listeners and role policies folded into the nodes
//! they belong to). Edges, managed policies and unknowns: [`crate::source::iac::nodes`].

use super::eval::{Module, Scope};
use super::resources;
use crate::graph::secrets::Redactor;
use crate::graph::{kind, Node};
use crate::source::iac::nodes::{node, Declared};
use crate::source::iac::{push_to, Spanned, Val};

/// Resource types read into nodes, or into the nodes they belong to (rules, listeners,
/// role policies and attachments).
pub(super) const SUPPORTED: &[&str] = &[
    "aws_ecs_task_definition",
    "aws_ecs_service",
    "aws_ecs_cluster",
    "aws_ecs_task_set",
    "aws_ecs_cluster_capacity_providers",
    "aws_ecs_capacity_provider",
    "aws_ecs_account_setting_default",
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
    /// The provider configuration it uses (`aws`, `aws.west`): the account and region
    /// it is deployed to.
    pub(super) provider: String,
}

/// Nodes of the built resources (rules, listeners and policies folded into the nodes
/// they belong to; AWS managed policies added from the shipped table), and the edges
/// from each task definition to the account setting defaults of its provider (the
/// other edges follow from node ids: [`crate::source::iac::nodes::edges`]).
pub(super) fn assemble(
    module: &Module,
    built: Vec<Built>,
    redactor: &Redactor,
) -> (Vec<Node>, Vec<(String, String, &'static str)>) {
    use resources as r;
    let mut nodes: Vec<(Built, &'static str, Spanned)> = Vec::new();
    let mut attach: Vec<Built> = Vec::new();
    for b in built {
        let (kind, props) = match b.rtype.as_str() {
            "aws_ecs_task_definition" => (kind::TASK_DEFINITION, b.props.clone()),
            "aws_ecs_service" => (kind::SERVICE, r::service(&b.props, &b.id)),
            "aws_ecs_cluster" => (kind::CLUSTER, r::cluster(&b.props, &b.id)),
            "aws_ecs_capacity_provider" => (
                kind::CAPACITY_PROVIDER,
                r::capacity_provider(&b.props, &b.id),
            ),
            "aws_ecs_account_setting_default" => {
                (kind::ACCOUNT_SETTINGS, r::account_setting_default(&b.props))
            }
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
        let name_field = match kind {
            kind::IAM_ROLE => "RoleName",
            kind::CLUSTER => "clusterName",
            _ => "",
        };
        nodes.iter().position(|(b, k, p)| {
            *k == kind && (b.id == id || p.get(name_field).and_then(|n| n.as_str()) == Some(id))
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
                        push_to(&mut nodes[i].2, key, r::permission(p, &sg));
                    }
                }
            }
            "aws_ecs_task_set" => {
                let service = p
                    .get("service")
                    .and_then(|v| v.as_str())
                    .map(str::to_string);
                if let Some(i) = service.and_then(|s| find(&mut nodes, &s, kind::SERVICE)) {
                    push_to(&mut nodes[i].2, "taskSets", r::task_set(p, &a.id));
                }
            }
            "aws_ecs_cluster_capacity_providers" => {
                let cluster = p.get("cluster_name").and_then(|v| v.as_str());
                if let Some(i) = cluster.and_then(|c| find(&mut nodes, c, kind::CLUSTER)) {
                    for (key, value) in r::cluster_capacity_providers(p) {
                        set_entry(&mut nodes[i].2, key, value);
                    }
                }
            }
            "aws_lb_listener" | "aws_alb_listener" => {
                let (lb, tgs) = r::listener_targets(p);
                let Some(lb) = lb else { continue };
                for tg in tgs {
                    if let Some(i) = find(&mut nodes, &tg, kind::TARGET_GROUP) {
                        push_to(
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
                        push_to(
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
                        push_to(&mut nodes[i].2, "RolePolicyList", entry);
                    }
                }
            }
            "aws_iam_role_policy_attachment" => {
                if let Some((role, entry)) = r::role_policy_attachment(p) {
                    if let Some(i) = find(&mut nodes, &role, kind::IAM_ROLE) {
                        push_to(&mut nodes[i].2, "AttachedManagedPolicies", entry);
                    }
                }
            }
            _ => {}
        }
    }
    let mut edges = Vec::new();
    for (td, _, _) in nodes.iter().filter(|n| n.1 == kind::TASK_DEFINITION) {
        for (settings, _, _) in nodes.iter().filter(|n| n.1 == kind::ACCOUNT_SETTINGS) {
            if settings.provider == td.provider {
                edges.push((td.id.clone(), settings.id.clone(), "account_settings"));
            }
        }
    }
    let mut out: Vec<Node> = Vec::new();
    for (b, kind, props) in nodes {
        let at = Declared {
            tool: "terraform",
            id: &b.id,
            address: &b.address,
            file: &module.files[b.file].path,
        };
        out.push(node(&at, kind, &props, redactor));
    }
    (out, edges)
}

/// Set entry `key` of object `v` to `value` (replacing one there).
fn set_entry(v: &mut Spanned, key: &str, value: Spanned) {
    if let Val::Object { entries, .. } = &mut v.val {
        entries.retain(|(k, _)| k != key);
        entries.push((key.to_string(), value));
    }
}
