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
    let mut out = Vec::new();
    match write(report, &mut out) {
        // serde_json writes UTF-8; the report's types always serialise.
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Write the report as pretty JSON straight to `out` (no copy of the whole document in
/// memory: at 10k task definitions it is ~50 MB).
pub fn write<W: std::io::Write + ?Sized>(report: &Report, out: &mut W) -> std::io::Result<()> {
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
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
