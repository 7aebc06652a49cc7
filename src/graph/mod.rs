//! The graph document: the one contract between sources and policies.
//!
//! Nodes are keyed by id and carry AWS objects untouched in `properties`, plus a few
//! `derived` facts every policy would otherwise recompute. Edges are explicit and typed.
//! The JSON Schema is `schema/graph.schema.json`; `docs/graph.md` documents every field.

pub mod image;
pub mod secrets;
pub mod units;

mod files;
pub mod input;

pub use files::{derive_task_definition, file_node_id, from_files, task_definition_node};

use crate::diagnostics::Diagnostic;
use input::{InputShape, TaskDefinitionDoc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Version of the graph document layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema of the graph document, shipped in the repository.
pub const JSON_SCHEMA: &str = include_str!("../../schema/graph.schema.json");

/// Node kinds. Kept as strings in the document so newer kinds do not break old readers.
pub mod kind {
    pub const TASK_DEFINITION: &str = "task_definition";
    pub const IAM_ROLE: &str = "iam_role";
    pub const IAM_POLICY: &str = "iam_policy";
    pub const SECURITY_GROUP: &str = "security_group";
    pub const SERVICE: &str = "service";
    pub const CLUSTER: &str = "cluster";
    pub const LOAD_BALANCER: &str = "load_balancer";
    pub const TARGET_GROUP: &str = "target_group";
    pub const CONTAINER_INSTANCE: &str = "container_instance";
    pub const IMAGE: &str = "image";
    pub const SUBNET: &str = "subnet";
    pub const ACCOUNT_SETTINGS: &str = "account_settings";
    pub const ECR_REPOSITORY: &str = "ecr_repository";
    pub const CAPACITY_PROVIDER: &str = "capacity_provider";
}

/// The whole document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Graph {
    pub schema_version: u32,
    pub generator: Generator,
    /// What was scanned: paths, or account and regions.
    pub sources: Vec<Value>,
    pub nodes: BTreeMap<String, Node>,
    pub edges: Vec<Edge>,
    /// Problems met while building the graph (they travel with a saved graph).
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
}

/// Tool name and version that wrote the document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generator {
    pub name: String,
    pub version: String,
}

/// Where a node came from: a file and pointer, or an AWS resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeSource {
    File {
        file: String,
        pointer: String,
        shape: InputShape,
    },
    /// A resource of an Infrastructure-as-Code file: where its block starts, and its
    /// address (`aws_ecs_task_definition.app["web"]`, a CloudFormation logical id).
    Iac {
        /// `terraform` or `cloudformation`.
        tool: String,
        file: String,
        line: u32,
        column: u32,
        address: String,
    },
    Aws {
        #[serde(skip_serializing_if = "Option::is_none", default)]
        arn: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        account: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        region: Option<String>,
        /// Snapshot file written for this node, if any (points SARIF at real lines).
        #[serde(skip_serializing_if = "Option::is_none", default)]
        snapshot: Option<String>,
    },
}

/// Whether a node's data is complete. Policies must not treat `unavailable` nodes as
/// passing: their checks are reported as not performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Complete,
    /// Referenced but does not exist (e.g. a role ARN with no role behind it).
    NotFound,
    /// Could not be read (access denied, throttled, region disabled).
    Unavailable,
}

/// One resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub kind: String,
    /// Human-readable name: `family:revision`, role name, group id, ARN.
    pub name: String,
    /// Stable identity for fingerprints: survives revision bumps and line moves.
    pub identity: String,
    pub source: NodeSource,
    #[serde(default)]
    pub status: Status,
    /// The AWS object, field names and values as AWS spells them.
    pub properties: Value,
    /// Facts computed once for all policies (see docs/graph.md).
    #[serde(default)]
    pub derived: Value,
    /// IaC sources: where each value (JSON pointer into `properties`) was written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub locations: BTreeMap<String, crate::diagnostics::Location>,
    /// IaC sources: values that cannot be known before deploy time. No rule may report a
    /// finding because of one; the report lists them as not checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<Unresolved>,
}

/// A value an IaC source could not know (an unset variable, an attribute AWS assigns),
/// shown in `properties` as a string with `${...}`, or an object that may hold more
/// entries than it shows (`open`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unresolved {
    /// Where in `properties`.
    pub pointer: String,
    /// What it was written as (`${var.image}`).
    pub expression: String,
    /// The object at `pointer` is known, but may hold more entries.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
}

impl Node {
    /// Where a value of an IaC node sits: the location recorded for `pointer` or its
    /// nearest ancestor (a finding about a missing field points at the object lacking it),
    /// else the resource block.
    pub fn iac_location(&self, pointer: &str) -> Option<crate::diagnostics::Location> {
        let NodeSource::Iac {
            file, line, column, ..
        } = &self.source
        else {
            return None;
        };
        let mut p = pointer;
        loop {
            if let Some(loc) = self.locations.get(p) {
                let mut loc = loc.clone();
                loc.pointer = Some(p.to_string());
                return Some(loc);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        Some(crate::diagnostics::Location {
            file: file.clone(),
            line: Some(*line),
            column: Some(*column),
            pointer: Some(String::new()),
            ..Default::default()
        })
    }

    /// The unresolved value a finding at `pointer` depends on: an unknown value at or
    /// above it, or an open object there or above it when the finding is about what
    /// the object lacks (`pointer` names nothing in `properties`).
    pub fn unresolved_at(&self, pointer: &str) -> Option<&Unresolved> {
        let under = |base: &str| {
            pointer == base
                || (pointer.starts_with(base) && pointer.as_bytes().get(base.len()) == Some(&b'/'))
        };
        self.unresolved.iter().find(|u| {
            if u.open {
                pointer == u.pointer
                    || (under(&u.pointer) && self.properties.pointer(pointer).is_none())
            } else {
                under(&u.pointer)
            }
        })
    }
}

/// A typed, directed relation between two nodes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: String,
}

impl Graph {
    /// An empty document stamped with this tool's name and version.
    pub fn new(sources: Vec<Value>) -> Self {
        Graph {
            schema_version: SCHEMA_VERSION,
            generator: Generator {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            sources,
            nodes: BTreeMap::new(),
            edges: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    pub fn add_node(&mut self, node: Node) {
        self.nodes.insert(node.id.clone(), node);
    }

    pub fn add_edge(&mut self, from: &str, to: &str, kind: &str) {
        self.edges.push(Edge {
            from: from.to_string(),
            to: to.to_string(),
            kind: kind.to_string(),
        });
    }

    /// Index edges on their nodes: `derived.links.out[kind]` (targets) and
    /// `derived.links.in[kind]` (sources), so policies follow relations by lookup instead
    /// of scanning every edge. Nodes without edges get no `links`.
    pub fn index_links(&mut self) {
        for n in self.nodes.values_mut() {
            if let Some(o) = n.derived.as_object_mut() {
                o.remove("links");
            }
        }
        for e in &self.edges {
            for (node, dir, other) in [(&e.from, "out", &e.to), (&e.to, "in", &e.from)] {
                let Some(n) = self.nodes.get_mut(node) else {
                    continue;
                };
                if !n.derived.is_object() {
                    n.derived = json!({});
                }
                let links = n.derived.as_object_mut().and_then(|o| {
                    o.entry("links")
                        .or_insert_with(|| json!({"out": {}, "in": {}}))
                        .get_mut(dir)
                        .and_then(Value::as_object_mut)
                });
                if let Some(links) = links {
                    let list = links.entry(e.kind.clone()).or_insert_with(|| json!([]));
                    if let Some(a) = list.as_array_mut() {
                        if !a.iter().any(|x| x.as_str() == Some(other.as_str())) {
                            a.push(json!(other));
                        }
                    }
                }
            }
        }
    }

    pub fn count_kind(&self, kind: &str) -> usize {
        self.nodes.values().filter(|n| n.kind == kind).count()
    }

    /// Read a saved graph, checking its version. Its values are redacted as they are
    /// read (a graph written by an older ecsaudit may hold secrets in plaintext).
    pub fn from_json(text: &str, redactor: &secrets::Redactor) -> Result<Self, String> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| format!("{}:{}: malformed JSON: {e}", e.line(), e.column()))?;
        match v.get("schema_version").and_then(Value::as_u64) {
            Some(n) if n == u64::from(SCHEMA_VERSION) => {}
            Some(n) => {
                return Err(format!(
                "graph schema_version {n} is not supported (this ecsaudit reads {SCHEMA_VERSION})"
            ))
            }
            None => return Err("not a graph document: no `schema_version`".into()),
        }
        let mut g: Graph =
            serde_json::from_value(v).map_err(|e| format!("not a valid graph document: {e}"))?;
        for n in g.nodes.values_mut() {
            redactor.redact_node(&n.kind, &mut n.properties);
        }
        g.refresh_derived();
        g.index_links();
        Ok(g)
    }

    /// Derive again what `derive_task_definition` derives from each task definition's
    /// properties, keeping the other derived facts: a graph saved by an earlier ecsaudit
    /// gets every fact the rules of this one read. Task definitions that were never
    /// derived (unavailable ones) are left as they are.
    fn refresh_derived(&mut self) {
        for n in self.nodes.values_mut() {
            if n.kind != kind::TASK_DEFINITION {
                continue;
            }
            let Some(derived) = n.derived.as_object_mut() else {
                continue;
            };
            if !derived.contains_key("containers") {
                continue;
            }
            if let Value::Object(fresh) = derive_task_definition(&n.properties) {
                derived.extend(fresh);
            }
        }
    }

    /// Split into at most `n` independent sub-graphs (connected components packed by
    /// size) so policies can be evaluated on several cores. Relational rules see every
    /// node reachable from theirs, so results equal one whole-graph evaluation. The parts
    /// borrow from this graph: splitting copies no node.
    pub fn shards(&self, n: usize) -> Vec<GraphView<'_>> {
        self.view().shards(n)
    }

    /// The whole graph as a borrowed view.
    pub fn view(&self) -> GraphView<'_> {
        GraphView {
            schema_version: self.schema_version,
            generator: &self.generator,
            sources: &self.sources,
            nodes: self.nodes.iter().map(|(k, v)| (k.as_str(), v)).collect(),
            edges: self.edges.iter().collect(),
            diagnostics: [],
        }
    }
}

/// A borrowed part of a [`Graph`] that serialises as a graph document (without the
/// graph's diagnostics): what one policy evaluation sees.
#[derive(Debug, Clone, Serialize)]
pub struct GraphView<'a> {
    pub schema_version: u32,
    pub generator: &'a Generator,
    pub sources: &'a [Value],
    pub nodes: BTreeMap<&'a str, &'a Node>,
    pub edges: Vec<&'a Edge>,
    diagnostics: [Diagnostic; 0],
}

impl<'a> GraphView<'a> {
    /// See [`Graph::shards`].
    pub fn shards(&self, n: usize) -> Vec<GraphView<'a>> {
        let ids: Vec<&'a str> = self.nodes.keys().copied().collect();
        let pos: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut parent: Vec<usize> = (0..ids.len()).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for e in &self.edges {
            if let (Some(&a), Some(&b)) = (pos.get(e.from.as_str()), pos.get(e.to.as_str())) {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                if ra != rb {
                    parent[ra] = rb;
                }
            }
        }
        let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..ids.len() {
            let root = find(&mut parent, i);
            components.entry(root).or_default().push(i);
        }
        let n = n.max(1).min(components.len().max(1));
        let mut comps: Vec<Vec<usize>> = components.into_values().collect();
        comps.sort_by_key(|c| std::cmp::Reverse(c.len()));
        let mut shards: Vec<GraphView<'a>> = (0..n).map(|_| self.clone_empty()).collect();
        let mut sizes = vec![0usize; n];
        let mut shard_of = vec![0usize; ids.len()];
        for comp in comps {
            let (target, _) = sizes
                .iter()
                .enumerate()
                .min_by_key(|(_, s)| **s)
                .unwrap_or((0, &0));
            sizes[target] += comp.len();
            for i in comp {
                shard_of[i] = target;
                shards[target].nodes.insert(ids[i], self.nodes[ids[i]]);
            }
        }
        for e in &self.edges {
            let target = pos.get(e.from.as_str()).map_or(0, |&i| shard_of[i]);
            shards[target].edges.push(e);
        }
        shards
    }

    fn clone_empty(&self) -> GraphView<'a> {
        GraphView {
            schema_version: self.schema_version,
            generator: self.generator,
            sources: self.sources,
            nodes: BTreeMap::new(),
            edges: Vec::new(),
            diagnostics: [],
        }
    }
}
