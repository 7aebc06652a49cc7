//! Secret redaction: no credential the secret rules would flag is ever held in a graph.
//!
//! Every task definition is redacted as it enters a graph (files, live collection, a
//! saved graph read back): a value the secret rules classify as a credential — by its
//! format (an AWS key, a token, a URL with a password, a high-entropy string) or by the
//! name it is stored under (`DB_PASSWORD`, a `--password=...` argument, a secret-named
//! label or log option) — is replaced by a *redaction marker*:
//!
//! ```text
//! ecsaudit:redacted|an AWS access key id|AKIA…(20 chars)
//! ```
//!
//! holding the kind (empty when the name, not the value, made it a secret) and the short
//! preview `lib.redact` shows. What was found is listed as the task definition's
//! `derived.secrets` ([`found`]), which the secret rules read, so they report the same
//! findings, messages and fingerprints on a redacted graph as on the original, and
//! snapshots, `graph -o`, `collect -o` and `eval` never write the value. Values in other
//! fields are redacted when they match a credential format. The classification
//! (`classify.rs`) mirrors `policies/lib/secrets.rego` exactly; a parity test holds the two
//! together.

use serde_json::Value;

mod classify;
mod found;

use classify::*;
pub use classify::{
    name_suggests_secret, placeholder, trivial_value, value_kind, DEFAULT_NAME_TOKENS,
    HIGH_ENTROPY, URL_CREDENTIALS,
};
pub use found::found;

/// What every redaction marker starts with.
pub const MARKER_PREFIX: &str = "ecsaudit:redacted|";

/// What decides which values are secrets: the name tokens of environment variables (the
/// built-in ones plus EA101's `extra_name_tokens` from the config).
#[derive(Debug, Clone)]
pub struct Redactor {
    env_tokens: Vec<String>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::with_extra_tokens(Vec::new())
    }
}

impl Redactor {
    /// The built-in tokens plus `extra` (as EA101 matches them: against the upper-cased
    /// name, the tokens as given).
    pub fn with_extra_tokens(extra: Vec<String>) -> Self {
        let mut env_tokens: Vec<String> =
            DEFAULT_NAME_TOKENS.iter().map(|t| t.to_string()).collect();
        env_tokens.extend(extra);
        Redactor { env_tokens }
    }

    /// Redact a node's properties in place: a task definition in full, any other kind by
    /// credential formats. Returns how many values were replaced.
    pub fn redact_node(&self, kind: &str, properties: &mut Value) -> usize {
        if kind == super::kind::TASK_DEFINITION {
            self.redact_task_definition(properties)
        } else {
            redact_formats(properties)
        }
    }

    /// Redact a task definition's properties in place; returns how many values were
    /// replaced by markers.
    pub fn redact_task_definition(&self, td: &mut Value) -> usize {
        let mut n = 0;
        if let Some(containers) = td
            .get_mut("containerDefinitions")
            .and_then(Value::as_array_mut)
        {
            for c in containers.iter_mut() {
                n += self.redact_container(c);
            }
        }
        n + redact_formats(td)
    }

    fn redact_container(&self, c: &mut Value) -> usize {
        let Some(c) = c.as_object_mut() else {
            return 0;
        };
        let mut n = 0;
        if let Some(env) = c.get_mut("environment").and_then(Value::as_array_mut) {
            for e in env.iter_mut().filter_map(Value::as_object_mut) {
                // Decided on the entry as it is, then written: no copy of the name.
                let name = e.get("name").and_then(Value::as_str);
                let new = e.get("value").and_then(Value::as_str).and_then(|v| {
                    replacement(v, value_kind, |s| {
                        name.is_some_and(|name| {
                            name_suggests_secret(name, &self.env_tokens) && !trivial_value(s)
                        })
                    })
                });
                if let Some(new) = new {
                    e.insert("value".into(), Value::String(new));
                    n += 1;
                }
            }
        }
        for field in ["command", "entryPoint"] {
            if let Some(args) = c.get_mut(field).and_then(Value::as_array_mut) {
                for arg in args.iter_mut() {
                    n += redact_with(arg, secret_option_arg);
                }
            }
        }
        if let Some(labels) = c.get_mut("dockerLabels").and_then(Value::as_object_mut) {
            n += redact_map(labels);
        }
        if let Some(options) = c
            .get_mut("logConfiguration")
            .and_then(|l| l.get_mut("options"))
            .and_then(Value::as_object_mut)
        {
            n += redact_map(options);
        }
        // Credentials by nature: a repository credential that is not a reference (an
        // ARN) is the credential itself.
        if let Some(p) = c
            .get_mut("repositoryCredentials")
            .and_then(|r| r.get_mut("credentialsParameter"))
        {
            n += redact_with(p, |s| !s.starts_with("arn:"));
        }
        n
    }
}

/// Label and log-option maps: by value, or a secret-named key (dashes read as
/// underscores) with a value that is not trivial.
fn redact_map(map: &mut serde_json::Map<String, Value>) -> usize {
    map.iter_mut()
        .map(|(k, v)| {
            redact_with(v, |s| {
                name_suggests_secret(&k.replace('-', "_"), &DEFAULT_NAME_TOKENS)
                    && !trivial_value(s)
            })
        })
        .sum()
}

/// What string `s` becomes, if anything: a marker already there in its normal form, or a
/// marker when `kind_of(s)` gives a kind or else `by_name(s)` says it is a secret.
fn replacement(
    s: &str,
    kind_of: fn(&str) -> Option<&'static str>,
    by_name: impl Fn(&str) -> bool,
) -> Option<String> {
    match normal_marker(s) {
        Some(m) => (m != s).then_some(m),
        None => match kind_of(s) {
            Some(kind) => Some(marker(kind, s)),
            None => by_name(s).then(|| marker("", s)),
        },
    }
}

/// Replace string `v` by a marker when its value has a credential kind, or else when
/// `by_name(v)` says it is a secret; a marker already there is kept in its normal form.
/// Returns 1 when `v` was changed.
fn redact_with(v: &mut Value, by_name: impl Fn(&str) -> bool) -> usize {
    let Value::String(s) = v else {
        return 0;
    };
    match replacement(s, value_kind, by_name) {
        Some(new) => {
            *s = new;
            1
        }
        None => 0,
    }
}

/// Redact, anywhere in `v`, strings that match a credential format (not high entropy:
/// digests and ids look random too). Keys are left as they are.
pub fn redact_formats(v: &mut Value) -> usize {
    match v {
        Value::String(s) => match replacement(s, format_kind, |_| false) {
            Some(new) => {
                *s = new;
                1
            }
            None => 0,
        },
        Value::Array(a) => a.iter_mut().map(redact_formats).sum(),
        Value::Object(o) => o.values_mut().map(redact_formats).sum(),
        _ => 0,
    }
}

/// The marker that stands for `original` (`kind` empty when it is a secret by name).
pub fn marker(kind: &str, original: &str) -> String {
    format!("{MARKER_PREFIX}{kind}|{}", redact(original))
}

/// `(kind, preview)` of a string that starts like a marker: a kind the rules do not
/// know counts as empty, as in Rego's `redacted_kind`.
pub fn parse_marker(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix(MARKER_PREFIX)?;
    Some(match rest.split_once('|') {
        Some((kind, preview)) if known_kind(kind) => (kind, preview),
        _ => ("", rest),
    })
}

/// A string that starts like a marker, as a well-formed marker: its kind known (or
/// empty) and its preview one [`redact`] could have written. Whatever follows the prefix
/// of a forged or damaged marker is itself redacted, so a marker never carries a value.
fn normal_marker(s: &str) -> Option<String> {
    let (kind, preview) = parse_marker(s)?;
    let preview = if valid_preview(preview) {
        preview.to_string()
    } else {
        redact(preview)
    };
    Some(format!("{MARKER_PREFIX}{kind}|{preview}"))
}

fn known_kind(kind: &str) -> bool {
    kind.is_empty()
        || kind == HIGH_ENTROPY
        || kind == URL_CREDENTIALS
        || FORMATS.iter().any(|(k, _, _)| *k == kind)
}

/// A preview as [`redact`] writes it: at most 4 characters of the value, then its length.
fn valid_preview(p: &str) -> bool {
    let (shown, len) = match p.strip_prefix("****(") {
        Some(rest) => ("", rest),
        None => match p.split_once("…(") {
            Some((shown, rest)) => (shown, rest),
            None => return false,
        },
    };
    let Some(n) = len
        .strip_suffix(" chars)")
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<usize>().ok())
    else {
        return false;
    };
    let expected = if n >= 16 {
        4
    } else if n >= 8 {
        2
    } else {
        0
    };
    shown.chars().count() == expected && (expected > 0 || p.starts_with("****("))
}

/// What `lib.redact` shows of `s`: a marker's preview, else [`redact`].
pub fn redact_preview(s: &str) -> String {
    match s.strip_prefix(MARKER_PREFIX) {
        Some(rest) if rest.contains('|') => rest
            .split_once('|')
            .map_or(String::new(), |(_, p)| p.to_string()),
        _ => redact(s),
    }
}

/// Never show a secret in full: a short prefix and the length.
pub fn redact(s: &str) -> String {
    let n = s.chars().count();
    let keep = if n >= 16 {
        4
    } else if n >= 8 {
        2
    } else {
        return format!("****({n} chars)");
    };
    let shown: String = s.chars().take(keep).collect();
    format!("{shown}…({n} chars)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_and_names_are_redacted_with_previews() {
        let mut td = json!({"containerDefinitions": [{
            "name": "app",
            "environment": [
                {"name": "AWS_ACCESS_KEY_ID", "value": "AKIAIOSFODNN7EXAMPLE"},
                {"name": "DB_PASSWORD", "value": "hunter2hunter2"},
                {"name": "DB_PASSWORD_FILE", "value": "hunter2hunter2"},
                {"name": "PORT", "value": "8080"},
                {"name": "TOKEN", "value": "${TOKEN}"}
            ],
            "command": ["--db-password=s3cr3tvalue", "--port=80", "run"],
            "dockerLabels": {"api-token": "abcd1234efgh", "team": "core"},
            "logConfiguration": {"options": {"splunk-token": "00000000-1111-2222"}},
            "healthCheck": {"command": ["CMD-SHELL", "curl https://u:p4ss@example.com/"]}
        }]});
        let n = Redactor::default().redact_task_definition(&mut td);
        let c = &td["containerDefinitions"][0];
        assert_eq!(
            c["environment"][0]["value"],
            "ecsaudit:redacted|an AWS access key id|AKIA…(20 chars)"
        );
        assert_eq!(
            c["environment"][1]["value"],
            "ecsaudit:redacted||hu…(14 chars)"
        );
        assert_eq!(c["environment"][2]["value"], "hunter2hunter2");
        assert_eq!(c["environment"][3]["value"], "8080");
        assert_eq!(c["environment"][4]["value"], "${TOKEN}");
        assert_eq!(c["command"][0], "ecsaudit:redacted||--db…(25 chars)");
        assert_eq!(c["command"][1], "--port=80");
        assert_eq!(
            c["dockerLabels"]["api-token"],
            "ecsaudit:redacted||ab…(12 chars)"
        );
        assert_eq!(c["dockerLabels"]["team"], "core");
        // Digits and dashes only: trivial, so not a secret by name.
        assert_eq!(
            c["logConfiguration"]["options"]["splunk-token"],
            "00000000-1111-2222"
        );
        assert_eq!(
            c["healthCheck"]["command"][1],
            "ecsaudit:redacted|a URL with embedded credentials|curl…(32 chars)"
        );
        assert_eq!(n, 5);
        // Redacting again changes nothing.
        let again = td.clone();
        assert_eq!(Redactor::default().redact_task_definition(&mut td), 0);
        assert_eq!(td, again);
    }

    #[test]
    fn forged_markers_cannot_carry_a_value() {
        let mut v = json!("ecsaudit:redacted||AKIAIOSFODNN7EXAMPLE-and-more");
        assert_eq!(redact_with(&mut v, |_| false), 1);
        assert_eq!(v, "ecsaudit:redacted||AKIA…(29 chars)");
        // An unknown kind counts as empty: what follows the prefix is the preview.
        let mut v = json!("ecsaudit:redacted|made up|AKIAIOSFODNN7EXAMPLE");
        assert_eq!(redact_formats(&mut v), 1);
        assert_eq!(v, "ecsaudit:redacted||made…(28 chars)");
        assert_eq!(
            value_kind("ecsaudit:redacted|a Slack token|xoxb…(40 chars)"),
            Some("a Slack token")
        );
        assert_eq!(value_kind("ecsaudit:redacted||xoxb…(40 chars)"), None);
        for ok in ["AKIA…(20 chars)", "hu…(14 chars)", "****(5 chars)"] {
            assert!(valid_preview(ok), "{ok}");
        }
        for bad in [
            "AKIAI…(20 chars)",
            "hu…(20 chars)",
            "****(20 chars)",
            "abc",
            "x…(3 chars)",
        ] {
            assert!(!valid_preview(bad), "{bad}");
        }
    }

    #[test]
    fn previews_count_characters() {
        assert_eq!(redact("pässwörd-très-secret"), "päss…(20 chars)");
        assert_eq!(redact("abc"), "****(3 chars)");
        assert_eq!(redact("abcdefgh"), "ab…(8 chars)");
    }

    #[test]
    fn entropy_table_matches_rego() {
        // Values of the Rego table.
        assert_eq!(nlog2n(3), 4.754888);
        assert_eq!(nlog2n(255), 2038.560126);
        assert_eq!(nlog2n(256), 2048.0);
    }
}
