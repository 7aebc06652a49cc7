//! The GitHub Action (`action.yml`, composite): its inputs are declared, documented and
//! used, and its steps' script (`scripts/action-run`) does on this machine what it does
//! on a runner: install, scan with the inputs, report the exit code, fail afterwards.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn action() -> serde_yaml_ng::Value {
    let text = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    serde_yaml_ng::from_str(&text).expect("action.yml parses")
}

fn inputs() -> Vec<String> {
    action()["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

/// `INPUT_FAIL_ON` for `fail-on`, as the steps pass them.
fn env_name(input: &str) -> String {
    format!("INPUT_{}", input.to_uppercase().replace('-', "_"))
}

#[test]
fn inputs_are_declared_documented_and_used() {
    let action = action();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let text = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    let script = std::fs::read_to_string(Path::new(ROOT).join("scripts/action-run")).unwrap();
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let names = inputs();
    for name in &names {
        let input = &action["inputs"][name.as_str()];
        assert!(
            input["description"].as_str().is_some_and(|d| d.len() > 10),
            "{name} has no description"
        );
        assert!(input.get("default").is_some(), "{name} has no default");
        assert!(
            text.contains(&format!("inputs.{name}")),
            "{name} is declared but no step uses it"
        );
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "README's action table lacks {name}"
        );
    }
    // Every `inputs.X` a step reads is declared.
    for used in text.split("inputs.").skip(1) {
        let name: String = used
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(
            names.contains(&name),
            "a step reads undeclared input {name}"
        );
    }
    // The script reads only the INPUT_* variables the steps set, and the steps set only
    // variables of declared inputs.
    let set: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.trim().split_once(':').map(|(k, _)| k.to_string()))
        .filter(|k| k.starts_with("INPUT_"))
        .collect();
    let declared: BTreeSet<String> = names.iter().map(|n| env_name(n)).collect();
    assert!(set.is_subset(&declared), "{set:?} vs {declared:?}");
    let read: BTreeSet<String> = script
        .split("INPUT_")
        .skip(1)
        .map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                .collect();
            format!("INPUT_{name}")
        })
        .filter(|v| v != "INPUT_") // `INPUT_*` in a comment
        .collect();
    assert!(
        read.is_subset(&set),
        "the script reads {read:?}, the steps set {set:?}"
    );
}

/// A runner's environment: the binary in `$ECSAUDIT_BIN_DIR/bin`, output files.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_ecsaudit"),
            dir.path().join("bin/ecsaudit"),
        )
        .unwrap();
        Runner { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `action-run STEP` in the checkout with `env`; its exit code and what it wrote to
    /// $GITHUB_OUTPUT (as key=value lines).
    fn run(&self, step: &str, env: &[(&str, &str)]) -> (i32, Vec<(String, String)>) {
        let output = self.path("github_output");
        let _ = std::fs::remove_file(&output);
        let status = Command::new(Path::new(ROOT).join("scripts/action-run"))
            .arg(step)
            .current_dir(ROOT)
            .env("ECSAUDIT_BIN_DIR", self.dir.path())
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .envs(env.iter().copied())
            .status()
            .unwrap();
        let written = std::fs::read_to_string(&output).unwrap_or_default();
        let pairs = written
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        (status.code().unwrap(), pairs)
    }
}

#[test]
fn the_scan_step_scans_reports_and_fails_only_afterwards() {
    let runner = Runner::new();
    let sarif = runner.path("ecsaudit.sarif");
    let sarif = sarif.to_str().unwrap();
    let (code, out) = runner.run(
        "scan",
        &[
            ("INPUT_PATHS", "examples/flawed examples/clean"),
            ("INPUT_OUTPUT", sarif),
        ],
    );
    assert_eq!(code, 0, "the step itself succeeds, so the upload runs");
    assert_eq!(
        out,
        [
            ("exit-code".into(), "1".into()),
            ("report".into(), sarif.into())
        ]
    );
    let report: Value = serde_json::from_slice(&std::fs::read(sarif).unwrap()).unwrap();
    let results = report["runs"][0]["results"].as_array().unwrap().len();
    assert!(results > 20, "{results} results");
    let summary = std::fs::read_to_string(runner.path("summary.md")).unwrap();
    assert!(summary.starts_with("## ecsaudit:"), "{summary}");

    // The same findings as a baseline: nothing new, exit code 0; a config and extra
    // arguments pass through.
    let config = runner.path("ecsaudit.toml");
    std::fs::write(&config, "fail_on = \"critical\"\n").unwrap();
    let json = runner.path("report.json");
    let (code, out) = runner.run(
        "scan",
        &[
            ("INPUT_PATHS", "examples/flawed examples/clean"),
            ("INPUT_FORMAT", "json"),
            ("INPUT_OUTPUT", json.to_str().unwrap()),
            ("INPUT_BASELINE", sarif),
            ("INPUT_CONFIG", config.to_str().unwrap()),
            ("INPUT_ARGS", "--engine interpreter"),
            ("INPUT_SUMMARY", "false"),
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(out[0], ("exit-code".into(), "0".into()), "{out:?}");
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert!(
        report["summary"]["baseline"].is_object(),
        "{:#}",
        report["summary"]
    );

    // An error (a path that does not exist) is exit code 2, and no report is claimed
    // when none was written.
    let (code, out) = runner.run(
        "scan",
        &[
            ("INPUT_PATHS", "no/such/dir"),
            (
                "INPUT_OUTPUT",
                runner.path("none/out.sarif").to_str().unwrap(),
            ),
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        [
            ("exit-code".into(), "2".into()),
            ("report".into(), String::new())
        ]
    );

    // The last step fails the job with ecsaudit's exit code.
    assert_eq!(runner.run("verdict", &[("EXIT_CODE", "1")]).0, 1);
    assert_eq!(runner.run("verdict", &[("EXIT_CODE", "4")]).0, 4);
}

#[test]
fn the_install_step_builds_this_checkout_locked() {
    let runner = Runner::new();
    // A stand-in for cargo that records how it was called.
    let stub = runner.path("cargo");
    let log = runner.path("cargo.log");
    std::fs::write(
        &stub,
        format!("#!/bin/sh\necho \"$@\" >> {}\n", log.display()),
    )
    .unwrap();
    Command::new("chmod")
        .arg("755")
        .arg(&stub)
        .status()
        .unwrap();
    let cargo = stub.to_str().unwrap();
    assert_eq!(runner.run("install", &[("CARGO", cargo)]).0, 0);
    assert_eq!(
        runner
            .run("install", &[("CARGO", cargo), ("INPUT_AWS", "true")])
            .0,
        0
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    let root = runner.dir.path().display();
    assert_eq!(
        calls,
        format!(
            "install --locked --path {ROOT} --root {root} --no-default-features\n\
             install --locked --path {ROOT} --root {root}\n"
        )
    );
}
