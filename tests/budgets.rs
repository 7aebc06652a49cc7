//! Hostile user policies: rules that never end are stopped at their budget, recursion and
//! exponential-to-parse nesting are refused at load, and the rest of the run goes on.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

/// A loop of 400 million steps: minutes in regorus' interpreter.
const FOREVER: &str = "count([x | some x in numbers.range(1, 20000); \
                       some y in numbers.range(1, 20000); x == y + 1]) < 0";

fn ecsaudit() -> Command {
    Command::cargo_bin("ecsaudit").unwrap()
}

/// A user rule `id` in package `pkg` whose body is `body` (a finding per node matched).
fn rule(dir: &Path, id: &str, pkg: &str, body: &str) {
    let text = format!(
        "# METADATA\n# title: {id}\n# description: d\n# custom:\n#   id: {id}\n\
         #   severity: low\n#   remediation: r\npackage ecsaudit.rules.{pkg}\n\n\
         import rego.v1\n\ndeny contains f if {{\n\tsome n in input.nodes\n{body}\n\
         \tf := {{\"resource\": n.id, \"message\": \"m\"}}\n}}\n"
    );
    std::fs::write(dir.join(format!("{pkg}.rego")), text).unwrap();
}

fn scan_json(args: &[&str]) -> (i32, Value, Duration) {
    let started = Instant::now();
    let out = ecsaudit()
        .args(["scan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), report, started.elapsed())
}

fn errors_with(report: &Value, code: &str) -> Vec<Value> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == code)
        .cloned()
        .collect()
}

fn rule_ids(report: &Value) -> Vec<&str> {
    let mut ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    ids.dedup();
    ids
}

#[test]
fn rules_that_never_end_are_stopped_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    // One loops on the sample graph every rule is tried on at load, one only on a
    // service (which the sample does not have), one is fine.
    rule(
        dir.path(),
        "U1",
        "at_load",
        &format!("\tn.kind == \"task_definition\"\n\t{FOREVER}"),
    );
    rule(
        dir.path(),
        "U2",
        "in_scan",
        &format!("\tn.kind == \"service\"\n\t{FOREVER}"),
    );
    rule(dir.path(), "U3", "fine", "\tn.kind == \"service\"");
    let policy = dir.path().to_str().unwrap();
    let (code, report, took) = scan_json(&["examples", "--policy", policy, "--rule-timeout", "2"]);
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert_eq!(code & 2, 2, "{report:#}");
    let stopped = errors_with(&report, "policy-eval-budget");
    let about = |id: &str| {
        stopped
            .iter()
            .find(|e| e["rule"] == id)
            .unwrap_or_else(|| panic!("no budget error for {id}: {stopped:#?}"))
    };
    for (id, file) in [("U1", "at_load.rego"), ("U2", "in_scan.rego")] {
        let e = about(id);
        assert!(
            e["location"]["file"].as_str().unwrap().ends_with(file),
            "{e:#}"
        );
        let message = e["message"].as_str().unwrap();
        assert!(message.contains("did not finish within 2 s"), "{message}");
    }
    assert_eq!(
        stopped.len(),
        2,
        "each stopped rule is reported once: {stopped:#?}"
    );
    let ids = rule_ids(&report);
    assert!(ids.contains(&"U3") && ids.contains(&"EA101"), "{ids:?}");
    assert!(!ids.contains(&"U2"));
    // JUnit: the stopped rule's checks are skipped cases, not a pass.
    let out = ecsaudit()
        .args(["scan", "examples/terraform", "--format", "junit"])
        .args(["--policy", policy, "--rule-timeout", "1"])
        .output()
        .unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    let suite = xml
        .split("<testsuite name=\"U2 ")
        .nth(1)
        .expect("a U2 suite");
    let suite = suite.split("</testsuite>").next().unwrap();
    assert!(
        suite.contains("<skipped message=\"rule U2 did not finish"),
        "{suite}"
    );
}

#[test]
fn recursion_and_deep_nesting_are_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let pol = dir.path();
    // A function calling itself overflowed regorus' stack and aborted the whole run.
    std::fs::write(
        pol.join("lib_rec.rego"),
        "package ecsaudit.userlib\n\nimport rego.v1\n\ng(x) := y if {\n\ty := g(x)\n}\n",
    )
    .unwrap();
    rule(pol, "U1", "uses_rec", "\tdata.ecsaudit.userlib.g(1) == 2");
    // Two rules of two files that read each other.
    rule(pol, "U2", "ping", "\tdata.ecsaudit.rules.pong.deny");
    rule(pol, "U3", "pong", "\tdata.ecsaudit.rules.ping.deny");
    // 24 levels of array literal took regorus 12 s to parse (doubling per level).
    let deep = format!(
        "\tx := {}1{}\n\tcount(x) == 1",
        "[".repeat(24),
        "]".repeat(24)
    );
    rule(pol, "U4", "deep", &deep);
    rule(pol, "U5", "fine", "\tn.kind == \"task_definition\"");
    let (code, report, took) = scan_json(&["examples/flawed", "--policy", pol.to_str().unwrap()]);
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert_eq!(code & 2, 2, "{report:#}");
    let recursion = errors_with(&report, "policy-recursion");
    let messages: Vec<&str> = recursion
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(recursion.len(), 2, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("g depends on itself (g -> g)")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("ecsaudit.rules.ping.deny -> ecsaudit.rules.pong.deny")),
        "{messages:#?}"
    );
    let g = recursion
        .iter()
        .find(|e| {
            e["location"]["file"]
                .as_str()
                .unwrap()
                .ends_with("lib_rec.rego")
        })
        .unwrap();
    assert_eq!(
        (
            g["location"]["line"].as_u64(),
            g["location"]["column"].as_u64()
        ),
        (Some(5), Some(1))
    );
    let nesting = errors_with(&report, "policy-parse-error");
    assert_eq!(nesting.len(), 1, "{nesting:#?}");
    assert!(nesting[0]["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("deep.rego"));
    assert_eq!(nesting[0]["location"]["line"], 14);
    assert!(nesting[0]["message"]
        .as_str()
        .unwrap()
        .contains("more than 16 deep"));
    let ids = rule_ids(&report);
    assert!(ids.contains(&"U5") && ids.contains(&"EA101"), "{ids:?}");
    for id in ["U2", "U3", "U4"] {
        assert!(!ids.contains(&id), "{id} was refused: {ids:?}");
    }
    // The test runner refuses the same files instead of aborting.
    ecsaudit()
        .args(["test", pol.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("g depends on itself"));
}

#[test]
fn tests_and_queries_are_bounded_too() {
    let dir = tempfile::tempdir().unwrap();
    let pol = dir.path();
    rule(pol, "U1", "fine", "\tn.kind == \"service\"");
    std::fs::write(
        pol.join("fine_test.rego"),
        format!(
            "package ecsaudit.rules.fine_test\n\nimport rego.v1\n\n\
             test_never_ends if {{\n\t{FOREVER}\n}}\n\n\
             test_passes if {{\n\tcount(data.ecsaudit.rules.fine.deny) == 0 with input as {{\"nodes\": []}}\n}}\n"
        ),
    )
    .unwrap();
    let started = Instant::now();
    let out = ecsaudit()
        .args([
            "test",
            pol.to_str().unwrap(),
            "--json",
            "--rule-timeout",
            "1",
        ])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1));
    let run: Value = serde_json::from_slice(&out.stdout).unwrap();
    let outcome = |name: &str| {
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no {name}: {run:#}"))
            .clone()
    };
    assert_eq!(outcome("test_passes")["outcome"], "pass");
    let stopped = outcome("test_never_ends");
    assert_eq!(stopped["outcome"], "error");
    assert!(stopped["detail"]
        .as_str()
        .unwrap()
        .contains("did not finish within 1 s"));

    let graph = pol.join("graph.json");
    ecsaudit()
        .args(["graph", "examples/flawed", "-o", graph.to_str().unwrap()])
        .assert()
        .code(0);
    let started = Instant::now();
    ecsaudit()
        .args([
            "eval",
            "--graph",
            graph.to_str().unwrap(),
            "--rule-timeout",
            "1",
        ])
        .arg(FOREVER)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the query did not finish within 1 s",
        ));
    assert!(started.elapsed() < Duration::from_secs(30));
    let long = format!("x := {}1", "1 + ".repeat(300));
    ecsaudit()
        .args(["eval", "--graph", graph.to_str().unwrap(), &long])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "regorus reads at most 1024 per line",
        ));
}

#[test]
fn oversized_rule_parameters_are_errors_not_hangs() {
    // A 900 KB registry glob made globset panic building its regex (and 10 MB spun).
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ecsaudit.toml");
    let glob = "a".repeat(900_000);
    std::fs::write(
        &config,
        format!("[parameters.EA203]\nallowed_registries = [\"{glob}\"]\n"),
    )
    .unwrap();
    let (code, report, took) =
        scan_json(&["examples/flawed", "--config", config.to_str().unwrap()]);
    assert!(took < Duration::from_secs(30));
    assert_eq!(code & 2, 2);
    let errors = errors_with(&report, "config-error");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["location"]["line"], 2);
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("EA203.allowed_registries holds a string of 900000 characters"));
    assert!(
        rule_ids(&report).contains(&"EA101"),
        "the scan went on with the defaults"
    );
}
