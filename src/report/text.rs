//! `--format text`: findings grouped by resource, colour when the stream is a terminal,
//! problems with the input, then counts by severity.

use super::plural;
use super::Report;
use crate::diagnostics::Level;
use crate::policy::metadata::Severity;
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

/// `s` with control characters escaped (`\n`, `\r`, `\t`, `\u{1b}`): a name or value
/// holding a newline, a carriage return or a terminal escape cannot forge report lines.
fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Render the report; `anstream` strips the styles when not writing to a terminal.
pub fn render(report: &Report) -> String {
    let mut out = by_resource(report);
    out.push_str(&footer(report));
    out
}

/// `--compliance`: the findings under the framework's controls, then the same footer.
pub fn render_by_control(report: &Report, framework: crate::compliance::Framework) -> String {
    let mut out = super::controls::text(report, framework, |f| {
        let st = sev_style(f.severity);
        format!(
            "{st}{:<8}{st:#} {:<6} {}  {}",
            f.severity.as_str().to_uppercase(),
            f.rule_id,
            clean(&f.resource),
            clean(&f.message)
        )
    });
    out.push_str(&footer(report));
    out
}

/// The findings grouped by resource.
fn by_resource(report: &Report) -> String {
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
            .entry((file, f.resource.to_string()))
            .or_default()
            .push(f);
    }
    for ((file, resource), findings) in &groups {
        let where_ = if file.is_empty() {
            String::new()
        } else {
            format!("  {dim}{}{dim:#}", clean(file))
        };
        let _ = writeln!(out, "{bold}{}{bold:#}{where_}", clean(resource));
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
                clean(&f.message)
            );
            for r in &f.related {
                let _ = writeln!(
                    out,
                    "  {:<8} {:<6} {:>8}  {dim}↳ {} {}{dim:#}",
                    "",
                    "",
                    "",
                    clean(&r.kind),
                    clean(&r.name)
                );
            }
        }
        let _ = writeln!(out);
    }
    out
}

/// Problems, skipped inputs and the summary line.
fn footer(report: &Report) -> String {
    let mut out = String::new();
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
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
            let label = match d.level {
                Level::Error => "error",
                Level::Incomplete => "not checked",
                Level::Unresolved => "unresolved",
                _ => "warning",
            };
            let _ = writeln!(out, "  {st}{label}{st:#}: {}", clean(&d.headline()));
        }
        let _ = writeln!(out);
    }
    // Inputs passed over on purpose, each named with why (a workflow file, a package.json).
    let skipped: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Skipped)
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "{bold}Skipped{bold:#}");
        for d in skipped {
            let _ = writeln!(out, "  {dim}{}{dim:#}", clean(&d.headline()));
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
    for line in super::collected::lines(s) {
        let _ = writeln!(out, "{dim}{line}{dim:#}");
    }
    let origin = super::collected::origin(s);
    let mut incomplete = if s.incomplete > 0 {
        format!("; {} not checked (audit is partial)", s.incomplete)
    } else {
        String::new()
    };
    let mut iac = Vec::new();
    if let Some(tf) = &s.terraform {
        let plans = if tf.plans > 0 {
            format!(", {} plan{}", tf.plans, plural(tf.plans))
        } else {
            String::new()
        };
        iac.push(format!(
            "Terraform: {} module{}{plans}, {} resource{}",
            tf.modules,
            plural(tf.modules),
            tf.resources,
            plural(tf.resources),
        ));
    }
    if let Some(cf) = &s.cloudformation {
        iac.push(format!(
            "CloudFormation: {} template{}, {} resource{}",
            cf.templates,
            plural(cf.templates),
            cf.resources,
            plural(cf.resources),
        ));
    }
    if !iac.is_empty() {
        incomplete.push_str(&format!(
            "; {}, {} unresolved value{} or check{}",
            iac.join("; "),
            s.unresolved,
            plural(s.unresolved),
            plural(s.unresolved)
        ));
    }
    let _ = writeln!(
        out,
        "{bold}{} finding{}{bold:#} ({}) in {} task definition{} from {origin}; {} rules; {} suppressed, {} skipped input{}, {} error{}, {} warning{}{incomplete}",
        s.findings,
        plural(s.findings),
        counts.join(", "),
        s.task_definitions,
        plural(s.task_definitions),
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
