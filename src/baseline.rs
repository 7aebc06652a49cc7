//! `--baseline PREVIOUS`: compare a scan with an earlier report (SARIF or JSON) by
//! fingerprint, so scheduled audits report only what is new and say what was fixed.

use crate::findings::Findings;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// How this scan compares with the baseline.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct BaselineSummary {
    /// The baseline file, as given.
    pub file: String,
    /// Findings not in the baseline (the ones reported).
    pub new: usize,
    /// Findings also in the baseline (not reported).
    pub unchanged: usize,
    /// Baseline findings no longer found.
    pub fixed: usize,
}

/// Fingerprints in a previous ecsaudit report: SARIF (`partialFingerprints`) or JSON
/// (`findings[].fingerprint`). Suppressed results count as present.
pub fn fingerprints(text: &str) -> Result<BTreeSet<String>, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("{}:{}: baseline is not JSON: {e}", e.line(), e.column()))?;
    let mut out = BTreeSet::new();
    if let Some(runs) = v.get("runs").and_then(Value::as_array) {
        for run in runs {
            for r in run
                .get("results")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(fp) = r
                    .pointer(&format!(
                        "/partialFingerprints/{}",
                        crate::findings::FINGERPRINT_KEY.replace('/', "~1")
                    ))
                    .and_then(Value::as_str)
                {
                    out.insert(fp.to_string());
                }
            }
        }
        return Ok(out);
    }
    if let Some(findings) = v.get("findings").and_then(Value::as_array) {
        for f in findings {
            if let Some(fp) = f.get("fingerprint").and_then(Value::as_str) {
                out.insert(fp.to_string());
            }
        }
        return Ok(out);
    }
    Err("baseline is neither an ecsaudit SARIF file (runs[].results) nor an ecsaudit JSON report (findings[])".into())
}

/// Keep only findings new since `baseline`; count unchanged and fixed ones.
pub fn apply(findings: &mut Findings, baseline: &BTreeSet<String>, file: &str) -> BaselineSummary {
    let now: BTreeSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
    let fixed = baseline
        .iter()
        .filter(|fp| !now.contains(fp.as_str()))
        .count();
    let before = findings.len();
    findings.retain(|f| !baseline.contains(&f.fingerprint));
    BaselineSummary {
        file: file.to_string(),
        new: findings.len(),
        unchanged: before - findings.len(),
        fixed,
    }
}
