//! What identifies a finding across runs: the semantic path of its pointer (array
//! elements named by their `name`/`containerName`/... rather than their index) and the
//! fingerprint made of it.

use super::*;

/// Replace array indices by element names where elements have one, so a fingerprint
/// survives reordering: `/containerDefinitions/1/environment/3` becomes
/// `/containerDefinitions/[web]/environment/[DB_PASSWORD]`.
pub fn semantic_path(properties: &Value, pointer: &str) -> String {
    walk(properties, pointer).0
}

/// Name of the container a pointer points into.
#[cfg(test)]
pub(super) fn container_of(properties: &Value, pointer: &str) -> Option<String> {
    walk(properties, pointer).1
}

/// One walk down `pointer`: its semantic path, and the name of the container it points
/// into (`/containerDefinitions/<i>/...` with a string `name`).
pub(super) fn walk(properties: &Value, pointer: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(pointer.len() + 16);
    let mut container = None;
    let mut cur = Some(properties);
    for (depth, raw) in pointer.split('/').skip(1).enumerate() {
        let tok = unescape_token(raw);
        let next = cur.and_then(|v| match v {
            Value::Array(a) => tok.parse::<usize>().ok().and_then(|i| a.get(i)),
            Value::Object(o) => o.get(tok.as_ref()),
            _ => None,
        });
        out.push('/');
        let name = match (cur, next) {
            (Some(Value::Array(_)), Some(Value::Object(o))) => element_name(o),
            _ => None,
        };
        match name {
            Some((rank, Value::String(s))) => {
                if rank == 0 && depth == 1 && out == "/containerDefinitions/" {
                    container = Some(s.clone());
                }
                out.push('[');
                out.push_str(s);
                out.push(']');
            }
            Some((_, other)) => {
                out.push('[');
                out.push_str(&other.to_string());
                out.push(']');
            }
            None => out.push_str(&tok),
        }
        cur = next;
    }
    (out, container)
}

/// What names an array element: the first of `name`, `sourceVolume`, `containerPort`
/// and `key` it has, with its rank in that list (one pass over its fields, not a lookup
/// per candidate).
pub(super) fn element_name(o: &serde_json::Map<String, Value>) -> Option<(usize, &Value)> {
    const NAMES: [&str; 4] = ["name", "sourceVolume", "containerPort", "key"];
    let mut best: Option<(usize, &Value)> = None;
    for (k, v) in o {
        if let Some(rank) = NAMES.iter().position(|n| n == k) {
            if best.is_none_or(|(b, _)| rank < b) {
                best = Some((rank, v));
                if rank == 0 {
                    break;
                }
            }
        }
    }
    best
}

/// The key a finding's fingerprint goes under: SARIF `partialFingerprints`, and
/// what a baseline file is read by.
pub const FINGERPRINT_KEY: &str = "ecsaudit/v1";

/// Fingerprint from identity: rule id, resource identity and the semantic path of the
/// value (see [`semantic_path`]).
pub(super) fn fingerprint(rule_id: &str, node: &Node, path: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [rule_id, "\u{0}", &node.identity, "\u{0}", path] {
        hasher.update(part.as_bytes());
    }
    hex16(&hasher.finalize())
}

/// The first 16 bytes of a digest, in hex.
pub(super) fn hex16(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for b in digest.iter().take(16) {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}
