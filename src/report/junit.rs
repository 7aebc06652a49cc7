//! `--format junit`: JUnit XML for CI systems. One test suite per rule that ran, one
//! failed test case per finding, a passing case when the rule found nothing in what it
//! checked, a *skipped* case for each check it could not perform (a value not known
//! before deploy; a rule that failed or overran its budget; resources a live audit could
//! not collect), and a `collection` suite whose errored cases are inputs or resources
//! that could not be read. A check that was not performed is never a pass.

use super::Report;
use crate::diagnostics::Level;
use std::collections::BTreeMap;
use std::fmt::Write;

fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn render(report: &Report) -> String {
    let mut by_rule: BTreeMap<&str, Vec<&crate::findings::Finding>> = BTreeMap::new();
    for m in &report.rules {
        by_rule.entry(m.id.as_str()).or_default();
    }
    for f in report.active() {
        by_rule.entry(&f.rule_id).or_default().push(f);
    }
    let titles: BTreeMap<&str, &str> = report
        .rules
        .iter()
        .map(|m| (m.id.as_str(), m.title.as_str()))
        .collect();
    let problems: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| matches!(d.level, Level::Error | Level::Incomplete))
        .collect();
    // Checks not performed, per rule: findings dropped for an unknown value, a rule that
    // failed or was stopped, and (for a partial live audit) whatever could not be
    // collected.
    let mut not_checked: BTreeMap<&str, Vec<&crate::diagnostics::Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        if let (Level::Unresolved | Level::Error, Some(rule)) = (d.level, d.rule.as_deref()) {
            not_checked.entry(rule).or_default().push(d);
        }
    }
    let incomplete = report
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Incomplete)
        .count();
    let skipped_of =
        |rule: &str| not_checked.get(rule).map_or(0, Vec::len) + usize::from(incomplete > 0);
    let failures = report.active().count();
    let skipped: usize = by_rule.keys().map(|r| skipped_of(r)).sum();
    let tests: usize =
        by_rule.values().map(|v| v.len().max(1)).sum::<usize>() + skipped + problems.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"ecsaudit\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\" skipped=\"{skipped}\">",
        problems.len()
    );
    for (rule, findings) in &by_rule {
        let title = titles.get(rule).copied().unwrap_or("");
        let skips = skipped_of(rule);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{skips}\">",
            xml(rule),
            xml(title),
            findings.len().max(1) + skips,
            findings.len()
        );
        if findings.is_empty() {
            let name = if skips > 0 {
                "no findings in what was checked"
            } else {
                "no findings"
            };
            let _ = writeln!(
                out,
                "    <testcase classname=\"ecsaudit.{}\" name=\"{name}\"/>",
                xml(rule)
            );
        }
        for d in not_checked.get(rule).into_iter().flatten() {
            let name = d
                .location
                .as_ref()
                .map(|l| l.to_string())
                .or_else(|| d.resource.clone())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    <testcase classname=\"ecsaudit.{}\" name=\"not checked: {}\">\n      <skipped message=\"{}\"/>\n    </testcase>",
                xml(rule),
                xml(&name),
                xml(&d.message)
            );
        }
        if incomplete > 0 {
            let _ = writeln!(
                out,
                "    <testcase classname=\"ecsaudit.{}\" name=\"not checked: what could not be collected\">\n      <skipped message=\"{incomplete} resources or calls could not be collected; this rule did not check them (see the collection suite)\"/>\n    </testcase>",
                xml(rule)
            );
        }
        for f in findings {
            let place = f
                .location
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_else(|| f.resource.to_string());
            let _ = writeln!(
                out,
                "    <testcase classname=\"ecsaudit.{}\" name=\"{}\"{}>",
                xml(rule),
                xml(&place),
                f.location
                    .as_ref()
                    .map(|l| format!(
                        " file=\"{}\"{}",
                        xml(&l.file),
                        l.line.map(|n| format!(" line=\"{n}\"")).unwrap_or_default()
                    ))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}&#10;resource: {}&#10;fingerprint: {}</failure>",
                f.severity,
                xml(&f.message),
                xml(&f.title),
                xml(&f.resource),
                f.fingerprint
            );
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    if !problems.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"collection\" tests=\"{}\" failures=\"0\" errors=\"{}\">",
            problems.len(),
            problems.len()
        );
        for d in problems {
            let name = d
                .resource
                .clone()
                .or_else(|| d.location.as_ref().map(|l| l.to_string()))
                .unwrap_or_else(|| d.code.clone());
            let _ = writeln!(
                out,
                "    <testcase classname=\"ecsaudit.collection\" name=\"{}\">\n      <error type=\"{}\" message=\"{}\"/>\n    </testcase>",
                xml(&name),
                xml(&d.code),
                xml(&d.message)
            );
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}
