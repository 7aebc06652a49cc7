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

/// Run a seeding script of tests/aws against the moto server; what it made, as JSON.
fn seed(script: &str, args: &[&str]) -> Value {
    let out = std::process::Command::new(python())
        .arg(data(script))
        .arg(endpoint())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{script} prints JSON: {e}"))
}

/// Seed the moto server once per test binary; returns what seed.py created.
fn seeded() -> &'static Value {
    static SEED: OnceLock<Value> = OnceLock::new();
    SEED.get_or_init(|| seed("seed.py", &[]))
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

/// `ecsaudit scan --aws` against `endpoint` (moto, or a proxy in front of it).
fn live(endpoint: &str) -> Command {
    let mut cmd = ecsaudit();
    cmd.args([
        "scan",
        "--aws",
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
    ]);
    cmd
}

fn audit(endpoint: &str, extra: &[&str]) -> (Value, i32, String) {
    seeded();
    let out = live(endpoint)
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

    // Clusters: moto's default cluster has Container Insights disabled; "ops" has it
    // enhanced but logs no ECS Exec session.
    let insights = finding(&report, "EA951", &s("cluster"));
    assert_eq!(
        insights["message"],
        "cluster \"prod\" has Container Insights disabled"
    );
    assert!(findings_of(&report, "EA951")
        .iter()
        .all(|f| f["resource"] != s("ops_cluster").as_str()));
    finding(&report, "EA952", &s("ops_cluster"));
    // "ops" scales on a provider without managed termination protection.
    let provider = finding(&report, "EA954", &s("ops_capacity_provider"));
    assert_eq!(provider["related"][0]["id"], s("ops_cluster"));
    // The external service's task set assigns public IPs (its service has no
    // network configuration of its own).
    let task_set = finding(&report, "EA910", &s("external_service"));
    assert!(task_set["message"]
        .as_str()
        .unwrap()
        .contains("of service \"external\" assigns public IP addresses"));
    // The EC2 container instance allows IMDSv1 while the bridge-mode legacy revision
    // runs on it, and boots from an unencrypted volume; its agent is connected.
    let imds = finding(&report, "EA961", &s("container_instance"));
    assert_eq!(imds["related"][0]["id"], s("legacy_td"));
    assert!(imds["message"]
        .as_str()
        .unwrap()
        .contains("allows IMDSv1 (HttpTokens optional) while tasks of \"legacy-ec2:1\""));
    finding(&report, "EA963", &s("container_instance"));
    assert!(findings_of(&report, "EA962").is_empty());
    // The account's defaultLogDriverMode is blocking: the clean task definition's
    // awslogs container sets no mode.
    let blocking = finding(&report, "EA304", &s("good_td"));
    assert!(blocking["message"]
        .as_str()
        .unwrap()
        .contains("defaultLogDriverMode is blocking in ECS account settings (us-east-1)"));

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
        let out = live(&proxy.url).args(["-f", format]).output().unwrap();
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
    // An organisation's audit, by listing and by organisational unit.
    let org = seeded_org();
    let workloads = org["ous"]["workloads"].as_str().unwrap();
    for extra in [vec![], vec!["--ou", workloads]] {
        let args: Vec<&str> = ["--org-role", "ecsaudit"]
            .into_iter()
            .chain(extra)
            .collect();
        let (_, code, stderr) = audit(&proxy.url, &args);
        assert_eq!(code, 1, "{stderr}");
    }
    let calls = proxy.calls();
    for action in [
        "organizations:ListAccounts",
        "organizations:ListAccountsForParent",
        "sts:AssumeRole",
    ] {
        assert!(
            calls.iter().any(|c| c == action),
            "{action} never called: {calls:?}"
        );
    }
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

/// What a fault scenario must show against the fault-free run (`clean`, and `graph`, the
/// graph it collected): it ends; it is complete (same exit code, same findings) or says
/// it is partial (exit bit 4; bit 2 with an error when nothing could be audited); it
/// reports nothing the fault-free run does not (a finding may move to an older revision
/// when the newer one could not be read); and every finding it lost is near a resource
/// an `incomplete` entry names: the finding's resources, or a resource next to one of
/// them in the graph (the cluster whose services could not be listed, the policy of a
/// role), or the entry names a wider scope (`arn:...:task-definition/*`, an account's
/// credentials). Every entry names something. Returns why not.
fn fault_scenario_holds(
    clean: &Value,
    graph: &Value,
    got: &Value,
    code: i32,
) -> Result<(), String> {
    let rule = |f: &Value| f["rule_id"].as_str().unwrap().to_string();
    let resources = |f: &Value| -> Vec<String> {
        let mut v = vec![f["resource"].as_str().unwrap().to_string()];
        v.extend(
            f["other_revisions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(str::to_string)),
        );
        v
    };
    let known: BTreeSet<(String, String)> = clean["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| resources(f).into_iter().map(move |r| (rule(f), r)))
        .collect();
    let found: BTreeSet<(String, String)> = got["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| resources(f).into_iter().map(move |r| (rule(f), r)))
        .collect();
    let invented: Vec<_> = found.difference(&known).collect();
    if !invented.is_empty() {
        return Err(format!(
            "findings the fault-free run does not have: {invented:?}"
        ));
    }
    let problems: Vec<&Value> = got["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["level"] == "incomplete" || e["level"] == "error")
        .collect();
    if problems.is_empty() {
        let same = got["findings"] == clean["findings"];
        return if code == 1 && same {
            Ok(())
        } else {
            Err(format!(
                "no incomplete entry, but exit {code} and other findings"
            ))
        };
    }
    if code & 4 == 0 && code & 2 == 0 {
        return Err(format!("incomplete entries but exit {code}"));
    }
    // Each names what it concerns: a resource, or a scope (`arn:...:cluster/*`).
    if let Some(e) = problems.iter().find(|e| e["resource"].is_null()) {
        return Err(format!("an entry names no resource: {e}"));
    }
    let named: Vec<&str> = problems
        .iter()
        .filter_map(|e| e["resource"].as_str())
        .collect();
    let nodes = graph["nodes"].as_object().unwrap();
    let names = |n: &str, id: &str| {
        let name = nodes
            .get(id)
            .and_then(|v| v["name"].as_str())
            .unwrap_or_default();
        id == n || name == n || id.ends_with(&format!("/{n}"))
    };
    // An entry naming no resource, or none of the graph (an account's credentials, a
    // region), covers everything.
    let wide = problems.iter().any(|e| {
        e["resource"]
            .as_str()
            .is_none_or(|n| !nodes.keys().any(|id| names(n, id)))
    });
    if wide {
        return Ok(());
    }
    let is_named = |id: &str| named.iter().any(|n| names(n, id));
    let neighbours = |id: &str| -> Vec<String> {
        let links = &nodes
            .get(id)
            .map(|n| n["derived"]["links"].clone())
            .unwrap_or_default();
        ["in", "out"]
            .iter()
            .filter_map(|d| links[d].as_object())
            .flat_map(|by_kind| by_kind.values())
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    for f in clean["findings"].as_array().unwrap() {
        if resources(f)
            .iter()
            .any(|r| found.contains(&(rule(f), r.clone())))
        {
            continue;
        }
        let mut near: BTreeSet<String> = resources(f).into_iter().collect();
        near.extend(
            f["related"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["id"].as_str().map(str::to_string)),
        );
        for _ in 0..2 {
            let next: Vec<String> = near.iter().flat_map(|id| neighbours(id)).collect();
            near.extend(next);
        }
        if !near.iter().any(|id| is_named(id)) {
            return Err(format!(
                "{} on {} was lost with no incomplete entry near it (named: {named:?})",
                rule(f),
                f["resource"]
            ));
        }
    }
    Ok(())
}

/// The fault suite: every API call the collector makes denied, throttled without end
/// and (for a few) hung; some failing once (5xx, connection reset) and mixed random
/// faults at 10% and 30%. Each scenario must end within its bound and hold to
/// [`fault_scenario_holds`]; transient faults must leave the audit complete.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn fault_suite_never_gives_a_false_or_silent_result() {
    seeded();
    let clean_proxy = Proxy::start(&[]);
    let (clean, code, stderr) = audit(&clean_proxy.url, &[]);
    assert_eq!(code, 1, "{stderr}");
    let actions: BTreeSet<String> = clean_proxy.calls().into_iter().collect();
    let graph_file = tempfile::NamedTempFile::new().unwrap();
    ecsaudit()
        .args([
            "collect",
            "--endpoint-url",
            &clean_proxy.url,
            "--region",
            "us-east-1",
            "-o",
        ])
        .arg(graph_file.path())
        .assert()
        .code(0);
    let graph: Value = serde_json::from_slice(&std::fs::read(graph_file.path()).unwrap()).unwrap();
    assert!(actions.len() >= 20, "{actions:?}");
    let mut scenarios: Vec<(String, Vec<&str>, bool)> = Vec::new();
    for a in &actions {
        scenarios.push((a.clone(), vec![], false));
        scenarios.push((format!("throttle:{a}"), vec![], false));
    }
    for a in [
        "ecs:DescribeClusters",
        "iam:GetRole",
        "ec2:DescribeSecurityGroups",
    ] {
        scenarios.push((format!("hang:{a}"), vec!["--timeout", "2"], false));
    }
    for a in [
        "ecs:DescribeServices",
        "ec2:DescribeInstances",
        "iam:GetRolePolicy",
    ] {
        scenarios.push((format!("flaky:{a}"), vec![], true));
        scenarios.push((format!("reset:{a}"), vec![], true));
    }
    for p in ["0.1", "0.3"] {
        for seed in 1..=2 {
            scenarios.push((format!("random:{p}:{seed}"), vec![], false));
        }
    }
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some((rule, extra, transient)) = scenarios.get(i) else {
                    break;
                };
                let proxy = Proxy::start(&[rule.as_str()]);
                let started = std::time::Instant::now();
                let (got, code, stderr) = audit(&proxy.url, extra);
                let took = started.elapsed();
                let mut verdict = fault_scenario_holds(&clean, &graph, &got, code);
                if verdict.is_ok() && *transient && code != 1 {
                    verdict = Err(format!(
                        "a transient fault left the audit partial (exit {code})"
                    ));
                }
                if verdict.is_ok() && took > std::time::Duration::from_secs(60) {
                    verdict = Err(format!("took {took:?}"));
                }
                if let Err(why) = verdict {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("{rule}: {why}\n  stderr: {stderr}"));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}

/// Two accounts through assumed roles: each summary entry (and each text line) counts the
/// calls of its own account, `sts:AssumeRole` included, and together they are every call
/// that went over the wire.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn every_account_counts_its_own_api_calls() {
    seeded();
    let proxy = Proxy::start(&[]);
    let roles = [
        "arn:aws:iam::123456789012:role/audit",
        "arn:aws:iam::222222222222:role/audit",
    ];
    let (report, code, stderr) = audit(
        &proxy.url,
        &["--assume-role", roles[0], "--assume-role", roles[1]],
    );
    assert_eq!(code, 1, "{stderr}");
    let calls = proxy.calls();
    let collected = report["summary"]["collected"].as_array().unwrap();
    let per_account: Vec<(String, u64)> = collected
        .iter()
        .map(|c| {
            (
                c["account"].as_str().unwrap().to_string(),
                c["api_calls"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(per_account.len(), 2, "{per_account:?}");
    assert_eq!(
        per_account.iter().map(|(_, n)| n).sum::<u64>(),
        calls.len() as u64,
        "{per_account:?} vs {calls:?}"
    );
    let assumed = calls.iter().filter(|c| *c == "sts:AssumeRole").count();
    assert_eq!(assumed, 2, "{calls:?}");
    // The empty second account: its role and its (empty) listings.
    let (account, n) = &per_account[1];
    assert_eq!(account, "222222222222");
    assert!(*n >= 3 && *n < per_account[0].1, "{per_account:?}");
    let out = live(&proxy.url)
        .args(["--assume-role", roles[0], "--assume-role", roles[1]])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for (account, _) in &per_account {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("account {account} ")))
            .unwrap_or_else(|| panic!("no line for {account}: {text}"));
        assert!(line.contains(" API calls"), "{line}");
    }
}

/// The organisation seed_org.py makes (3 members: two under workloads/prod, one under
/// sandbox), seeded once per test binary after seed.py's account.
fn seeded_org() -> &'static Value {
    static ORG: OnceLock<Value> = OnceLock::new();
    ORG.get_or_init(|| {
        seeded();
        seed("seed_org.py", &["3", "us-east-1", "2", "1"])
    })
}

fn members(org: &Value) -> Vec<(String, String, String)> {
    org["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_string(),
                m["name"].as_str().unwrap().to_string(),
                m["ou"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A command's standard output as JSON, after it exited 0.
fn succeeded(out: std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The report's `errors` entries with `code`.
fn errors_coded<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == code)
        .collect()
}

/// The accounts in `summary.collected`: id -> the entry.
fn collected_accounts(report: &Value) -> std::collections::BTreeMap<String, Value> {
    report["summary"]["collected"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "aws")
        .map(|c| (c["account"].as_str().unwrap().to_string(), c.clone()))
        .collect()
}

/// `--org-role`: every ACTIVE account of the organisation is audited (members through
/// the role, the management account with its own credentials), findings name their
/// account, one member whose role is denied is reported as not audited (a partial
/// audit, never a pass), and every call that went over the wire is counted once.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn organisation_audit_covers_every_account_and_names_the_one_not_audited() {
    let org = seeded_org();
    let members = members(org);
    let denied = &members[2];
    let proxy = Proxy::start(&[&format!("sts:AssumeRole@{}", denied.0)]);
    let (report, code, stderr) = audit(
        &proxy.url,
        &["--org-role", "audit", "--account-concurrency", "2"],
    );
    assert_eq!(code, 4, "findings and a partial audit: {stderr}");
    let accounts = collected_accounts(&report);
    assert!(accounts.contains_key("123456789012"), "{accounts:?}");
    assert_eq!(accounts["123456789012"]["credentials"], "own credentials");
    for (id, name, _) in &members {
        let entry = &accounts[id];
        assert_eq!(entry["account_name"], name.as_str(), "{entry}");
        if id == &denied.0 {
            assert_eq!(entry["audited"], false, "{entry}");
            continue;
        }
        assert_eq!(entry["collected"]["task_definitions"], 2, "{entry}");
        // The minimum for this shape (README, "API calls"): sts 1 (the role; its
        // account is the role ARN's, so no identity call);
        // ECS 10 (clusters listed and described, services listed and described,
        // container instances and tasks listed, families listed, 2 task definitions,
        // the account settings: an awslogs container sets no mode);
        // ELBv2 3; EC2 2 (security groups, subnets); IAM 16 (4 roles x 3, 2 inline
        // policies, 1 managed policy x 2).
        assert_eq!(entry["api_calls"], 1 + 10 + 3 + 2 + 16, "{entry}");
        // Each audited member's findings carry its id, name and region.
        let own: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["account"] == id.as_str())
            .collect();
        assert!(!own.is_empty(), "no findings for {id}");
        for f in own {
            assert_eq!(f["account_name"], name.as_str(), "{f}");
            assert!(f["resource"].as_str().unwrap().contains(id.as_str()), "{f}");
        }
    }
    let not_audited = errors_coded(&report, "account-not-audited");
    assert_eq!(not_audited.len(), 1, "{:#?}", report["errors"]);
    assert_eq!(not_audited[0]["level"], "incomplete");
    assert_eq!(not_audited[0]["resource"], denied.0.as_str());
    let msg = not_audited[0]["message"].as_str().unwrap();
    assert!(
        msg.contains(&denied.1) && msg.contains("sts:AssumeRole failed: AccessDenied"),
        "{msg}"
    );
    assert!(msg.len() < 400, "a sentence, not an error chain: {msg}");
    // Calls: the organisation's listing plus each account's, as sent.
    let calls = proxy.calls();
    let counted: u64 = report["summary"]["collected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["api_calls"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, calls.len() as u64, "{calls:?}");
    let listing = calls
        .iter()
        .filter(|c| c.starts_with("organizations:"))
        .count();
    assert_eq!(listing, 1, "{calls:?}");
    assert_eq!(
        calls.iter().filter(|c| *c == "sts:AssumeRole").count(),
        members.len(),
        "{calls:?}"
    );
    // The text report has a line per account, the denied one included.
    let out = live(&proxy.url)
        .args(["--org-role", "audit"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for (id, name, _) in &members {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("account {id} \"{name}\"")))
            .unwrap_or_else(|| panic!("no line for {id}: {text}"));
        assert_eq!(line.contains("not audited"), id == &denied.0, "{line}");
    }
}

/// `--ou` takes the accounts under a unit recursively (workloads holds prod, which holds
/// the first two members); `--exclude-accounts` and `--accounts` narrow it, and an
/// `--accounts` id outside the selection is named as not audited.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn organisational_units_and_account_lists_choose_the_accounts() {
    let org = seeded_org();
    let members = members(org);
    let workloads = org["ous"]["workloads"].as_str().unwrap();
    let (report, _, stderr) = audit(&endpoint(), &["--org-role", "audit", "--ou", workloads]);
    let ids: Vec<String> = collected_accounts(&report).into_keys().collect();
    let mut want: Vec<String> = members
        .iter()
        .filter(|m| m.2 == org["ous"]["prod"].as_str().unwrap())
        .map(|m| m.0.clone())
        .collect();
    want.sort();
    assert_eq!(ids, want, "{stderr}");

    let exclude = &members[0].0;
    let (report, _, _) = audit(
        &endpoint(),
        &[
            "--org-role",
            "audit",
            "--ou",
            workloads,
            "--exclude-accounts",
            exclude,
        ],
    );
    let ids: Vec<String> = collected_accounts(&report).into_keys().collect();
    assert_eq!(ids, [members[1].0.clone()]);

    let (report, code, stderr) = audit(
        &endpoint(),
        &[
            "--org-role",
            "audit",
            "--accounts",
            &format!("{},999999999999", members[2].0),
        ],
    );
    let ids: Vec<String> = collected_accounts(&report).into_keys().collect();
    assert_eq!(ids, [members[2].0.clone()]);
    assert!(code == 3 || code == 4, "{code}: {stderr}");
    let named = errors_coded(&report, "account-not-audited");
    assert_eq!(named.len(), 1, "{:#?}", report["errors"]);
    assert_eq!(named[0]["resource"], "999999999999");

    // A selection of no account is an error, not a clean audit.
    let mut everyone: Vec<String> = members.iter().map(|m| m.0.clone()).collect();
    everyone.push("123456789012".into());
    let (report, code, _) = audit(
        &endpoint(),
        &[
            "--org-role",
            "audit",
            "--exclude-accounts",
            &everyone.join(","),
        ],
    );
    assert_eq!(code, 2, "{:#?}", report["errors"]);
    assert!(report["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no ACTIVE account"));

    // Shards split the organisation: disjoint, and together every account. An array
    // job's index (AWS Batch, Kubernetes indexed Jobs) picks its shard.
    let (whole, _, _) = audit(&endpoint(), &["--org-role", "audit"]);
    let whole: Vec<String> = collected_accounts(&whole).into_keys().collect();
    let mut union = Vec::new();
    for i in 0..2 {
        let (part, _, _) = audit(
            &endpoint(),
            &["--org-role", "audit", "--shard", &format!("{i}/2")],
        );
        union.extend(collected_accounts(&part).into_keys());
    }
    union.sort();
    assert_eq!(union, whole);
    let out = live(&endpoint())
        .env("AWS_BATCH_JOB_ARRAY_INDEX", "1")
        .args(["--org-role", "audit", "--shard", "array/2", "-f", "json"])
        .output()
        .unwrap();
    let by_index: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (second, _, _) = audit(&endpoint(), &["--org-role", "audit", "--shard", "1/2"]);
    assert_eq!(
        collected_accounts(&by_index)
            .into_keys()
            .collect::<Vec<_>>(),
        collected_accounts(&second).into_keys().collect::<Vec<_>>()
    );
}

/// A region not enabled for the account (every call there refused as with an invalid
/// token) is named once as not audited; the account's other regions are audited.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn a_disabled_region_is_named_and_the_others_are_audited() {
    seeded();
    let proxy = Proxy::start(&["disabled:eu-west-1"]);
    let (report, code, stderr) = audit(&proxy.url, &["--region", "eu-west-1"]);
    assert_eq!(code, 4, "{stderr}");
    let entry = &report["summary"]["collected"][0];
    assert_eq!(
        entry["regions"],
        serde_json::json!(["us-east-1", "eu-west-1"])
    );
    assert_eq!(
        entry["regions_not_audited"],
        serde_json::json!(["eu-west-1"])
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["code"], "region-not-audited");
    assert_eq!(errors[0]["level"], "incomplete");
    // Nothing else was asked there: one entry, and the findings of us-east-1 alone.
    let (alone, _, _) = audit(&endpoint(), &[]);
    assert_eq!(report["findings"], alone["findings"]);
}

/// ECR images of one repository are described in one batch; when one of them was never
/// pushed (the batch fails), the repository is listed once instead of asking image by
/// image: two calls for three images, and the two that exist are in the graph.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn ecr_images_of_a_repository_cost_one_or_two_calls() {
    seeded();
    seed("seed_ecr.py", &[]);
    let proxy = Proxy::start(&[]);
    let graph = succeeded(
        ecsaudit()
            .args([
                "collect",
                "--endpoint-url",
                &proxy.url,
                "--region",
                "us-west-2",
            ])
            .output()
            .unwrap(),
    );
    let images: Vec<&Value> = graph["nodes"]
        .as_object()
        .unwrap()
        .values()
        .filter(|n| n["kind"] == "image")
        .collect();
    let mut tags: Vec<&str> = images
        .iter()
        .flat_map(|n| n["properties"]["imageTags"].as_array().unwrap())
        .filter_map(Value::as_str)
        .collect();
    tags.sort();
    assert_eq!(tags, ["v1", "v2"], "{images:#?}");
    assert!(
        graph["diagnostics"].as_array().unwrap().is_empty(),
        "{graph:#}"
    );
    let calls = proxy.calls();
    let described = calls.iter().filter(|c| *c == "ecr:DescribeImages").count();
    assert_eq!(described, 2, "{calls:?}");
    // Its repository: described, its policy and scanning configuration read, once each.
    for action in [
        "ecr:DescribeRepositories",
        "ecr:GetRepositoryPolicy",
        "ecr:BatchGetRepositoryScanningConfiguration",
    ] {
        assert_eq!(
            calls.iter().filter(|c| *c == action).count(),
            1,
            "{calls:?}"
        );
    }
}

/// The repository of the images in use: mutable tags the task names (EA205, one per
/// container), no scanning on push (EA206), a policy that lets anyone pull (EA209).
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn ecr_repository_rules_judge_the_repositories_in_use() {
    seeded();
    let seeded_ecr = seed("seed_ecr.py", &[]);
    let (report, _, stderr) = audit(&endpoint(), &["--region", "us-west-2"]);
    let repo = "arn:aws:ecr:us-west-2:123456789012:repository/app";
    finding(&report, "EA206", repo);
    let public = finding(&report, "EA209", repo);
    assert!(public["message"]
        .as_str()
        .unwrap()
        .contains("lets any principal pull (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)"));
    let mutable = findings_of(&report, "EA205");
    let images: Vec<&str> = seeded_ecr["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(mutable.len(), images.len(), "{stderr}");
    for image in images {
        assert!(
            mutable
                .iter()
                .any(|f| f["message"].as_str().unwrap().contains(image)),
            "{image}: {mutable:#?}"
        );
    }
}

/// SARIF of an organisation's audit: one run per account and region (its
/// `automationDetails.id`), each holding that account's results, so that GitHub keeps
/// each account's alerts apart and closes them per account.
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn organisation_sarif_has_one_run_per_account_and_region() {
    let org = seeded_org();
    let dir = tempfile::tempdir().unwrap();
    let doc = succeeded(
        live(&endpoint())
            .current_dir(dir.path())
            .args([
                "--region",
                "us-west-2",
                "--org-role",
                "audit",
                "--snapshot-dir",
                "snap",
            ])
            .args(["-f", "sarif", "--fail-on", "none"])
            .output()
            .unwrap(),
    );
    let runs = doc["runs"].as_array().unwrap();
    let mut accounts: Vec<String> = members(org).into_iter().map(|m| m.0).collect();
    accounts.push("123456789012".into());
    accounts.sort();
    let ids: Vec<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    let want: Vec<String> = accounts
        .iter()
        .flat_map(|a| ["us-east-1", "us-west-2"].map(|r| format!("ecsaudit/aws/{a}/{r}/")))
        .collect();
    assert_eq!(ids, want);
    for run in runs {
        let id = run["automationDetails"]["id"].as_str().unwrap();
        let account = id.split('/').nth(2).unwrap();
        for r in run["results"].as_array().unwrap() {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(uri.starts_with(&format!("snap/{account}/")), "{id}: {uri}");
        }
    }
    let members_with_results = runs
        .iter()
        .filter(|r| !r["results"].as_array().unwrap().is_empty())
        .count();
    assert!(members_with_results >= 4, "{members_with_results}");
}

/// Shards of the organisation (one `scan -f json` per group of accounts), merged, give
/// the report of one run over every account: the same findings in the same order, the
/// same problems, the same per-account summary lines and counts (only the
/// organisation's own listing calls add up, one listing per shard).
#[test]
#[ignore = "needs the moto server started by scripts/test"]
fn merged_shards_equal_one_run_over_the_organisation() {
    let org = seeded_org();
    let members = members(org);
    let denied = &members[1];
    let proxy = Proxy::start(&[&format!("sts:AssumeRole@{}", denied.0)]);
    let dir = tempfile::tempdir().unwrap();
    let (whole, whole_code, stderr) = audit(&proxy.url, &["--org-role", "audit"]);
    assert_eq!(whole_code, 4, "{stderr}");
    let shards = [
        format!("123456789012,{}", members[0].0),
        denied.0.clone(),
        members[2].0.clone(),
    ];
    let mut paths = Vec::new();
    for (i, accounts) in shards.iter().enumerate() {
        let path = dir.path().join(format!("shard-{i}.json"));
        let out = live(&proxy.url)
            .args([
                "--org-role",
                "audit",
                "--accounts",
                accounts,
                "-f",
                "json",
                "-o",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(matches!(out.status.code(), Some(1 | 3 | 4)), "{out:?}");
        paths.push(path);
    }
    let merge = |extra: &[&str]| {
        ecsaudit()
            .arg("merge")
            .args(&paths)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = merge(&["-f", "json"]);
    assert_eq!(out.status.code(), Some(whole_code), "{out:?}");
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(merged["findings"], whole["findings"]);
    let sorted = |v: &Value| {
        let mut e: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.to_string())
            .collect();
        e.sort();
        e
    };
    assert_eq!(sorted(&merged["errors"]), sorted(&whole["errors"]));
    let mut m = merged["summary"].clone();
    let mut w = whole["summary"].clone();
    let listing_calls = m["collected"][0]["api_calls"].as_u64().unwrap();
    assert_eq!(
        listing_calls,
        3 * w["collected"][0]["api_calls"].as_u64().unwrap()
    );
    m["collected"][0]["api_calls"] = Value::Null;
    w["collected"][0]["api_calls"] = Value::Null;
    assert_eq!(m, w);
    // Any format, from the same merged report.
    let text = String::from_utf8(merge(&[]).stdout).unwrap();
    for (id, _, _) in &members {
        assert!(text.contains(&format!("account {id} ")), "{text}");
    }
    let sarif: Value = serde_json::from_slice(&merge(&["-f", "sarif"]).stdout).unwrap();
    assert_eq!(
        sarif["runs"].as_array().unwrap().len(),
        3,
        "3 audited accounts, 1 region"
    );
    // A broken shard is named at its line and column; the others are still merged.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\n  \"version\": 1,\n  \"findings\": [oops]\n}\n").unwrap();
    let out = ecsaudit()
        .arg("merge")
        .args(&paths)
        .arg(&broken)
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.json:3:"), "{stderr}");
    let partial: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(partial["findings"], whole["findings"]);
}
