//! `ecsaudit.toml`: rule selection, severity overrides, rule parameters, extra policy
//! directories, fail-on, and suppressions (config entries and resource tags).

use crate::diagnostics::{Diagnostic, Location};
use crate::findings::{Finding, Suppression};
use crate::graph::Graph;
use crate::policy::metadata::Severity;
use crate::policy::PolicySet;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest config file read (a config is a few kilobytes; a device or a huge file is an
/// error, not an unbounded read).
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// Longest suppression `resource` glob accepted.
const MAX_GLOB_CHARS: usize = 1024;

/// Longest string a rule parameter may hold (rules match them as globs and patterns).
const MAX_PARAMETER_CHARS: usize = 1024;

/// Characters in the longest string anywhere in `v`.
fn longest_string(v: &Value) -> Option<usize> {
    match v {
        Value::String(s) => Some(s.chars().count()),
        Value::Array(items) => items.iter().filter_map(longest_string).max(),
        Value::Object(map) => map.values().filter_map(longest_string).max(),
        _ => None,
    }
}

/// Default config file name, looked up in the working directory.
pub const FILE_NAME: &str = "ecsaudit.toml";

/// Tag on a task definition listing rule ids to ignore (comma-separated, or `*`).
pub const IGNORE_TAG: &str = "ecsaudit:ignore";
/// Tag carrying the reason for [`IGNORE_TAG`]; an ignore without a reason is not honoured.
pub const IGNORE_REASON_TAG: &str = "ecsaudit:ignore-reason";

/// Which rules run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSelection {
    /// Rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Tags whose rules are turned off.
    #[serde(default)]
    pub disable_tags: Vec<String>,
    /// When set, only rules with one of these tags run.
    #[serde(default)]
    pub enable_tags: Vec<String>,
}

/// One suppression: a rule on resources matching a glob, with a reason.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionEntry {
    /// Rule id, or `*` for every rule.
    pub rule: String,
    /// Glob matched against the family, resource name, ARN, node id and file path.
    pub resource: String,
    pub reason: String,
    /// `YYYY-MM-DD` (a TOML date or a string); from that day on the suppression stops
    /// suppressing.
    #[serde(default)]
    pub expires: Option<toml::Value>,
}

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub fail_on: Option<String>,
    #[serde(default)]
    pub policy_dirs: Vec<PathBuf>,
    #[serde(default)]
    pub rules: RuleSelection,
    /// Severity overrides by rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Rule parameters by rule id.
    #[serde(default)]
    pub parameters: BTreeMap<String, BTreeMap<String, toml::Value>>,
    #[serde(default)]
    pub suppressions: Vec<SuppressionEntry>,
    /// Path the config was read from (for messages).
    #[serde(skip)]
    pub path: Option<String>,
    /// Today's date `YYYY-MM-DD` (overridable for tests through `ECSAUDIT_TODAY`).
    #[serde(skip)]
    pub today: String,
    /// The file's text, to position later errors (unknown rule ids, parameters).
    #[serde(skip)]
    text: String,
}

impl Config {
    /// What decides which values are redacted from graphs: the built-in secret names
    /// plus EA101's `extra_name_tokens` (so a value the configured rule flags is never
    /// written either).
    pub fn redactor(&self) -> crate::graph::secrets::Redactor {
        let extra = self
            .parameters
            .get("EA101")
            .and_then(|p| p.get("extra_name_tokens"))
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(toml::Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        crate::graph::secrets::Redactor::with_extra_tokens(extra)
    }
}

/// Today's UTC date as `YYYY-MM-DD`.
pub fn today() -> String {
    if let Ok(d) = std::env::var("ECSAUDIT_TODAY") {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Civil-from-days (H. Hinnant).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `path:line:col` of byte `offset` in `text` (1:1 when unknown).
fn location_in(path: &str, text: &str, offset: Option<usize>) -> Location {
    let (line, column) = offset.map_or((1, 1), |o| {
        crate::json_index::LineMap::new(text).position(text, o)
    });
    Location::at(path, line, column)
}

fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn same_json_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        || (a.is_number() && b.is_number())
        || a.is_null()
}

impl Config {
    /// Parse config text; errors name `path:line:col`.
    pub fn parse(text: &str, path: &str) -> Result<Config, Diagnostic> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            Diagnostic::error("config-error", e.message().trim().to_string()).at(location_in(
                path,
                text,
                e.span().map(|s| s.start),
            ))
        })?;
        cfg.path = Some(path.to_string());
        cfg.today = today();
        cfg.text = text.to_string();
        let at = |key: &str| cfg.location(key);
        if let Some(f) = &cfg.fail_on {
            if f != "none" && Severity::parse(f).is_none() {
                return Err(Diagnostic::error(
                    "config-error",
                    format!("fail_on `{f}` must be critical, high, medium, low, info or none"),
                )
                .at(at("fail_on")));
            }
        }
        for (id, sev) in &cfg.severity {
            if Severity::parse(sev).is_none() {
                return Err(Diagnostic::error(
                    "config-error",
                    format!(
                        "severity `{sev}` for {id} must be critical, high, medium, low or info"
                    ),
                )
                .at(at(sev)));
            }
        }
        for s in &cfg.suppressions {
            if s.reason.trim().is_empty() {
                return Err(Diagnostic::error(
                    "config-error",
                    format!(
                        "suppression of {} on {} needs a non-empty reason",
                        s.rule, s.resource
                    ),
                )
                .at(at(&s.resource)));
            }
            // globset panics on some very long patterns (146k characters did); no real
            // resource name or path comes near this.
            if s.resource.chars().count() > MAX_GLOB_CHARS {
                return Err(Diagnostic::error(
                    "config-error",
                    format!(
                        "suppression resource glob is {} characters; at most {MAX_GLOB_CHARS} are allowed",
                        s.resource.chars().count()
                    ),
                )
                .at(at("resource")));
            }
            if let Err(e) = globset::Glob::new(&s.resource) {
                return Err(
                    Diagnostic::error("config-error", format!("bad resource glob: {e}"))
                        .at(at(&s.resource)),
                );
            }
            if s.expires.is_some() && expiry_date(s).is_none() {
                return Err(Diagnostic::error(
                    "config-error",
                    "suppression `expires` must be a date like 2027-01-31",
                )
                .at(at("expires")));
            }
        }
        // Relative policy dirs are relative to the config file.
        let base = Path::new(path).parent().unwrap_or(Path::new(""));
        cfg.policy_dirs = cfg
            .policy_dirs
            .iter()
            .map(|d| {
                if d.is_absolute() {
                    d.clone()
                } else {
                    base.join(d)
                }
            })
            .collect();
        Ok(cfg)
    }

    /// Load `explicit`, or `ecsaudit.toml` in the working directory, or defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, Diagnostic> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new(FILE_NAME).is_file() => PathBuf::from(FILE_NAME),
            None => {
                return Ok(Config {
                    today: today(),
                    ..Config::default()
                })
            }
        };
        let display = crate::source::files::display_path(&path);
        let text =
            crate::source::files::read_text_limited(&path, MAX_CONFIG_SIZE).map_err(|e| {
                Diagnostic::error("config-error", format!("config: {e}")).in_file(&display)
            })?;
        Self::parse(&text, &display)
    }

    /// Where `needle` first appears in the config file.
    fn location(&self, needle: &str) -> Location {
        let file = self.path.as_deref().unwrap_or_default();
        location_in(file, &self.text, self.text.find(needle))
    }

    /// Check rule ids and parameters against the loaded rules; return the effective
    /// `data.ecsaudit.params` (defaults overlaid by config).
    pub fn resolve_params(&self, set: &PolicySet) -> Result<Value, Vec<Diagnostic>> {
        let mut params = crate::policy::default_params(set);
        let mut errors = Vec::new();
        let known = |id: &str| set.rule(id).is_some();
        for id in self
            .rules
            .disable
            .iter()
            .chain(self.severity.keys())
            .chain(self.parameters.keys())
        {
            if !known(id) {
                errors.push(
                    Diagnostic::error(
                        "config-error",
                        format!("unknown rule id `{id}` (see `ecsaudit rules`)"),
                    )
                    .at(self.location(id)),
                );
            }
        }
        for (id, values) in &self.parameters {
            let Some(meta) = set.rule(id) else { continue };
            for (name, v) in values {
                let Some(decl) = meta.parameters.get(name) else {
                    let names: Vec<&str> = meta.parameters.keys().map(String::as_str).collect();
                    errors.push(
                        Diagnostic::error(
                            "config-error",
                            format!(
                                "rule {id} has no parameter `{name}` (it has: {})",
                                if names.is_empty() {
                                    "none".into()
                                } else {
                                    names.join(", ")
                                }
                            ),
                        )
                        .at(self.location(name)),
                    );
                    continue;
                };
                let json = toml_to_json(v);
                if !same_json_type(&decl.default, &json) {
                    errors.push(
                        Diagnostic::error(
                            "config-error",
                            format!(
                                "parameter {id}.{name} must have the same type as its default {}",
                                decl.default
                            ),
                        )
                        .at(self.location(name)),
                    );
                    continue;
                }
                if let Some(chars) = longest_string(&json).filter(|&n| n > MAX_PARAMETER_CHARS) {
                    errors.push(
                        Diagnostic::error(
                            "config-error",
                            format!(
                                "parameter {id}.{name} holds a string of {chars} characters; at \
                                 most {MAX_PARAMETER_CHARS} are allowed"
                            ),
                        )
                        .at(self.location(name)),
                    );
                    continue;
                }
                params[meta.id.as_str()][name.as_str()] = json;
            }
        }
        if errors.is_empty() {
            Ok(params)
        } else {
            Err(errors)
        }
    }

    /// Whether a rule runs under `[rules]`.
    pub fn rule_enabled(&self, meta: &crate::policy::metadata::RuleMeta) -> bool {
        let r = &self.rules;
        if r.disable.iter().any(|d| d.eq_ignore_ascii_case(&meta.id)) {
            return false;
        }
        if meta.tags.iter().any(|t| r.disable_tags.contains(t)) {
            return false;
        }
        r.enable_tags.is_empty() || meta.tags.iter().any(|t| r.enable_tags.contains(t))
    }

    /// Severity overrides by rule id.
    pub fn severity_overrides(&self) -> BTreeMap<String, Severity> {
        self.severity
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), Severity::parse(v)?)))
            .collect()
    }

    /// `fail_on` from the file: `Some(None)` for `none`.
    pub fn fail_on(&self) -> Option<Option<Severity>> {
        self.fail_on.as_deref().map(Severity::parse)
    }

    /// Mark suppressed findings; returns warnings for expired suppressions.
    pub fn apply_suppressions(
        &self,
        findings: &mut [Box<Finding>],
        graph: &Graph,
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut expired_reported = std::collections::BTreeSet::new();
        let globs: Vec<Option<globset::GlobMatcher>> = self
            .suppressions
            .iter()
            .map(|s| {
                globset::Glob::new(&s.resource)
                    .ok()
                    .map(|g| g.compile_matcher())
            })
            .collect();
        for f in findings.iter_mut() {
            let node = graph.nodes.get(&*f.resource_id);
            let family = node
                .and_then(|n| n.properties.get("family"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let file = f.location.as_ref().map(|l| l.file.as_str());
            let candidates = [
                family,
                &f.resource,
                &f.resource_id,
                file.unwrap_or_default(),
            ];
            for (i, s) in self.suppressions.iter().enumerate() {
                let rule_matches = s.rule == "*" || s.rule.eq_ignore_ascii_case(&f.rule_id);
                let Some(glob) = &globs[i] else { continue };
                if !rule_matches || !candidates.iter().any(|c| !c.is_empty() && glob.is_match(c)) {
                    continue;
                }
                let expires = expiry_date(s);
                if expires.as_deref().is_some_and(|e| e <= self.today.as_str()) {
                    if expired_reported.insert(i) {
                        diags.push(
                            Diagnostic::warning(
                                "suppression-expired",
                                format!(
                                    "suppression of {} on `{}` expired on {} and no longer applies (reason was: {})",
                                    s.rule,
                                    s.resource,
                                    expires.unwrap_or_default(),
                                    s.reason
                                ),
                            )
                            .at(self.location(&s.resource)),
                        );
                    }
                    continue;
                }
                f.suppression = Some(Suppression {
                    kind: "config".into(),
                    reason: s.reason.clone(),
                    expires,
                });
                break;
            }
            if f.suppression.is_none() {
                if let Some(sup) = node.and_then(|n| inline_suppression(&n.properties, &f.rule_id))
                {
                    f.suppression = Some(sup);
                }
            }
            if f.suppression.is_none() {
                if let Some(sup) = node.and_then(|n| comment_suppression(n, f)) {
                    f.suppression = Some(sup);
                }
            }
        }
        diags
    }
}

/// The expiry of a suppression as `YYYY-MM-DD`, if it is a valid date.
fn expiry_date(s: &SuppressionEntry) -> Option<String> {
    let text = match s.expires.as_ref()? {
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        toml::Value::String(t) => t.clone(),
        _ => return None,
    };
    let b = text.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    ok.then_some(text)
}

/// An `# ecsaudit:ignore RULES reason: ...` comment of an IaC file that covers the
/// finding's line (recorded by the source in `derived.ignore_comments`).
fn comment_suppression(node: &crate::graph::Node, f: &Finding) -> Option<Suppression> {
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
fn inline_suppression(properties: &Value, rule_id: &str) -> Option<Suppression> {
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
    fn unknown_key_is_positioned() {
        let e = Config::parse(
            "fail_on = \"high\"\n[rules]\ndisabel = [\"EA1\"]\n",
            "c.toml",
        )
        .unwrap_err();
        let loc = e.location.unwrap();
        assert_eq!((loc.line, loc.column), (Some(3), Some(1)));
        assert!(e.message.contains("disabel"), "{}", e.message);
    }

    #[test]
    fn suppression_needs_reason_and_date() {
        let e = Config::parse(
            "[[suppressions]]\nrule = \"EA1\"\nresource = \"x\"\nreason = \"\"\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(e.message.contains("reason"));
        let e = Config::parse(
            "[[suppressions]]\nrule = \"EA1\"\nresource = \"x\"\nreason = \"r\"\nexpires = 12\n",
            "c.toml",
        )
        .unwrap_err();
        assert_eq!(e.location.unwrap().line, Some(5));
    }

    /// A huge glob (globset panicked on 146k characters) is a config error.
    #[test]
    fn huge_suppression_globs_are_errors() {
        let glob = "a*".repeat(73_000);
        let text =
            format!("[[suppressions]]\nrule = \"EA1\"\nresource = \"{glob}\"\nreason = \"r\"\n");
        let e = Config::parse(&text, "c.toml").unwrap_err();
        assert!(e.message.contains("at most 1024"), "{}", e.message);
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert_eq!(&t[4..5], "-");
    }

    #[test]
    fn inline_tags_need_a_reason() {
        let props =
            serde_json::json!({"tags": [{"key": "ecsaudit:ignore", "value": "EA101, EA102"}]});
        assert!(inline_suppression(&props, "EA101").is_none());
        let props = serde_json::json!({"tags": [
            {"key": "ecsaudit:ignore", "value": "EA101,EA102"},
            {"key": "ecsaudit:ignore-reason", "value": "test fixture"}]});
        assert_eq!(
            inline_suppression(&props, "ea102").unwrap().reason,
            "test fixture"
        );
        assert!(inline_suppression(&props, "EA103").is_none());
    }
}
