//! The suppression stage, between findings and reports: a finding is marked suppressed
//! by a config entry (`[[suppressions]]`, until it expires), by `ecsaudit:ignore` tags on
//! its resource, or by an `# ecsaudit:ignore` comment over its line in an IaC file.
//! Suppressed findings stay in the report, marked, with their reason.

use crate::config::SuppressionRule;
use crate::diagnostics::Diagnostic;
use crate::findings::{Finding, Suppression};
use crate::graph::{Graph, Node};
use serde_json::Value;
use std::collections::BTreeSet;

/// Tag naming the rules (comma- or space-separated, or `*`) a resource is exempt from.
pub const IGNORE_TAG: &str = "ecsaudit:ignore";
/// Tag giving the reason; without one, the ignore tag does nothing.
pub const IGNORE_REASON_TAG: &str = "ecsaudit:ignore-reason";

/// Mark the suppressed findings; returns a warning for each config suppression that
/// would have applied but expired on or before `today` (`YYYY-MM-DD`).
pub fn apply(
    findings: &mut [Box<Finding>],
    graph: &Graph,
    rules: &[SuppressionRule],
    today: &str,
) -> Vec<Diagnostic> {
    let mut expired = BTreeSet::new();
    for f in findings.iter_mut() {
        let node = graph.nodes.get(&*f.resource_id);
        f.suppression = by_config(f, node, rules, today, &mut expired)
            .or_else(|| node.and_then(|n| by_tags(&n.properties, &f.rule_id)))
            .or_else(|| node.and_then(|n| by_comment(n, f)));
    }
    expired
        .into_iter()
        .map(|i| {
            let s = &rules[i];
            Diagnostic::warning(
                "suppression-expired",
                format!(
                    "suppression of {} on `{}` expired on {} and no longer applies (reason was: {})",
                    s.rule,
                    s.pattern,
                    s.expires.as_deref().unwrap_or_default(),
                    s.reason
                ),
            )
            .at(s.at.clone())
        })
        .collect()
}

/// The first config suppression that covers the finding and has not expired; the
/// expired ones that would have are added to `expired` (by index).
fn by_config(
    f: &Finding,
    node: Option<&Node>,
    rules: &[SuppressionRule],
    today: &str,
    expired: &mut BTreeSet<usize>,
) -> Option<Suppression> {
    let family = node
        .and_then(|n| n.properties.get("family"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let file = f.location.as_ref().map_or("", |l| l.file.as_str());
    let names = [family, &f.resource, &f.resource_id, file];
    for (i, s) in rules.iter().enumerate() {
        let rule_matches = s.rule == "*" || s.rule.eq_ignore_ascii_case(&f.rule_id);
        if !rule_matches || !names.iter().any(|n| !n.is_empty() && s.glob.is_match(n)) {
            continue;
        }
        if s.expires.as_deref().is_some_and(|e| e <= today) {
            expired.insert(i);
            continue;
        }
        return Some(Suppression {
            kind: "config".into(),
            reason: s.reason.clone(),
            expires: s.expires.clone(),
        });
    }
    None
}

/// An `# ecsaudit:ignore RULES reason: ...` comment of an IaC file that covers the
/// finding's line (recorded by the source in `derived.ignore_comments`).
fn by_comment(node: &Node, f: &Finding) -> Option<Suppression> {
    let loc = f.location.as_ref()?;
    let line = loc.line? as u64;
    node.derived
        .get("ignore_comments")?
        .as_array()?
        .iter()
        .find(|c| {
            c["file"].as_str() == Some(loc.file.as_str())
                && c["from_line"].as_u64().is_some_and(|s| s <= line)
                && c["to_line"].as_u64().is_some_and(|e| line <= e)
                && c["rules"].as_array().is_some_and(|rs| {
                    rs.iter()
                        .filter_map(Value::as_str)
                        .any(|r| r == "*" || r.eq_ignore_ascii_case(&f.rule_id))
                })
        })
        .map(|c| Suppression {
            kind: "inline".into(),
            reason: c["reason"].as_str().unwrap_or_default().to_string(),
            expires: None,
        })
}

/// `ecsaudit:ignore` / `ecsaudit:ignore-reason` tags on a resource (`key`/`value` as in
/// task definitions, or `Key`/`Value`).
fn by_tags(properties: &Value, rule_id: &str) -> Option<Suppression> {
    let tags = properties.get("tags")?.as_array()?;
    let get = |name: &str| {
        tags.iter().find_map(|t| {
            let k = t.get("key").or_else(|| t.get("Key"))?.as_str()?;
            (k == name).then(|| t.get("value").or_else(|| t.get("Value"))?.as_str())?
        })
    };
    let ids = get(IGNORE_TAG)?;
    let reason = get(IGNORE_REASON_TAG).filter(|r| !r.trim().is_empty())?;
    ids.split([',', ' '])
        .map(str::trim)
        .any(|id| id == "*" || id.eq_ignore_ascii_case(rule_id))
        .then(|| Suppression {
            kind: "inline".into(),
            reason: reason.to_string(),
            expires: None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_need_a_reason() {
        let props =
            serde_json::json!({"tags": [{"key": "ecsaudit:ignore", "value": "EA101, EA102"}]});
        assert!(by_tags(&props, "EA101").is_none());
        let props = serde_json::json!({"tags": [
            {"key": "ecsaudit:ignore", "value": "EA101,EA102"},
            {"key": "ecsaudit:ignore-reason", "value": "test fixture"}]});
        assert_eq!(by_tags(&props, "ea102").unwrap().reason, "test fixture");
        assert!(by_tags(&props, "EA103").is_none());
    }
}
