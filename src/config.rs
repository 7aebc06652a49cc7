//! `ecsaudit.toml`: rule selection, severity overrides, rule parameters, extra policy
//! directories, fail-on and suppressions. The file is read once and validated into a
//! typed [`Config`] (severities parsed, suppression globs compiled, dates checked); every
//! error names `file:line:col` from the TOML parser's spans.

use crate::diagnostics::{Diagnostic, Location};
use crate::policy::metadata::{RuleMeta, Severity, Threshold};
use crate::policy::PolicySet;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Largest config file read (a config is a few kilobytes; a device or a huge file is an
/// error, not an unbounded read).
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// Longest suppression `resource` glob accepted (globset panicked on 146k characters).
const MAX_GLOB_CHARS: usize = 1024;

/// Longest string a rule parameter may hold (rules match them as globs and patterns).
const MAX_PARAMETER_CHARS: usize = 1024;

/// Default config file name, looked up in the working directory.
pub const FILE_NAME: &str = "ecsaudit.toml";

/// Which rules run (`[rules]`).
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    /// Rule ids to turn off.
    pub disable: Vec<String>,
    /// Tags whose rules are turned off.
    pub disable_tags: Vec<String>,
    /// When set, only rules with one of these tags run.
    pub enable_tags: Vec<String>,
}

/// One `[[suppressions]]` entry, validated: a rule (or `*`) on resources matching a
/// compiled glob, with its reason and expiry date.
#[derive(Debug, Clone)]
pub struct SuppressionRule {
    /// Rule id, or `*` for every rule.
    pub rule: String,
    /// The glob as written (for messages).
    pub pattern: String,
    /// Matched against the family, resource name, ARN, node id and file path.
    pub glob: globset::GlobMatcher,
    pub reason: String,
    /// `YYYY-MM-DD`: from that day on the suppression stops suppressing.
    pub expires: Option<String>,
    /// Where the entry is written (its `resource`).
    pub at: Location,
}

/// A value from the file and where it is written.
#[derive(Debug, Clone)]
struct Located<T> {
    value: T,
    at: Location,
}

/// The config, validated.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Path the config was read from (for messages).
    pub path: Option<String>,
    /// Today's date `YYYY-MM-DD` (overridable for tests through `ECSAUDIT_TODAY`).
    pub today: String,
    /// `fail_on`, when the file sets it.
    pub fail_on: Option<Threshold>,
    /// Extra policy directories (relative ones resolved against the config's directory).
    pub policy_dirs: Vec<PathBuf>,
    pub rules: RuleSelection,
    /// Severity overrides by rule id.
    pub severity: BTreeMap<String, Severity>,
    pub suppressions: Vec<SuppressionRule>,
    /// Rule ids named anywhere (checked against the loaded rules by `resolve_params`).
    rule_ids: Vec<Located<String>>,
    /// Rule parameters by rule id, then name (the location is the name's).
    parameters: BTreeMap<String, BTreeMap<String, Located<toml::Value>>>,
}

/// The file as written: what serde reads, with spans for every value an error may name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    policy_dirs: Vec<PathBuf>,
    #[serde(default)]
    rules: RulesFile,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    parameters: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, toml::Value>>,
    #[serde(default)]
    suppressions: Vec<SuppressionFile>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    disable_tags: Vec<String>,
    #[serde(default)]
    enable_tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuppressionFile {
    rule: String,
    resource: Spanned<String>,
    reason: Spanned<String>,
    /// A TOML date or a `YYYY-MM-DD` string.
    #[serde(default)]
    expires: Option<Spanned<toml::Value>>,
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

/// Turns the parser's byte spans into `path:line:col`.
struct Positions<'a> {
    path: &'a str,
    text: &'a str,
    lines: crate::json_index::LineMap,
}

impl<'a> Positions<'a> {
    fn new(path: &'a str, text: &'a str) -> Self {
        Positions {
            path,
            text,
            lines: crate::json_index::LineMap::new(text),
        }
    }

    fn at(&self, offset: usize) -> Location {
        let (line, column) = self.lines.position(self.text, offset);
        Location::at(self.path, line, column)
    }

    fn of<T>(&self, s: &Spanned<T>) -> Location {
        self.at(s.span().start)
    }

    fn error(&self, s: &Spanned<impl Sized>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error("config-error", message).at(self.of(s))
    }
}

/// A suppression's `expires` as `YYYY-MM-DD`.
fn expiry_date(v: &toml::Value) -> Option<String> {
    let text = match v {
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

fn suppression(s: SuppressionFile, pos: &Positions) -> Result<SuppressionRule, Diagnostic> {
    let resource = s.resource.get_ref();
    if s.reason.get_ref().trim().is_empty() {
        return Err(pos.error(
            &s.reason,
            format!(
                "suppression of {} on {resource} needs a non-empty reason",
                s.rule
            ),
        ));
    }
    let chars = resource.chars().count();
    if chars > MAX_GLOB_CHARS {
        return Err(pos.error(
            &s.resource,
            format!(
                "suppression resource glob is {chars} characters; at most {MAX_GLOB_CHARS} are allowed"
            ),
        ));
    }
    let glob = globset::Glob::new(resource)
        .map_err(|e| pos.error(&s.resource, format!("bad resource glob: {e}")))?
        .compile_matcher();
    let expires =
        match &s.expires {
            None => None,
            Some(v) => Some(expiry_date(v.get_ref()).ok_or_else(|| {
                pos.error(v, "suppression `expires` must be a date like 2027-01-31")
            })?),
        };
    Ok(SuppressionRule {
        rule: s.rule,
        pattern: resource.clone(),
        glob,
        at: pos.of(&s.resource),
        reason: s.reason.into_inner(),
        expires,
    })
}

fn located(s: &Spanned<String>, pos: &Positions) -> Located<String> {
    Located {
        value: s.get_ref().clone(),
        at: pos.of(s),
    }
}

impl Config {
    /// Parse and validate config text; errors name `path:line:col`.
    pub fn parse(text: &str, path: &str) -> Result<Config, Diagnostic> {
        let pos = Positions::new(path, text);
        let file: File = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map_or(Location::at(path, 1, 1), |s| pos.at(s.start));
            Diagnostic::error("config-error", e.message().trim().to_string()).at(at)
        })?;
        let fail_on = match &file.fail_on {
            None => None,
            Some(f) => Some(Threshold::parse(f.get_ref()).ok_or_else(|| {
                let levels = "critical, high, medium, low, info or none";
                pos.error(f, format!("fail_on `{}` must be {levels}", f.get_ref()))
            })?),
        };
        let mut severities = BTreeMap::new();
        for (id, sev) in &file.severity {
            let parsed = Severity::parse(sev.get_ref()).ok_or_else(|| {
                let levels = "critical, high, medium, low or info";
                let (value, rule) = (sev.get_ref(), id.get_ref());
                pos.error(
                    sev,
                    format!("severity `{value}` for {rule} must be {levels}"),
                )
            });
            severities.insert(id.get_ref().clone(), parsed?);
        }
        let suppressions = file
            .suppressions
            .into_iter()
            .map(|s| suppression(s, &pos))
            .collect::<Result<Vec<_>, _>>()?;
        let rule_ids = file
            .rules
            .disable
            .iter()
            .chain(file.severity.keys())
            .chain(file.parameters.keys())
            .map(|id| located(id, &pos))
            .collect();
        let parameters = file
            .parameters
            .iter()
            .map(|(id, values)| {
                let values = values
                    .iter()
                    .map(|(name, v)| {
                        let value = Located {
                            value: v.clone(),
                            at: pos.of(name),
                        };
                        (name.get_ref().clone(), value)
                    })
                    .collect();
                (id.get_ref().clone(), values)
            })
            .collect();
        // Relative policy dirs are relative to the config file.
        let base = Path::new(path).parent().unwrap_or(Path::new(""));
        let policy_dirs = file.policy_dirs.iter().map(|d| base.join(d)).collect();
        Ok(Config {
            path: Some(path.to_string()),
            today: today(),
            fail_on,
            policy_dirs,
            rules: RuleSelection {
                disable: file
                    .rules
                    .disable
                    .iter()
                    .map(|d| d.get_ref().clone())
                    .collect(),
                disable_tags: file.rules.disable_tags,
                enable_tags: file.rules.enable_tags,
            },
            severity: severities,
            suppressions,
            rule_ids,
            parameters,
        })
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

    /// What decides which values are redacted from graphs: the built-in secret names
    /// plus EA101's `extra_name_tokens` (so a value the configured rule flags is never
    /// written either).
    pub fn redactor(&self) -> crate::graph::secrets::Redactor {
        let extra = self
            .parameters
            .get("EA101")
            .and_then(|p| p.get("extra_name_tokens"))
            .and_then(|p| p.value.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(toml::Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        crate::graph::secrets::Redactor::with_extra_tokens(extra)
    }

    /// Check rule ids and parameters against the loaded rules; return the effective
    /// `data.ecsaudit.params` (defaults overlaid by config).
    pub fn resolve_params(&self, set: &PolicySet) -> Result<Value, Vec<Diagnostic>> {
        let mut params = crate::policy::default_params(set);
        let mut errors: Vec<Diagnostic> = self
            .rule_ids
            .iter()
            .filter(|id| set.rule(&id.value).is_none())
            .map(|id| {
                let message = format!("unknown rule id `{}` (see `ecsaudit rules`)", id.value);
                Diagnostic::error("config-error", message).at(id.at.clone())
            })
            .collect();
        for (id, values) in &self.parameters {
            let Some(meta) = set.rule(id) else { continue };
            for (name, v) in values {
                match parameter_value(meta, name, &v.value) {
                    Ok(json) => params[meta.id.as_str()][name.as_str()] = json,
                    Err(message) => {
                        errors.push(Diagnostic::error("config-error", message).at(v.at.clone()))
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(params)
        } else {
            Err(errors)
        }
    }

    /// Whether a rule runs under `[rules]`.
    pub fn rule_enabled(&self, meta: &RuleMeta) -> bool {
        let r = &self.rules;
        if r.disable.iter().any(|d| d.eq_ignore_ascii_case(&meta.id)) {
            return false;
        }
        if meta.tags.iter().any(|t| r.disable_tags.contains(t)) {
            return false;
        }
        r.enable_tags.is_empty() || meta.tags.iter().any(|t| r.enable_tags.contains(t))
    }
}

/// A configured parameter value as JSON, if the rule declares it with a value of the
/// same type.
fn parameter_value(meta: &RuleMeta, name: &str, v: &toml::Value) -> Result<Value, String> {
    let id = &meta.id;
    let Some(decl) = meta.parameters.get(name) else {
        let names: Vec<&str> = meta.parameters.keys().map(String::as_str).collect();
        let names = if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        };
        return Err(format!(
            "rule {id} has no parameter `{name}` (it has: {names})"
        ));
    };
    let json = toml_to_json(v);
    if !same_json_type(&decl.default, &json) {
        return Err(format!(
            "parameter {id}.{name} must have the same type as its default {}",
            decl.default
        ));
    }
    if let Some(chars) = longest_string(&json).filter(|&n| n > MAX_PARAMETER_CHARS) {
        return Err(format!(
            "parameter {id}.{name} holds a string of {chars} characters; at most \
             {MAX_PARAMETER_CHARS} are allowed"
        ));
    }
    Ok(json)
}

/// Characters in the longest string anywhere in `v`.
fn longest_string(v: &Value) -> Option<usize> {
    match v {
        Value::String(s) => Some(s.chars().count()),
        Value::Array(items) => items.iter().filter_map(longest_string).max(),
        Value::Object(map) => map.values().filter_map(longest_string).max(),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line_col(d: &Diagnostic) -> (Option<u32>, Option<u32>) {
        let loc = d.location.as_ref().unwrap();
        (loc.line, loc.column)
    }

    #[test]
    fn unknown_key_is_positioned() {
        let e = Config::parse(
            "fail_on = \"high\"\n[rules]\ndisabel = [\"EA1\"]\n",
            "c.toml",
        )
        .unwrap_err();
        assert_eq!(line_col(&e), (Some(3), Some(1)));
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
        assert_eq!(line_col(&e), (Some(4), Some(10)));
        let e = Config::parse(
            "[[suppressions]]\nrule = \"EA1\"\nresource = \"x\"\nreason = \"r\"\nexpires = 12\n",
            "c.toml",
        )
        .unwrap_err();
        assert_eq!(line_col(&e), (Some(5), Some(11)));
    }

    /// Errors point at the value they are about, not at the first place its text
    /// appears in the file (a `high` in a comment, another rule's severity, a glob
    /// repeated in a later suppression).
    #[test]
    fn errors_point_at_the_value_itself() {
        let text = "# fail on high or worse\nfail_on = \"high\"\n[severity]\nEA101 = \"low\"\n\
                    EA102 = \"hgih\"\n";
        let e = Config::parse(text, "c.toml").unwrap_err();
        assert_eq!(line_col(&e), (Some(5), Some(9)), "{}", e.message);
        assert!(
            e.message.contains("severity `hgih` for EA102"),
            "{}",
            e.message
        );
        let text = "[[suppressions]]\nrule = \"EA1\"\nresource = \"web\"\nreason = \"r\"\n\n\
                    [[suppressions]]\nrule = \"EA2\"\nresource = \"web\"\nreason = \" \"\n";
        let e = Config::parse(text, "c.toml").unwrap_err();
        assert_eq!(line_col(&e), (Some(9), Some(10)), "{}", e.message);
        let e = Config::parse("fail_on = \"severe\"\n", "c.toml").unwrap_err();
        assert_eq!(line_col(&e), (Some(1), Some(11)));
        assert!(e.message.contains("or none"), "{}", e.message);
    }

    #[test]
    fn values_are_typed_once() {
        let text = "fail_on = \"none\"\npolicy_dirs = [\"rules\"]\n[severity]\nEA101 = \"LOW\"\n\
                    [[suppressions]]\nrule = \"*\"\nresource = \"legacy-*\"\nreason = \"r\"\n\
                    expires = 2027-01-31\n";
        let c = Config::parse(text, "conf/c.toml").unwrap();
        assert_eq!(c.fail_on, Some(Threshold::None));
        assert_eq!(c.severity["EA101"], Severity::Low);
        assert_eq!(c.policy_dirs, vec![PathBuf::from("conf/rules")]);
        let s = &c.suppressions[0];
        assert!(s.glob.is_match("legacy-api") && !s.glob.is_match("api"));
        assert_eq!(s.expires.as_deref(), Some("2027-01-31"));
        assert_eq!((s.at.line, s.at.column), (Some(7), Some(12)));
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
}
