//! Rule METADATA: the OPA annotation block (`# METADATA` + YAML comment lines) above a
//! rule's `package`. OPA's own keys (title, description, related_resources) hold what OPA
//! knows; ecsaudit's keys live under `custom`. regorus has no `rego.metadata.*`, so the
//! block is parsed here, once, at load time. Everything shown about a rule (`rules`,
//! `explain`, docs, SARIF rule text) comes from this one place.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Finding severity, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

/// A `--fail-on` / `fail_on` threshold: findings at or above a severity fail the run, or
/// none does. One parser for the command line (clap) and the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Threshold {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never fail on findings.
    None,
}

impl Threshold {
    /// The lowest severity that fails the run (`None`: nothing does).
    pub fn severity(self) -> Option<Severity> {
        match self {
            Threshold::Critical => Some(Severity::Critical),
            Threshold::High => Some(Severity::High),
            Threshold::Medium => Some(Severity::Medium),
            Threshold::Low => Some(Severity::Low),
            Threshold::Info => Some(Severity::Info),
            Threshold::None => None,
        }
    }

    /// `critical`, ..., `none`, in any case.
    pub fn parse(s: &str) -> Option<Threshold> {
        <Threshold as clap::ValueEnum>::from_str(s, true).ok()
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The frameworks `custom.controls` may name: (key, how docs name it).
pub const FRAMEWORKS: &[(&str, &str)] = &[
    ("security_hub", "AWS Security Hub"),
    ("control_tower", "AWS Control Tower"),
    ("config", "AWS Config"),
    ("prowler", "Prowler"),
    ("checkov", "Checkov"),
    ("kics", "KICS"),
    ("trivy", "Trivy"),
];

/// A documentation link: OPA's `related_resources` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    #[serde(rename = "ref")]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A rule parameter: its default value and what it means. Users override it in config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub default: serde_json::Value,
    pub description: String,
}

/// ecsaudit's own annotation keys (under `custom`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custom {
    pub id: String,
    pub severity: Severity,
    pub remediation: String,
    /// A corrected JSON snippet shown by `explain` and in docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// AWS Security Hub control, e.g. `ECS.8` (the same as `controls.security_hub`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_hub: Option<String>,
    /// The equivalent controls of other tools, by framework (see [`FRAMEWORKS`]):
    /// `{security_hub: [ECS.12], checkov: [CKV_AWS_65], trivy: [AVD-AWS-0034]}`.
    #[serde(default)]
    pub controls: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// SARIF precision: very-high, high, medium, low.
    #[serde(default = "default_precision")]
    pub precision: String,
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
}

fn default_precision() -> String {
    "high".into()
}

/// The whole annotation block as OPA defines it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Annotations {
    #[serde(default)]
    #[allow(dead_code)]
    scope: Option<String>,
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    related_resources: Vec<Reference>,
    #[serde(default)]
    #[allow(dead_code)]
    authors: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    organizations: Option<serde_yaml_ng::Value>,
    custom: Option<Custom>,
}

/// Everything known about one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub description: String,
    pub remediation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    pub references: Vec<Reference>,
    /// Security Hub controls, joined (`ECS.3, ECS.17`), for the docs index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_hub: Option<String>,
    /// Equivalent controls by framework (METADATA `controls`, with `security_hub`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub controls: BTreeMap<String, Vec<String>>,
    pub tags: Vec<String>,
    pub precision: String,
    pub parameters: BTreeMap<String, Parameter>,
    /// Rego package, e.g. `ecsaudit.rules.privileged_container`.
    pub package: String,
    /// Policy file and the line of its `package` statement.
    pub file: String,
    pub line: u32,
    pub builtin: bool,
}

impl RuleMeta {
    /// Short name: the last package segment (`privileged_container`).
    pub fn name(&self) -> &str {
        self.package.rsplit('.').next().unwrap_or(&self.package)
    }

    /// The rule's `package` line, where problems with the rule as a whole are reported.
    pub fn location(&self) -> crate::diagnostics::Location {
        crate::diagnostics::Location {
            file: self.file.clone(),
            line: Some(self.line),
            column: Some(1),
            ..Default::default()
        }
    }
}

/// A METADATA problem, positioned in the policy file.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The package statement of a Rego module: (package path, 1-based line).
pub fn package_of(text: &str) -> Option<(String, u32)> {
    text.lines().enumerate().find_map(|(i, l)| {
        let rest = l.trim_start().strip_prefix("package ")?;
        Some((rest.trim().to_string(), i as u32 + 1))
    })
}

/// Find the package-scoped `# METADATA` block: the comment block right above `package`.
/// Returns (first YAML line number, YAML text).
fn metadata_block(text: &str, package_line: u32) -> Option<(u32, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let end = package_line as usize - 1;
    let mut start = end;
    while start > 0 && lines[start - 1].trim_start().starts_with('#') {
        start -= 1;
    }
    let marker = (start..end).find(|&i| lines[i].trim() == "# METADATA")?;
    let yaml: Vec<String> = lines[marker + 1..end]
        .iter()
        .map(|l| {
            let t = l.trim_start().trim_start_matches('#');
            t.strip_prefix(' ').unwrap_or(t).to_string()
        })
        .collect();
    Some((marker as u32 + 2, yaml.join("\n")))
}

/// Whether a module declares METADATA at all (to tell rules from libraries).
pub fn has_metadata(text: &str) -> bool {
    text.lines().any(|l| l.trim() == "# METADATA")
}

/// Parse and check a rule's METADATA. Every problem says how to fix it.
pub fn parse(text: &str, file: &str, builtin: bool) -> Result<RuleMeta, MetadataError> {
    let (package, package_line) = package_of(text).ok_or(MetadataError {
        line: 1,
        column: 1,
        message: "no `package` statement".into(),
    })?;
    let (yaml_line, yaml) = metadata_block(text, package_line).ok_or(MetadataError {
        line: package_line,
        column: 1,
        message: "rule has no `# METADATA` block directly above `package`: add one with title, \
                  description and custom.id / severity / remediation (see `ecsaudit new-rule`)"
            .into(),
    })?;
    let ann: Annotations = serde_yaml_ng::from_str(&yaml).map_err(|e| {
        let (line, column) = e.location().map_or((yaml_line, 1), |l| {
            (yaml_line + l.line() as u32 - 1, l.column() as u32 + 2)
        });
        MetadataError {
            line,
            column,
            message: format!("invalid METADATA: {e}"),
        }
    })?;
    let at = |message: String| MetadataError {
        line: yaml_line,
        column: 1,
        message,
    };
    let title = ann
        .title
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| at("METADATA needs a non-empty `title`".into()))?;
    let description = ann
        .description
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| at("METADATA needs a non-empty `description`".into()))?;
    let custom = ann.custom.ok_or_else(|| {
        at("METADATA needs a `custom` section with `id`, `severity` and `remediation`".into())
    })?;
    if custom.id.is_empty()
        || !custom
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return Err(at(format!(
            "custom.id `{}` must be non-empty letters, digits, '-', '_' or '.'",
            custom.id
        )));
    }
    if custom.remediation.trim().is_empty() {
        return Err(at(
            "custom.remediation must say how to fix the problem".into()
        ));
    }
    if !["very-high", "high", "medium", "low"].contains(&custom.precision.as_str()) {
        return Err(at(format!(
            "custom.precision `{}` must be one of very-high, high, medium, low",
            custom.precision
        )));
    }
    for r in &ann.related_resources {
        if !(r.url.starts_with("https://") || r.url.starts_with("http://")) {
            return Err(at(format!(
                "related_resources ref `{}` must be a URL",
                r.url
            )));
        }
    }
    let mut controls = custom.controls;
    if let Some(sh) = &custom.security_hub {
        let listed = controls.entry("security_hub".into()).or_default();
        for c in sh.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if !listed.iter().any(|l| l == c) {
                listed.push(c.to_string());
            }
        }
    }
    if let Some((name, _)) = controls
        .iter()
        .find(|(name, _)| !FRAMEWORKS.iter().any(|(key, _)| key == name))
    {
        return Err(at(format!(
            "custom.controls `{name}` is not a framework ecsaudit knows: use {}",
            FRAMEWORKS
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let security_hub = controls
        .get("security_hub")
        .filter(|c| !c.is_empty())
        .map(|c| c.join(", "));
    Ok(RuleMeta {
        id: custom.id,
        title: title.trim().to_string(),
        severity: custom.severity,
        description: description.trim().to_string(),
        remediation: custom.remediation.trim().to_string(),
        example: custom.example.map(|e| e.trim_end().to_string()),
        references: ann.related_resources,
        security_hub,
        controls,
        tags: custom.tags,
        precision: custom.precision,
        parameters: custom.parameters,
        package,
        file: file.to_string(),
        line: package_line,
        builtin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "# METADATA\n# title: No privileged containers\n# description: |\n#   Privileged containers own the host.\n# related_resources:\n#   - ref: https://docs.aws.amazon.com/x\n# custom:\n#   id: EA401\n#   severity: high\n#   remediation: Remove privileged.\n#   tags: [security]\n#   parameters:\n#     exempt:\n#       default: []\n#       description: containers to skip\npackage ecsaudit.rules.privileged\n\nimport rego.v1\n";

    #[test]
    fn parses_complete_metadata() {
        let m = parse(RULE, "p.rego", true).unwrap();
        assert_eq!(m.id, "EA401");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.package, "ecsaudit.rules.privileged");
        assert_eq!(m.name(), "privileged");
        assert_eq!(m.line, 16);
        assert_eq!(m.references[0].url, "https://docs.aws.amazon.com/x");
        assert_eq!(m.parameters["exempt"].default, serde_json::json!([]));
    }

    #[test]
    fn controls_by_framework_merge_the_security_hub_key() {
        let text = RULE.replace(
            "#   tags: [security]\n",
            "#   tags: [security]\n#   security_hub: ECS.4\n#   controls:\n#     checkov: [CKV_AWS_334]\n#     security_hub: [ECS.1]\n",
        );
        let m = parse(&text, "p.rego", true).unwrap();
        assert_eq!(m.controls["checkov"], ["CKV_AWS_334"]);
        assert_eq!(m.controls["security_hub"], ["ECS.1", "ECS.4"]);
        assert_eq!(m.security_hub.as_deref(), Some("ECS.1, ECS.4"));
        let unknown = RULE.replace(
            "#   tags: [security]\n",
            "#   tags: [security]\n#   controls:\n#     snyk: [SNYK-1]\n",
        );
        let e = parse(&unknown, "p.rego", true).unwrap_err();
        assert!(
            e.message.contains("`snyk` is not a framework"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bad_severity_is_positioned() {
        let text = RULE.replace("severity: high", "severity: urgent");
        let e = parse(&text, "p.rego", false).unwrap_err();
        assert_eq!(e.line, 9);
        assert!(
            e.message.contains("unknown variant `urgent`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_custom_key_is_rejected() {
        let text = RULE.replace("  tags: [security]", "  tagz: [security]");
        let e = parse(&text, "p.rego", false).unwrap_err();
        assert!(e.message.contains("tagz"), "{}", e.message);
    }

    #[test]
    fn missing_block_and_fields() {
        let e = parse("package x\n", "p.rego", false).unwrap_err();
        assert!(e.message.contains("no `# METADATA`"));
        let text = RULE.replace("# title: No privileged containers\n", "");
        assert!(parse(&text, "p.rego", false)
            .unwrap_err()
            .message
            .contains("title"));
    }
}
