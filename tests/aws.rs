//! End-to-end live audits against a moto server (no real AWS). `scripts/test` starts the
//! server and sets ECSAUDIT_MOTO_ENDPOINT and ECSAUDIT_TEST_PYTHON (a Python with boto3);
//! plain `cargo test` skips these (`#[ignore]`).

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::OnceLock;

fn endpoint() -> String {
    std::env::var("ECSAUDIT_MOTO_ENDPOINT")
        .expect("ECSAUDIT_MOTO_ENDPOINT is not set: run scripts/test (it starts moto)")
}

fn python() -> String {
    std::env::var("ECSAUDIT_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn data(name: &str) -> String {
    format!("{}/tests/aws/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Seed the moto server once per test binary; returns what seed.py created.
fn seeded() -> &'static Value {
    static SEED: OnceLock<Value> = OnceLock::new();
    SEED.get_or_init(|| {
        let out = std::process::Command::new(python())
            .arg(data("seed.py"))
            .arg(endpoint())
            .output()
            .expect("run seed.py");
        assert!(
            out.status.success(),
            "seed.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed.py prints JSON")
    })
}

/// ecsaudit with fake credentials and no ambient AWS configuration.
fn ecsaudit() -> Command {
    let mut cmd = Command::cargo_bin("ecsaudit").unwrap();
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION");
    cmd
}

fn audit(endpoint: &str, extra: &[&str]) -> (Value, i32, String) {
    seeded();
    let out = ecsaudit()
        .args([
            "scan",
            "--aws",
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
        ])
        .args(extra)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        report,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn findings_of<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

/// The one finding of `rule` on `resource`.
fn finding<'a>(report: &'a Value, rule: &str, resource: &str) -> &'a Value {
    let all = findings_of(report, rule);
    let hits: Vec<_> = all.iter().filter(|f| f["resource"] == resource).collect();
    assert_eq!(
        hits.len(),
        1,
        "{rule} on {resource}: got {:#?}",
        all.iter().map(|f| &f["message"]).collect::<Vec<_>>()
    );
    hits[0]
}

/// A fault-injecting proxy in front of moto (tests/aws/deny_proxy.py); killed on drop.
struct Proxy {
    child: Child,
    url: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Proxy {
    fn start(deny: &[&str]) -> Proxy {
        let mut child = std::process::Command::new(python())
            .arg(data("deny_proxy.py"))
            .arg(endpoint())
            .arg(deny.join(","))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start deny_proxy.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .expect("proxy port")
            .to_string();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(a) = l.strip_prefix("CALL ") {
                    sink.lock().unwrap().push(a.to_string());
                }
            }
        });
        Proxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    fn calls(&self) -> Vec<String> {
        std::thread::sleep(std::time::Duration::from_millis(200));
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn live_audit_reports_relational_problems_and_names_both_ends() {
    let seed = seeded();
    let (report, code, stderr) = audit(&endpoint(), &[]);
    assert_eq!(code, 1, "findings, complete audit; stderr: {stderr}");
    let s = |k: &str| seed[k].as_str().unwrap().to_string();

    // ALB -> task ENI gap on the gap service only; the message names both groups.
    let gap = finding(&report, "EA906", &s("gap_service"));
    let msg = gap["message"].as_str().unwrap();
    assert!(
        msg.contains(&s("gap_sg")) && msg.contains(&s("alb_sg")),
        "{msg}"
    );
    assert!(findings_of(&report, "EA906")
        .iter()
        .all(|f| f["resource"] != s("good_service").as_str()));
    // EC2 bridge with dynamic ports: instance group lacks the ephemeral range.
    let legacy = finding(&report, "EA907", &s("legacy_service"));
    assert!(legacy["message"].as_str().unwrap().contains("32768-65535"));
    assert!(legacy["message"].as_str().unwrap().contains(&s("inst_sg")));
    finding(&report, "EA905", &s("legacy_service"));
    finding(&report, "EA901", &s("gap_service"));

    // Roles: admin task role (critical, internet-facing ALB), one finding for both
    // revisions of gap-web.
    let admin = finding(&report, "EA805", &s("gap_td_2"));
    assert_eq!(admin["severity"], "critical");
    assert!(admin["message"]
        .as_str()
        .unwrap()
        .contains("AdministratorAccess"));
    assert_eq!(admin["other_revisions"], serde_json::json!([s("gap_td_1")]));
    assert!(findings_of(&report, "EA805")
        .iter()
        .all(|f| f["resource"] != s("gap_td_1").as_str()));
    finding(&report, "EA804", &s("admin_task"));
    finding(&report, "EA803", &s("legacy_td"));
    finding(&report, "EA807", &s("legacy_td"));
    let missing = finding(&report, "EA808", &s("gap_td_2"));
    assert!(missing["message"]
        .as_str()
        .unwrap()
        .contains("secretsmanager:GetSecretValue"));

    // The clean service and its task definition have no relational findings.
    for f in report["findings"].as_array().unwrap() {
        let r = f["resource"].as_str().unwrap();
        let id = f["rule_id"].as_str().unwrap();
        if r == s("good_service") || r == s("good_td") {
            assert!(
                !(id.starts_with("EA8") || id.starts_with("EA9")),
                "clean resource got {id}: {}",
                f["message"]
            );
        }
    }

    // Scope: latest of each family plus the revision the gap service runs.
    let collected = &report["summary"]["collected"][0]["collected"];
    assert_eq!(collected["task_definitions"], 4, "{collected:#}");
    assert_eq!(
        collected["task_definitions_by_reason"]["used by a service"],
        3
    );
    assert!(
        report["summary"]["collected"][0]["api_calls"]
            .as_u64()
            .unwrap()
            > 10
    );
}

#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn collected_graph_rescans_offline_with_the_same_findings() {
    let (direct, _, _) = audit(&endpoint(), &[]);
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph.json");
    let out = ecsaudit()
        .args([
            "collect",
            "--endpoint-url",
            &endpoint(),
            "--region",
            "us-east-1",
            "-o",
        ])
        .arg(&graph)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ecsaudit()
        .args(["scan", "--format", "json", "--graph"])
        .arg(&graph)
        .output()
        .unwrap();
    let offline: Value = serde_json::from_slice(&out.stdout).unwrap();
    let prints = |r: &Value| -> BTreeSet<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!prints(&direct).is_empty());
    assert_eq!(prints(&direct), prints(&offline));
}

#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn access_denied_gives_a_partial_audit_that_says_what_was_not_checked() {
    let seed = seeded();
    let proxy = Proxy::start(&["iam:GetRole"]);
    let (report, code, stderr) = audit(&proxy.url, &[]);
    assert_eq!(code, 4, "partial audit with findings; stderr: {stderr}");
    // Role checks were not performed, so they are not reported as passing or failing...
    assert!(findings_of(&report, "EA805").is_empty());
    assert!(findings_of(&report, "EA808").is_empty());
    // ...and the report says which roles could not be checked, naming the API call.
    let errors = report["errors"].as_array().unwrap();
    let admin = seed["admin_task"].as_str().unwrap();
    assert!(
        errors.iter().any(|e| e["level"] == "incomplete"
            && e["resource"] == admin
            && e["message"].as_str().unwrap().contains("iam:GetRole")
            && e["message"].as_str().unwrap().contains("AccessDenied")),
        "{errors:#?}"
    );
    // Network checks still ran.
    finding(&report, "EA906", seed["gap_service"].as_str().unwrap());
    assert!(report["summary"]["incomplete"].as_u64().unwrap() >= 5);

    // Text and SARIF say so too.
    let live = |format: &str| {
        let out = ecsaudit()
            .args([
                "scan",
                "--aws",
                "--endpoint-url",
                &proxy.url,
                "--region",
                "us-east-1",
            ])
            .args(["-f", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = live("text");
    assert!(
        text.contains("not checked") && text.contains("audit is partial"),
        "{text}"
    );

    // JUnit: the role rules' checks not performed are skipped cases, never passes.
    let xml = live("junit");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
    for rule in ["EA805", "EA808"] {
        let suite = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("testsuite")
                    && n.attribute("name")
                        .is_some_and(|a| a.starts_with(&format!("{rule} ")))
            })
            .expect("the rule's suite");
        assert!(
            suite.descendants().any(|n| n.has_tag_name("skipped")),
            "{rule}: {xml}"
        );
        assert!(
            !suite
                .children()
                .any(|c| c.attribute("name") == Some("no findings")),
            "{rule} must not pass: {xml}"
        );
    }
}

#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn collector_calls_nothing_outside_the_example_iam_policy() {
    seeded();
    let proxy = Proxy::start(&[]);
    let (report, code, stderr) = audit(&proxy.url, &[]);
    assert_eq!(code, 1, "{stderr}");
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/examples/iam-policy.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let allowed: BTreeSet<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_ascii_lowercase())
        .collect();
    let calls = proxy.calls();
    assert!(calls.len() > 10, "{calls:?}");
    // The reported API call count is what went over the wire.
    assert_eq!(
        report["summary"]["collected"][0]["api_calls"].as_u64(),
        Some(calls.len() as u64),
        "{calls:?}"
    );
    for c in &calls {
        assert!(
            allowed.contains(&c.to_ascii_lowercase()),
            "{c} is not in examples/iam-policy.json"
        );
    }
}

#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn all_revisions_collects_every_active_revision() {
    let (report, _, _) = audit(&endpoint(), &["--all-revisions"]);
    let collected = &report["summary"]["collected"][0]["collected"];
    assert_eq!(collected["task_definitions"], 4);
    assert_eq!(
        collected["task_definitions_by_reason"]["--all-revisions"],
        4
    );
}

/// An endpoint that never answers one API cannot hang the audit: the call times out
/// (`--timeout`), its resources are reported incomplete naming the call, and the rest of
/// the account is still audited.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn a_hung_endpoint_times_out_into_an_incomplete_audit() {
    let seed = seeded();
    let proxy = Proxy::start(&["hang:ecs:DescribeClusters"]);
    let started = std::time::Instant::now();
    let (report, code, stderr) = audit(&proxy.url, &["--timeout", "3"]);
    let took = started.elapsed();
    assert!(code == 3 || code == 4, "partial audit; stderr: {stderr}");
    // Bounded by the timeout (three attempts of a second each, per cluster call), not
    // by the endpoint.
    assert!(took < std::time::Duration::from_secs(60), "took {took:?}");
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["level"] == "incomplete"
            && e["message"].as_str().unwrap().contains("DescribeClusters")
            && e["message"].as_str().unwrap().contains("timed out")),
        "{errors:#?}"
    );
    // The rest was audited: the relational network finding is still there.
    finding(&report, "EA906", seed["gap_service"].as_str().unwrap());
}

/// A call that fails once and passes on its retry costs one retry, counted apart from
/// the calls (`summary.collected[].retries`), and the audit is as complete as without
/// the fault.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn retries_are_counted_apart_from_calls() {
    seeded();
    let clean = Proxy::start(&[]);
    let (want, code, stderr) = audit(&clean.url, &[]);
    assert_eq!(code, 1, "{stderr}");
    let proxy = Proxy::start(&["flaky:ecs:DescribeClusters"]);
    let (got, code, stderr) = audit(&proxy.url, &[]);
    assert_eq!(code, 1, "complete despite the fault; stderr: {stderr}");
    let collected = &got["summary"]["collected"][0];
    assert!(collected["retries"].as_u64().unwrap() >= 1, "{collected:#}");
    assert_eq!(
        collected["api_calls"],
        want["summary"]["collected"][0]["api_calls"]
    );
    assert_eq!(want["summary"]["collected"][0]["retries"], 0);
    assert_eq!(got["summary"]["findings"], want["summary"]["findings"]);
}

/// `-v` logs every call on stderr; written to a file or a pipe (not a terminal) they
/// carry no colour codes.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn verbose_logs_are_plain_text_off_a_terminal() {
    let (_, code, stderr) = audit(&endpoint(), &["-v"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("AWS call"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "ANSI codes in a log: {stderr:?}"
    );
}

/// `--all-regions` with no region configured anywhere asks a home region for the list
/// (it used to fail to sign: "missing signing region"), and audits every region.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn all_regions_works_without_a_configured_region() {
    let seed = seeded();
    let out = ecsaudit()
        .args([
            "scan",
            "--aws",
            "--endpoint-url",
            &endpoint(),
            "--all-regions",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert!(!report.to_string().contains("signing region"), "{report:#}");
    let regions = report["summary"]["collected"][0]["regions"]
        .as_array()
        .unwrap();
    assert!(
        regions.len() > 1 && regions.iter().any(|r| r == "us-east-1"),
        "{regions:?}"
    );
    // The seeded account (us-east-1) is audited as with --region.
    finding(&report, "EA906", seed["gap_service"].as_str().unwrap());
}
