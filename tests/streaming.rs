//! `scan PATH...` reads, evaluates and positions files batch by batch instead of building
//! one whole graph: the report must be exactly the whole-graph report.

use ecsaudit::config::Config;
use ecsaudit::policy::engine::PolicyEngine;
use ecsaudit::scan::{self, Report};
use ecsaudit::source::files::{self, FileOptions};
use std::path::{Path, PathBuf};

mod common;
use common::builtin_engine;

fn whole_graph_report(paths: &[PathBuf], engine: &PolicyEngine, config: &Config) -> Report {
    let scan = files::scan(paths, &FileOptions::default());
    let shown: Vec<String> = paths.iter().map(|p| files::display_path(p)).collect();
    let graph = ecsaudit::graph::from_files(
        &shown,
        scan.task_definitions,
        scan.diagnostics,
        &Default::default(),
    );
    scan::run(&graph, engine, config, Vec::new(), scan.files_read, 2)
}

fn as_json(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "findings": r.findings,
        "diagnostics": r.diagnostics,
        "summary": r.summary,
        "category": r.category,
    })
}

/// A corpus over several batches (600 files): the examples many times over (describe output, arrays,
/// clean and flawed), malformed JSON, non-task-definitions, an expired and a live
/// suppression.
fn corpus(dir: &Path) {
    const _: () = assert!(
        600 > 2 * scan::FILES_PER_BATCH,
        "the corpus spans several batches"
    );
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let sources = [
        "flawed/legacy-ec2.json",
        "flawed/fargate-misconfigured.json",
        "clean/web-fargate.json",
        "clean/worker-describe-output.json",
        "not-task-definitions/package.json",
        "not-task-definitions/containers-only.json",
    ];
    for i in 0..600 {
        let src = sources[i % sources.len()];
        let text = std::fs::read_to_string(examples.join(src)).unwrap();
        let name = format!("{i:03}-{}", src.replace('/', "-"));
        let text = if i % 37 == 0 {
            text[..text.len() / 2].to_string() // malformed
        } else {
            text
        };
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn batched_file_scan_reports_exactly_what_the_whole_graph_reports() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let engine = builtin_engine();
    let config = Config::parse(
        r#"
[[suppressions]]
rule = "EA501"
resource = "legacy-*"
reason = "isolated host pool"

[[suppressions]]
rule = "EA406"
resource = "*"
reason = "was fine once"
expires = 2020-01-31
"#,
        "ecsaudit.toml",
    )
    .unwrap();
    // The directory, and one of its files named again: read once either way.
    let paths = vec![
        dir.path().to_path_buf(),
        dir.path().join("001-flawed-fargate-misconfigured.json"),
    ];
    let whole = whole_graph_report(&paths, &engine, &config);
    let streamed = scan::run_files(
        &paths,
        &FileOptions::default(),
        &engine,
        &config,
        Vec::new(),
    );
    assert!(whole.findings.len() > 1000, "{}", whole.findings.len());
    assert!(whole.findings.iter().any(|f| f.suppression.is_some()));
    assert!(whole.summary.errors >= 5, "{:?}", whole.summary);
    assert_eq!(whole.summary.files_read, 600);
    assert_eq!(as_json(&whole), as_json(&streamed));
}
