//! `--format json`: `{"version", "findings": [...], "errors": [...], "skipped": [...],
//! "summary": {...}}`. Documented in the README; field names are a stable wire format.

use super::{Report, Summary};
use crate::diagnostics::{Diagnostic, Level};
use crate::findings::Finding;
use rayon::prelude::*;
use serde::Serialize;

/// Version of the JSON report layout.
pub const JSON_VERSION: u32 = 1;

/// The report document, borrowing from the report (no intermediate JSON tree: a scan
/// of 10k task definitions has ~70k findings).
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: &'a [Box<Finding>],
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

/// Write the report as pretty JSON to `out`, byte for byte what
/// `serde_json::to_writer_pretty` writes, without a copy of the whole document in memory
/// (at 10k task definitions it is ~50 MB). The findings, nearly all of it, are rendered
/// on every core a window at a time, each window while the one before it is written.
pub fn write<W: std::io::Write + ?Sized>(report: &Report, out: &mut W) -> std::io::Result<()> {
    let mut frame = serde_json::to_vec_pretty(&document(report, &[]))?;
    frame.push(b'\n');
    // The frame is small and its first keys fixed, so the empty findings array is found
    // before any text the report carries.
    let empty = b"\n  \"findings\": []";
    let at = frame
        .windows(empty.len())
        .position(|w| w == empty)
        .map(|i| i + empty.len() - 1)
        .ok_or_else(|| std::io::Error::other("JSON report layout changed"))?;
    out.write_all(&frame[..at])?;
    if !report.findings.is_empty() {
        out.write_all(b"\n")?;
        let render = |w: usize, window: &[Box<Finding>]| -> Vec<std::io::Result<Vec<u8>>> {
            window
                .par_chunks(RENDER_CHUNK)
                .enumerate()
                .map(|(c, chunk)| render_findings(chunk, w == 0 && c == 0))
                .collect()
        };
        let mut windows = report.findings.chunks(RENDER_WINDOW).enumerate();
        let mut ready = windows.next().map(|(w, window)| render(w, window));
        while let Some(parts) = ready.take() {
            // The next window is rendered on the pool while this one is written.
            let mut written = Ok(());
            rayon::in_place_scope(|s| {
                if let Some((w, window)) = windows.next() {
                    let next = &mut ready;
                    let render = &render;
                    s.spawn(move |_| *next = Some(render(w, window)));
                }
                written = parts.into_iter().try_for_each(|p| out.write_all(&p?));
            });
            written?;
        }
        out.write_all(b"\n  ")?;
    }
    out.write_all(&frame[at..])
}

/// The report document, with `findings` in place of the report's.
fn document<'a>(report: &'a Report, findings: &'a [Box<Finding>]) -> Document<'a> {
    let pick = |levels: &[Level]| -> Vec<&Diagnostic> {
        report
            .diagnostics
            .iter()
            .filter(|d| levels.contains(&d.level))
            .collect()
    };
    Document {
        version: JSON_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        errors: pick(&[
            Level::Error,
            Level::Incomplete,
            Level::Unresolved,
            Level::Warning,
        ]),
        skipped: pick(&[Level::Skipped]),
        summary: &report.summary,
    }
}

/// Findings rendered per task on the thread pool, and per window: one window is written
/// while the next is rendered (a window holds a few MB of JSON).
const RENDER_CHUNK: usize = 512;
const RENDER_WINDOW: usize = 8 * RENDER_CHUNK;

/// Findings as elements of the report's `findings` array: each pretty-printed, indented
/// two levels, separated by commas (`first`: no comma before the first).
fn render_findings(findings: &[Box<Finding>], first: bool) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(findings.len() * 768);
    for (i, f) in findings.iter().enumerate() {
        if i > 0 || !first {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(b"    ");
        f.serialize(&mut serde_json::Serializer::pretty(Indented(&mut out)))?;
    }
    Ok(out)
}

/// Output that indents every line after the first two levels more: serde_json's pretty
/// formatter writing through it lays a finding out as it appears two levels deep in the
/// document. The formatter writes each newline as the last byte of a write, just before
/// the line's own indentation, and JSON strings hold no raw newline.
struct Indented<'a>(&'a mut Vec<u8>);

impl std::io::Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        if buf.last() == Some(&b'\n') {
            self.0.extend_from_slice(b"    ");
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples_report() -> Report {
        let (set, _) = crate::policy::PolicySet::from_sources(crate::policy::builtin_sources());
        let (engine, _) =
            crate::policy::engine::PolicyEngine::new(&set, &crate::policy::default_params(&set));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let malformed = std::env::temp_dir().join(format!(
            "ecsaudit-json-test-{}-malformed.json",
            std::process::id()
        ));
        std::fs::write(&malformed, "{\"family\": ").unwrap();
        let report = crate::scan::run_files(
            &[root.join("examples"), malformed.clone()],
            &Default::default(),
            &engine,
            &Default::default(),
            Vec::new(),
        );
        let _ = std::fs::remove_file(malformed);
        report
    }

    /// Every optional field set, nested arrays and objects, and text that needs escaping.
    fn fill_every_field(f: &mut Finding) {
        use crate::findings::{Related, Suppression};
        f.message = "quote \" backslash \\ tab \t bell \u{7} \u{2026} \u{1F600}".into();
        f.related = ["one", "two"]
            .iter()
            .map(|n| Related {
                id: format!("iam_role:{n}"),
                kind: "iam_role".into(),
                name: (*n).into(),
            })
            .collect();
        f.suppression = Some(Suppression {
            kind: "config".into(),
            reason: "accepted \"risk\"".into(),
            expires: Some("2030-01-01".into()),
        });
        f.other_revisions = vec!["web:1".into(), "web:2".into()];
        f.container = Some("sidecar".into());
    }

    #[test]
    fn renders_what_serde_json_renders_at_every_size() {
        let base = examples_report();
        assert!(base.findings.len() > 10);
        assert!(base.diagnostics.iter().any(|d| d.level == Level::Error));
        for n in [
            0,
            1,
            2,
            RENDER_CHUNK,
            RENDER_CHUNK + 1,
            2 * RENDER_WINDOW + 7,
        ] {
            let mut report = base.clone();
            report.findings = base.findings.iter().cycle().take(n).cloned().collect();
            if let Some(f) = report.findings.get_mut(n / 2) {
                fill_every_field(f);
            }
            let expected =
                serde_json::to_string_pretty(&document(&report, &report.findings)).unwrap() + "\n";
            assert!(
                render(&report) == expected,
                "{n} findings render differently"
            );
        }
    }
}
