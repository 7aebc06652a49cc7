//! Helpers shared by integration tests.

use ecsaudit::policy::engine::PolicyEngine;
use ecsaudit::policy::{self, PolicySet};

/// The built-in pack, loaded as `scan` loads it (no diagnostics allowed).
#[allow(dead_code)]
pub fn builtin_engine() -> PolicyEngine {
    let (set, diags) = PolicySet::from_sources(policy::builtin_sources());
    assert!(diags.is_empty(), "{diags:#?}");
    let (engine, diags) = PolicyEngine::new(&set, &policy::default_params(&set));
    assert!(diags.is_empty(), "{diags:#?}");
    engine
}

/// `rule resource file:line:column` of every finding of a JSON report, sorted.
#[allow(dead_code)]
pub fn located(report: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            format!(
                "{} {} {}:{}:{}",
                f["rule_id"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
                l["file"].as_str().unwrap_or("?"),
                l["line"],
                l["column"]
            )
        })
        .collect();
    out.sort();
    out
}

/// [`located`], for the findings of `rules` only.
#[allow(dead_code)]
pub fn located_of(report: &serde_json::Value, rules: &[&str]) -> Vec<String> {
    located(report)
        .into_iter()
        .filter(|l| rules.iter().any(|r| l.split(' ').next() == Some(*r)))
        .collect()
}

/// Whether a JSON report has the finding `rule resource file:line:column`.
#[allow(dead_code)]
pub fn has(report: &serde_json::Value, needle: &str) -> bool {
    located(report).iter().any(|l| l == needle)
}

/// The `errors[]` entries of a JSON report at `level`.
#[allow(dead_code)]
pub fn errors<'a>(report: &'a serde_json::Value, level: &str) -> Vec<&'a serde_json::Value> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["level"] == level)
        .collect()
}

/// Files of the shared IaC corpus whose task definitions are invalid for the ECS API,
/// read and found so: each is reported as `invalid-task-definition` at its line.
/// - KICS's JSON fixtures write parameter names as literal values
///   (`"ContainerPort": "AppContainerPort"`) or `Family` as an array;
/// - KICS's cfn-efs-transit-positive4 has an environment entry without `Value`;
/// - trivy-checks' examples have containers without `Name` (CloudFormation) or `image`
///   (Terraform).
#[allow(dead_code)]
pub const INVALID_CORPUS_FILES: &[&str] = &[
    "kics/cfn-admin-role-negative2.json",
    "kics/cfn-admin-role-positive2.json",
    "kics/cfn-cluster-not-encrypted-negative2.json",
    "kics/cfn-cluster-not-encrypted-positive3.json",
    "kics/cfn-empty-roles-negative2.json",
    "kics/cfn-empty-roles-positive2.json",
    "kics/cfn-no-tasks-negative2.json",
    "kics/cfn-no-tasks-positive2.json",
    "kics/cfn-open-ingress-negative2.json",
    "kics/cfn-open-ingress-positive3.json",
    "kics/cfn-open-ingress-positive4.json",
    "kics/cfn-efs-transit-positive4.yaml",
    "trivy/enable_in_transit_encryption-cfn-bad.yaml",
    "trivy/enable_in_transit_encryption-cfn-good.yaml",
    "trivy/no_plaintext_secrets-cfn-bad.yaml",
    "trivy/no_plaintext_secrets-cfn-good.yaml",
    "trivy/no_plaintext_secrets-tf-bad.tf",
    "trivy/no_plaintext_secrets-tf-good.tf",
];

/// The errors of a corpus scan that are not the known invalid task definitions.
#[allow(dead_code)]
pub fn unexplained_errors(report: &serde_json::Value) -> Vec<&serde_json::Value> {
    errors(report, "error")
        .into_iter()
        .filter(|e| {
            let file = e["location"]["file"].as_str().unwrap_or("");
            !(e["code"] == "invalid-task-definition"
                && INVALID_CORPUS_FILES.iter().any(|f| file.ends_with(f)))
        })
        .collect()
}
