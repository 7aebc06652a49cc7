//! Inline suppressions in `.tf` files: `# ecsaudit:ignore RULES reason: ...`.

use super::eval::SourceFile;
use crate::diagnostics::{Diagnostic, Location};

/// `# ecsaudit:ignore EA501,EA502 reason: ...` (or `//`) comments of a file: each
/// applies to findings in that file at its line (a trailing comment), at the next line
/// (a comment line), or anywhere in the block that starts on the next line. An ignore
/// without a reason is not honoured and is reported.
pub(super) fn ignore_comments(
    f: &SourceFile,
    blocks: &[(u32, u32)],
) -> (Vec<serde_json::Value>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = f.text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("ecsaudit:ignore") else {
            continue;
        };
        let before = line[..at].trim_end();
        let comment_start = before.rfind('#').or_else(|| before.rfind("//"));
        let Some(cs) = comment_start else { continue };
        if !before[cs..]
            .trim_start_matches(['#', '/'])
            .trim()
            .is_empty()
        {
            continue;
        }
        let line_no = i as u32 + 1;
        let Some((rules, reason)) = rules_and_reason(&line[at..]) else {
            problems.push(without_reason(f, line_no, cs as u32 + 1));
            continue;
        };
        let own_line = line[..cs].trim().is_empty();
        let (start, end) = if own_line {
            let next = (i + 1..lines.len())
                .find(|&j| {
                    let t = lines[j].trim();
                    !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
                })
                .map_or(line_no + 1, |j| j as u32 + 1);
            match blocks.iter().find(|(s, _)| *s == next) {
                Some(&(s, e)) => (s, e),
                None => (next, next),
            }
        } else {
            (line_no, line_no)
        };
        out.push(serde_json::json!({
            "rules": rules, "reason": reason, "file": f.path.to_string(),
            "from_line": start, "to_line": end, "line": line_no,
        }));
    }
    (out, problems)
}

/// The `"//": "ecsaudit:ignore RULES reason: ..."` comments of a `.tf.json` file's
/// blocks: each applies to its whole block.
pub(super) fn json_ignore_comments(f: &SourceFile) -> (Vec<serde_json::Value>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let Some((json, lines, t)) = &f.json else {
        return (out, problems);
    };
    for (text, block) in &t.comments {
        let Some(at) = text.find("ecsaudit:ignore") else {
            continue;
        };
        let o = lines.origin(&f.path, json, block.clone());
        let Some((rules, reason)) = rules_and_reason(&text[at..]) else {
            problems.push(without_reason(f, o.line, o.column));
            continue;
        };
        out.push(serde_json::json!({
            "rules": rules, "reason": reason, "file": f.path.to_string(),
            "from_line": o.line, "to_line": o.end_line, "line": o.line,
        }));
    }
    (out, problems)
}

/// The rule ids and the reason of an ignore (`text` starts at `ecsaudit:ignore`), or
/// `None` when either is missing.
fn rules_and_reason(text: &str) -> Option<(Vec<&str>, &str)> {
    let rest = text["ecsaudit:ignore".len()..].trim();
    let (ids, reason) = match rest.split_once("reason:") {
        Some((ids, reason)) => (ids, reason.trim()),
        None => (rest, ""),
    };
    let rules: Vec<&str> = ids
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!rules.is_empty() && !reason.is_empty()).then_some((rules, reason))
}

fn without_reason(f: &SourceFile, line: u32, column: u32) -> Diagnostic {
    Diagnostic::warning(
        "ignore-without-reason",
        "`ecsaudit:ignore` needs rule ids and `reason: ...`; this one is not honoured",
    )
    .at(Location::at(&f.path, line, column))
}
