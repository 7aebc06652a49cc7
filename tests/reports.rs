//! Outputs for people and CI: markdown, JUnit, baselines, live-audit reports from a saved
//! graph, and the GitHub workflow examples.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

const LIVE_GRAPH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/live-graph.json");

fn ecsaudit() -> Command {
    let mut c = Command::cargo_bin("ecsaudit").unwrap();
    c.env_remove("ECSAUDIT_TODAY");
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = ecsaudit().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(&[args, &["-f", "json"]].concat());
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}")),
    )
}

#[test]
fn markdown_summarises_for_pull_requests() {
    let (code, md, _) = run(&["scan", "examples", "-f", "markdown"]);
    assert_eq!(code, 1);
    assert!(
        md.starts_with("## ecsaudit: 50 findings (8 critical, 14 high, 18 medium, 10 low)"),
        "{md}"
    );
    assert!(md.contains("| Severity | Rule | Resource | Location | Finding |"));
    let row = md.lines().find(|l| l.contains("| EA101 |")).unwrap();
    assert!(
        row.contains("`examples/flawed/legacy-ec2.json:17:9`"),
        "{row}"
    );
    // Every table row has exactly the five cells (pipes in messages are escaped).
    for l in md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
    {
        let cells = l.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 6, "{l}");
    }
    assert!(!md.contains("Sup3rS3cret"), "secrets stay redacted");
}

#[test]
fn junit_is_well_formed_with_a_failure_per_finding() {
    let (code, xml, _) = run(&["scan", "examples", "-f", "junit"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("50"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let (_, rules, _) = run(&["rules", "-f", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&rules).unwrap();
    assert_eq!(
        suites.len(),
        rules.as_array().unwrap().len(),
        "one suite per rule that ran"
    );
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 50);
    let ea101 = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("classname") == Some("ecsaudit.EA101"))
        .unwrap();
    assert_eq!(
        ea101.attribute("file"),
        Some("examples/flawed/legacy-ec2.json")
    );
    assert_eq!(ea101.attribute("line"), Some("17"));
    assert!(!xml.contains("Sup3rS3cret"));
}

#[test]
fn baseline_keeps_only_new_findings_and_counts_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let base_json = dir.path().join("base.json");
    let base_sarif = dir.path().join("base.sarif");
    let legacy = "examples/flawed/legacy-ec2.json";
    let (_, out, _) = run(&["scan", legacy, "-f", "json"]);
    std::fs::write(&base_json, out).unwrap();
    let (_, out, _) = run(&["scan", legacy, "-f", "sarif"]);
    std::fs::write(&base_sarif, out).unwrap();
    for base in [&base_json, &base_sarif] {
        let b = base.to_str().unwrap();
        // Same input: nothing new, exit 0.
        let (code, r) = json(&["scan", legacy, "--baseline", b]);
        assert_eq!(code, 0, "{r:#}");
        assert_eq!(r["summary"]["findings"], 0);
        assert_eq!(r["summary"]["baseline"]["new"], 0);
        assert_eq!(r["summary"]["baseline"]["fixed"], 0);
        let unchanged = r["summary"]["baseline"]["unchanged"].as_u64().unwrap();
        assert!(unchanged >= 20, "{unchanged}");
        // A second file adds only its own findings.
        let (code, r) = json(&["scan", "examples/flawed", "--baseline", b]);
        assert_eq!(code, 1);
        let files: BTreeSet<&str> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["location"]["file"].as_str().unwrap())
            .collect();
        assert_eq!(
            files,
            BTreeSet::from(["examples/flawed/fargate-misconfigured.json"])
        );
        assert_eq!(
            r["summary"]["baseline"]["unchanged"].as_u64().unwrap(),
            unchanged
        );
        // Fixed: scanning a clean file against the baseline.
        let (_, r) = json(&["scan", "examples/clean", "--baseline", b]);
        assert_eq!(
            r["summary"]["baseline"]["fixed"].as_u64().unwrap(),
            unchanged
        );
    }
    let (code, _, err) = run(&[
        "scan",
        legacy,
        "--baseline",
        "examples/clean/web-fargate.json",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("baseline"), "{err}");
}

#[test]
fn saved_live_graph_reports_accounts_partial_data_and_revisions() {
    let (code, r) = json(&["scan", "--graph", LIVE_GRAPH]);
    assert_eq!(code, 1);
    let collected = &r["summary"]["collected"][0];
    assert_eq!(collected["account"], "123456789012");
    assert_eq!(collected["collected"]["task_definitions"], 4);
    let ea805: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "EA805")
        .collect();
    assert_eq!(ea805.len(), 1, "one finding for two revisions");
    assert!(ea805[0]["message"]
        .as_str()
        .unwrap()
        .ends_with("(also in revisions 1)"));
    let (_, text, _) = run(&["scan", "--graph", LIVE_GRAPH]);
    assert!(
        text.contains("account 123456789012 (us-east-1): 4 task definitions collected"),
        "{text}"
    );
    let (_, md, _) = run(&["scan", "--graph", LIVE_GRAPH, "-f", "markdown"]);
    assert!(md.contains("from account 123456789012, "), "{md}");
    assert!(
        md.contains("\n- account 123456789012 (us-east-1): 4 task definitions collected"),
        "a line per account: {md}"
    );

    // Mark a role unavailable (as an AccessDenied collection would): its checks vanish,
    // the graph's diagnostics travel along, and the exit code says partial.
    let mut g: Value = serde_json::from_str(&std::fs::read_to_string(LIVE_GRAPH).unwrap()).unwrap();
    let admin = "arn:aws:iam::123456789012:role/admin-task";
    g["nodes"][admin]["status"] = "unavailable".into();
    g["diagnostics"] = serde_json::json!([{
        "level": "incomplete", "code": "access-denied", "resource": admin,
        "message": "role could not be read; its checks were not performed: iam:GetRole failed: AccessDenied"
    }]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("g.json");
    std::fs::write(&p, g.to_string()).unwrap();
    let (code, r) = json(&["scan", "--graph", p.to_str().unwrap()]);
    assert_eq!(code, 4, "partial audit with findings");
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule_id"] != "EA805"));
    assert_eq!(r["summary"]["incomplete"], 1);
    let (code, _) = json(&["scan", "--graph", p.to_str().unwrap(), "--fail-on", "none"]);
    assert_eq!(code, 3, "partial audit, no failing findings");
    let (_, junit, _) = run(&["scan", "--graph", p.to_str().unwrap(), "-f", "junit"]);
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(admin)));
}

#[test]
fn github_workflow_examples_parse_and_use_real_inputs() {
    let inputs: Value = serde_json::from_str(include_str!("data/action-inputs.json")).unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/github");
    let action: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(include_str!("../action.yml")).expect("action.yml parses");
    let own: Vec<Value> = action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| Value::from(k.as_str().unwrap()))
        .collect();
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let wf: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            wf.get("on").is_some() && wf.get("jobs").is_some(),
            "{}",
            path.display()
        );
        for (_, job) in wf["jobs"].as_mapping().unwrap() {
            for step in job["steps"].as_sequence().unwrap() {
                if let Some(run) = step.get("run").and_then(|r| r.as_str()) {
                    for flag in run.split_whitespace().filter(|w| w.starts_with("--")) {
                        seen.insert(flag.trim_end_matches('\\').to_string());
                    }
                }
                let Some(uses) = step.get("uses").and_then(|u| u.as_str()) else {
                    continue;
                };
                let action = uses.split('@').next().unwrap();
                let known = match action {
                    // This repository's own action: its inputs are in action.yml.
                    "ecsaudit/ecsaudit" => own.clone(),
                    _ => inputs[action]
                        .as_array()
                        .unwrap_or_else(|| panic!("{}: unknown action {action}", path.display()))
                        .clone(),
                };
                if let Some(args) = step.get("with").and_then(|w| w.get("args")) {
                    let args = args.as_str().unwrap();
                    seen.extend(
                        args.split_whitespace()
                            .filter(|w| w.starts_with("--"))
                            .map(str::to_string),
                    );
                }
                for (k, _) in step
                    .get("with")
                    .and_then(|w| w.as_mapping())
                    .into_iter()
                    .flatten()
                {
                    let k = k.as_str().unwrap();
                    assert!(
                        known.iter().any(|x| x == k),
                        "{}: {action} has no input {k}",
                        path.display()
                    );
                }
            }
        }
    }
    // The ecsaudit flags the workflows use exist.
    assert!(seen.contains("--snapshot-dir"), "{seen:?}");
    let (_, help, _) = run(&["scan", "--help"]);
    for flag in seen.iter().filter(|f| {
        ![
            "--locked",
            "--no-default-features",
            "--git",
            "--cached",
            "--quiet",
            "--rebase",
        ]
        .contains(&f.as_str())
    }) {
        assert!(
            help.contains(flag.as_str()),
            "workflow uses unknown flag {flag}"
        );
    }
}

/// Names holding newlines, carriage returns or terminal escapes cannot forge lines of
/// the text report: control characters are shown escaped.
#[test]
fn text_report_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forged.json");
    std::fs::write(
        &path,
        r#"{"family": "fake\nCRITICAL EA000 forged line\r\u001b[31m", "containerDefinitions": [{"name": "a\nb", "image": "x:1", "privileged": true}]}"#,
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("ecsaudit")
        .unwrap()
        .args(["scan", path.to_str().unwrap(), "--fail-on", "none"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("CRITICAL EA000")),
        "{text}"
    );
    assert!(!text.contains('\r') && !text.contains('\u{1b}'), "{text:?}");
    assert!(
        text.contains(r"fake\nCRITICAL EA000 forged line\r\u{1b}[31m"),
        "{text}"
    );
}

/// A check not performed (here: on a value not known before deploy) is a skipped JUnit
/// case of its rule, never a pass; the rule's passing case says it found nothing in
/// what it checked.
#[test]
fn junit_skips_checks_not_performed() {
    let (_, xml, _) = run(&[
        "scan",
        "tests/data/terraform/unknowns",
        "-f",
        "junit",
        "--fail-on",
        "none",
    ]);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testsuite")
                && n.attribute("name").is_some_and(|a| a.starts_with("EA502 "))
        })
        .expect("the EA502 suite");
    assert_eq!(suite.attribute("skipped"), Some("1"), "{xml}");
    let skipped: Vec<_> = suite
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0]
        .attribute("message")
        .unwrap()
        .contains("not checked"));
    assert!(!suite
        .children()
        .any(|c| c.has_tag_name("testcase") && c.attribute("name") == Some("no findings")));
    let root = doc.root_element();
    assert!(root.attribute("skipped").unwrap().parse::<u32>().unwrap() >= 1);
}

/// `--compliance security-hub`: only the rules of Security Hub controls run, and the text
/// and markdown reports go control by control; a finding that names its control (EA505
/// on pidMode is ECS.3) is not listed under the rule's other control (ECS.17).
#[test]
fn compliance_reports_go_control_by_control() {
    let (code, text, _) = run(&["scan", "examples", "--compliance", "security-hub"]);
    assert_eq!(code, 1);
    let line = |id: &str| {
        text.lines()
            .find(|l| l.split_whitespace().nth(2) == Some(id) || l.contains(&format!(" {id} ")))
            .unwrap_or_else(|| panic!("{id} in {text}"))
            .to_string()
    };
    assert!(
        line("ECS.3").trim_start().starts_with("1 finding "),
        "{text}"
    );
    assert!(
        line("ECS.17").trim_start().starts_with("no findings"),
        "{text}"
    );
    assert!(
        line("ECS.13").trim_start().starts_with("not covered"),
        "{text}"
    );
    assert!(
        !text.contains("EA201"),
        "rules outside Security Hub do not run: {text}"
    );
    let (_, md, _) = run(&[
        "scan",
        "examples",
        "--compliance",
        "security-hub",
        "-f",
        "markdown",
    ]);
    assert!(md.contains("### AWS Security Hub controls"), "{md}");
    assert!(md.contains("| ECS.3 | Task definitions should not share the host's process namespace | **1 finding** | EA505 |"), "{md}");
    let (_, json) = json(&["scan", "examples", "--compliance", "security-hub"]);
    let pid = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "EA505")
        .unwrap();
    assert_eq!(
        pid["controls"],
        serde_json::json!([
            "ECS.3",
            "CT.ECS.PR.10",
            "ecs-task-definition-pid-mode-check",
            "ecs_task_definitions_host_namespace_not_shared",
            "CKV_AWS_335"
        ])
    );
}

/// `--compliance` for the other frameworks: every one of their controls is listed, with
/// its findings, "no findings", or "not covered" and the reason; a finding that names
/// its controls is listed only under those; rules outside the framework do not run.
#[test]
fn compliance_reports_cover_every_framework() {
    let (code, text, _) = run(&["scan", "examples", "--compliance", "prowler"]);
    assert_eq!(code, 1, "{text}");
    let line = |text: &str, id: &str| {
        text.lines()
            .find(|l| l.contains(&format!(" {id} ")))
            .unwrap_or_else(|| panic!("{id} in {text}"))
            .trim_start()
            .to_string()
    };
    // EA505's pidMode finding is the namespace check's, not host networking's.
    assert!(
        line(&text, "ecs_task_definitions_host_namespace_not_shared").starts_with("1 finding ")
    );
    assert!(
        line(&text, "ecs_task_definitions_host_networking_mode_users").starts_with("no findings")
    );
    let not_covered = line(&text, "ecr_repository_image_no_secrets");
    assert!(not_covered.starts_with("not covered"), "{text}");
    assert!(
        text.contains("ecsaudit reads configuration, not image contents"),
        "{text}"
    );
    assert!(!text.contains("EA201"), "{text}");

    let (_, kics, _) = run(&["scan", "examples", "--compliance", "kics"]);
    let secrets = line(&kics, "a88baa34-e2ad-44ea-ad6f-8cac87bc7c71");
    assert!(
        secrets.starts_with("6 findings") && secrets.ends_with("(EA101, EA102, EA103)"),
        "{kics}"
    );
    for framework in ["control-tower", "config", "checkov", "trivy"] {
        let (code, text, _) = run(&["scan", "examples", "--compliance", framework]);
        assert_eq!(code, 1, "{framework}: {text}");
        assert!(
            text.lines().next().unwrap().ends_with(" controls"),
            "{text}"
        );
        assert!(
            text.contains("not covered") && text.contains(" finding"),
            "{framework}: {text}"
        );
    }
    let (_, md, _) = run(&[
        "scan",
        "examples",
        "--compliance",
        "config",
        "-f",
        "markdown",
    ]);
    assert!(md.contains("### AWS Config controls"), "{md}");
    assert!(md.contains("| ecs-task-definition-pid-mode-check | Task definitions do not share the host's process namespace | **1 finding** | EA505 |"), "{md}");
}
