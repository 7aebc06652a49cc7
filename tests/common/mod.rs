//! Helpers shared by integration tests.

use ecsaudit::policy::engine::PolicyEngine;
use ecsaudit::policy::{self, PolicySet};

/// The built-in pack, loaded as `scan` loads it (no diagnostics allowed).
#[allow(dead_code)]
pub fn builtin_engine() -> PolicyEngine {
    let (set, diags) = PolicySet::from_sources(policy::builtin_sources());
    assert!(diags.is_empty(), "{diags:#?}");
    let (engine, diags) = PolicyEngine::new(&set, &policy::default_params(&set));
    assert!(diags.is_empty(), "{diags:#?}");
    engine
}

/// `rule resource file:line:column` of every finding of a JSON report, sorted.
#[allow(dead_code)]
pub fn located(report: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            format!(
                "{} {} {}:{}:{}",
                f["rule_id"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
                l["file"].as_str().unwrap_or("?"),
                l["line"],
                l["column"]
            )
        })
        .collect();
    out.sort();
    out
}

/// Whether a JSON report has the finding `rule resource file:line:column`.
#[allow(dead_code)]
pub fn has(report: &serde_json::Value, needle: &str) -> bool {
    located(report).iter().any(|l| l == needle)
}

/// The `errors[]` entries of a JSON report at `level`.
#[allow(dead_code)]
pub fn errors<'a>(report: &'a serde_json::Value, level: &str) -> Vec<&'a serde_json::Value> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["level"] == level)
        .collect()
}
