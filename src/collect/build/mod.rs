//! Turn collected AWS data into graph nodes and edges (ids are ARNs; properties keep
//! AWS field names). References to resources that could not be read become nodes with
//! status `unavailable` (or `not_found` when AWS said they do not exist), never gaps.

use super::iam::IamData;
use super::{CollectOptions, Region};
use crate::graph::{kind, Graph, Node, NodeSource, Status};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

mod region;
mod task_definitions;

/// Edge kinds produced by live collection (documented in docs/graph.md).
pub mod edge {
    pub const TASK_ROLE: &str = "task_role";
    pub const EXECUTION_ROLE: &str = "execution_role";
    pub const ATTACHED_POLICY: &str = "attached_policy";
    pub const USES_TASK_DEFINITION: &str = "uses_task_definition";
    pub const IN_CLUSTER: &str = "in_cluster";
    pub const SECURITY_GROUP: &str = "security_group";
    pub const SUBNET: &str = "subnet";
    pub const TARGET_GROUP: &str = "target_group";
    pub const LOAD_BALANCER: &str = "load_balancer";
    pub const IMAGE: &str = "image";
    pub const ACCOUNT_SETTINGS: &str = "account_settings";
    pub const RUNS_TASK_DEFINITION: &str = "runs_task_definition";
    pub const REPOSITORY: &str = "repository";
    pub const CAPACITY_PROVIDER: &str = "capacity_provider";
}

/// Accumulates nodes and edges across regions and accounts.
#[derive(Default)]
pub struct Builder {
    nodes: BTreeMap<String, Node>,
    edges: Vec<(String, String, &'static str)>,
    /// Kind and status for edge targets that were never read.
    placeholders: BTreeMap<String, (&'static str, Status, String, String)>,
    /// account -> reason -> task definitions collected for it.
    scope: BTreeMap<String, BTreeMap<String, usize>>,
    /// Redacts secrets from every node as it is added.
    redactor: crate::graph::secrets::Redactor,
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

impl Builder {
    /// An empty builder that redacts secrets with `redactor`.
    pub fn new(redactor: crate::graph::secrets::Redactor) -> Self {
        Builder {
            redactor,
            ..Default::default()
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        id: &str,
        kind: &str,
        name: &str,
        identity: &str,
        account: &str,
        region: Option<&str>,
        status: Status,
        mut properties: Value,
        derived: Value,
    ) {
        // Task definitions are redacted before their facts are derived (below).
        if kind != kind::TASK_DEFINITION {
            self.redactor.redact_node(kind, &mut properties);
        }
        self.nodes.insert(
            id.to_string(),
            Node {
                id: id.to_string(),
                kind: kind.to_string(),
                name: name.to_string(),
                identity: identity.to_string(),
                source: NodeSource::Aws {
                    arn: id.starts_with("arn:").then(|| id.to_string()),
                    account: Some(account.to_string()),
                    region: region.map(str::to_string),
                    snapshot: None,
                },
                status,
                properties,
                derived,
                locations: Default::default(),
                unresolved: Vec::new(),
            },
        );
    }

    fn edge(&mut self, from: &str, to: &str, kind: &'static str) {
        self.edges.push((from.to_string(), to.to_string(), kind));
    }

    /// Remember what an edge target is, in case it is never read.
    fn expect(&mut self, id: &str, kind: &'static str, name: &str, account: &str) {
        self.placeholders.entry(id.to_string()).or_insert((
            kind,
            Status::Unavailable,
            name.to_string(),
            account.to_string(),
        ));
    }

    /// A cluster that services and instances run in, in case it could not be described.
    fn expect_cluster(&mut self, arn: &str, account: &str) {
        let name = arn.rsplit('/').next().unwrap_or(arn);
        self.expect(arn, kind::CLUSTER, name, account);
    }

    pub fn add_iam(&mut self, r: &Region, data: IamData) {
        let account = r.account.as_str();
        for role in data.roles {
            let name = role.properties["RoleName"]
                .as_str()
                .unwrap_or(&role.arn)
                .to_string();
            let status = match &role.error {
                None if role.partial => Status::Unavailable,
                None => Status::Complete,
                Some(e) if e.is_not_found() => Status::NotFound,
                Some(_) => Status::Unavailable,
            };
            let derived = match &role.error {
                Some(e) => json!({"unavailable_reason": e.to_string()}),
                None if role.partial => {
                    json!({"unavailable_reason": "some of its policies could not be read"})
                }
                None => json!({}),
            };
            for p in role.properties["AttachedManagedPolicies"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(parn) = p.get("PolicyArn").and_then(Value::as_str) {
                    self.edge(&role.arn, parn, edge::ATTACHED_POLICY);
                }
            }
            self.node(
                &role.arn,
                kind::IAM_ROLE,
                &name,
                &role.arn,
                account,
                None,
                status,
                role.properties,
                derived,
            );
        }
        for (arn, p) in data.policies {
            let name = p.properties["PolicyName"]
                .as_str()
                .unwrap_or(&arn)
                .to_string();
            let (status, derived) = match &p.error {
                None => (Status::Complete, json!({})),
                Some(e) => (
                    Status::Unavailable,
                    json!({"unavailable_reason": e.to_string()}),
                ),
            };
            self.node(
                &arn,
                kind::IAM_POLICY,
                &name,
                &arn,
                account,
                None,
                status,
                p.properties,
                derived,
            );
        }
    }

    /// Move everything into `graph`: placeholders for unread edge targets, edge index in
    /// `derived.links`, collection scope in each account's source entry.
    pub fn finish(mut self, graph: &mut Graph, opts: &CollectOptions) {
        let placeholders = std::mem::take(&mut self.placeholders);
        for (id, (k, status, name, account)) in placeholders {
            if self.nodes.contains_key(&id) {
                continue;
            }
            let region = id
                .split(':')
                .nth(3)
                .filter(|r| !r.is_empty())
                .map(str::to_string);
            self.node(&id, k, &name, &id, &account, region.as_deref(), status, json!({}), json!({"unavailable_reason": if status == Status::NotFound { "does not exist" } else { "could not be read" }}));
        }
        self.edges.sort();
        self.edges.dedup();
        for (from, to, k) in &self.edges {
            graph.add_edge(from, to, k);
        }
        graph.nodes = std::mem::take(&mut self.nodes);
        graph.index_links();
        let by_account = resources_by_account(graph);
        for src in &mut graph.sources {
            let Some(account) = src
                .get("account")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                continue;
            };
            let reasons = self.scope.get(&account).cloned().unwrap_or_default();
            let by_kind = by_account.get(&account).cloned().unwrap_or_default();
            let count = by_kind.get(kind::TASK_DEFINITION).copied().unwrap_or(0);
            if let Some(o) = src.as_object_mut() {
                o.insert(
                    "collected".into(),
                    json!({
                        "scope": if opts.all_revisions { "all ACTIVE revisions plus revisions in use" } else { "latest ACTIVE revision of each family plus revisions in use" },
                        "task_definitions": count,
                        "task_definitions_by_reason": reasons,
                        "resources_by_kind": by_kind,
                    }),
                );
            }
        }
    }
}

/// Resources per account and kind. An AWS managed policy (one node, the same in every
/// account) counts in each account whose roles attach it, so that an account's counts
/// are the same whether it is audited alone or with others.
fn resources_by_account(graph: &Graph) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let account_of = |n: &crate::graph::Node| match &n.source {
        NodeSource::Aws {
            account: Some(a), ..
        } => Some(a.clone()),
        _ => None,
    };
    let shared = |id: &str| id.contains(":iam::aws:policy/");
    for n in graph.nodes.values() {
        if shared(&n.id) {
            continue;
        }
        if let Some(a) = account_of(n) {
            *out.entry(a).or_default().entry(n.kind.clone()).or_default() += 1;
        }
    }
    let mut users: BTreeSet<(String, &str)> = BTreeSet::new();
    for e in &graph.edges {
        if e.kind == edge::ATTACHED_POLICY && shared(&e.to) && graph.nodes.contains_key(&e.to) {
            if let Some(a) = graph.nodes.get(&e.from).and_then(account_of) {
                users.insert((a, e.to.as_str()));
            }
        }
    }
    for (a, _) in users {
        *out.entry(a)
            .or_default()
            .entry(kind::IAM_POLICY.to_string())
            .or_default() += 1;
    }
    out
}
