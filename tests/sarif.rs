//! SARIF output: validates against the official SARIF 2.1.0 schema (vendored in
//! tests/data), follows GitHub code scanning's upload rules, and matches a golden file.

use assert_cmd::Command;
use serde_json::Value;

fn sarif(args: &[&str]) -> Value {
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .args(["scan", "--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn validate(doc: &Value) {
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
}

/// GitHub code scanning's documented upload rules.
fn github_rules(doc: &Value) {
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif"));
    let runs = doc["runs"].as_array().unwrap();
    let categories: std::collections::BTreeSet<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(categories.len(), runs.len(), "one category per run");
    for run in runs {
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for rule in rules {
            for key in [
                "id",
                "name",
                "shortDescription",
                "fullDescription",
                "help",
                "helpUri",
            ] {
                assert!(!rule[key].is_null(), "rule lacks {key}: {rule:#}");
            }
            let tags = rule["properties"]["tags"].as_array().unwrap();
            if tags.iter().any(|t| t == "security") {
                let score: f64 = rule["properties"]["security-severity"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((0.1..=10.0).contains(&score));
            }
        }
        for result in run["results"].as_array().unwrap() {
            let idx = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[idx]["id"], result["ruleId"]);
            let locs = result["locations"].as_array().unwrap();
            assert!(
                !locs.is_empty(),
                "GitHub rejects results without a location"
            );
            let uri = locs[0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(
                !uri.is_empty() && !uri.contains(':') && !uri.starts_with('/'),
                "relative file URI: {uri}"
            );
            assert!(
                locs[0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
                    >= 1
            );
            assert!(
                result["partialFingerprints"]["ecsaudit/v1"]
                    .as_str()
                    .unwrap()
                    .len()
                    == 32
            );
            assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn sarif_validates_and_follows_github_rules() {
    let doc = sarif(&["examples"]);
    validate(&doc);
    github_rules(&doc);
    let run = &doc["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "ecsaudit/files/");
    assert!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len() >= 29,
        "every rule that ran"
    );
    let suppressed: Vec<&Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(
        suppressed.len(),
        1,
        "inline-suppressed finding is kept, marked suppressed"
    );
    let first = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "EA101")
        .unwrap();
    let loc = &first["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "examples/flawed/legacy-ec2.json"
    );
    assert_eq!(loc["region"]["startLine"], 17);
    assert_eq!(first["locations"][0]["logicalLocations"][1]["name"], "api");
}

#[test]
fn sarif_with_errors_validates_and_reports_notifications() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.json"), "{\"family\": ").unwrap();
    let doc = sarif(&[
        dir.path().to_str().unwrap(),
        "--source-root",
        dir.path().to_str().unwrap(),
    ]);
    validate(&doc);
    github_rules(&doc);
    let inv = &doc["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bad.json"
    );
}

#[test]
fn sarif_golden() {
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .args(["scan", "--format", "sarif", "examples/flawed"])
        .output()
        .unwrap();
    let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .replace(&cwd.to_string_lossy().to_string(), "[ROOT]")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    insta::assert_snapshot!("flawed_sarif", text);
}
