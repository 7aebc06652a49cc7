//! Findings as reporters see them: rule metadata joined, positioned in the source file,
//! fingerprinted by identity (never by line), and possibly suppressed.

use crate::diagnostics::Location;
use crate::graph::{Graph, Node, NodeSource};
use crate::json_index::{unescape_token, JsonIndex};
use crate::policy::engine::RawFinding;
use crate::policy::metadata::{RuleMeta, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

mod identity;

use identity::*;
pub use identity::{semantic_path, FINGERPRINT_KEY};

/// A resource a finding names besides its own (a role, a security group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Related {
    pub id: String,
    pub kind: String,
    pub name: String,
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suppression {
    /// `config` (a suppression in the config file) or `inline` (a resource tag).
    pub kind: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires: Option<String>,
}

/// One finding, ready for every output format. Names many findings share (rule id and
/// title, the resource's) are shared strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: Arc<str>,
    pub severity: Severity,
    pub title: Arc<str>,
    pub message: String,
    /// Display name of the resource: ARN for AWS resources, `family:revision` for files.
    pub resource: Arc<str>,
    pub resource_id: Arc<str>,
    pub resource_kind: Arc<str>,
    /// Live audits: the AWS account the resource belongs to, its name in the
    /// organisation (when audited with `--org-role`), and its region (none for IAM).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_name: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub region: Option<Arc<str>>,
    /// Container the finding is about, when the pointer names one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub related: Vec<Related>,
    /// Stable across runs: rule, resource identity and the semantic path of the value.
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub suppression: Option<Suppression>,
    /// Live audits: other revisions of the same family with the same finding (the
    /// finding itself is reported once, on the newest revision).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub other_revisions: Vec<String>,
    /// The compliance controls, among its rule's, this finding is about, when the rule
    /// says (a host-network finding of EA505 is ECS.17, not ECS.3); absent: all of them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub controls: Option<Vec<String>>,
}

/// Findings as reports hold them: boxed, so that merging and sorting tens of thousands of
/// them moves pointers, not 400-byte values.
#[allow(clippy::vec_box)]
pub type Findings = Vec<Box<Finding>>;

/// Display name of a node: its ARN when it has one, else its name.
pub fn display_name(node: &Node) -> String {
    match &node.source {
        NodeSource::Aws { arn: Some(arn), .. } => arn.clone(),
        _ => node.name.clone(),
    }
}

/// File and pointer a finding on `node` at `pointer` is reported at.
fn file_target(node: &Node, pointer: &str) -> Option<(String, String)> {
    match &node.source {
        NodeSource::File {
            file,
            pointer: base,
            ..
        } => Some((file.clone(), format!("{base}{pointer}"))),
        NodeSource::Aws {
            snapshot: Some(snap),
            ..
        } => Some((snap.clone(), pointer.to_string())),
        NodeSource::Aws { .. } | NodeSource::Iac { .. } => None,
    }
}

/// Read a file as the file source does (UTF-8, BOM stripped) for positioning.
pub fn read_text(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(crate::json_index::strip_bom(&text).to_string())
}

/// File texts already in memory (display path -> text, BOM stripped), so positioning
/// does not read those files again.
pub type Texts = std::collections::HashMap<String, String>;

/// A resource's names, shared by all its findings.
#[derive(Clone)]
struct Names {
    resource: Arc<str>,
    id: Arc<str>,
    kind: Arc<str>,
    account: Option<Arc<str>>,
    account_name: Option<Arc<str>>,
    region: Option<Arc<str>>,
}

impl Names {
    fn of(node: &Node, accounts: &BTreeMap<String, Arc<str>>) -> Names {
        let (account, region) = match &node.source {
            NodeSource::Aws {
                account, region, ..
            } => (account.as_deref(), region.as_deref()),
            _ => (None, None),
        };
        Names {
            resource: display_name(node).into(),
            id: node.id.as_str().into(),
            kind: node.kind.as_str().into(),
            account: account.map(Into::into),
            account_name: account.and_then(|a| accounts.get(a)).cloned(),
            region: region.map(Into::into),
        }
    }
}

/// Account id -> its name in the organisation, from the graph's live sources.
fn account_names(graph: &Graph) -> BTreeMap<String, Arc<str>> {
    graph
        .sources
        .iter()
        .filter_map(|s| {
            let id = s.get("account")?.as_str()?;
            let name = s.get("account_name")?.as_str()?;
            Some((id.to_string(), name.into()))
        })
        .collect()
}

/// Join raw findings with metadata and graph, position them and fingerprint them.
/// `severity_override` applies config overrides by rule id. Files not in `texts` are
/// read from disk to position findings in them.
pub fn resolve(
    raw: Vec<RawFinding>,
    graph: &Graph,
    rules: &[RuleMeta],
    severity_override: &BTreeMap<String, Severity>,
    texts: &Texts,
) -> Findings {
    // A rule's id and title, and a resource's names, are shared by all its findings.
    let metas: BTreeMap<&str, (&RuleMeta, Arc<str>, Arc<str>)> = rules
        .iter()
        .map(|m| {
            (
                m.id.as_str(),
                (m, m.id.as_str().into(), m.title.as_str().into()),
            )
        })
        .collect();
    let accounts = account_names(graph);
    let mut resources: foldhash::HashMap<&str, Names> = Default::default();
    let mut findings: Findings = raw
        .into_iter()
        .filter_map(|r| {
            let (id, node) = graph.nodes.get_key_value(&r.resource)?;
            let (meta, rule_id, title) = metas.get(r.rule_id.as_str())?;
            let names = resources
                .entry(id.as_str())
                .or_insert_with(|| Names::of(node, &accounts))
                .clone();
            let pointer = r.pointer.unwrap_or_default();
            let location = file_target(node, &pointer)
                .map(|(file, p)| Location {
                    file,
                    pointer: Some(p),
                    ..Location::default()
                })
                .or_else(|| node.iac_location(&pointer));
            let severity = severity_override
                .get(&r.rule_id)
                .copied()
                .or(r.severity)
                .unwrap_or(meta.severity);
            let (path, container) = walk(&node.properties, &pointer);
            let fingerprint = fingerprint(&r.rule_id, node, &path);
            Some(Box::new(Finding {
                rule_id: rule_id.clone(),
                severity,
                title: title.clone(),
                message: r.message,
                resource: names.resource,
                resource_id: names.id,
                resource_kind: names.kind,
                account: names.account,
                account_name: names.account_name,
                region: names.region,
                container,
                location,
                related: r
                    .related
                    .iter()
                    .map(|id| match graph.nodes.get(id) {
                        Some(n) => Related {
                            id: id.clone(),
                            kind: n.kind.clone(),
                            name: display_name(n),
                        },
                        None => Related {
                            id: id.clone(),
                            kind: "unknown".into(),
                            name: id.clone(),
                        },
                    })
                    .collect(),
                fingerprint,
                suppression: None,
                other_revisions: Vec::new(),
                controls: r.controls,
            }))
        })
        .collect();
    position(&mut findings, texts);
    sort_for_report(&mut findings);
    findings.dedup_by(|a, b| {
        a.resource_id == b.resource_id && a.fingerprint == b.fingerprint && a.message == b.message
    });
    let mut findings = merge_revisions(findings, graph);
    name_related(&mut findings, graph);
    findings
}

/// The other resources a finding names are part of what it is about: one load
/// balancer's egress gap towards two services is two findings, with two fingerprints.
/// (Revisions of a family are merged first, on the fingerprint without them.) A
/// finding that names no other resource keeps the fingerprint it always had.
fn name_related(findings: &mut [Box<Finding>], graph: &Graph) {
    for f in findings.iter_mut().filter(|f| !f.related.is_empty()) {
        let mut related: Vec<&str> = f
            .related
            .iter()
            .map(|r| {
                graph
                    .nodes
                    .get(&r.id)
                    .map_or(r.id.as_str(), |n| n.identity.as_str())
            })
            .collect();
        related.sort_unstable();
        related.dedup();
        let mut hasher = Sha256::new();
        hasher.update(f.fingerprint.as_bytes());
        for r in related {
            hasher.update(b"\x00related\x00");
            hasher.update(r.as_bytes());
        }
        f.fingerprint = hex16(&hasher.finalize());
    }
}

/// One finding per problem and family: findings on several revisions of one collected
/// task-definition family share a fingerprint (identity is the family ARN); keep the one
/// on the newest revision and list the others.
fn merge_revisions(findings: Findings, graph: &Graph) -> Findings {
    let collected = |node: &Node| {
        node.kind == crate::graph::kind::TASK_DEFINITION
            && matches!(node.source, crate::graph::NodeSource::Aws { .. })
    };
    if !graph.nodes.values().any(collected) {
        return findings; // a file scan: no revisions to merge
    }
    let revision = |f: &Finding| -> Option<i64> {
        let node = graph.nodes.get(&*f.resource_id)?;
        if !collected(node) {
            return None;
        }
        node.properties.get("revision").and_then(Value::as_i64)
    };
    let mut best: BTreeMap<&str, (usize, i64)> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if let Some(rev) = revision(f) {
            let e = best.entry(f.fingerprint.as_str()).or_insert((i, rev));
            if rev > e.1 {
                *e = (i, rev);
            }
        }
    }
    let mut others: BTreeMap<usize, Vec<(i64, String)>> = BTreeMap::new();
    let mut drop = vec![false; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        if let (Some(rev), Some(&(keep, _))) = (revision(f), best.get(f.fingerprint.as_str())) {
            if keep != i {
                others
                    .entry(keep)
                    .or_default()
                    .push((rev, f.resource.to_string()));
                drop[i] = true;
            }
        }
    }
    let mut out = Vec::with_capacity(findings.len());
    for (i, mut f) in findings.into_iter().enumerate() {
        if drop[i] {
            continue;
        }
        if let Some(mut o) = others.remove(&i) {
            o.sort();
            let revs: Vec<String> = o.iter().map(|(r, _)| r.to_string()).collect();
            f.message = format!("{} (also in revisions {})", f.message, revs.join(", "));
            f.other_revisions = o.into_iter().map(|(_, name)| name).collect();
        }
        out.push(f);
    }
    out
}

/// Sort key of a finding in reports: severity (descending), file and line, rule, resource.
type OrderKey<'a> = (
    std::cmp::Reverse<Severity>,
    Option<(&'a str, Option<u32>)>,
    &'a str,
    &'a str,
);

/// Put findings in report order (stable: equal keys keep their order).
pub fn sort_for_report(findings: &mut [Box<Finding>]) {
    use rayon::slice::ParallelSliceMut;
    findings.par_sort_by(|a, b| report_order(a).cmp(&report_order(b)));
}

/// Findings of several batches, each already in report order, in report order: the
/// same as concatenating them and calling [`sort_for_report`], without sorting the
/// whole set again. Each severity's findings are taken batch by batch, which leaves
/// them in order whenever the batches' files are (a directory walk); a severity whose
/// findings are not is sorted.
pub fn merge_for_report(batches: Vec<Findings>) -> Findings {
    let mut out = Vec::with_capacity(batches.iter().map(Vec::len).sum());
    let mut rest: Vec<std::vec::IntoIter<Box<Finding>>> =
        batches.into_iter().map(Vec::into_iter).collect();
    let mut segments = Vec::new();
    while let Some(severity) = rest
        .iter()
        .filter_map(|b| b.as_slice().first().map(|f| f.severity))
        .max()
    {
        let start = out.len();
        for batch in &mut rest {
            let n = batch
                .as_slice()
                .iter()
                .take_while(|f| f.severity == severity)
                .count();
            out.extend(batch.by_ref().take(n));
        }
        segments.push(start..out.len());
    }
    for range in segments {
        let segment = &mut out[range];
        if !segment.is_sorted_by(|a, b| report_order(a) <= report_order(b)) {
            sort_for_report(segment);
        }
    }
    out
}

/// Report order: most severe first, then by file and line, rule and resource.
fn report_order(f: &Finding) -> OrderKey<'_> {
    (
        std::cmp::Reverse(f.severity),
        f.location.as_ref().map(|l| (l.file.as_str(), l.line)),
        &f.rule_id,
        &f.resource,
    )
}

/// Fill in line/column from each file's pointer index (one index per file, of the
/// pointers findings name there).
fn position(findings: &mut [Box<Finding>], texts: &Texts) {
    use rayon::prelude::*;
    fn pointer(f: &Finding) -> Option<&str> {
        f.location.as_ref().and_then(|l| l.pointer.as_deref())
    }
    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        // IaC findings are positioned already (their nodes record where values are).
        if let Some(loc) = f.location.as_ref().filter(|l| l.line.is_none()) {
            by_file.entry(loc.file.as_str()).or_default().push(i);
        }
    }
    // (finding, length of the pointer prefix found, its span)
    let spans: Vec<(usize, usize, crate::json_index::Span)> = by_file
        .par_iter()
        .flat_map_iter(|(file, idxs)| {
            let text = match texts.get(*file) {
                Some(text) => Some(std::borrow::Cow::Borrowed(text.as_str())),
                None => read_text(file).map(std::borrow::Cow::Owned),
            };
            let index = text.map(|t| {
                JsonIndex::build_for(&t, idxs.iter().filter_map(|&i| pointer(&findings[i])))
            });
            idxs.iter()
                .filter_map(|&i| {
                    let wanted = pointer(&findings[i]).unwrap_or_default();
                    let (used, span) = index.as_ref()?.locate(wanted)?;
                    Some((i, used.len(), span))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (i, used, span) in spans {
        if let Some(loc) = findings[i].location.as_mut() {
            // What was found is the pointer or its nearest ancestor: a prefix of it.
            loc.pointer.get_or_insert_with(String::new).truncate(used);
            loc.line = Some(span.line);
            loc.column = Some(span.column);
            loc.end_line = Some(span.end_line);
            loc.end_column = Some(span.end_column);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Findings of `files` files (some without a location), several per key so that
    /// stability shows: each message holds the finding's place in the input.
    fn findings_of_files(files: usize) -> Vec<Findings> {
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let severities = [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ];
        let mut serial = 0;
        (0..files)
            .map(|file| {
                (0..next(12))
                    .map(|_| {
                        serial += 1;
                        Box::new(Finding {
                            rule_id: format!("EA{}", 100 + next(3)).into(),
                            severity: severities[next(5) as usize],
                            title: "".into(),
                            message: serial.to_string(),
                            resource: format!("r{}", next(2)).into(),
                            resource_id: "".into(),
                            resource_kind: "".into(),
                            account: None,
                            account_name: None,
                            region: None,
                            container: None,
                            location: (next(6) > 0).then(|| Location {
                                file: format!("dir/f-{file:03}.json"),
                                line: Some(1 + next(3) as u32),
                                ..Location::default()
                            }),
                            related: Vec::new(),
                            fingerprint: String::new(),
                            suppression: None,
                            other_revisions: Vec::new(),
                            controls: None,
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// Batches of files, each batch in report order, as scans make them.
    fn batches(files: Vec<Findings>, per_batch: usize) -> Vec<Findings> {
        let mut out: Vec<Findings> = Vec::new();
        for (i, f) in files.into_iter().enumerate() {
            if i % per_batch == 0 {
                out.push(Vec::new());
            }
            out.last_mut().unwrap().extend(f);
        }
        for b in &mut out {
            sort_for_report(b);
        }
        out
    }

    fn order(found: &[Box<Finding>]) -> Vec<&str> {
        found.iter().map(|f| f.message.as_str()).collect()
    }

    #[test]
    fn merging_batches_gives_the_order_of_sorting_them_together() {
        for per_batch in [1, 3, 64, 1000] {
            let in_order = batches(findings_of_files(200), per_batch);
            // Batches whose files are not in order (paths that walk in another order
            // than they sort) still merge into report order.
            let mut shuffled = in_order.clone();
            shuffled.reverse();
            let middle = shuffled.len() / 2;
            shuffled.swap(0, middle);
            for parts in [in_order, shuffled, Vec::new()] {
                let mut expected: Findings = parts.iter().flatten().cloned().collect();
                sort_for_report(&mut expected);
                let merged = merge_for_report(parts);
                assert_eq!(
                    order(&merged),
                    order(&expected),
                    "{per_batch} files a batch"
                );
            }
        }
    }

    #[test]
    fn semantic_path_uses_names() {
        let props = json!({"containerDefinitions": [
            {"name": "a"}, {"name": "web", "environment": [{"name": "X"}, {"name": "DB_PASSWORD"}]}
        ]});
        assert_eq!(
            semantic_path(&props, "/containerDefinitions/1/environment/1"),
            "/containerDefinitions/[web]/environment/[DB_PASSWORD]"
        );
        assert_eq!(semantic_path(&props, "/missing/0"), "/missing/0");
        assert_eq!(
            container_of(&props, "/containerDefinitions/1/environment/0").as_deref(),
            Some("web")
        );
    }

    /// An element is named by the first of name, sourceVolume, containerPort and key it
    /// has, whatever order its fields are in; a container only by a string `name`.
    #[test]
    fn element_names_and_containers() {
        let props = json!({
            "containerDefinitions": [
                {"key": "k", "image": "x", "name": "app", "portMappings": [
                    {"protocol": "tcp", "containerPort": 80}, {"hostPort": 1}
                ], "mountPoints": [{"containerPath": "/d", "sourceVolume": "data"}]},
                {"key": "only-key", "environment": [{"value": "v", "key": "K"}]},
                {"name": 7}
            ],
            "volumes": [{"name": "data"}],
            "a/b": {"~c": [{"name": "n"}]}
        });
        let cases = [
            (
                "/containerDefinitions/0/portMappings/0/containerPort",
                "/containerDefinitions/[app]/portMappings/[80]/containerPort",
                Some("app"),
            ),
            (
                "/containerDefinitions/0/portMappings/1",
                "/containerDefinitions/[app]/portMappings/1",
                Some("app"),
            ),
            (
                "/containerDefinitions/0/mountPoints/0",
                "/containerDefinitions/[app]/mountPoints/[data]",
                Some("app"),
            ),
            (
                "/containerDefinitions/1/environment/0",
                "/containerDefinitions/[only-key]/environment/[K]",
                None,
            ),
            ("/containerDefinitions/2", "/containerDefinitions/[7]", None),
            (
                "/containerDefinitions/9/image",
                "/containerDefinitions/9/image",
                None,
            ),
            ("/containerDefinitions", "/containerDefinitions", None),
            ("/volumes/0/host", "/volumes/[data]/host", None),
            ("/a~1b/~0c/0", "/a/b/~c/[n]", None),
            ("", "", None),
        ];
        for (pointer, path, container) in cases {
            assert_eq!(semantic_path(&props, pointer), path, "{pointer}");
            assert_eq!(
                container_of(&props, pointer).as_deref(),
                container,
                "{pointer}"
            );
        }
    }
}
