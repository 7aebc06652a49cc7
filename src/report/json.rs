//! `--format json`: `{"version", "findings": [...], "errors": [...], "skipped": [...],
//! "summary": {...}}`. Documented in the README; field names are a stable wire format.

use crate::diagnostics::Level;
use crate::scan::Report;
use serde_json::{json, Value};

/// Version of the JSON report layout.
pub const JSON_VERSION: u32 = 1;

/// Render the report as pretty JSON.
pub fn render(report: &Report) -> String {
    let pick = |levels: &[Level]| -> Vec<Value> {
        report
            .diagnostics
            .iter()
            .filter(|d| levels.contains(&d.level))
            .map(|d| serde_json::to_value(d).unwrap_or(Value::Null))
            .collect()
    };
    let doc = json!({
        "version": JSON_VERSION,
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "findings": report.findings,
        "errors": pick(&[Level::Error, Level::Incomplete, Level::Warning]),
        "skipped": pick(&[Level::Skipped]),
        "summary": report.summary,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
