//! `derived.secrets`: what the redaction found, for the secret rules.

use super::*;

/// The secrets of a redacted task definition, as `derived.secrets`: one entry per
/// redaction marker in the fields the secret rules read (environment values, `command`
/// and `entryPoint` arguments, Docker labels, log-driver options), in container and
/// field order (map entries by key):
/// `{container, field, index | key, name (environment only), kind, preview, pointer}`.
/// `kind` is what the marker records (empty when the name made the value a secret),
/// `preview` what `lib.redact` shows, `pointer` the value's JSON pointer. Rules iterate
/// these instead of classifying every value again; `lib.testing.derive` builds the same
/// list from plain values in Rego tests.
pub fn found(td: &Value) -> Value {
    let mut out = Vec::new();
    let containers = td.get("containerDefinitions").and_then(Value::as_array);
    for (i, c) in containers.into_iter().flatten().enumerate() {
        let at = |rest: &str| format!("/containerDefinitions/{i}/{rest}");
        let env = c.get("environment").and_then(Value::as_array);
        for (j, e) in env.into_iter().flatten().enumerate() {
            let value = e.get("value").and_then(Value::as_str);
            if let Some(mut entry) = value.and_then(found_entry) {
                entry.insert("container".into(), i.into());
                entry.insert("field".into(), "environment".into());
                entry.insert("index".into(), j.into());
                let name = e.get("name").filter(|n| n.is_string());
                entry.insert("name".into(), name.cloned().unwrap_or(Value::Null));
                entry.insert(
                    "pointer".into(),
                    at(&format!("environment/{j}/value")).into(),
                );
                out.push(Value::Object(entry));
            }
        }
        for field in ["command", "entryPoint"] {
            let args = c.get(field).and_then(Value::as_array);
            for (j, arg) in args.into_iter().flatten().enumerate() {
                if let Some(mut entry) = arg.as_str().and_then(found_entry) {
                    entry.insert("container".into(), i.into());
                    entry.insert("field".into(), field.into());
                    entry.insert("index".into(), j.into());
                    entry.insert("pointer".into(), at(&format!("{field}/{j}")).into());
                    out.push(Value::Object(entry));
                }
            }
        }
        let options = c.get("logConfiguration").and_then(|l| l.get("options"));
        let maps = [
            ("dockerLabels", "dockerLabels", c.get("dockerLabels")),
            (
                "logConfiguration.options",
                "logConfiguration/options",
                options,
            ),
        ];
        for (field, path, map) in maps {
            let Some(map) = map.and_then(Value::as_object) else {
                continue;
            };
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for key in keys {
                if let Some(mut entry) = map[key].as_str().and_then(found_entry) {
                    let token = crate::json_index::escape_token(key);
                    entry.insert("container".into(), i.into());
                    entry.insert("field".into(), field.into());
                    entry.insert("key".into(), key.as_str().into());
                    entry.insert("pointer".into(), at(&format!("{path}/{token}")).into());
                    out.push(Value::Object(entry));
                }
            }
        }
    }
    Value::Array(out)
}

/// `{kind, preview}` of a marker; `None` for any other string.
pub(super) fn found_entry(s: &str) -> Option<serde_json::Map<String, Value>> {
    let (kind, _) = parse_marker(s)?;
    let mut m = serde_json::Map::with_capacity(7);
    m.insert("kind".into(), kind.into());
    m.insert("preview".into(), redact_preview(s).into());
    Some(m)
}
