//! Snapshot directories for live audits: one canonical, pretty-printed JSON file per
//! collected resource, so findings (and SARIF results) point at real lines, and a
//! repository that commits the snapshots gets code-scanning alerts on live accounts.
//!
//! Layout: `DIR/<account>/<region or global>/<kind>/<name>.json`, holding the node's
//! `properties` with keys sorted. Files of kinds this run wrote that no longer match a
//! resource are removed, so deleted resources disappear from the repository.

use crate::diagnostics::Diagnostic;
use crate::graph::{Graph, NodeSource, Status};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A file-system-safe name: letters, digits, `.`, `-`, `_`; the rest become `_`.
fn safe(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with('.') {
        format!("_{out}")
    } else {
        out
    }
}

/// Keys sorted at every level (stable diffs between runs).
pub fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(o) => {
            let sorted: BTreeMap<&String, Value> =
                o.iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Write the snapshot of every complete AWS node under `dir` and record each file in the
/// node's `source.snapshot`. Returns the number of files written.
pub fn write(graph: &mut Graph, dir: &Path) -> Result<usize, Diagnostic> {
    let err = |what: &str, p: &Path, e: std::io::Error| {
        Diagnostic::error("snapshot", format!("cannot {what} {}: {e}", p.display()))
    };
    let mut written: BTreeSet<PathBuf> = BTreeSet::new();
    let mut kind_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut used_names: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for node in graph.nodes.values_mut() {
        let NodeSource::Aws {
            account,
            region,
            snapshot,
            ..
        } = &mut node.source
        else {
            continue;
        };
        if node.status != Status::Complete {
            continue;
        }
        let kind_dir = dir
            .join(safe(account.as_deref().unwrap_or("unknown")))
            .join(safe(region.as_deref().unwrap_or("global")))
            .join(safe(&node.kind));
        let mut path = kind_dir.join(format!("{}.json", safe(&node.name)));
        // Two resources with the same safe name: number the later ones.
        let n = used_names.entry(path.clone()).or_default();
        *n += 1;
        if *n > 1 {
            path = kind_dir.join(format!("{}-{}.json", safe(&node.name), n));
        }
        std::fs::create_dir_all(&kind_dir).map_err(|e| err("create", &kind_dir, e))?;
        let mut text = serde_json::to_string_pretty(&canonical(&node.properties)).map_err(|e| {
            Diagnostic::error("snapshot", format!("cannot serialise {}: {e}", node.id))
        })?;
        text.push('\n');
        // Rewrite only on change so unchanged resources keep their file times.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, &text).map_err(|e| err("write", &path, e))?;
        }
        *snapshot = Some(crate::source::files::display_path(&path));
        written.insert(path);
        kind_dirs.insert(kind_dir);
    }
    for d in &kind_dirs {
        let Ok(entries) = std::fs::read_dir(d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "json") && !written.contains(&p) {
                std::fs::remove_file(&p).map_err(|e| err("remove stale", &p, e))?;
            }
        }
    }
    Ok(written.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_and_canonical_order() {
        assert_eq!(safe("web:3"), "web_3");
        assert_eq!(safe("sg-1 (alb)"), "sg-1__alb");
        assert_eq!(safe("../x"), "_.._x");
        let v: Value = serde_json::from_str(r#"{"b": 1, "a": {"d": 2, "c": 3}}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&canonical(&v)).unwrap(),
            r#"{"a":{"c":3,"d":2},"b":1}"#
        );
    }
}
