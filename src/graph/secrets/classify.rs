//! What a value looks like: a credential format, a URL with a password, high entropy;
//! whether a name or a `--name=value` argument suggests a secret; trivial values and
//! placeholders. The Rego form is `policies/lib/secrets.rego` (a parity test holds them
//! together).

use super::*;
use regex::Regex;
use std::sync::LazyLock;

/// The kind `value_kind` gives a random-looking string.
pub const HIGH_ENTROPY: &str = "a high-entropy string";
/// The kind of a URL whose user-info holds a password.
pub const URL_CREDENTIALS: &str = "a URL with embedded credentials";

/// Credential formats: kind, literal markers (every match holds one), pattern. In the
/// order Rego sorts the kinds, so the first match is the kind Rego's `value_kind` gives.
pub(super) const FORMATS: [(&str, &[&str], &str); 8] = [
    (
        "a GitHub token",
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        r"(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    ("a Google API key", &["AIza"], r"AIza[0-9A-Za-z_-]{35}"),
    (
        "a JSON Web Token",
        &["eyJ"],
        r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    ),
    ("a Slack token", &["xox"], r"xox[abposr]-[A-Za-z0-9-]{10,}"),
    (
        "a Slack webhook URL",
        &["hooks.slack.com/services/T"],
        r"hooks\.slack\.com/services/T[A-Za-z0-9]+",
    ),
    (
        "a Stripe live key",
        &["_live_"],
        r"(sk|rk)_live_[A-Za-z0-9]{16,}",
    ),
    (
        "a private key (PEM)",
        &["-----BEGIN"],
        r"-----BEGIN[A-Z ]*PRIVATE KEY",
    ),
    (
        "an AWS access key id",
        &["AKIA", "ASIA", "ABIA", "ACCA"],
        r"(^|[^A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}([^A-Z0-9]|$)",
    ),
];

/// No format matches fewer characters: shorter values skip the regexes.
pub(super) const FORMAT_MIN_LENGTH: usize = 15;

pub(super) static FORMAT_REGEXES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    FORMATS
        .iter()
        .map(|(_, _, p)| Regex::new(p).expect("built-in pattern"))
        .collect()
});
pub(super) static URL_CREDENTIALS_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9+.-]*://[^/ \t\n\f\r:@]+:[^/ \t\n\f\r@]+@")
        .expect("built-in pattern")
});
pub(super) static URL_PLACEHOLDER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"://[^/ \t\n\f\r:@]+:(\$\{[^}]*\}|\{\{[^}]*\}\}|\*+|%s)@")
        .expect("built-in pattern")
});

/// Name tokens that suggest a secret (Rego: `default_name_tokens`).
pub const DEFAULT_NAME_TOKENS: [&str; 20] = [
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "SECRET_KEY",
    "CLIENT_SECRET",
    "CREDENTIAL",
    "AUTH_KEY",
    "AUTH_DATA",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "MASTER_KEY",
    "SESSION_KEY",
    "DSN",
    "CONNECTION_STRING",
];

/// Name suffixes that describe a secret rather than hold it (Rego: `default_safe_suffixes`).
pub(super) const SAFE_SUFFIXES: [&str; 42] = [
    "_FILE",
    "_PATH",
    "_DIR",
    "_NAME",
    "_ARN",
    "_ID",
    "_IDS",
    "_LENGTH",
    "_LEN",
    "_TTL",
    "_SECONDS",
    "_MINUTES",
    "_HOURS",
    "_DAYS",
    "_TIMEOUT",
    "_EXPIRY",
    "_EXPIRES",
    "_ENABLED",
    "_DISABLED",
    "_REQUIRED",
    "_HEADER",
    "_TYPE",
    "_REGION",
    "_VERSION",
    "_POLICY",
    "_URL_PATH",
    "_COUNT",
    "_SIZE",
    "_PARAM",
    "_PARAMETER",
    "_KEY_ID",
    "_ALGORITHM",
    "_FORMAT",
    "_PREFIX",
    "_SUFFIX",
    "_ROTATION",
    "_ROTATION_DAYS",
    "_SOURCE",
    "_PROVIDER",
    "_ENDPOINT",
    "_LOCATION",
    "_REF",
];

pub(super) const TRIVIAL_WORDS: [&str; 10] = [
    "true",
    "false",
    "yes",
    "no",
    "none",
    "null",
    "nil",
    "enabled",
    "disabled",
    "changeme_in_secrets_manager",
];

/// Characters of tokens, keys and base64 text (Rego: `token_chars`).
pub(super) const TOKEN_CHARS: &str =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.~";

/// What a string value looks like (Rego: `value_kind`): the first credential format it
/// matches, by name; else a high-entropy string; `None` when it looks like neither.
/// A marker has the kind it records.
pub fn value_kind(v: &str) -> Option<&'static str> {
    if let Some((kind, _)) = parse_marker(v) {
        return known_kind_static(kind);
    }
    let n = v.chars().count();
    if n < 8 {
        return None;
    }
    let mut kinds: Vec<&'static str> = Vec::new();
    if may_have_kind(v, n) {
        if n >= FORMAT_MIN_LENGTH && has_any_marker(v) {
            kinds.extend(
                FORMATS
                    .iter()
                    .zip(FORMAT_REGEXES.iter())
                    .filter(|((_, markers, _), re)| {
                        markers.iter().any(|m| v.contains(m)) && re.is_match(v)
                    })
                    .map(|((k, _, _), _)| *k),
            );
        }
        if url_with_credentials(v) {
            kinds.push(URL_CREDENTIALS);
        }
    }
    kinds.sort_unstable();
    kinds
        .first()
        .copied()
        .or_else(|| (n >= 20 && high_entropy(v)).then_some(HIGH_ENTROPY))
}

/// A marker's kind as the static string it is, `None` when empty.
pub(super) fn known_kind_static(kind: &str) -> Option<&'static str> {
    [HIGH_ENTROPY, URL_CREDENTIALS]
        .into_iter()
        .chain(FORMATS.iter().map(|(k, _, _)| *k))
        .find(|k| *k == kind)
}

/// [`value_kind`] without high entropy: the kinds that are credentials wherever they are.
pub(super) fn format_kind(v: &str) -> Option<&'static str> {
    value_kind(v).filter(|k| *k != HIGH_ENTROPY)
}

pub(super) fn has_any_marker(v: &str) -> bool {
    FORMATS
        .iter()
        .any(|(_, ms, _)| ms.iter().any(|m| v.contains(m)))
}

pub(super) fn may_have_kind(v: &str, n: usize) -> bool {
    if n >= FORMAT_MIN_LENGTH {
        has_any_marker(v) || v.contains("://")
    } else {
        v.contains("://")
    }
}

pub(super) fn url_with_credentials(v: &str) -> bool {
    v.contains("://")
        && v.contains('@')
        && URL_CREDENTIALS_RE.is_match(v)
        && !URL_PLACEHOLDER_RE.is_match(v)
}

/// A random-looking token (Rego: `high_entropy`).
pub(super) fn high_entropy(v: &str) -> bool {
    let n = v.chars().count();
    (20..=256).contains(&n)
        && v.chars().all(|c| TOKEN_CHARS.contains(c))
        && !v.starts_with('/')
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_lowercase())
        && v.bytes().any(|b| b.is_ascii_uppercase())
        && !v.to_lowercase().contains("abcdefgh")
        && !v.contains("01234567")
        && entropy(v) >= 4.0
}

/// `n * log2(n)` to six decimals, as Rego's `nlog2n` table holds it.
pub(super) fn nlog2n(n: usize) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let x = n as f64;
    (x * x.log2() * 1e6).round() / 1e6
}

/// Shannon entropy in bits per character of an ASCII string (Rego: `entropy`).
pub(super) fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 128];
    for b in s.bytes() {
        counts[usize::from(b & 0x7f)] += 1;
    }
    let n = s.len();
    let sum: f64 = counts.iter().filter(|c| **c > 0).map(|c| nlog2n(*c)).sum();
    (nlog2n(n) - sum) / n as f64
}

/// A value that cannot be a secret whatever its name says (Rego: `trivial_value`).
pub fn trivial_value(v: &str) -> bool {
    v.trim().chars().count() < 4
        || TRIVIAL_WORDS.contains(&v.to_lowercase().as_str())
        || ["arn:", "/", "file://"].iter().any(|p| v.starts_with(p))
        || placeholder(v)
        || v.chars().all(|c| "0123456789.:-".contains(c))
}

/// A template placeholder, filled in before deploy (Rego: `placeholder`): `${X}` or
/// `{{x}}` anywhere, or the whole value `$NAME` or `<ANY TEXT>`.
pub fn placeholder(v: &str) -> bool {
    let identifier =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    v.contains("${")
        || v.contains("{{")
        || v.strip_prefix('$').is_some_and(identifier)
        || (v.len() > 2
            && v.starts_with('<')
            && v.ends_with('>')
            && !v[1..v.len() - 1].contains(['<', '>']))
}

/// The upper-cased name holds a token and does not end in a safe suffix (Rego:
/// `name_suggests_secret`).
pub fn name_suggests_secret<T: AsRef<str>>(name: &str, tokens: &[T]) -> bool {
    let n = name.to_uppercase();
    tokens.iter().any(|t| n.contains(t.as_ref())) && !SAFE_SUFFIXES.iter().any(|s| n.ends_with(s))
}

/// A `--name=value` argument whose name suggests a secret and whose value is not trivial
/// (Rego: `secret_option_arg`).
pub(super) fn secret_option_arg(arg: &str) -> bool {
    if !arg.starts_with('-') {
        return false;
    }
    let Some((name, value)) = arg.trim_start_matches('-').split_once('=') else {
        return false;
    };
    name_suggests_secret(&name.replace('-', "_"), &DEFAULT_NAME_TOKENS) && !trivial_value(value)
}
