//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning. Every rule that ran is in
//! `tool.driver.rules` with help from its METADATA; results carry repository-relative
//! locations, logical locations and identity-based `partialFingerprints`. The document is
//! built as JSON and checked by deserialising into `serde_sarif`'s types.

use super::Report;
use crate::diagnostics::Level;
use crate::findings::Finding;
use crate::policy::metadata::{RuleMeta, Severity};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Where the rule docs live (rule help links).
pub const DOCS_URL: &str = "https://github.com/ecsaudit/ecsaudit/blob/main/docs/rules";
/// GitHub code scanning accepts at most this many results per run.
pub const GITHUB_MAX_RESULTS: usize = 25_000;
pub use crate::findings::FINGERPRINT_KEY;

/// Options for SARIF output.
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// Repository root: file URIs are made relative to it (default: working directory).
    pub source_root: Option<PathBuf>,
}

/// SARIF level for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub `security-severity` score for a severity (None for info).
pub fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

fn pascal(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        })
        .collect()
}

/// Rule help in markdown, from METADATA.
pub fn help_markdown(m: &RuleMeta) -> String {
    let mut s = format!(
        "**{}** ({}, {})\n\n{}\n\n**Remediation**\n\n{}\n",
        m.title, m.id, m.severity, m.description, m.remediation
    );
    if let Some(ex) = &m.example {
        s.push_str(&format!("\n```\n{ex}\n```\n"));
    }
    if !m.references.is_empty() {
        s.push_str("\n**References**\n\n");
        for r in &m.references {
            s.push_str(&format!(
                "- [{}]({})\n",
                r.description.as_deref().unwrap_or(&r.url),
                r.url
            ));
        }
    }
    s
}

fn rule_descriptor(m: &RuleMeta) -> Value {
    // The rule's tags, and the equivalent controls (`security-hub/ECS.2`,
    // `checkov/CKV_AWS_333`), so code scanning can filter alerts by control.
    let mut tags = m.tags.clone();
    tags.extend(crate::compliance::control_tags(m));
    let mut props = json!({"tags": tags, "precision": m.precision});
    if let Some(sev) = security_severity(m.severity) {
        props["security-severity"] = json!(sev);
    }
    let mut help_text = format!("{}\n\nRemediation: {}", m.description, m.remediation);
    for r in &m.references {
        help_text.push_str(&format!("\n{}", r.url));
    }
    json!({
        "id": m.id,
        "name": pascal(m.name()),
        "shortDescription": {"text": m.title},
        "fullDescription": {"text": m.description},
        "help": {"text": help_text, "markdown": help_markdown(m)},
        "helpUri": format!("{DOCS_URL}/{}.md", m.id),
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": props,
    })
}

/// Turns scanned paths into `%SRCROOT%`-relative URIs. The root and working directory
/// are resolved once, and each file once, however many results point into it.
struct UriMapper {
    cwd: Option<PathBuf>,
    root_abs: PathBuf,
    cache: std::cell::RefCell<std::collections::HashMap<String, Value>>,
}

impl UriMapper {
    fn new(root: &Path) -> Self {
        UriMapper {
            cwd: std::env::current_dir().ok(),
            root_abs: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            cache: Default::default(),
        }
    }

    /// SARIF `artifactLocation` of a scanned path: `%SRCROOT%`-relative inside the root,
    /// an absolute `file://` URI outside it (relative URIs must not start with `/`).
    fn artifact(&self, file: &str) -> Value {
        if let Some(v) = self.cache.borrow().get(file) {
            return v.clone();
        }
        let p = Path::new(file);
        let abs = match &self.cwd {
            Some(cwd) if !p.is_absolute() => cwd.join(p),
            _ => p.to_path_buf(),
        };
        let abs = abs.canonicalize().unwrap_or(abs);
        let encode = |path: &Path| {
            path.to_string_lossy()
                .replace('\\', "/")
                .split('/')
                .map(|seg| seg.replace('%', "%25").replace(' ', "%20"))
                .collect::<Vec<_>>()
                .join("/")
        };
        let v = match abs.strip_prefix(&self.root_abs) {
            Ok(rel) => json!({"uri": encode(rel), "uriBaseId": "%SRCROOT%"}),
            Err(_) => {
                let e = encode(&abs);
                let uri = if e.starts_with('/') {
                    format!("file://{e}")
                } else {
                    format!("file:///{e}")
                };
                json!({ "uri": uri })
            }
        };
        self.cache.borrow_mut().insert(file.to_string(), v.clone());
        v
    }

    /// `file://` URI of the root, for `originalUriBaseIds`.
    fn root_uri(&self) -> String {
        let mut s = self.root_abs.to_string_lossy().replace('\\', "/");
        if !s.ends_with('/') {
            s.push('/');
        }
        if s.starts_with('/') {
            format!("file://{s}")
        } else {
            format!("file:///{s}")
        }
    }
}

fn result(f: &Finding, index: usize, uris: &UriMapper) -> Option<Value> {
    let loc = f.location.as_ref()?;
    let mut region = json!({});
    if let Some(l) = loc.line {
        region["startLine"] = json!(l.max(1));
        region["startColumn"] = json!(loc.column.unwrap_or(1).max(1));
        if let (Some(el), Some(ec)) = (loc.end_line, loc.end_column) {
            region["endLine"] = json!(el.max(1));
            region["endColumn"] = json!(ec.max(1));
        }
    } else {
        region["startLine"] = json!(1);
    }
    let mut logical =
        vec![json!({"name": f.resource, "fullyQualifiedName": f.resource_id, "kind": "resource"})];
    if let Some(c) = &f.container {
        logical.push(json!({"name": c, "fullyQualifiedName": format!("{}/{c}", f.resource), "kind": "member"}));
    }
    let mut r = json!({
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": uris.artifact(&loc.file),
                "region": region,
            },
            "logicalLocations": logical,
        }],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"severity": f.severity.as_str(), "resource": f.resource},
    });
    if !f.related.is_empty() {
        r["properties"]["related"] = json!(f.related.iter().map(|x| &x.name).collect::<Vec<_>>());
    }
    if let Some(s) = &f.suppression {
        r["suppressions"] = json!([{
            "kind": if s.kind == "inline" { "inSource" } else { "external" },
            "justification": s.reason,
        }]);
    }
    Some(r)
}

/// GitHub code scanning rejects a file with more runs than this.
pub const GITHUB_MAX_RUNS: usize = 20;

/// The runs of a report: one per account and region in live audits (IAM findings and
/// problems go to their account's first region, others without a place to the first
/// run), a single one for files. Each key is its run's `automationDetails.id` part.
struct Runs {
    keys: Vec<String>,
    /// Account id -> its first run.
    first_of_account: std::collections::BTreeMap<String, usize>,
}

impl Runs {
    fn of(report: &Report) -> Runs {
        let mut keys = Vec::new();
        let mut first_of_account = std::collections::BTreeMap::new();
        for c in &report.summary.collected {
            if c["type"] != "aws" || c["audited"] == false {
                continue;
            }
            let Some(account) = c["account"].as_str() else {
                continue;
            };
            let skipped: Vec<&Value> = c["regions_not_audited"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            for r in c["regions"].as_array().into_iter().flatten() {
                let Some(region) = r.as_str().filter(|_| !skipped.contains(&r)) else {
                    continue;
                };
                first_of_account
                    .entry(account.to_string())
                    .or_insert(keys.len());
                keys.push(format!("aws/{account}/{region}"));
            }
        }
        if keys.is_empty() {
            keys.push(report.category.clone());
        }
        Runs {
            keys,
            first_of_account,
        }
    }

    /// The run of a resource in `account` and `region` (either may be unknown).
    fn index(&self, account: Option<&str>, region: Option<&str>) -> usize {
        let Some(account) = account else { return 0 };
        if let Some(region) = region {
            let key = format!("aws/{account}/{region}");
            if let Some(i) = self.keys.iter().position(|k| *k == key) {
                return i;
            }
        }
        self.first_of_account.get(account).copied().unwrap_or(0)
    }

    /// The run of a problem, from the ARN or account id it names.
    fn of_resource(&self, resource: Option<&str>) -> Option<usize> {
        let r = resource?;
        if r.starts_with("arn:") {
            let mut parts = r.split(':');
            let region = parts.nth(3).filter(|x| !x.is_empty());
            let account = parts.next().filter(|x| !x.is_empty())?;
            return Some(self.index(Some(account), region));
        }
        self.first_of_account.get(r).copied()
    }
}

/// Render the report as SARIF. Returns the document and any problem to tell the user
/// (findings left out for lack of a file location, GitHub limits exceeded).
pub fn render(report: &Report, opts: &SarifOptions) -> (String, Vec<String>) {
    let root = opts
        .source_root
        .clone()
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")));
    let uris = UriMapper::new(&root);
    let mut problems = Vec::new();
    let rules: Vec<Value> = report.rules.iter().map(rule_descriptor).collect();
    let runs = Runs::of(report);
    let mut results: Vec<Vec<Value>> = vec![Vec::new(); runs.keys.len()];
    let mut notifications: Vec<Vec<Value>> = vec![Vec::new(); runs.keys.len()];
    // A run whose audit was incomplete or failed did not succeed.
    let mut failed = vec![false; runs.keys.len()];
    let mut unlocated: Vec<String> = Vec::new();
    for f in &report.findings {
        let Some(index) = report.rules.iter().position(|m| *m.id == *f.rule_id) else {
            continue;
        };
        match result(f, index, &uris) {
            Some(r) => results[runs.index(f.account.as_deref(), f.region.as_deref())].push(r),
            None => unlocated.push(format!("{} on {}", f.rule_id, f.resource)),
        }
    }
    if !unlocated.is_empty() {
        let shown: Vec<&str> = unlocated.iter().take(5).map(String::as_str).collect();
        let msg = format!(
            "{} finding(s) have no file location and are left out of SARIF, because GitHub rejects results without one ({}{}); for live audits, pass --snapshot-dir DIR to locate them in snapshot files",
            unlocated.len(),
            shown.join("; "),
            if unlocated.len() > shown.len() { "; ..." } else { "" }
        );
        notifications[0].push(json!({"level": "warning", "message": {"text": msg}}));
        problems.push(msg);
    }
    for (key, run) in runs.keys.iter().zip(&results) {
        if run.len() > GITHUB_MAX_RESULTS {
            problems.push(format!(
                "{} results in run {key} exceed GitHub code scanning's limit of {GITHUB_MAX_RESULTS} per run; GitHub will reject this upload (narrow the scan or raise --fail-on)",
                run.len()
            ));
        }
    }
    if runs.keys.len() > GITHUB_MAX_RUNS {
        problems.push(format!(
            "{} runs (one per account and region) exceed GitHub code scanning's limit of {GITHUB_MAX_RUNS} per file; GitHub will reject this upload (audit in shards of at most {GITHUB_MAX_RUNS} account-regions, e.g. with --accounts, and upload each)",
            runs.keys.len()
        ));
    }
    for d in &report.diagnostics {
        if d.level == Level::Skipped {
            continue;
        }
        let mut n = json!({
            "level": match d.level {
                Level::Error => "error",
                Level::Unresolved => "note",
                _ => "warning",
            },
            "message": {"text": d.headline()},
            "descriptor": {"id": d.code},
        });
        if let Some(loc) = &d.location {
            let mut pl = json!({"artifactLocation": uris.artifact(&loc.file)});
            // SARIF's lines and columns start at 1 (GitHub rejects a 0); some parsers
            // report column 0 at the start of a line.
            if let Some(l) = loc.line {
                pl["region"] = json!({
                    "startLine": l.max(1),
                    "startColumn": loc.column.unwrap_or(1).max(1),
                });
            }
            n["locations"] = json!([{"physicalLocation": pl}]);
        }
        let run = runs.of_resource(d.resource.as_deref());
        match (run, d.level) {
            (Some(i), Level::Error | Level::Incomplete) => failed[i] = true,
            // A problem of no one account (a policy that failed) fails every run.
            (None, Level::Error | Level::Incomplete) => failed.iter_mut().for_each(|f| *f = true),
            _ => {}
        }
        notifications[run.unwrap_or(0)].push(n);
    }
    let runs: Vec<Value> = runs
        .keys
        .iter()
        .zip(results)
        .zip(notifications)
        .zip(failed)
        .map(|(((key, results), notifications), failed)| {
            json!({
                "tool": {"driver": {
                    "name": "ecsaudit",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                    "rules": rules,
                }},
                "automationDetails": {"id": format!("ecsaudit/{key}/")},
                "columnKind": "utf16CodeUnits",
                "originalUriBaseIds": {"%SRCROOT%": {"uri": uris.root_uri()}},
                "invocations": [{
                    "executionSuccessful": !failed,
                    "toolExecutionNotifications": notifications,
                }],
                "results": results,
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": runs,
    });
    // Type-check against serde-sarif's model of SARIF 2.1.0.
    if let Err(e) = serde_json::from_value::<serde_sarif::sarif::Sarif>(doc.clone()) {
        problems.push(format!(
            "internal: SARIF does not match the SARIF model: {e}"
        ));
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    if let Some(size) = over_upload_limit(&s, GITHUB_MAX_GZIP_BYTES) {
        problems.push(format!(
            "this SARIF is {size} bytes gzip-compressed, over GitHub code scanning's upload limit of {GITHUB_MAX_GZIP_BYTES}; GitHub will reject it (split the scan by directory or account)"
        ));
    }
    (s, problems)
}

/// GitHub code scanning rejects SARIF files larger than this, gzip-compressed.
pub const GITHUB_MAX_GZIP_BYTES: usize = 10 * 1024 * 1024;

/// The gzip size of `doc` when it is over `limit` bytes (only compressed when the
/// plain text is large enough to possibly be).
fn over_upload_limit(doc: &str, limit: usize) -> Option<usize> {
    if doc.len() <= limit {
        return None;
    }
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(doc.as_bytes()).ok()?;
    let size = enc.finish().ok()?.len();
    (size > limit).then_some(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_limit_counts_compressed_bytes() {
        const LIMIT: usize = 64 * 1024;
        // Text over the limit that compresses well is fine; noise of the same size is not.
        let plain = "a".repeat(4 * LIMIT);
        assert_eq!(over_upload_limit(&plain, LIMIT), None);
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let noise: String = (0..4 * LIMIT)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'!' + (x % 90) as u8)
            })
            .collect();
        // ~6.5 bits of entropy per byte: gzip cannot get 4x the limit under it.
        let size = over_upload_limit(&noise, LIMIT).expect("noise is over the limit");
        assert!(size > 3 * LIMIT, "{size}");
        assert_eq!(over_upload_limit("{}", LIMIT), None);
        // The shipped limit is GitHub's documented 10 MB.
        assert_eq!(GITHUB_MAX_GZIP_BYTES, 10 * 1024 * 1024);
    }
}
