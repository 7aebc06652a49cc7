//! End-to-end tests of the `ecsaudit` binary: input shapes, formats, error paths,
//! fingerprints, redaction, custom policies, configuration.

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt;
use serde_json::Value;
use std::path::Path;

fn ecsaudit() -> Command {
    let mut c = Command::cargo_bin("ecsaudit").unwrap();
    c.env_remove("ECSAUDIT_TODAY");
    c
}

fn run_json(args: &[&str]) -> (i32, Value) {
    let out = ecsaudit()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), v)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn rule_ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

/// The first finding of rule `id` in a JSON report.
fn first_finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == id)
        .unwrap_or_else(|| panic!("no {id} finding in {report:#}"))
}

/// `ecsaudit graph PATH -o <tempdir>/graph.json`; the directory lives as long as the guard.
fn saved_graph(path: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("graph.json");
    ecsaudit()
        .args(["graph", path, "-o", g.to_str().unwrap()])
        .assert()
        .code(0);
    (dir, g)
}

fn normalise(text: &str) -> String {
    let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
    text.replace(&cwd.to_string_lossy().to_string(), "[ROOT]")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

const PRIVILEGED: &str = r#"{"family": "p", "containerDefinitions": [{"name": "app", "image": "nginx:1.25", "privileged": true}]}"#;

#[test]
fn examples_json_snapshot() {
    let (code, report) = run_json(&["scan", "examples"]);
    assert_eq!(code, 1, "findings at or above low exit 1");
    // 5 files, 2 in examples/terraform, 1 in examples/cloudformation
    assert_eq!(report["summary"]["task_definitions"], 8);
    // package.json, containers-only.json, iam-policy.json, and the three GitHub workflow
    // YAML files (YAML that is not a CloudFormation template)
    assert_eq!(report["summary"]["skipped_inputs"], 6);
    assert_eq!(report["summary"]["errors"], 0);
    insta::assert_snapshot!(
        "examples_json",
        normalise(&serde_json::to_string_pretty(&report).unwrap())
    );
}

#[test]
fn clean_examples_have_no_findings() {
    let (code, report) = run_json(&["scan", "examples/clean"]);
    assert_eq!(rule_ids(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(code, 0);
}

#[test]
fn every_finding_has_an_exact_location() {
    let (_, report) = run_json(&["scan", "examples/flawed"]);
    for f in report["findings"].as_array().unwrap() {
        let loc = &f["location"];
        assert!(loc["line"].as_u64().unwrap() > 0, "{f:#}");
        assert!(loc["column"].as_u64().unwrap() > 0, "{f:#}");
        let file = std::fs::read_to_string(loc["file"].as_str().unwrap()).unwrap();
        let doc: Value = serde_json::from_str(&file).unwrap();
        assert!(
            doc.pointer(loc["pointer"].as_str().unwrap()).is_some(),
            "pointer resolves: {f:#}"
        );
    }
    // The plaintext password is reported at its environment entry, not by a grep guess.
    let pw = first_finding(&report, "EA101");
    assert_eq!(
        pw["location"]["pointer"],
        "/containerDefinitions/0/environment/0"
    );
    assert_eq!(pw["location"]["line"], 17);
    assert_eq!(pw["location"]["column"], 9);
}

#[test]
fn input_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "register.json", PRIVILEGED);
    write(
        d,
        "describe.json",
        &format!(r#"{{"taskDefinition": {PRIVILEGED}, "tags": []}}"#),
    );
    write(
        d,
        "array.json",
        &format!("[{PRIVILEGED}, {{\"taskDefinition\": {PRIVILEGED}}}]"),
    );
    write(
        d,
        "containers.json",
        r#"[{"name": "app", "image": "nginx"}]"#,
    );
    write(d, "package.json", r#"{"name": "x", "dependencies": {}}"#);
    let (code, report) = run_json(&["scan", d.to_str().unwrap(), "--fail-on", "critical"]);
    assert_eq!(code, 1);
    let privileged: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "EA501")
        .collect();
    let pointers: Vec<&str> = privileged
        .iter()
        .map(|f| f["location"]["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(privileged.len(), 4, "{pointers:?}");
    assert!(pointers.contains(&"/taskDefinition/containerDefinitions/0/privileged"));
    assert!(pointers.contains(&"/1/taskDefinition/containerDefinitions/0/privileged"));
    assert!(pointers.contains(&"/0/containerDefinitions/0/privileged"));
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2);
    let bare = skipped
        .iter()
        .find(|s| {
            s["location"]["file"]
                .as_str()
                .unwrap()
                .ends_with("containers.json")
        })
        .unwrap();
    assert!(bare["message"]
        .as_str()
        .unwrap()
        .contains("bare `containerDefinitions` list"));
    assert_eq!(
        report["errors"].as_array().unwrap().len(),
        0,
        "skips are not errors"
    );
}

#[test]
fn explicit_non_task_definition_warns() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "tsconfig.json", r#"{"compilerOptions": {}}"#);
    let (code, report) = run_json(&["scan", &f]);
    assert_eq!(code, 0, "a warning is not an error");
    assert_eq!(report["errors"][0]["level"], "warning");
    assert_eq!(report["errors"][0]["code"], "not-a-task-definition");
}

#[test]
fn malformed_json_names_file_line_col_and_others_still_scan() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.json", "{\n  \"family\": \"x\",\n  \"containerDefinitions\": [\n    {\"name\": \"a\" \"image\": \"b\"}\n  ]\n}\n");
    write(dir.path(), "good.json", PRIVILEGED);
    let out = ecsaudit()
        .args(["scan", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{bad}:4:18: malformed JSON")),
        "{text}"
    );
    assert!(text.contains("EA501"), "good file still reported: {text}");
    let (code, report) = run_json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    let e = &report["errors"][0];
    assert_eq!(
        (
            e["code"].as_str(),
            e["location"]["line"].as_u64(),
            e["location"]["column"].as_u64()
        ),
        (Some("parse-error"), Some(4), Some(18))
    );
    assert!(rule_ids(&report).contains(&"EA501".to_string()));
}

#[test]
fn wrong_shapes_unreadable_and_huge_files_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "shape.json",
        r#"{"family": "s", "containerDefinitions": [{"name": "a", "image": "x:1", "environment": [{"name": "A", "value": 3}], "privileged": "yes"}, 7]}"#,
    );
    write(
        d,
        "huge.json",
        &format!(
            "{{\"family\": \"h\", \"containerDefinitions\": [], \"pad\": \"{}\"}}",
            "x".repeat(5000)
        ),
    );
    write(d, "ok.json", PRIVILEGED);
    let missing = d.join("missing.json");
    let (code, report) = run_json(&[
        "scan",
        d.to_str().unwrap(),
        missing.to_str().unwrap(),
        "--max-file-size",
        "4096",
    ]);
    assert_eq!(code, 2);
    let errors = report["errors"].as_array().unwrap();
    let codes: Vec<&str> = errors.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"io-error"), "{codes:?}");
    assert!(codes.contains(&"file-too-large"), "{codes:?}");
    let shape: Vec<&Value> = errors
        .iter()
        .filter(|e| e["code"] == "invalid-task-definition")
        .collect();
    let pointers: Vec<&str> = shape
        .iter()
        .map(|e| e["location"]["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/containerDefinitions/0/privileged",
            "/containerDefinitions/0/environment/0/value",
            "/containerDefinitions/1"
        ]
    );
    assert!(shape
        .iter()
        .all(|e| e["location"]["line"].as_u64().is_some()));
    assert!(
        rule_ids(&report).contains(&"EA501".to_string()),
        "the good file is still scanned"
    );
}

#[test]
fn secrets_are_never_printed_in_full() {
    let secrets = [
        "Sup3rS3cretPassw0rd!",
        "AKIAIOSFODNN7EXAMPLE",
        "hunter2hunter2",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "XXXXXXXXXXXXXXXXXXXXXXXX",
    ];
    for format in ["text", "json", "sarif"] {
        let out = ecsaudit()
            .args(["scan", "examples/flawed", "--format", format])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for s in secrets {
            assert!(!all.contains(s), "{format} output leaks {s}");
        }
    }
}

#[test]
fn fingerprints_survive_moved_lines_and_revision_bumps() {
    let dir = tempfile::tempdir().unwrap();
    let a = r#"{"family": "web", "revision": 3, "containerDefinitions": [
        {"name": "web", "image": "nginx:1.25", "privileged": true, "environment": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]},
        {"name": "side", "image": "nginx:1.25", "privileged": true}]}"#;
    let b = r#"

    {"revision": 4, "family": "web", "containerDefinitions": [
        {"name": "side", "image": "nginx:1.25", "privileged": true},
        {"name": "web", "image": "nginx:1.25", "environment": [{"name": "PORT", "value": "80"}, {"name": "DB_PASSWORD", "value": "hunter2hunter2"}], "privileged": true}]}"#;
    let fa = write(dir.path(), "a/td.json", a);
    let fb = write(dir.path(), "b/td.json", b);
    let prints = |file: &str| -> Vec<(String, String, String)> {
        let (_, r) = run_json(&["scan", file]);
        let mut v: Vec<_> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == "EA501" || f["rule_id"] == "EA101")
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["container"].as_str().unwrap().to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    // Same path for both versions of the file, as in a repository over time.
    let same = dir.path().join("td.json");
    std::fs::copy(&fa, &same).unwrap();
    let before = prints(same.to_str().unwrap());
    std::fs::copy(&fb, &same).unwrap();
    let after = prints(same.to_str().unwrap());
    assert_eq!(before.len(), 3);
    assert_eq!(
        before, after,
        "reordered containers, moved lines and a new revision keep fingerprints"
    );
    let fps: std::collections::BTreeSet<&String> = before.iter().map(|x| &x.2).collect();
    assert_eq!(
        fps.len(),
        3,
        "different containers or rules get different fingerprints"
    );
}

#[test]
fn text_format_groups_and_counts() {
    let out = ecsaudit()
        .args(["scan", "examples/flawed"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("legacy-api  examples/flawed/legacy-ec2.json"),
        "{text}"
    );
    assert!(text.contains("CRITICAL EA501"));
    assert!(
        text.lines().last().unwrap().contains("4 critical"),
        "{text}"
    );
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
}

#[test]
fn output_file_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let scan = ["scan", "examples/flawed", "-f", "json", "--fail-on", "none"];
    ecsaudit().args(scan).arg("-o").arg(&out).assert().code(0);
    let written = std::fs::read_to_string(&out).unwrap();
    let v: Value = serde_json::from_str(&written).unwrap();
    assert!(v["summary"]["findings"].as_u64().unwrap() > 10);
    // The JSON written to a file (streamed) is byte for byte what stdout gets.
    let stdout = ecsaudit().args(scan).output().unwrap().stdout;
    assert_eq!(written.as_bytes(), &stdout[..]);
    // An output path that cannot be written: exit 2, naming it.
    let bad = dir.path().join("missing-dir").join("r.json");
    ecsaudit()
        .args(scan)
        .arg("-o")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("missing-dir")
                .and(predicates::str::contains("cannot write output")),
        );
    ecsaudit()
        .args(["scan", "examples/clean", "--fail-on", "bogus"])
        .assert()
        .code(2);
    ecsaudit().args(["scan"]).assert().code(2);
}

#[test]
fn graph_round_trip_and_schema() {
    let (dir, g) = saved_graph("examples");
    let graph: Value = serde_json::from_str(&std::fs::read_to_string(&g).unwrap()).unwrap();
    let schema: Value = serde_json::from_str(
        &String::from_utf8(ecsaudit().arg("schema").output().unwrap().stdout).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&graph)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(graph["schema_version"], 1);
    let (_, from_files) = run_json(&["scan", "examples"]);
    let (_, from_graph) = run_json(&["scan", "--graph", g.to_str().unwrap()]);
    assert_eq!(from_files["findings"], from_graph["findings"]);
    // A graph saved before a derived fact existed (here: container labels) gets it when
    // read, so rules that rely on it report as on the files.
    let mut old = graph.clone();
    let mut stripped = 0;
    for node in old["nodes"].as_object_mut().unwrap().values_mut() {
        for c in node["derived"]["containers"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            stripped += usize::from(c.as_object_mut().unwrap().remove("label").is_some());
        }
    }
    assert!(stripped > 5, "{stripped}");
    let old = write(dir.path(), "old-graph.json", &old.to_string());
    let (_, from_old) = run_json(&["scan", "--graph", &old]);
    assert_eq!(from_files["findings"], from_old["findings"]);
    let bad = write(dir.path(), "bad-graph.json", r#"{"schema_version": 99}"#);
    ecsaudit()
        .args(["scan", "--graph", &bad])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "schema_version 99 is not supported",
        ));
}

#[test]
fn rules_explain_and_docs() {
    let out = ecsaudit()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules.as_array().unwrap().len() >= 29);
    let explain = ecsaudit().args(["explain", "ea101"]).output().unwrap();
    let text = String::from_utf8_lossy(&explain.stdout);
    for part in [
        "# EA101",
        "Severity: **high**",
        "How to fix it",
        "\"secrets\"",
        "extra_name_tokens",
        "https://docs.aws.amazon.com",
    ] {
        assert!(text.contains(part), "missing {part}: {text}");
    }
    ecsaudit().args(["explain", "NOPE"]).assert().code(2);
    ecsaudit().args(["docs", "--check"]).assert().code(0);
}

#[test]
fn builtin_error_on_one_resource_does_not_silence_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    let pol = dir.path().join("pol");
    write(
        &pol,
        "cpu.rego",
        r#"# METADATA
# title: Container cpu above 1024
# description: Flags containers with more than 1024 cpu units, via to_number.
# custom:
#   id: T001
#   severity: low
#   remediation: Lower it.
package ecsaudit.rules.cpu_high

import rego.v1

import data.ecsaudit.lib

deny contains f if {
	some td in lib.task_definitions
	some i, c in td.properties.containerDefinitions
	to_number(c.cpu) > 1024
	f := lib.finding(td, lib.container_field_pointer(i, "cpu"), "too much cpu")
}
"#,
    );
    let tds = dir.path().join("tds");
    write(
        &tds,
        "odd.json",
        r#"{"family": "odd", "containerDefinitions": [{"name": "a", "image": "x:1", "cpu": 1}]}"#,
    );
    // A string cpu makes to_number fail on this one resource only.
    write(
        &tds,
        "weird.json",
        r#"[{"family": "weird", "containerDefinitions": [{"name": "a", "image": "x:1", "cpu": 2048}, {"name": "b", "image": "x:1", "cpu": 4096}]}]"#,
    );
    let text = r#"{"family": "strange", "containerDefinitions": [{"name": "a", "image": "x:1", "cpu": 4096}]}"#;
    let strange: Value = serde_json::from_str(text).unwrap();
    let mut strange = strange;
    strange["containerDefinitions"][0]["cpu"] = Value::String("lots".into());
    write(&tds, "strange.json", &strange.to_string());
    for engine in ["interpreter", "vm", "auto"] {
        let (_, report) = run_json(&[
            "scan",
            tds.to_str().unwrap(),
            "--no-builtin",
            "--policy",
            pol.to_str().unwrap(),
            "--engine",
            engine,
        ]);
        let hits: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["resource"].as_str().unwrap())
            .collect();
        assert_eq!(hits, ["weird", "weird"], "{engine}: {report:#}");
    }
}

#[test]
fn unknown_function_on_an_unreached_branch_is_a_load_error() {
    // The sample graph never has input.never, so only a static check finds the call.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "hidden.rego", "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: U7\n#   severity: low\n#   remediation: r\npackage ecsaudit.rules.u7\n\nimport rego.v1\n\ndeny contains {\"resource\": td.id, \"message\": \"m\"} if {\n\tsome td in input.nodes\n\ttd.properties.never == 1\n\tcrypto.x509.parse_certificates(td.properties.never)\n}\n");
    let (code, report) = run_json(&[
        "scan",
        "examples/flawed",
        "--policy",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{report:#}");
    let error = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "policy-unknown-function")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(error["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("hidden.rego"));
    assert_eq!(error["location"]["line"], 15);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("U7") && message.contains("crypto.x509.parse_certificates"),
        "{message}"
    );
    let ids = rule_ids(&report);
    assert!(!ids.contains(&"U7".to_string()) && ids.contains(&"EA101".to_string()));
}

#[test]
fn every_engine_reports_the_same_and_vm_falls_back_loudly() {
    let key = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {} {}", f["fingerprint"], f["location"], f["message"]))
            .collect()
    };
    let (code_i, interp) = run_json(&["scan", "examples", "--engine", "interpreter"]);
    let (code_v, vm) = run_json(&["scan", "examples", "--engine", "vm"]);
    let (code_a, auto) = run_json(&["scan", "examples"]);
    assert_eq!((code_i, key(&interp)), (code_v, key(&vm)));
    assert_eq!((code_i, key(&interp)), (code_a, key(&auto)));
    // Only what examples/terraform leaves unresolved (its image variable).
    assert!(
        vm["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["level"] == "unresolved"),
        "{vm:#}"
    );
    // A rule the VM compiler refuses (it reads the whole `data` document): a warning,
    // and every rule still runs in the interpreter.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "root.rego", "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: U9\n#   severity: low\n#   remediation: r\npackage ecsaudit.rules.u9\n\nimport rego.v1\n\ndeny contains {\"resource\": td.id, \"message\": sprintf(\"%d\", [count(data.ecsaudit.params)])} if {\n\tkeys := object.keys(data)\n\tsome td in input.nodes\n\ttd.kind == \"task_definition\"\n}\n");
    let (_, report) = run_json(&[
        "scan",
        "examples/flawed",
        "--engine",
        "vm",
        "--policy",
        dir.path().to_str().unwrap(),
    ]);
    let warning = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "engine-fallback")
        .unwrap_or_else(|| panic!("a fallback warning: {report:#}"));
    assert_eq!(warning["level"], "warning");
    let ids = rule_ids(&report);
    assert!(ids.contains(&"U9".to_string()) && ids.contains(&"EA101".to_string()));
}

#[test]
fn broken_user_policies_fail_loudly_but_others_run() {
    let dir = tempfile::tempdir().unwrap();
    let pol = dir.path();
    write(pol, "syntax.rego", "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: U1\n#   severity: low\n#   remediation: r\npackage ecsaudit.rules.u1\n\nimport rego.v1\n\ndeny contains f if {\n\tf := {\n}\n");
    write(pol, "unknown_fn.rego", "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: U2\n#   severity: low\n#   remediation: r\npackage ecsaudit.rules.u2\n\nimport rego.v1\n\ndeny contains f if {\n\tsome td in input.nodes\n\tf := {\"resource\": td.id, \"message\": net.cidr_explode(\"10.0.0.0/8\")}\n}\n");
    write(
        pol,
        "nometa.rego",
        "package ecsaudit.rules.u3\n\nimport rego.v1\n\ndeny contains f if {\n\tf := 1\n}\n",
    );
    write(pol, "dup.rego", "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: EA501\n#   severity: low\n#   remediation: r\npackage ecsaudit.rules.dup\n\nimport rego.v1\n\ndeny contains f if {\n\tf := 1\n}\n");
    let (code, report) = run_json(&["scan", "examples/flawed", "--policy", pol.to_str().unwrap()]);
    assert_eq!(code, 2);
    let errors: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e["code"], e["location"]["file"]))
        .collect();
    for (code, file) in [
        ("policy-parse-error", "syntax.rego"),
        ("policy-eval-error", "unknown_fn.rego"),
        ("policy-metadata", "nometa.rego"),
        ("policy-duplicate-id", "dup.rego"),
    ] {
        assert!(
            errors.iter().any(|e| e.contains(code) && e.contains(file)),
            "{code} {file}: {errors:#?}"
        );
    }
    assert!(
        rule_ids(&report).contains(&"EA501".to_string()),
        "built-in rules still run"
    );
}

#[test]
fn config_overrides_parameters_and_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "ecsaudit.toml",
        r#"
fail_on = "critical"

[rules]
disable = ["EA406"]

[severity]
EA201 = "high"

[parameters.EA203]
allowed_registries = ["*.dkr.ecr.*.amazonaws.com"]

[[suppressions]]
rule = "EA501"
resource = "legacy-*"
reason = "isolated host, ticket OPS-1"
expires = "2999-01-01"

[[suppressions]]
rule = "EA503"
resource = "examples/flawed/*.json"
reason = "expired one"
expires = "2000-01-01"
"#,
    );
    let (code, report) = run_json(&["scan", "examples/flawed", "--config", &cfg]);
    let ids = rule_ids(&report);
    assert!(!ids.contains(&"EA406".to_string()));
    assert!(ids.contains(&"EA203".to_string()));
    let f201 = first_finding(&report, "EA201");
    assert_eq!(f201["severity"], "high");
    let f501 = first_finding(&report, "EA501");
    assert_eq!(f501["suppression"]["reason"], "isolated host, ticket OPS-1");
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "EA503")
        .all(|f| f["suppression"].is_null()));
    assert!(report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["code"] == "suppression-expired"));
    assert_eq!(
        report["summary"]["suppressed"], 2,
        "EA501 by config, EA202 by inline tag"
    );
    assert_eq!(code, 1, "critical secrets remain");
    // Unknown keys and unknown rule ids are errors with file:line.
    // Positions come from the TOML parser's spans: the value itself, not the first
    // place its text appears (here, in a comment and in another rule's table).
    let bad = write(
        dir.path(),
        "bad.toml",
        "# EA999 and allowed_registries: see the wiki\n[rules]\ndisable = [\"EA999\"]\n\
         [parameters.EA203]\nallowed_registries = [\"x\"]\n[parameters.EA201]\nallowed_registries = 1\n",
    );
    ecsaudit()
        .args(["scan", "examples/clean", "--config", &bad])
        .assert()
        .code(2)
        .stdout(predicates::str::contains(
            "bad.toml:3:12: unknown rule id `EA999`",
        ))
        .stdout(predicates::str::contains(
            "bad.toml:7:1: rule EA201 has no parameter `allowed_registries`",
        ));
    let typo = write(dir.path(), "typo.toml", "fail_on = \"high\"\nfial = 1\n");
    ecsaudit()
        .args(["scan", "examples/clean", "--config", &typo])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("typo.toml:2:1"));
}

#[test]
fn test_command_reports_failures_and_new_rule_scaffold_passes() {
    let dir = tempfile::tempdir().unwrap();
    ecsaudit()
        .args([
            "new-rule",
            "ACME001",
            "--dir",
            dir.path().to_str().unwrap(),
            "--name",
            "no_busybox",
        ])
        .assert()
        .code(0);
    let out = ecsaudit()
        .args(["test", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 passed, 0 failed"));
    write(dir.path(), "broken_test.rego", "package broken_test\n\nimport rego.v1\n\ntest_fails if {\n\tprint(\"hello from test\")\n\t1 == 2\n}\n");
    let out = ecsaudit()
        .args(["test", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("FAIL") && text.contains("broken_test.rego:5: test_fails"),
        "{text}"
    );
    assert!(text.contains("hello from test"), "{text}");
    // The scaffolded rule also works in a scan.
    let tds = dir.path().join("tds");
    write(
        &tds,
        "bb.json",
        r#"{"family": "bb", "containerDefinitions": [{"name": "a", "image": "busybox:1.36"}]}"#,
    );
    let (_, report) = run_json(&[
        "scan",
        tds.to_str().unwrap(),
        "--policy",
        dir.path().join("no_busybox.rego").to_str().unwrap(),
    ]);
    assert!(rule_ids(&report).contains(&"ACME001".to_string()));
}

#[test]
fn eval_query_against_saved_graph() {
    let (_dir, g) = saved_graph("examples/clean");
    let out = ecsaudit()
        .args([
            "eval",
            "--graph",
            g.to_str().unwrap(),
            "count(data.ecsaudit.lib.task_definitions)",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "2");
}

/// `-` reads a task definition from standard input; a named FIFO or device (as
/// `/dev/stdin` is under a pipe) is an error, never input read as nothing.
#[test]
fn standard_input_and_special_files() {
    let text = std::fs::read_to_string("examples/flawed/legacy-ec2.json").unwrap();
    let out = ecsaudit()
        .args(["scan", "-", "-f", "json", "--fail-on", "none"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["findings"], 23, "{r:#}");
    assert_eq!(r["findings"][0]["location"]["file"], "-");
    assert!(r["findings"][0]["location"]["line"].as_u64().is_some());
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = ecsaudit()
        .args(["scan", fifo.to_str().unwrap(), "-f", "json"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["errors"][0]["code"], "not-a-file");
}

/// Files written for the official deploy action keep `null` fields (the action strips
/// them before registering): a `null` is an absent field, with no error and no finding
/// of its own, and the checks of the absent field still run.
#[test]
fn null_fields_are_absent_fields() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "deploy.json",
        r#"{"family": "web", "ipcMode": null, "pidMode": null, "taskRoleArn": null,
  "containerDefinitions": [{"name": "app", "image": "nginx:1.25", "essential": true,
    "user": null, "healthCheck": null, "logConfiguration": null}]}"#,
    );
    let (code, report) = run_json(&["scan", &file]);
    assert_eq!(code, 1, "findings, no errors: {:#}", report["errors"]);
    assert_eq!(report["errors"], serde_json::json!([]));
    let ids = rule_ids(&report);
    for id in ["EA503", "EA406", "EA301"] {
        assert!(
            ids.contains(&id.to_string()),
            "{id} runs on the absent field: {ids:?}"
        );
    }
    assert!(
        !ids.contains(&"EA604".to_string()),
        "a null ipcMode is not set: {ids:?}"
    );
    // The finding about the absent health check points at the `null` written for it.
    assert_eq!(first_finding(&report, "EA406")["location"]["line"], 3);
}

/// The text report names every skipped input with why; `rules` lists rules by id.
#[test]
fn text_names_skipped_inputs_and_rules_are_sorted() {
    let out = ecsaudit()
        .args(["scan", "examples", "--fail-on", "none"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let section = text.split("Skipped\n").nth(1).expect("a Skipped section");
    let lines: Vec<&str> = section.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert!(lines
        .iter()
        .any(|l| l.contains("examples/not-task-definitions/package.json: not a task definition")));
    let out = ecsaudit().arg("rules").output().unwrap();
    let ids: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert!(ids.len() > 40);
    assert_eq!(ids, sorted);
}

/// Lists far beyond what ECS registers (10 containers) are not checked, so memory stays
/// proportionate: more than 1,000 containers or 10,000 entries of any list is a
/// positioned error, and the other task definitions of the file are still scanned.
#[test]
fn oversized_lists_are_errors_not_memory() {
    let dir = tempfile::tempdir().unwrap();
    let container = r#"{"name":"c","image":"nginx:latest"}"#;
    let many = vec![container; 1_001].join(",");
    let env = vec![r#"{"name":"A","value":"b"}"#; 10_001].join(",");
    let text = format!(
        "[{{\"family\":\"ok\",\"containerDefinitions\":[{container}]}},\n\
         {{\"family\":\"wide\",\"containerDefinitions\":[{many}]}},\n\
         {{\"family\":\"env\",\"containerDefinitions\":[{{\"name\":\"c\",\"image\":\"nginx:1\",\"environment\":[{env}]}}]}}]"
    );
    let file = write(dir.path(), "big.json", &text);
    let (code, report) = run_json(&["scan", &file]);
    assert_eq!(code & 2, 2, "{report:#}");
    let errors: Vec<(String, u64)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["message"].as_str().unwrap().to_string(),
                e["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0]
            .0
            .starts_with("`containerDefinitions` has 1001 entries; at most 1000"),
        "{errors:?}"
    );
    assert_eq!(errors[0].1, 2);
    assert!(
        errors[1]
            .0
            .starts_with("`environment` has 10001 entries; at most 10000"),
        "{errors:?}"
    );
    assert_eq!(errors[1].1, 3);
    assert_eq!(
        report["summary"]["task_definitions"], 1,
        "only `ok` was checked"
    );
    assert!(
        rule_ids(&report).contains(&"EA201".to_string()),
        "{report:#}"
    );
}

/// Inside a directory, entries named like inputs that are not regular files are never
/// opened (a FIFO would block forever) and never dropped unnamed: FIFOs, sockets,
/// devices and links to directories are skipped and named; broken links and link loops
/// are errors; a link to a file is read once, as that file.
#[cfg(unix)]
#[test]
fn special_entries_inside_directories_are_named_not_read() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy("examples/flawed/legacy-ec2.json", d.join("real.json")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("pipe.json"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let _socket = std::os::unix::net::UnixListener::bind(d.join("sock.json")).unwrap();
    symlink("real.json", d.join("alias.json")).unwrap();
    symlink("sub", d.join("dirlink.json")).unwrap();
    symlink("/dev/zero", d.join("zero.json")).unwrap();
    symlink("loop2.json", d.join("loop1.json")).unwrap();
    symlink("loop1.json", d.join("loop2.json")).unwrap();
    symlink("missing.json", d.join("broken.json")).unwrap();
    let out = ecsaudit()
        .args(["scan", d.to_str().unwrap(), "-f", "json"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "the broken links are errors");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let named = |key: &str| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = r[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let file = e["location"]["file"].as_str().unwrap_or_default();
                let name = file.rsplit('/').next().unwrap().to_string();
                (name, e["code"].as_str().unwrap().to_string())
            })
            .collect();
        v.sort();
        v
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        named("skipped"),
        [
            pair("dirlink.json", "not-a-file"),
            pair("pipe.json", "not-a-file"),
            pair("sock.json", "not-a-file"),
            pair("zero.json", "not-a-file"),
        ]
    );
    assert_eq!(
        named("errors"),
        [
            pair("broken.json", "io-error"),
            pair("loop1.json", "io-error"),
            pair("loop2.json", "io-error"),
        ]
    );
    assert_eq!(
        r["summary"]["findings"], 23,
        "real.json once, not again as alias.json"
    );
    let files: std::collections::BTreeSet<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap())
        .collect();
    assert!(
        files.len() == 1 && files.iter().all(|f| f.ends_with("real.json")),
        "{files:?}"
    );
}

/// Meta-test over the live-graph fixture: every finding has a fingerprint of its own.
#[test]
fn live_fixture_fingerprints_are_unique() {
    let (_, r) = run_json(&[
        "scan",
        "--graph",
        "tests/data/live-graph.json",
        "--fail-on",
        "none",
    ]);
    let all: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert!(all.len() > 5);
    let unique: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "{:#?}", r["findings"]);
}

/// UTF-16 with a byte-order mark (PowerShell's `>`) is read as the same task definition;
/// a `.json` file that is not text in any encoding is an error even inside a directory
/// (it was skipped, exit 0, its findings lost).
#[test]
fn utf16_is_read_and_undecodable_json_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/flawed/legacy-ec2.json").unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    std::fs::write(dir.path().join("utf16.json"), utf16).unwrap();
    let (code, r) = run_json(&["scan", dir.path().to_str().unwrap(), "--fail-on", "none"]);
    assert_eq!(code, 0);
    assert_eq!(r["summary"]["findings"], 23);
    assert_eq!(r["findings"][0]["location"]["line"], 13);
    let latin1: Vec<u8> = text
        .replace("\"api\"", "\"ap\u{e9}\"")
        .chars()
        .map(|c| c as u8)
        .collect();
    std::fs::write(dir.path().join("latin1.json"), latin1).unwrap();
    let (code, r) = run_json(&["scan", dir.path().to_str().unwrap(), "--fail-on", "none"]);
    assert_eq!(code, 2);
    assert_eq!(r["errors"][0]["code"], "not-utf8", "{:#}", r["errors"]);
}

/// docs/writing-rules.md: every file it shows is written out and passes `ecsaudit test`
/// with full coverage, and each rule reports on a scan as the guide says.
#[test]
fn writing_a_rule_guide_passes() {
    let guide = std::fs::read_to_string("docs/writing-rules.md").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let block =
        regex::Regex::new(r"(?s)<!-- file: ([a-z_]+\.rego) -->\n```rego\n(.*?)\n```").unwrap();
    let mut files = 0;
    for c in block.captures_iter(&guide) {
        write(dir.path(), &c[1], &c[2]);
        files += 1;
    }
    assert_eq!(files, 4, "the guide shows two rules and their tests");
    let out = ecsaudit()
        .args(["test", dir.path().to_str().unwrap(), "--coverage"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("5 passed, 0 failed"), "{out}");
    // Coverage is of the rule files, not of the helper library they call.
    assert!(!out.contains("policies/lib/"), "{out}");
    for rule in ["container_cpu_reserved.rego", "task_role_boundary.rego"] {
        assert!(
            out.lines()
                .any(|l| l.contains("100.0%") && l.contains(rule)),
            "{rule} fully covered:\n{out}"
        );
    }
    let td = write(
        dir.path(),
        "td.json",
        r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1.27"}]}"#,
    );
    let policies = dir.path().to_str().unwrap();
    let (_, report) = run_json(&["scan", &td, "--policy", policies, "--no-builtin"]);
    assert_eq!(rule_ids(&report), vec!["ACME010".to_string()]);
}

/// With no credentials anywhere, a live audit says so in one line and what to set,
/// not the SDK's whole error chain (nothing leaves the machine: IMDS is off and the
/// endpoint is a closed local port).
#[test]
fn live_audit_without_credentials_says_what_to_set() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = ecsaudit();
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["scan", "--aws", "--region", "us-east-1"])
        .args(["--endpoint-url", "http://127.0.0.1:9", "--timeout", "5"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    let line = err
        .lines()
        .find(|l| l.contains("no usable AWS credentials"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("AWS_PROFILE"), "{line}");
    assert!(
        !line.contains("DispatchFailure") && line.len() < 400,
        "{line}"
    );
}
