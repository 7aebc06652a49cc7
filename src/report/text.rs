//! `--format text`: findings grouped by resource, colour when the stream is a terminal,
//! problems with the input, then counts by severity.

use crate::diagnostics::Level;
use crate::policy::metadata::Severity;
use crate::scan::Report;
use anstyle::{AnsiColor, Style};
use std::collections::BTreeMap;
use std::fmt::Write;

fn sev_style(s: Severity) -> Style {
    let c = match s {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Blue,
        Severity::Info => AnsiColor::White,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

/// Render the report; `anstream` strips the styles when not writing to a terminal.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let mut groups: BTreeMap<(String, String), Vec<&crate::findings::Finding>> = BTreeMap::new();
    for f in report.active() {
        let file = f
            .location
            .as_ref()
            .map(|l| l.file.clone())
            .unwrap_or_default();
        groups
            .entry((file, f.resource.clone()))
            .or_default()
            .push(f);
    }
    for ((file, resource), findings) in &groups {
        let where_ = if file.is_empty() {
            String::new()
        } else {
            format!("  {dim}{file}{dim:#}")
        };
        let _ = writeln!(out, "{bold}{resource}{bold:#}{where_}");
        for f in findings {
            let pos = f
                .location
                .as_ref()
                .and_then(|l| {
                    l.line
                        .map(|line| format!("{line}:{}", l.column.unwrap_or(1)))
                })
                .unwrap_or_else(|| "-".into());
            let st = sev_style(f.severity);
            let _ = writeln!(
                out,
                "  {st}{:<8}{st:#} {:<6} {dim}{:>8}{dim:#}  {}",
                f.severity.as_str().to_uppercase(),
                f.rule_id,
                pos,
                f.message
            );
            for r in &f.related {
                let _ = writeln!(
                    out,
                    "  {:<8} {:<6} {:>8}  {dim}↳ {} {}{dim:#}",
                    "", "", "", r.kind, r.name
                );
            }
        }
        let _ = writeln!(out);
    }
    let problems: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level != Level::Skipped)
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(out, "{bold}Problems{bold:#}");
        for d in problems {
            let st = if d.level == Level::Error {
                Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
            } else {
                Style::new().fg_color(Some(AnsiColor::Yellow.into()))
            };
            let label = if d.level == Level::Error {
                "error"
            } else {
                "warning"
            };
            let _ = writeln!(out, "  {st}{label}{st:#}: {}", d.headline());
        }
        let _ = writeln!(out);
    }
    let s = &report.summary;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|sev| {
            let n = s.by_severity.get(sev.as_str()).copied().unwrap_or(0);
            let st = if n > 0 { sev_style(*sev) } else { dim };
            format!("{st}{n} {sev}{st:#}")
        })
        .collect();
    let _ = writeln!(
        out,
        "{bold}{} finding{}{bold:#} ({}) in {} task definition{} from {} file{}; {} rules; {} suppressed, {} skipped input{}, {} error{}, {} warning{}",
        s.findings,
        plural(s.findings),
        counts.join(", "),
        s.task_definitions,
        plural(s.task_definitions),
        s.files_read,
        plural(s.files_read),
        s.rules_run,
        s.suppressed,
        s.skipped_inputs,
        plural(s.skipped_inputs),
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
