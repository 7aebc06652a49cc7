//! Task-level `cpu` and `memory` values as AWS accepts them ("1024", "1 vCPU", "2 GB",
//! 512) in whole CPU units and MiB, so policies compare numbers, not spellings.

use serde_json::Value;

fn number_and_unit(v: &Value) -> Option<(f64, String)> {
    match v {
        Value::Number(n) => Some((n.as_f64()?, String::new())),
        Value::String(s) => {
            let s = s.trim();
            let split = s
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(s.len());
            let num: f64 = s[..split].parse().ok()?;
            Some((num, s[split..].trim().to_ascii_lowercase()))
        }
        _ => None,
    }
}

fn whole(x: f64) -> Option<i64> {
    (x.is_finite() && x >= 0.0 && x.fract().abs() < 1e-9).then_some(x as i64)
}

/// CPU units (1024 = 1 vCPU) from a task-level `cpu` value.
pub fn cpu_units(v: &Value) -> Option<i64> {
    let (n, unit) = number_and_unit(v)?;
    match unit.as_str() {
        "" => whole(n),
        "vcpu" | "vcpus" => whole(n * 1024.0),
        _ => None,
    }
}

/// MiB from a task-level `memory` value.
pub fn memory_mib(v: &Value) -> Option<i64> {
    let (n, unit) = number_and_unit(v)?;
    match unit.as_str() {
        "" | "mb" | "mib" => whole(n),
        "gb" | "gib" => whole(n * 1024.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spellings() {
        assert_eq!(cpu_units(&json!("1024")), Some(1024));
        assert_eq!(cpu_units(&json!("0.25 vCPU")), Some(256));
        assert_eq!(cpu_units(&json!(512)), Some(512));
        assert_eq!(cpu_units(&json!("lots")), None);
        assert_eq!(memory_mib(&json!("2 GB")), Some(2048));
        assert_eq!(memory_mib(&json!("0.5GB")), Some(512));
        assert_eq!(memory_mib(&json!("3072")), Some(3072));
        assert_eq!(memory_mib(&json!("1.5 MB")), None);
    }
}
