//! No secret is ever written in full: canary secrets planted in task-definition files go
//! through every command and output format, and no byte written (stdout, stderr, output
//! files, graph documents, snapshots) holds one, raw or JSON/XML-escaped. Redacted graphs
//! still give the rules what they need: the same secret findings, messages and
//! fingerprints as the plaintext input. The live-account half is in tests/aws.rs.

use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Canary secrets, assembled at run time (no secret scanner flags this file). Each is
/// `(where, value)`; every one is a value some secret rule reports.
pub fn canaries() -> Vec<(&'static str, String)> {
    let k = |parts: &[&str]| parts.concat();
    vec![
        ("aws key id", k(&["AKIA", "QCANARY7Z4X2W9M1"])),
        (
            "aws secret",
            k(&["wJalrXUtnFEMI", "/K7MDENG/bPxRfiCYCnry41Q"]),
        ),
        (
            "github",
            k(&["ghp_", "Cnry8Qz2Lm4Xw7Vb1Nt5Hs9Jd3Kf6Gp0Ra2E"]),
        ),
        ("password", k(&["Cnry-pass-", "Zx81-Qw77"])),
        (
            "pem",
            k(&[
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEcnry",
                "PemBody71Qx\n-----END RSA PRIVATE KEY-----",
            ]),
        ),
        (
            "url",
            k(&["postgres://admin:", "CnryUrlPw93x@db.internal:5432/app"]),
        ),
        ("command", k(&["--db-password=", "CnryCmdPw55xq"])),
        (
            "entrypoint",
            k(&["export T=", "ghp_Cnry2Qz8Lm4Xw7Vb1Nt5Hs9Jd3Kf6Gp0Ra7Y"]),
        ),
        ("label", k(&["CnryLabel", "Tok77qRt"])),
        ("log option", k(&["CnrySplunk", "Tok81zWm"])),
        ("repository credential", k(&["CnryRepo", "Cred42Lk"])),
        (
            "health check",
            k(&["CMD-SHELL curl -f https://ops:", "CnryHcPw12@localhost/"]),
        ),
        ("extra token", k(&["CnryPin", "Code55Tr"])),
    ]
}

fn canary(name: &str) -> String {
    canaries()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap()
}

/// A task definition holding every canary, in the fields where they are found.
pub fn canary_task_definition(family: &str) -> Value {
    json!({
        "family": family,
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
        "containerDefinitions": [{
            "name": "app",
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0",
            "essential": true,
            "environment": [
                {"name": "AWS_ACCESS_KEY_ID", "value": canary("aws key id")},
                {"name": "AWS_SECRET_ACCESS_KEY", "value": canary("aws secret")},
                {"name": "GITHUB_TOKEN", "value": canary("github")},
                {"name": "DB_PASSWORD", "value": canary("password")},
                {"name": "TLS_KEY", "value": canary("pem")},
                {"name": "DATABASE_URL", "value": canary("url")},
                {"name": "SERVICE_PIN", "value": canary("extra token")},
                {"name": "LOG_LEVEL", "value": "info"}
            ],
            "command": ["serve", canary("command")],
            "entryPoint": ["sh", "-c", canary("entrypoint")],
            "dockerLabels": {"api-token": canary("label"), "team": "core"},
            "repositoryCredentials": {"credentialsParameter": canary("repository credential")},
            "healthCheck": {"command": ["CMD-SHELL", canary("health check")]},
            "logConfiguration": {
                "logDriver": "splunk",
                "options": {"splunk-token": canary("log option"), "splunk-url": "https://splunk.example.com"}
            }
        }]
    })
}

/// Every form in which a canary could show: the part after what a preview may show
/// (the first 4 characters), raw, JSON-escaped and XML-escaped, and its last 8
/// characters.
fn needles(value: &str) -> Vec<String> {
    let tail: String = value.chars().skip(4).collect();
    let last: String = {
        let c: Vec<char> = value.chars().collect();
        c[c.len() - 8..].iter().collect()
    };
    let json = |s: &str| {
        let q = serde_json::to_string(s).unwrap();
        q[1..q.len() - 1].to_string()
    };
    let xml = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;")
    };
    let mut out = vec![
        tail.clone(),
        json(&tail),
        xml(&tail),
        json(&tail).replace('/', "\\/"),
    ];
    for line in tail.lines().filter(|l| l.len() >= 8) {
        out.push(line.to_string());
    }
    out.push(last.trim().to_string());
    out.sort();
    out.dedup();
    out
}

/// Panics naming the canary and the stream when `bytes` hold one.
pub fn assert_no_canary(stream: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (name, value) in canaries() {
        for needle in needles(&value) {
            assert!(
                !text.contains(&needle),
                "{stream} leaks the {name} canary ({needle:?}):\n{text}"
            );
        }
    }
}

/// Every file under `dir`, checked for canaries.
fn assert_no_canary_in_dir(dir: &Path) {
    for entry in walk(dir) {
        assert_no_canary(
            &entry.display().to_string(),
            &std::fs::read(&entry).unwrap(),
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn ecsaudit(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ecsaudit").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Run, check stdout and stderr for canaries, return stdout.
fn run_clean(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = ecsaudit(dir).args(args).output().unwrap();
    let what = args.join(" ");
    assert!(
        out.status.code().is_some_and(|c| c <= 4),
        "{what}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_canary(&format!("stdout of `{what}`"), &out.stdout);
    assert_no_canary(&format!("stderr of `{what}`"), &out.stderr);
    out.stdout
}

/// A directory with the canary task definition, a broken copy of it (syntax error after
/// the secrets), one with a wrong field type, a config naming an extra secret token and
/// a graph document written in plaintext (as an ecsaudit before redaction wrote it).
fn canary_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let td = canary_task_definition("canary");
    let text = serde_json::to_string_pretty(&td).unwrap();
    std::fs::create_dir(dir.path().join("tds")).unwrap();
    std::fs::write(dir.path().join("tds/canary.json"), &text).unwrap();
    let broken = format!("{}, oops", &text[..text.len() - 1]);
    std::fs::write(dir.path().join("tds/broken.json"), broken).unwrap();
    let mut typed = canary_task_definition("typed");
    typed["containerDefinitions"][0]["privileged"] = json!("yes");
    std::fs::write(
        dir.path().join("tds/typed.json"),
        serde_json::to_string_pretty(&typed).unwrap(),
    )
    .unwrap();
    write_config(dir.path());
    let graph = json!({
        "schema_version": 1,
        "generator": {"name": "ecsaudit", "version": "0.0.1"},
        "sources": [{"type": "files", "paths": ["tds"]}],
        "nodes": {"file:old.json#": {
            "id": "file:old.json#", "kind": "task_definition", "name": "canary",
            "identity": "file:old.json#family=canary",
            "source": {"type": "file", "file": "old.json", "pointer": "", "shape": "register_input"},
            "properties": td,
            "derived": {"containers": []}
        }},
        "edges": []
    });
    std::fs::write(dir.path().join("old-graph.json"), graph.to_string()).unwrap();
    dir
}

/// A config that makes `SERVICE_PIN` a secret name (EA101's `extra_name_tokens`).
fn write_config(dir: &Path) {
    std::fs::write(
        dir.join("ecsaudit.toml"),
        "[parameters.EA101]\nextra_name_tokens = [\"PIN\"]\n",
    )
    .unwrap();
}

#[test]
fn no_command_writes_a_canary() {
    let dir = canary_dir();
    let d = dir.path();
    for format in ["text", "json", "sarif", "markdown", "junit"] {
        run_clean(d, &["scan", "tds", "-f", format]);
        let out = format!("report.{format}");
        run_clean(d, &["scan", "tds", "-f", format, "-o", &out]);
        run_clean(d, &["scan", "--graph", "old-graph.json", "-f", format]);
    }
    run_clean(
        d,
        &[
            "scan",
            "tds/canary.json",
            "tds/broken.json",
            "tds/typed.json",
        ],
    );
    run_clean(d, &["graph", "tds"]);
    run_clean(d, &["graph", "tds", "-o", "graph.json"]);
    run_clean(d, &["graph", "tds/broken.json"]);
    run_clean(d, &["scan", "--graph", "graph.json", "-f", "json"]);
    run_clean(
        d,
        &["scan", "tds", "--baseline", "report.json", "-f", "sarif"],
    );
    for graph in ["graph.json", "old-graph.json"] {
        run_clean(d, &["eval", "--graph", graph, "input"]);
        run_clean(
            d,
            &[
                "eval",
                "--graph",
                graph,
                "[s | some n in input.nodes; some s in n.derived.secrets]",
            ],
        );
        run_clean(
            d,
            &[
                "eval",
                "--graph",
                graph,
                "[x | walk(input, [_, x]); is_string(x)]",
            ],
        );
    }
    // Every file written, the inputs aside.
    std::fs::remove_dir_all(d.join("tds")).unwrap();
    std::fs::remove_file(d.join("old-graph.json")).unwrap();
    assert_no_canary_in_dir(d);
}

/// What identifies a finding across runs.
fn secret_findings(report: &[u8]) -> Vec<(String, String, String, String)> {
    let v: Value = serde_json::from_slice(report).unwrap();
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["location"]["pointer"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn redacted_graphs_report_what_the_plaintext_does() {
    let dir = canary_dir();
    let d = dir.path();
    let files = run_clean(
        d,
        &["scan", "tds/canary.json", "-f", "json", "--fail-on", "none"],
    );
    run_clean(d, &["graph", "tds/canary.json", "-o", "graph.json"]);
    let graph = run_clean(
        d,
        &[
            "scan",
            "--graph",
            "graph.json",
            "-f",
            "json",
            "--fail-on",
            "none",
        ],
    );
    let found = secret_findings(&files);
    assert_eq!(found, secret_findings(&graph));
    let secrets: Vec<_> = found.iter().filter(|f| f.0.starts_with("EA10")).collect();
    // Every canary is reported (the health check's is redacted, not a rule's concern).
    assert_eq!(secrets.len(), 11, "{secrets:#?}");
    // A saved graph read back is redacted again, idempotently.
    let saved: Value =
        serde_json::from_slice(&std::fs::read(d.join("graph.json")).unwrap()).unwrap();
    let again = run_clean(d, &["eval", "--graph", "graph.json", "input"]);
    let again: Value = serde_json::from_slice(&again).unwrap();
    assert_eq!(again["nodes"], saved["nodes"]);
    // The redacted file itself, scanned as a task definition (what a re-scan of
    // snapshots does): the same findings at the same place, same fingerprints.
    let td = &saved["nodes"]["file:tds/canary.json#"]["properties"];
    std::fs::write(
        d.join("tds/canary.json"),
        serde_json::to_string_pretty(td).unwrap(),
    )
    .unwrap();
    let rescan = run_clean(
        d,
        &["scan", "tds/canary.json", "-f", "json", "--fail-on", "none"],
    );
    let strip_loc = |v: Vec<(String, String, String, String)>| v;
    assert_eq!(strip_loc(secret_findings(&rescan)), found);
}

#[test]
fn markers_show_kind_and_preview_only() {
    let dir = canary_dir();
    let d = dir.path();
    let out = run_clean(
        d,
        &[
            "eval",
            "--graph",
            "old-graph.json",
            "input.nodes[_].properties.containerDefinitions[0].environment",
        ],
    );
    let env: Value = serde_json::from_slice(&out).unwrap();
    let value = |name: &str| {
        env.as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        value("AWS_ACCESS_KEY_ID"),
        "ecsaudit:redacted|an AWS access key id|AKIA…(20 chars)"
    );
    assert_eq!(value("DB_PASSWORD"), "ecsaudit:redacted||Cnry…(19 chars)");
    assert_eq!(value("LOG_LEVEL"), "info");
}

/// Every string value of the task definitions under `dir` (recursively, `*.json`).
fn strings_under(dir: &Path, out: &mut Vec<String>) {
    fn collect(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.push(k.clone());
                collect(x, out)
            }),
            _ => {}
        }
    }
    let scan = ecsaudit::source::files::scan(&[dir.to_path_buf()], &Default::default());
    for td in &scan.task_definitions {
        collect(&td.value, out);
    }
}

/// The Rust classifier that decides what to redact gives exactly what the Rego library
/// the rules use gives (`value_kind`, `trivial_value`, `name_suggests_secret`,
/// `lib.redact`), on every string of the examples, the test data, the 80 real-world
/// task definitions, the canaries, markers and edge cases.
#[test]
fn rust_classifier_matches_the_rego_library() {
    use ecsaudit::graph::secrets;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut values: Vec<String> = Vec::new();
    strings_under(&root.join("examples"), &mut values);
    strings_under(&root.join("tests/data"), &mut values);
    let realworld = root.join("../shared/corpus/realworld/cases");
    assert!(realworld.is_dir(), "the shared corpus is missing");
    strings_under(&realworld, &mut values);
    values.extend(canaries().into_iter().map(|(_, v)| v));
    for v in [
        "",
        "abc",
        "abcd",
        "    x   ",
        "true",
        "TRUE",
        "changeme_in_secrets_manager",
        "arn:aws:x",
        "/etc/x",
        "file://x",
        "${X}",
        "{{x}}",
        "$API_KEY",
        "$",
        "$2b$12$abcdefghijklmnopqrstuv",
        "<PASSWORD>",
        "<YOUR_DATADOG_API_KEY>",
        "<>",
        "<a<b>",
        "x<PASSWORD>",
        "12:30-1.5",
        "0123456789abcdefABCDEFxyz",
        "Zq9xW2mK7vB4nR8tY3uP6sL1",
        "zq9xw2mk7vb4nr8ty3up6sl1",
        "ZQ9XW2MK7VB4NR8TY3UP6SL1",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1A",
        "https://u:${P}@h/",
        "https://u:****@h/",
        "https://u:%s@h/",
        "https://u:p@h/",
        "ftp://a:b@c",
        "xoxb-1234567890",
        "xoxb-123456789",
        "AKIAABCDEFGHIJKLMNOP",
        "xAKIAABCDEFGHIJKLMNOP",
        "AKIAABCDEFGHIJKLMNOPQ",
        "AIzaSyA1234567890abcdefghijklmnopqrstu",
        "sk_live_abcdefghijklmnop",
        "eyJhbGciOiJIUzI1.eyJzdWIiOiIx.c2lnbmF0dXJl",
        "hooks.slack.com/services/TABC",
        "-----BEGIN PRIVATE KEY-----",
        "pässwörd-très-secret-ünïcode",
        "日本語のパスワード12345678",
        "ecsaudit:redacted|an AWS access key id|AKIA…(20 chars)",
        "ecsaudit:redacted||Cnry…(19 chars)",
        "ecsaudit:redacted|made up|x",
        "ecsaudit:redacted|a high-entropy string|wJal…(37 chars)",
        "ecsaudit:redacted|",
    ] {
        values.push(v.to_string());
    }
    // Every token with every safe suffix, and alone, in both cases.
    let suffixes = [
        "_FILE",
        "_PATH",
        "_DIR",
        "_NAME",
        "_ARN",
        "_ID",
        "_IDS",
        "_LENGTH",
        "_LEN",
        "_TTL",
        "_SECONDS",
        "_MINUTES",
        "_HOURS",
        "_DAYS",
        "_TIMEOUT",
        "_EXPIRY",
        "_EXPIRES",
        "_ENABLED",
        "_DISABLED",
        "_REQUIRED",
        "_HEADER",
        "_TYPE",
        "_REGION",
        "_VERSION",
        "_POLICY",
        "_URL_PATH",
        "_COUNT",
        "_SIZE",
        "_PARAM",
        "_PARAMETER",
        "_KEY_ID",
        "_ALGORITHM",
        "_FORMAT",
        "_PREFIX",
        "_SUFFIX",
        "_ROTATION",
        "_ROTATION_DAYS",
        "_SOURCE",
        "_PROVIDER",
        "_ENDPOINT",
        "_LOCATION",
        "_REF",
        "_URL",
        "",
    ];
    for token in secrets::DEFAULT_NAME_TOKENS
        .iter()
        .chain(&["PASS", "KEY", "AUTH"])
    {
        for suffix in suffixes {
            values.push(format!("MY_{token}{suffix}"));
            values.push(format!("my_{token}{suffix}").to_lowercase());
        }
    }
    // High-entropy edge cases: 16 distinct characters twice is exactly 4.0 bits.
    values.push("ABCDEFGHabcdefg1ABCDEFGHabcdefg1".chars().rev().collect());
    values.push("Ab1Cd2Ef3Gh4Ij5KAb1Cd2Ef3Gh4Ij5K".into());
    values.push("Ab1Cd2Ef3Gh4Ij5KAb1Cd2Ef3Gh4Ij5".into());
    values.sort();
    values.dedup();
    assert!(values.len() > 2000, "{} values", values.len());

    let set = ecsaudit::policy::PolicySet::from_sources(ecsaudit::policy::builtin_sources()).0;
    let mut engine = regorus::Engine::new();
    for src in set.libraries.iter() {
        engine
            .add_policy(src.path.clone(), src.text.clone())
            .unwrap();
    }
    engine.set_input(regorus::Value::from_json_str(&json!(values).to_string()).unwrap());
    let query = |q: &str, engine: &mut regorus::Engine| -> Value {
        let r = engine.eval_query(q.into(), false).unwrap();
        serde_json::to_value(&r.result[0].expressions[0].value).unwrap()
    };
    let rego_kinds = query(
        "{v: k | some v in input; k := data.ecsaudit.lib.secrets.value_kind(v)}",
        &mut engine,
    );
    let rego_trivial = query(
        "{v | some v in input; data.ecsaudit.lib.secrets.trivial_value(v)}",
        &mut engine,
    );
    let rego_names = query(
        "{v | some v in input; data.ecsaudit.lib.secrets.name_suggests_secret(v, data.ecsaudit.lib.secrets.default_name_tokens)}",
        &mut engine,
    );
    let rego_redact = query(
        "{v: r | some v in input; r := data.ecsaudit.lib.redact(v)}",
        &mut engine,
    );
    let contains = |set: &Value, v: &str| set.as_array().unwrap().iter().any(|x| x == v);
    let mut differences = Vec::new();
    for v in &values {
        let rust = secrets::value_kind(v);
        let rego = rego_kinds.get(v).and_then(Value::as_str);
        if rust != rego {
            differences.push(format!("value_kind({v:?}): rust {rust:?}, rego {rego:?}"));
        }
        if secrets::trivial_value(v) != contains(&rego_trivial, v) {
            differences.push(format!("trivial_value({v:?}) differs"));
        }
        let rust = secrets::name_suggests_secret(v, &secrets::DEFAULT_NAME_TOKENS);
        if rust != contains(&rego_names, v) {
            differences.push(format!("name_suggests_secret({v:?}): rust {rust}"));
        }
        let (rust, rego) = (
            secrets::redact_preview(v),
            rego_redact.get(v).and_then(Value::as_str),
        );
        if Some(rust.as_str()) != rego {
            differences.push(format!("redact({v:?}): rust {rust:?}, rego {rego:?}"));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // The corpus exercises the classifier: some values of each outcome.
    let kinds: std::collections::BTreeSet<_> = values
        .iter()
        .filter_map(|v| secrets::value_kind(v))
        .collect();
    assert!(kinds.len() >= 8, "{kinds:?}");
}

/// Live accounts (moto, started by scripts/test): the canary task definitions are
/// registered in an account of their own; every live command is checked.
mod live {
    use super::*;
    use std::io::Write;
    use std::sync::Mutex;

    /// The moto server is shared by the tests of this binary: one at a time.
    static MOTO: Mutex<()> = Mutex::new(());

    fn endpoint() -> String {
        std::env::var("ECSAUDIT_MOTO_ENDPOINT")
            .expect("ECSAUDIT_MOTO_ENDPOINT is not set: run scripts/test (it starts moto)")
    }

    fn seed() {
        let python = std::env::var("ECSAUDIT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let mut child = std::process::Command::new(python)
            .arg(format!(
                "{}/tests/aws/seed_canaries.py",
                env!("CARGO_MANIFEST_DIR")
            ))
            .arg(endpoint())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let tds = json!([
            canary_task_definition("canary"),
            canary_task_definition("canary-two")
        ]);
        child
            .stdin
            .take()
            .unwrap()
            .write_all(tds.to_string().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn live(dir: &Path, args: &[&str]) -> Vec<u8> {
        let mut full: Vec<&str> = args.to_vec();
        let e = endpoint();
        full.extend(["--endpoint-url", &e, "--region", "us-east-1"]);
        let out = ecsaudit(dir)
            .args(&full)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap();
        let what = full.join(" ");
        assert!(
            out.status.code().is_some_and(|c| c <= 4),
            "{what}: {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_canary(&format!("stdout of `{what}`"), &out.stdout);
        assert_no_canary(&format!("stderr of `{what}`"), &out.stderr);
        out.stdout
    }

    #[test]
    #[ignore = "needs moto: run scripts/test"]
    fn no_live_command_writes_a_canary() {
        let _moto = MOTO.lock().unwrap_or_else(|e| e.into_inner());
        seed();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write_config(d);
        live(
            d,
            &[
                "scan",
                "--aws",
                "--snapshot-dir",
                "snaps",
                "-f",
                "json",
                "-o",
                "live.json",
            ],
        );
        live(d, &["scan", "--aws", "-v", "-f", "sarif"]);
        live(d, &["scan", "--aws", "-vv", "-f", "text"]);
        live(d, &["collect", "-o", "collected.json"]);
        live(d, &["collect", "--snapshot-dir", "snaps2", "-vv"]);
        run_clean(d, &["eval", "--graph", "collected.json", "input"]);
        run_clean(d, &["scan", "--graph", "collected.json", "-f", "junit"]);
        assert_no_canary_in_dir(d);
        assert!(walk(&d.join("snaps")).len() >= 2, "snapshots were written");
    }

    /// `scan --graph` of a collected graph reports the live audit's secret findings with
    /// the same fingerprints; the snapshots, re-scanned as files, report what the same
    /// files in plaintext do.
    #[test]
    #[ignore = "needs moto: run scripts/test"]
    fn redacted_live_data_reports_what_the_plaintext_does() {
        let _moto = MOTO.lock().unwrap_or_else(|e| e.into_inner());
        seed();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write_config(d);
        let audit = live(
            d,
            &[
                "scan",
                "--aws",
                "--snapshot-dir",
                "snaps",
                "-f",
                "json",
                "--fail-on",
                "none",
            ],
        );
        live(d, &["collect", "-o", "collected.json"]);
        let saved = run_clean(
            d,
            &[
                "scan",
                "--graph",
                "collected.json",
                "-f",
                "json",
                "--fail-on",
                "none",
            ],
        );
        let audit = secret_findings(&audit);
        let secret = |v: &[(String, String, String, String)]| -> Vec<(String, String, String)> {
            v.iter()
                .filter(|f| f.0.starts_with("EA10"))
                .map(|f| (f.0.clone(), f.1.clone(), f.2.clone()))
                .collect()
        };
        assert_eq!(secret(&audit).len(), 22, "{audit:#?}");
        assert_eq!(secret(&audit), secret(&secret_findings(&saved)));

        // The plaintext twin of each snapshot: markers put back to the values they hold.
        let original = canary_task_definition("x");
        let mut redacted = original.clone();
        ecsaudit::graph::secrets::Redactor::default().redact_task_definition(&mut redacted);
        let mut plain_of = std::collections::BTreeMap::new();
        pairs(&redacted, &original, &mut plain_of);
        let twin = tempfile::tempdir().unwrap();
        let mut files = 0;
        for f in walk(&d.join("snaps")) {
            let rel = f.strip_prefix(d).unwrap();
            let mut v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
            unredact(&mut v, &plain_of);
            let to = twin.path().join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(&to, serde_json::to_string_pretty(&v).unwrap()).unwrap();
            files += 1;
        }
        assert!(files >= 2);
        write_config(twin.path());
        let args = ["scan", "snaps", "-f", "json", "--fail-on", "none"];
        let rescan = secret_findings(&run_clean(d, &args));
        let out = ecsaudit(twin.path()).args(args).output().unwrap();
        let plain = secret_findings(&out.stdout);
        assert_eq!(secret(&rescan).len(), 22);
        assert_eq!(rescan, plain);
    }

    /// Marker -> the value it replaced, from a redacted copy and its original.
    fn pairs(
        redacted: &Value,
        original: &Value,
        out: &mut std::collections::BTreeMap<String, String>,
    ) {
        match (redacted, original) {
            (Value::String(r), Value::String(o)) if r != o => {
                out.insert(r.clone(), o.clone());
            }
            (Value::Array(r), Value::Array(o)) => {
                r.iter().zip(o).for_each(|(r, o)| pairs(r, o, out))
            }
            (Value::Object(r), Value::Object(o)) => {
                for (k, rv) in r {
                    if let Some(ov) = o.get(k) {
                        pairs(rv, ov, out);
                    }
                }
            }
            _ => {}
        }
    }

    fn unredact(v: &mut Value, plain_of: &std::collections::BTreeMap<String, String>) {
        match v {
            Value::String(s) => {
                if let Some(p) = plain_of.get(s.as_str()) {
                    *s = p.clone();
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| unredact(x, plain_of)),
            Value::Object(o) => o.values_mut().for_each(|x| unredact(x, plain_of)),
            _ => {}
        }
    }
}
