//! `--compliance FRAMEWORK`: the text and markdown reports organised by the framework's
//! controls, each with its findings, no findings, not checked (its rules did not run)
//! or why no rule of ours covers it.

use super::markdown::{cell, rows_left, MAX_ROWS};
use super::plural;
use super::Report;
use crate::compliance::{Control, Framework};
use crate::findings::Finding;

/// Where one control stands in this report.
pub enum Outcome<'a> {
    /// No rule of ours checks it, and why.
    NotCovered(&'static str),
    /// Its rules were not run (disabled in the config, or not loaded).
    NotChecked,
    /// Its rules ran and found nothing.
    Clean,
    /// Its rules' findings.
    Findings(Vec<&'a Finding>),
}

/// Each control of `framework`, the ids of the rules that cover it, and its outcome.
pub fn outcomes(
    report: &Report,
    framework: Framework,
) -> Vec<(&'static Control, Vec<String>, Outcome<'_>)> {
    let metas: Vec<_> = report.rules.iter().collect();
    framework
        .controls()
        .iter()
        .map(|c| {
            let rules: Vec<String> = framework
                .rules_for(&c.id, &metas)
                .iter()
                .map(|m| m.id.clone())
                .collect();
            let outcome = if let Some(why) = c.not_covered.as_deref() {
                Outcome::NotCovered(why)
            } else if rules.is_empty() {
                Outcome::NotChecked
            } else {
                let found: Vec<&Finding> = report
                    .active()
                    .filter(|f| {
                        rules.iter().any(|r| *r == *f.rule_id)
                            && framework.finding_under(&c.id, f.controls.as_deref())
                    })
                    .collect();
                if found.is_empty() {
                    Outcome::Clean
                } else {
                    Outcome::Findings(found)
                }
            };
            (c, rules, outcome)
        })
        .collect()
}

/// Text: one line per control, its findings under it.
pub fn text(
    report: &Report,
    framework: Framework,
    finding_line: impl Fn(&Finding) -> String,
) -> String {
    use std::fmt::Write;
    let mut out = format!("{} controls\n", framework.title());
    let mut last_reason = "";
    for (c, rules, outcome) in outcomes(report, framework) {
        let covered_by = if rules.is_empty() {
            String::new()
        } else {
            format!(" ({})", rules.join(", "))
        };
        let status = match &outcome {
            Outcome::NotCovered(_) => "not covered".to_string(),
            Outcome::NotChecked => "not checked".to_string(),
            Outcome::Clean => "no findings".to_string(),
            Outcome::Findings(f) => format!("{} finding{}", f.len(), plural(f.len())),
        };
        let _ = writeln!(out, "  {status:<12} {:<7} {}{covered_by}", c.id, c.title);
        match outcome {
            Outcome::Findings(found) => {
                for f in found {
                    let _ = writeln!(out, "    {}", finding_line(f));
                }
            }
            Outcome::NotCovered(why) if why != last_reason => {
                let _ = writeln!(out, "    {why}");
                last_reason = why;
            }
            _ => {}
        }
    }
    out.push('\n');
    out
}

/// Markdown: a table of the controls, then their findings (the first [`MAX_ROWS`]).
pub fn markdown(report: &Report, framework: Framework) -> String {
    use std::fmt::Write;
    let outcomes = outcomes(report, framework);
    let mut out = format!(
        "\n### {} controls\n\n| Control | Title | Result | ecsaudit rules |\n| --- | --- | --- | --- |\n",
        framework.title()
    );
    for (c, rules, outcome) in &outcomes {
        let result = match outcome {
            Outcome::NotCovered(why) => format!("not covered: {}", cell(why)),
            Outcome::NotChecked => "not checked (its rules did not run)".to_string(),
            Outcome::Clean => "no findings".to_string(),
            Outcome::Findings(f) => format!("**{} finding{}**", f.len(), plural(f.len())),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {result} | {} |",
            c.id,
            cell(&c.title),
            rules.join(", ")
        );
    }
    let rows: Vec<(&str, &Finding)> = outcomes
        .iter()
        .filter_map(|(c, _, o)| match o {
            Outcome::Findings(found) => Some(found.iter().map(|f| (c.id.as_str(), *f))),
            _ => None,
        })
        .flatten()
        .collect();
    if !rows.is_empty() {
        let _ = writeln!(
            out,
            "\n| Control | Severity | Rule | Resource | Finding |\n| --- | --- | --- | --- | --- |"
        );
        for (control, f) in rows.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "| {control} | {} | {} | {} | {} |",
                f.severity,
                f.rule_id,
                cell(&f.resource),
                cell(&f.message)
            );
        }
        rows_left(&mut out, rows.len());
    }
    out
}
