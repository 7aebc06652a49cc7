//! The library's modules depend on each other in one direction only: sources build the
//! graph, policies read it, findings come of policies, reports render findings, and the
//! scan and the CLI tie them together. This test reads every `crate::` reference in
//! `src/` (test modules and comments aside) and holds each top-level module to the
//! modules it may use, so nothing reaches backwards and no cycle comes back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module and what it may use. A new module must be placed here.
const ALLOWED: &[(&str, &[&str])] = &[
    // Leaves: how problems and paths are told, where a JSON value sits in its text.
    ("diagnostics", &[]),
    ("json_index", &[]),
    // The contract.
    ("graph", &["diagnostics", "json_index"]),
    // Sources know their input and the graph, nothing after it.
    ("source", &["diagnostics", "json_index", "graph"]),
    ("collect", &["diagnostics", "graph"]),
    ("snapshot", &["diagnostics", "graph", "source"]),
    // Policies know the graph, not where it came from.
    ("policy", &["diagnostics", "graph"]),
    ("compliance", &["policy"]),
    (
        "findings",
        &["diagnostics", "json_index", "graph", "policy"],
    ),
    ("baseline", &["findings"]),
    (
        "config",
        &["diagnostics", "json_index", "graph", "source", "policy"],
    ),
    // The suppression stage, between findings and reports.
    ("suppress", &["diagnostics", "graph", "findings", "config"]),
    // Reporters know findings and rule metadata, not Rego or how the scan was made.
    (
        "report",
        &[
            "diagnostics",
            "policy",
            "compliance",
            "findings",
            "baseline",
        ],
    ),
    (
        "scan",
        &[
            "diagnostics",
            "json_index",
            "graph",
            "source",
            "collect",
            "snapshot",
            "policy",
            "findings",
            "baseline",
            "config",
            "suppress",
            "report",
        ],
    ),
    (
        "merge",
        &[
            "diagnostics",
            "source",
            "policy",
            "findings",
            "report",
            "scan",
        ],
    ),
    ("docs", &["diagnostics", "policy", "compliance"]),
    ("manual", &[]),
    (
        "fuzzing",
        &[
            "diagnostics",
            "json_index",
            "graph",
            "source",
            "policy",
            "findings",
            "baseline",
            "config",
        ],
    ),
    // The binary's glue may use anything.
    ("cli", &["*"]),
];

/// The `crate::X` references of a file, its test module and comments left out.
fn references(text: &str) -> BTreeSet<String> {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let word = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| {
            word.captures_iter(l)
                .map(|c| c[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_depend_on_each_other_in_one_direction() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "main" || top == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let entry = uses.entry(top.clone()).or_default();
        entry.extend(references(&text).into_iter().filter(|m| *m != top));
    }
    let mut wrong = Vec::new();
    for (module, used) in &uses {
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!("{module} is not placed in ALLOWED"));
            continue;
        };
        if may.contains(&"*") {
            continue;
        }
        for u in used {
            if !may.contains(&u.as_str()) {
                wrong.push(format!("{module} uses {u}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "backward or unplaced dependencies: {wrong:#?}"
    );
    // The table itself has no cycle (each module only uses modules listed before it).
    let order: Vec<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    for (i, (m, may)) in ALLOWED.iter().enumerate() {
        for u in may.iter().filter(|u| **u != "*") {
            let j = order.iter().position(|x| x == u).unwrap_or(usize::MAX);
            assert!(j < i, "{m} may use {u}, which is not placed before it");
        }
    }
    assert!(uses.len() >= 15, "the modules were read: {uses:?}");
}

#[test]
fn a_backward_reference_is_seen() {
    let text = "use crate::scan::Report;\n// crate::cli in a comment\n#[cfg(test)]\nmod tests { use crate::cli; }\n";
    assert_eq!(references(text), BTreeSet::from(["scan".to_string()]));
}
