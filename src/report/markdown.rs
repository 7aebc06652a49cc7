//! `--format markdown`: a summary fit for a pull-request comment or a GitHub job summary
//! (`>> $GITHUB_STEP_SUMMARY`): counts, a findings table (first 100), problems.

use super::Report;
use crate::diagnostics::Level;
use crate::policy::metadata::Severity;
use std::fmt::Write;

/// Most table rows; the rest are counted, not listed (comments have size limits).
pub const MAX_ROWS: usize = 100;

/// Escape text for a table cell.
pub(super) fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
}

/// The report, with the findings in one table, or under the framework's controls.
pub fn render(report: &Report, compliance: Option<crate::compliance::Framework>) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|sev| {
            let n = s.by_severity.get(sev.as_str()).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
    let _ = writeln!(
        out,
        "## ecsaudit: {} finding{}{}\n",
        s.findings,
        if s.findings == 1 { "" } else { "s" },
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    );
    let target = super::collected::origin(s);
    let _ = writeln!(
        out,
        "{} task definition(s) from {target}, {} resources, {} rules; {} suppressed.",
        s.task_definitions, s.resources, s.rules_run, s.suppressed
    );
    let collected = super::collected::lines(s);
    if !collected.is_empty() {
        let _ = writeln!(out);
        for line in collected {
            let _ = writeln!(out, "- {line}");
        }
    }
    if let Some(b) = &s.baseline {
        let _ = writeln!(
            out,
            "\nCompared with baseline `{}`: **{} new**, {} unchanged, {} fixed.",
            b.file, b.new, b.unchanged, b.fixed
        );
    }
    if s.incomplete > 0 {
        let _ = writeln!(
            out,
            "\n> [!WARNING]\n> The audit is partial: {} item(s) could not be collected, so their checks were not performed (see below).",
            s.incomplete
        );
    }
    if let Some(framework) = compliance {
        out.push_str(&super::controls::markdown(report, framework));
    } else {
        findings_table(report, &mut out);
    }
    problems(report, &mut out);
    out
}

fn findings_table(report: &Report, out: &mut String) {
    let active: Vec<_> = report.active().collect();
    if !active.is_empty() {
        let _ = writeln!(out, "\n| Severity | Rule | Resource | Location | Finding |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for f in active.iter().take(MAX_ROWS) {
            let loc = f
                .location
                .as_ref()
                .map(|l| format!("`{}`", cell(&l.to_string())))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                f.severity,
                f.rule_id,
                cell(&f.resource),
                loc,
                cell(&f.message)
            );
        }
        rows_left(out, active.len());
    }
}

fn problems(report: &Report, out: &mut String) {
    let problems: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level != Level::Skipped)
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(out, "\n### Problems\n");
        for d in problems.iter().take(MAX_ROWS) {
            let label = match d.level {
                Level::Error => "error",
                Level::Incomplete => "not checked",
                Level::Unresolved => "unresolved",
                _ => "warning",
            };
            let _ = writeln!(out, "- **{label}**: {}", cell(&d.headline()));
        }
        if problems.len() > MAX_ROWS {
            let _ = writeln!(out, "- …and {} more", problems.len() - MAX_ROWS);
        }
    }
}

/// After a table of the first [`MAX_ROWS`] of `total` rows: how many were left out.
pub(super) fn rows_left(out: &mut String, total: usize) {
    if total > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n…and {} more (see the SARIF or JSON report).",
            total - MAX_ROWS
        );
    }
}
