//! `--format json`: `{"version", "findings": [...], "errors": [...], "skipped": [...],
//! "summary": {...}}`. Documented in the README; field names are a stable wire format.

use crate::diagnostics::{Diagnostic, Level};
use crate::findings::Finding;
use crate::scan::{Report, Summary};
use serde::Serialize;

/// Version of the JSON report layout.
pub const JSON_VERSION: u32 = 1;

/// The report document, borrowing from the report (no intermediate JSON tree: a scan
/// of 10k task definitions has ~70k findings).
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: &'a [Finding],
    errors: Vec<&'a Diagnostic>,
    skipped: Vec<&'a Diagnostic>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// Render the report as pretty JSON.
pub fn render(report: &Report) -> String {
    let pick = |levels: &[Level]| -> Vec<&Diagnostic> {
        report
            .diagnostics
            .iter()
            .filter(|d| levels.contains(&d.level))
            .collect()
    };
    let doc = Document {
        version: JSON_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: &report.findings,
        errors: pick(&[Level::Error, Level::Incomplete, Level::Warning]),
        skipped: pick(&[Level::Skipped]),
        summary: &report.summary,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
