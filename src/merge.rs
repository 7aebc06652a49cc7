//! `ecsaudit merge`: the JSON reports of shards (one `ecsaudit` invocation per account,
//! organisational unit or directory) combined into one report, as one run over all of
//! them would have made it: findings in report order, every problem, a summary line per
//! account, counts recomputed.

use crate::diagnostics::{Diagnostic, Location};
use crate::findings::{self, Finding, Findings};
use crate::policy::metadata::RuleMeta;
use crate::report::json::JSON_VERSION;
use crate::report::{Report, Summary};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One shard's JSON report, as `--format json` writes it.
#[derive(Debug, Deserialize)]
pub struct Shard {
    pub version: u32,
    #[serde(default)]
    pub tool: Value,
    pub findings: Vec<Box<Finding>>,
    #[serde(default)]
    pub errors: Vec<Diagnostic>,
    #[serde(default)]
    pub skipped: Vec<Diagnostic>,
    pub summary: Summary,
}

/// Read one shard's report; an unreadable file, a file that is not a JSON report of
/// this layout version, names the file (and the line and column of a JSON error).
pub fn read(path: &Path) -> Result<Shard, Box<Diagnostic>> {
    let name = crate::source::files::display_path(path);
    let fail = |msg: String, line: Option<usize>, column: Option<usize>| {
        let loc = match (line, column) {
            (Some(l), Some(c)) => Location::at(&name, l as u32, c as u32),
            _ => Location {
                file: name.clone(),
                ..Location::default()
            },
        };
        Box::new(Diagnostic::error("merge-input", msg).at(loc))
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot read {name}: {e}"), None, None))?;
    let shard: Shard = serde_json::from_str(&text).map_err(|e| {
        fail(
            format!("{name} is not an ecsaudit JSON report (--format json): {e}"),
            Some(e.line()),
            Some(e.column()),
        )
    })?;
    if shard.version != JSON_VERSION {
        return Err(fail(
            format!(
                "{name} is a JSON report of layout version {}, this ecsaudit reads version {JSON_VERSION}",
                shard.version
            ),
            None,
            None,
        ));
    }
    Ok(shard)
}

/// Combine shards into one report over `rules` (the rule set the shards ran). A finding
/// or problem reported by two shards (an account audited twice) is kept once.
pub fn merge(shards: Vec<Shard>, rules: Vec<RuleMeta>) -> Report {
    let mut found: Findings = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut summary = Summary::default();
    let mut collected: Vec<Value> = Vec::new();
    for shard in shards {
        found.extend(shard.findings);
        for d in shard.errors.into_iter().chain(shard.skipped) {
            if !diagnostics.contains(&d) {
                diagnostics.push(d);
            }
        }
        let s = shard.summary;
        summary.files_read += s.files_read;
        summary.task_definitions += s.task_definitions;
        summary.resources += s.resources;
        summary.terraform = add_terraform(summary.terraform.take(), s.terraform);
        summary.cloudformation =
            add_cloudformation(summary.cloudformation.take(), s.cloudformation);
        collected.extend(s.collected);
    }
    findings::sort_for_report(&mut found);
    found.dedup_by(|a, b| {
        a.resource_id == b.resource_id && a.fingerprint == b.fingerprint && a.message == b.message
    });
    summary.collected = merge_collected(collected);
    summary.rules_run = rules.len();
    summary.count_findings(&found);
    let category = crate::scan::category_of(&summary.collected);
    let mut report = Report {
        findings: found,
        diagnostics: Vec::new(),
        rules,
        summary,
        category,
    };
    report.add_diagnostics(diagnostics);
    report
}

/// Rule ids of findings that are not among the report's rules (shards that ran other
/// policies than the merge loaded).
pub fn unknown_rules(report: &Report) -> Vec<String> {
    let known: std::collections::BTreeSet<&str> =
        report.rules.iter().map(|m| m.id.as_str()).collect();
    let mut out: Vec<String> = report
        .findings
        .iter()
        .filter(|f| !known.contains(&*f.rule_id))
        .map(|f| f.rule_id.to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn add_terraform(
    a: Option<crate::scan::TerraformSummary>,
    b: Option<crate::scan::TerraformSummary>,
) -> Option<crate::scan::TerraformSummary> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.modules += b.modules;
            a.plans += b.plans;
            a.resources += b.resources;
            Some(a)
        }
        (a, b) => a.or(b),
    }
}

fn add_cloudformation(
    a: Option<crate::scan::CloudFormationSummary>,
    b: Option<crate::scan::CloudFormationSummary>,
) -> Option<crate::scan::CloudFormationSummary> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.templates += b.templates;
            a.resources += b.resources;
            Some(a)
        }
        (a, b) => a.or(b),
    }
}

/// The shards' per-account entries, in account order, after one entry per organisation
/// (each shard listed the organisation: its accounts and calls add up). An account in
/// two shards keeps the entry of the shard that audited it.
fn merge_collected(entries: Vec<Value>) -> Vec<Value> {
    let mut orgs: BTreeMap<String, Value> = BTreeMap::new();
    let mut accounts: BTreeMap<String, Value> = BTreeMap::new();
    let mut other = Vec::new();
    for e in entries {
        match e["type"].as_str() {
            Some("aws_organization") => {
                let key = e["organization"].as_str().unwrap_or("").to_string();
                match orgs.get_mut(&key) {
                    None => {
                        orgs.insert(key, e);
                    }
                    Some(o) => {
                        for field in ["accounts", "api_calls", "retries"] {
                            let n = o[field].as_u64().unwrap_or(0) + e[field].as_u64().unwrap_or(0);
                            o[field] = n.into();
                        }
                        let mut inactive: Vec<Value> = o["inactive_accounts"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default();
                        for a in e["inactive_accounts"].as_array().into_iter().flatten() {
                            if !inactive.contains(a) {
                                inactive.push(a.clone());
                            }
                        }
                        o["inactive_accounts"] = inactive.into();
                    }
                }
            }
            Some("aws") => {
                let key = e["account"].as_str().unwrap_or("").to_string();
                let audited = e["audited"] != false;
                match accounts.get(&key) {
                    Some(old) if old["audited"] != false || !audited => {}
                    _ => {
                        accounts.insert(key, e);
                    }
                }
            }
            _ => other.push(e),
        }
    }
    orgs.into_values()
        .chain(accounts.into_values())
        .chain(other)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn organisations_add_up_and_accounts_are_in_order_once() {
        let merged = merge_collected(vec![
            json!({"type": "aws_organization", "organization": "o-1", "accounts": 2, "api_calls": 1,
                   "retries": 0, "inactive_accounts": [{"account": "9", "state": "SUSPENDED"}]}),
            json!({"type": "aws", "account": "333333333333", "api_calls": 5}),
            json!({"type": "aws", "account": "111111111111", "audited": false}),
            json!({"type": "aws_organization", "organization": "o-1", "accounts": 1, "api_calls": 2,
                   "retries": 1, "inactive_accounts": [{"account": "9", "state": "SUSPENDED"}]}),
            json!({"type": "aws", "account": "111111111111", "api_calls": 7}),
        ]);
        assert_eq!(merged.len(), 3, "{merged:#?}");
        assert_eq!(merged[0]["accounts"], 3);
        assert_eq!(merged[0]["api_calls"], 3);
        assert_eq!(merged[0]["retries"], 1);
        assert_eq!(merged[0]["inactive_accounts"].as_array().unwrap().len(), 1);
        assert_eq!(merged[1]["account"], "111111111111");
        assert_eq!(merged[1]["api_calls"], 7, "the shard that audited it");
        assert_eq!(merged[2]["account"], "333333333333");
    }
}
