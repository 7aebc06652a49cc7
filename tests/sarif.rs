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

/// A graph collected from the moto scenario of tests/aws/seed.py (see tests/data/README.md).
const LIVE_GRAPH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/live-graph.json");

#[test]
fn live_audit_sarif_points_at_snapshot_lines() {
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        Command::cargo_bin("ecsaudit")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "scan",
                "--graph",
                LIVE_GRAPH,
                "-f",
                "sarif",
                "--fail-on",
                "none",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    // Without snapshots: results have no file, so they are left out and we say why.
    let out = run(&[]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&doc);
    assert!(doc["runs"][0]["results"].as_array().unwrap().is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--snapshot-dir"));

    let out = run(&["--snapshot-dir", "snapshots"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&doc);
    github_rules(&doc);
    let run0 = &doc["runs"][0];
    assert_eq!(
        run0["automationDetails"]["id"],
        "ecsaudit/aws/123456789012/us-east-1/"
    );
    let results = run0["results"].as_array().unwrap();
    assert!(results.len() >= 9, "{}", results.len());
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("snapshots/123456789012/"), "{uri}");
        let text = std::fs::read_to_string(dir.path().join(uri)).unwrap();
        let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
        assert!(line >= 1 && line <= text.lines().count(), "{uri}:{line}");
        // Relational findings point at the field they are about.
        if r["ruleId"] == "EA906" {
            let at = text.lines().nth(line - 1).unwrap();
            assert!(at.contains("\"securityGroups\""), "{uri}:{line}: {at}");
        }
    }
    // A second run rewrites nothing and removes stale files.
    let stale = dir
        .path()
        .join("snapshots/123456789012/us-east-1/service/gone.json");
    std::fs::write(&stale, "{}\n").unwrap();
    let again = run(&["--snapshot-dir", "snapshots"]);
    let doc2: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(doc2["runs"][0]["results"], doc["runs"][0]["results"]);
    assert!(!stale.exists(), "stale snapshot removed");
}

/// Input errors that parsers place at column 0 (serde_json at the start of a line) still
/// give SARIF regions that start at 1, as the schema requires and GitHub checks.
#[test]
fn notification_regions_start_at_one() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"family\": \"broken\", \n").unwrap();
    let doc = sarif(&[broken.to_str().unwrap()]);
    validate(&doc);
    let n = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(
        n["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    assert_eq!(
        n["locations"][0]["physicalLocation"]["region"]["startColumn"],
        1
    );
    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}
