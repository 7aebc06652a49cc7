//! Lines that say what a live audit read: one per organisation listing and one per
//! account (its regions, task definitions, API calls), shared by the text and markdown
//! reports.

use super::plural;
use super::Summary;
use serde_json::Value;

/// One line per entry of `summary.collected`, in order.
pub fn lines(s: &Summary) -> Vec<String> {
    s.collected.iter().map(line).collect()
}

/// What was audited, for the report's headline: `3 files`, `account 123456789012`,
/// `2 accounts (123..., 456...)`, `20 accounts`.
pub fn origin(s: &Summary) -> String {
    let accounts: Vec<String> = s
        .collected
        .iter()
        .filter(|c| kind(c) == "aws" && c["audited"] != false)
        .filter_map(|c| c["account"].as_str().map(str::to_string))
        .collect();
    match accounts.len() {
        0 if s.collected.is_empty() => format!("{} file{}", s.files_read, plural(s.files_read)),
        1 => format!("account {}", accounts[0]),
        2 | 3 => format!("{} accounts ({})", accounts.len(), accounts.join(", ")),
        n => format!("{n} accounts"),
    }
}

fn kind(c: &Value) -> &str {
    c["type"].as_str().unwrap_or("")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `account 123 "dev" (us-east-1): 12 task definitions collected (latest ACTIVE
/// revision of each family plus revisions in use: 10 latest, 3 used by a service), 140
/// API calls`; an organisation's listing; an account that was not audited.
fn line(c: &Value) -> String {
    let mut line = if kind(c) == "aws_organization" {
        let inactive = c["inactive_accounts"].as_array().map_or(0, Vec::len);
        let mut l = format!(
            "organization {} (listed by account {}): {} account{} to audit",
            c["organization"].as_str().unwrap_or("?"),
            c["listed_by"].as_str().unwrap_or("?"),
            c["accounts"].as_u64().unwrap_or(0),
            plural(c["accounts"].as_u64().unwrap_or(0) as usize),
        );
        if inactive > 0 {
            l.push_str(&format!(
                ", {inactive} inactive account{} not audited",
                plural(inactive)
            ));
        }
        l
    } else {
        account_line(c)
    };
    if let Some(calls) = c["api_calls"].as_u64() {
        line.push_str(&format!(", {calls} API call{}", plural(calls as usize)));
        match c["retries"].as_u64() {
            Some(0) | None => {}
            Some(r) => line.push_str(&format!(" ({r} retried)")),
        }
    }
    line
}

fn account_line(c: &Value) -> String {
    let mut line = format!("account {}", c["account"].as_str().unwrap_or("?"));
    if let Some(name) = c["account_name"].as_str() {
        line.push_str(&format!(" \"{name}\""));
    }
    if c["audited"] == false {
        line.push_str(": not audited (see the errors)");
        return line;
    }
    let col = &c["collected"];
    let n = col["task_definitions"].as_u64().unwrap_or(0);
    let reasons: Vec<String> = col["task_definitions_by_reason"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| format!("{} {k}", v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    line.push_str(&format!(
        " ({}): {n} task definition{} collected ({}",
        strings(&c["regions"]).join(", "),
        plural(n as usize),
        col["scope"].as_str().unwrap_or("")
    ));
    if !reasons.is_empty() {
        line.push_str(&format!(": {}", reasons.join(", ")));
    }
    line.push(')');
    let skipped = strings(&c["regions_not_audited"]);
    if !skipped.is_empty() {
        line.push_str(&format!(
            "; region{} {} not audited",
            plural(skipped.len()),
            skipped.join(", ")
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(collected: Vec<Value>) -> Summary {
        Summary {
            collected,
            ..Summary::default()
        }
    }

    #[test]
    fn each_account_has_its_line_with_its_name_and_calls() {
        let s = summary(vec![
            json!({"type": "aws_organization", "organization": "o-abc", "listed_by": "111111111111",
                   "accounts": 2, "inactive_accounts": [{"account": "333333333333", "state": "SUSPENDED"}],
                   "api_calls": 1, "retries": 0}),
            json!({"type": "aws", "account": "111111111111", "account_name": "management",
                   "regions": ["us-east-1", "eu-west-1"], "regions_not_audited": ["eu-west-1"],
                   "collected": {"task_definitions": 1, "scope": "latest"}, "api_calls": 9, "retries": 2}),
            json!({"type": "aws", "account": "222222222222", "account_name": "dev", "audited": false,
                   "api_calls": 1}),
        ]);
        assert_eq!(
            lines(&s),
            [
                "organization o-abc (listed by account 111111111111): 2 accounts to audit, 1 inactive account not audited, 1 API call",
                "account 111111111111 \"management\" (us-east-1, eu-west-1): 1 task definition collected (latest); region eu-west-1 not audited, 9 API calls (2 retried)",
                "account 222222222222 \"dev\": not audited (see the errors), 1 API call",
            ]
        );
        assert_eq!(origin(&s), "account 111111111111");
    }

    #[test]
    fn many_accounts_are_counted_not_listed() {
        let acct = |id: &str| json!({"type": "aws", "account": id});
        let s = summary((0..5).map(|i| acct(&format!("{i:012}"))).collect());
        assert_eq!(origin(&s), "5 accounts");
        let s = summary(vec![acct("000000000001"), acct("000000000002")]);
        assert_eq!(origin(&s), "2 accounts (000000000001, 000000000002)");
        assert_eq!(origin(&summary(vec![])), "0 files");
    }
}
