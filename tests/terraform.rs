//! Terraform modules as a source: every construct the loader evaluates, with the exact
//! file:line of findings, unknown values reported as not checked (never a finding), bad
//! HCL named at its line while the rest is scanned, and the shared IaC corpus read
//! without a crash or an error.

mod common;

use assert_cmd::Command;
use common::{errors, has, located, located_of, unexplained_errors};
use serde_json::Value;

fn scan(args: &[&str]) -> Value {
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", "-f", "json", "--fail-on", "none"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    })
}

/// The graph document of `dir`, as `ecsaudit graph` writes it.
fn graph(dir: &str) -> Value {
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["graph", dir])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    })
}

#[test]
fn jsonencode_of_hcl_objects_points_at_tf_lines() {
    let r = scan(&["examples/terraform"]);
    let f = "examples/terraform/main.tf";
    for want in [
        format!("EA501 legacy-worker {f}:63:20"),
        format!("EA101 legacy-worker {f}:65:9"),
        format!("EA701 legacy-worker {f}:73:17"),
        format!("EA201 legacy-worker {f}:61:20"),
        format!("EA502 legacy-worker {f}:59:5"),
    ] {
        assert!(has(&r, &want), "{want} in {:#?}", located(&r));
    }
    // The web task definition itself is clean (only its relations are not); its image
    // is a variable without a value: reported as unresolved, at its line.
    let web: Vec<_> = located(&r)
        .into_iter()
        .filter(|l| l.contains(" web ") && l.contains("main.tf"))
        .collect();
    assert_eq!(web, [format!("EA805 web {f}:32:30")], "{:#?}", located(&r));
    let unresolved = errors(&r, "unresolved");
    let image = unresolved
        .iter()
        .find(|u| u["location"]["pointer"] == "/containerDefinitions/0/image")
        .expect("the image is unresolved");
    assert_eq!(image["location"]["line"], 37);
    assert!(image["message"].as_str().unwrap().contains("${var.image}"));
    // Secrets are redacted in the message as in any file.
    let all = r.to_string();
    assert!(!all.contains("hunter2-but-longer"));
}

/// The relational rules on a module: service -> target group -> listener -> load
/// balancer -> security groups, task and execution roles with trust documents from
/// `aws_iam_policy_document` and AWS managed policies from the shipped table.
#[test]
fn relational_rules_run_on_terraform() {
    let r = scan(&["examples/terraform"]);
    let s = "examples/terraform/service.tf";
    for want in [
        // The task group admits the ALB on 443, the container listens on 8080.
        format!("EA906 web {s}:122:24"),
        // AdministratorAccess on the task role of an internet-facing service.
        "EA805 web examples/terraform/main.tf:32:30".to_string(),
        // Trust without aws:SourceAccount / aws:SourceArn.
        format!("EA804 web-task {s}:88:3"),
        format!("EA804 web-execution {s}:88:3"),
    ] {
        assert!(has(&r, &want), "{want} in {:#?}", located(&r));
    }
    let ea805 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "EA805")
        .unwrap();
    assert_eq!(
        ea805["severity"], "critical",
        "internet-facing: raised to critical"
    );
    // The ALB's egress is open to the world: not an egress gap, though the subnets
    // (a variable) are unknown.
    assert!(
        !located(&r).iter().any(|l| l.starts_with("EA908")),
        "{:#?}",
        located(&r)
    );
    // The execution role has AmazonECSTaskExecutionRolePolicy (attached by its name):
    // no missing-permission finding for it.
    assert!(
        !located(&r).iter().any(|l| l.starts_with("EA808")),
        "{:#?}",
        located(&r)
    );
}

/// The graph of a module holds the nodes and edges the live collector would.
#[test]
fn terraform_graphs_have_the_live_kinds_and_edges() {
    let g = graph("examples/terraform");
    let id = |a: &str| format!("terraform:examples/terraform#{a}");
    let edges: Vec<(String, String, String)> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
                e["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (from, kind, to) in [
        (
            "aws_ecs_service.web",
            "uses_task_definition",
            id("aws_ecs_task_definition.web"),
        ),
        (
            "aws_ecs_service.web",
            "target_group",
            id("aws_lb_target_group.web"),
        ),
        (
            "aws_ecs_service.web",
            "security_group",
            id("aws_security_group.web_tasks"),
        ),
        (
            "aws_ecs_service.web",
            "in_cluster",
            id("aws_ecs_cluster.main"),
        ),
        ("aws_lb_target_group.web", "load_balancer", id("aws_lb.web")),
        ("aws_lb.web", "security_group", id("aws_security_group.alb")),
        (
            "aws_ecs_task_definition.web",
            "task_role",
            id("aws_iam_role.web_task"),
        ),
        (
            "aws_ecs_task_definition.web",
            "execution_role",
            id("aws_iam_role.execution"),
        ),
        (
            "aws_iam_role.web_task",
            "attached_policy",
            "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        ),
    ] {
        let e = (id(from), kind.to_string(), to);
        assert!(edges.contains(&e), "{e:?} in {edges:#?}");
    }
    let nodes = g["nodes"].as_object().unwrap();
    let svc = &nodes[&id("aws_ecs_service.web")];
    assert_eq!(svc["kind"], "service");
    assert_eq!(
        svc["properties"]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"],
        "DISABLED"
    );
    assert_eq!(
        nodes[&id("aws_lb.web")]["properties"]["Scheme"],
        "internet-facing"
    );
    // The rule resource's permission is folded into its group, as AWS lists it.
    let perms = &nodes[&id("aws_security_group.web_tasks")]["properties"]["IpPermissions"];
    assert_eq!(
        perms[0]["UserIdGroupPairs"][0]["GroupId"],
        id("aws_security_group.alb")
    );
    assert_eq!(perms[0]["FromPort"], 443);
    let trust = &nodes[&id("aws_iam_role.web_task")]["properties"]["AssumeRolePolicyDocument"];
    assert_eq!(
        trust["Statement"][0]["Principal"]["Service"][0],
        "ecs-tasks.amazonaws.com"
    );
    let admin = &nodes["arn:aws:iam::aws:policy/AdministratorAccess"];
    assert_eq!(admin["status"], "complete");
    assert_eq!(
        admin["properties"]["Document"]["Statement"][0]["Action"],
        "*"
    );
}

#[test]
fn heredoc_json_points_inside_the_heredoc() {
    let r = scan(&["tests/data/terraform/heredoc"]);
    assert!(
        has(
            &r,
            "EA501 heredoc-app tests/data/terraform/heredoc/main.tf:9:9"
        ),
        "{:#?}",
        located(&r)
    );
    assert!(has(
        &r,
        "EA202 heredoc-app tests/data/terraform/heredoc/main.tf:7:9"
    ));
    // `user` is "${var.user}": not known, so EA503 (no user) is not reported.
    assert!(!located(&r).iter().any(|l| l.starts_with("EA503")));
    let u = errors(&r, "unresolved");
    assert!(u
        .iter()
        .any(|e| e["location"]["pointer"] == "/containerDefinitions/0/user"));
}

#[test]
fn file_templatefile_and_template_file_point_into_the_json_file() {
    let r = scan(&["tests/data/terraform/files"]);
    let d = "tests/data/terraform/files";
    assert!(
        has(&r, &format!("EA501 from-file {d}/containers.json:6:5")),
        "{:#?}",
        located(&r)
    );
    assert!(has(
        &r,
        &format!("EA201 from-template {d}/app.json.tpl:4:5")
    ));
    assert!(has(
        &r,
        &format!("EA501 from-data {d}/sidecar.json.tpl:6:5")
    ));
    assert!(has(
        &r,
        &format!("EA202 from-data {d}/sidecar.json.tpl:4:5")
    ));
}

#[test]
fn for_each_count_and_dynamic_blocks_make_instances() {
    let r = scan(&["tests/data/terraform/instances"]);
    let ids: std::collections::BTreeSet<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource_id"].as_str().unwrap())
        .collect();
    let m = "terraform:tests/data/terraform/instances#";
    for want in [
        format!("{m}aws_ecs_task_definition.svc[\"api\"]"),
        format!("{m}aws_ecs_task_definition.svc[\"worker\"]"),
        format!("{m}aws_ecs_task_definition.copies[0]"),
        format!("{m}aws_ecs_task_definition.copies[1]"),
    ] {
        assert!(ids.contains(want.as_str()), "{want} in {ids:#?}");
    }
    // each.value.privileged: true for api only; the dynamic volume block's host path.
    let privileged: Vec<_> = located_of(&r, &["EA501"]);
    assert_eq!(privileged.len(), 1, "{privileged:#?}");
    assert!(privileged[0].contains("svc-api"));
    assert!(has(
        &r,
        "EA701 svc-worker tests/data/terraform/instances/main.tf:9:14"
    ));
    assert!(errors(&r, "warning").is_empty(), "{:#?}", r["errors"]);
}

#[test]
fn unknown_values_are_never_findings_and_always_reported() {
    let r = scan(&["tests/data/terraform/unknowns"]);
    let found = located(&r);
    // privileged and readonlyRootFilesystem are var.privileged, which has no value.
    assert!(
        !found
            .iter()
            .any(|l| l.starts_with("EA501") || l.starts_with("EA502")),
        "{found:#?}"
    );
    let not_checked: Vec<_> = errors(&r, "unresolved")
        .into_iter()
        .filter(|e| e["code"] == "not-checked")
        .collect();
    assert!(
        not_checked.iter().any(|e| e["message"]
            .as_str()
            .unwrap()
            .starts_with("EA502 not checked")),
        "{not_checked:#?}"
    );
    // --var gives it a value: now both are checked.
    let r = scan(&["tests/data/terraform/unknowns", "--var", "privileged=true"]);
    let found = located(&r);
    assert!(found.iter().any(|l| l.starts_with("EA501")), "{found:#?}");
    assert!(!found.iter().any(|l| l.starts_with("EA502")), "{found:#?}");
    let r = scan(&["tests/data/terraform/unknowns", "--var", "privileged=false"]);
    assert!(located(&r).iter().any(|l| l.starts_with("EA502")));
}

/// merge() with an unknown map: what the container sets is reported, what it may lack
/// (no `user`, no health check) is not checked.
#[test]
fn objects_merged_with_unknown_maps_are_open() {
    let r = scan(&["tests/data/terraform/open"]);
    let found = located(&r);
    assert!(found.iter().any(|l| l.starts_with("EA501")), "{found:#?}");
    assert!(
        !found
            .iter()
            .any(|l| l.starts_with("EA503") || l.starts_with("EA406")),
        "{found:#?}"
    );
    let not_checked: Vec<&str> = errors(&r, "unresolved")
        .iter()
        .filter(|e| e["code"] == "not-checked")
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        not_checked
            .iter()
            .any(|m| m.starts_with("EA503 not checked")),
        "{not_checked:#?}"
    );
}

#[test]
fn an_hcl_syntax_error_is_named_and_the_rest_is_scanned() {
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", "tests/data/terraform/broken", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = errors(&r, "error");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        e[0]["location"]["file"],
        "tests/data/terraform/broken/bad.tf"
    );
    assert_eq!(e[0]["location"]["line"], 3);
    assert_eq!(e[0]["location"]["column"], 52);
    assert!(has(
        &r,
        "EA501 still-scanned tests/data/terraform/broken/good.tf:3:99"
    ));
}

#[test]
fn graph_documents_carry_locations_and_unresolved_values() {
    let g = graph("tests/data/terraform/unknowns");
    let node = &g["nodes"]["terraform:tests/data/terraform/unknowns#aws_ecs_task_definition.app"];
    assert_eq!(node["source"]["type"], "iac");
    assert_eq!(node["source"]["address"], "aws_ecs_task_definition.app");
    assert_eq!(
        node["properties"]["containerDefinitions"][0]["privileged"],
        "${var.privileged}"
    );
    assert_eq!(
        node["locations"]["/containerDefinitions/0/privileged"]["line"],
        16
    );
    let unresolved = node["unresolved"].as_array().unwrap();
    assert!(unresolved
        .iter()
        .any(|u| u["pointer"] == "/containerDefinitions/0/privileged"));
    // merge() with var.extra, which terraform.tfvars sets to {}: nothing unknown there.
    assert!(
        !unresolved.iter().any(|u| u["open"] == true),
        "{unresolved:#?}"
    );
    // The saved graph scans to the same findings as the module.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    std::fs::write(&path, serde_json::to_vec(&g).unwrap()).unwrap();
    let saved = scan(&["--graph", path.to_str().unwrap()]);
    let direct = scan(&["tests/data/terraform/unknowns"]);
    assert_eq!(located(&saved), located(&direct));
}

/// Every Terraform file of the shared corpus (Checkov, KICS, trivy-checks and
/// real-world modules) is read without a crash or an error.
#[test]
fn the_shared_corpus_reads_without_errors() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/iac/cases");
    assert!(root.is_dir(), "the shared corpus is missing");
    let r = scan(&[root.to_str().unwrap()]);
    assert!(
        unexplained_errors(&r).is_empty(),
        "{:#?}",
        unexplained_errors(&r)
    );
    assert!(
        r["summary"]["task_definitions"].as_u64().unwrap() >= 30,
        "{}",
        r["summary"]
    );
    // The only warnings of .tf files: files the fixtures name but do not ship (the
    // templates' are tests/cloudformation.rs's).
    let tf = |w: &&Value| {
        w["location"]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with(".tf"))
    };
    for w in errors(&r, "warning").into_iter().filter(tf) {
        let m = w["message"].as_str().unwrap();
        assert!(
            m.contains("not found") || m.contains("declared more than once"),
            "{m}"
        );
    }
}

/// `# ecsaudit:ignore RULES reason: ...` above a resource covers the whole block, above
/// a line or at its end covers that line; without a reason it is reported, not honoured.
#[test]
fn inline_ignore_comments_suppress_with_their_reason() {
    let r = scan(&["tests/data/terraform/ignores"]);
    let suppressed = |rule: &str| -> Option<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == rule)
            .and_then(|f| f["suppression"]["reason"].as_str().map(str::to_string))
    };
    assert_eq!(
        suppressed("EA502").as_deref(),
        Some("a legacy image that writes to / (OPS-42)")
    );
    assert_eq!(
        suppressed("EA501").as_deref(),
        Some("needs /dev/fuse, isolated cluster")
    );
    assert_eq!(
        suppressed("EA202").as_deref(),
        Some("digest pinned by the pipeline")
    );
    assert_eq!(suppressed("EA406"), None, "no reason: not honoured");
    assert_eq!(suppressed("EA301"), None, "not named");
    let w = errors(&r, "warning");
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0]["code"], "ignore-without-reason");
    assert_eq!(w[0]["location"]["line"], 10);
    assert_eq!(r["summary"]["suppressed"], 3);
}

/// A local module is followed with the values its caller passes (findings point at the
/// caller's line for those), its resources are addressed `module.NAME.…`, relations cross
/// the call (a role passed in), it is not scanned again as a root of its own, and a
/// remote module that `terraform init` has not fetched is reported as not followed.
#[test]
fn local_modules_are_followed_with_their_inputs() {
    let r = scan(&["tests/data/terraform/modules"]);
    let td = "terraform:tests/data/terraform/modules#module.web.aws_ecs_task_definition.this";
    let of = |rule: &str| -> Vec<&Value> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == rule && f["resource_id"] == td)
            .collect()
    };
    let privileged = of("EA501");
    assert_eq!(privileged.len(), 1, "{:#?}", located(&r));
    assert_eq!(
        privileged[0]["location"]["file"],
        "tests/data/terraform/modules/main.tf"
    );
    assert_eq!(privileged[0]["location"]["line"], 10);
    // PowerUserAccess on the role the root passes in.
    assert_eq!(of("EA805").len(), 1, "{:#?}", located(&r));
    let image = of("EA202");
    assert_eq!(
        image[0]["location"]["file"],
        "tests/data/terraform/modules/modules/web/main.tf"
    );
    assert_eq!(
        r["summary"]["task_definitions"], 1,
        "the child is not a root too"
    );
    let skipped: Vec<_> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["code"] == "module-not-followed")
        .collect();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0]["message"]
        .as_str()
        .unwrap()
        .contains("terraform init"));
}

/// `terraform show -json` output is read by content: its resources become the same
/// nodes, findings point at its lines, and a value known only after apply that the
/// configuration writes as a reference (`task_role_arn = aws_iam_role.task.arn`) links
/// the two nodes.
#[test]
fn plan_json_is_read_with_its_references() {
    let r = scan(&["tests/data/terraform/plan"]);
    let f = "tests/data/terraform/plan/tfplan.json";
    assert!(
        has(&r, &format!("EA501 plan-app {f}:29:13")),
        "{:#?}",
        located(&r)
    );
    // The role, linked through the configuration's reference, grants everything.
    assert!(
        has(&r, &format!("EA805 plan-app {f}:23:11")),
        "{:#?}",
        located(&r)
    );
    assert_eq!(
        r["summary"]["skipped_inputs"], 0,
        "a plan is not a skipped JSON file"
    );
    // Counted in the summary as a plan with its resources.
    assert_eq!(r["summary"]["terraform"]["plans"], 1, "{:#}", r["summary"]);
    assert_eq!(r["summary"]["terraform"]["modules"], 0);
    assert!(r["summary"]["terraform"]["resources"].as_u64().unwrap() >= 2);
    // The checkov fixture plan reads too.
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/iac/cases/checkov/imgref-ecs_tfplan.json");
    let r = scan(&[corpus.to_str().unwrap()]);
    assert_eq!(r["summary"]["task_definitions"], 1);
    assert!(located(&r).iter().any(|l| l.starts_with("EA201")));
}

/// Hostile modules end in a named error or a bounded scan: 100k nested brackets,
/// locals that double each other 40 times, a local that refers to itself.
#[test]
fn hostile_modules_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("nested");
    std::fs::create_dir(&nested).unwrap();
    let n = 100_000;
    std::fs::write(
        nested.join("main.tf"),
        format!("locals {{\n  x = {}{}\n}}\n", "[".repeat(n), "]".repeat(n)),
    )
    .unwrap();
    let doubling = dir.path().join("doubling");
    std::fs::create_dir(&doubling).unwrap();
    let mut tf = String::from("locals {\n  self = local.self\n");
    for i in 0..40 {
        tf.push_str(&format!("  l{i} = [local.l{}, local.l{}]\n", i + 1, i + 1));
    }
    tf.push_str("  l40 = \"x\"\n}\n");
    tf.push_str("resource \"aws_ecs_task_definition\" \"t\" {\n  family = local.self\n  container_definitions = jsonencode([{ name = \"a\", image = \"a:1\", command = flatten(local.l0) }])\n}\n");
    std::fs::write(doubling.join("main.tf"), tf).unwrap();
    let started = std::time::Instant::now();
    let r = scan(&[dir.path().to_str().unwrap()]);
    assert!(started.elapsed().as_secs() < 30);
    let e = errors(&r, "error");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0]["message"].as_str().unwrap().contains("nesting"));
    let warnings: Vec<&str> = errors(&r, "warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|m| m.contains("more than 100000 values")),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|m| m.contains("refers to itself")),
        "{warnings:#?}"
    );
    assert_eq!(r["summary"]["task_definitions"], 1);
}

/// Fingerprints name the resource address and the value's path, not lines: adding lines
/// above keeps every one; SARIF points at the .tf file.
#[test]
fn fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("infra");
    std::fs::create_dir(&module).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/terraform");
    for f in ["main.tf", "service.tf"] {
        std::fs::copy(root.join(f), module.join(f)).unwrap();
    }
    let run = |args: &[&str]| -> Value {
        let out = Command::cargo_bin("ecsaudit")
            .unwrap()
            .current_dir(dir.path())
            .args(["scan", "infra", "--fail-on", "none"])
            .args(args)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let prints = |r: &Value| -> Vec<(String, String, u64)> {
        let mut v: Vec<_> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["location"]["line"].as_u64().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = prints(&run(&["-f", "json"]));
    let text = std::fs::read_to_string(module.join("main.tf")).unwrap();
    std::fs::write(module.join("main.tf"), format!("\n\n\n# moved\n{text}")).unwrap();
    let after = prints(&run(&["-f", "json"]));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1));
    }
    assert!(
        before.iter().zip(&after).any(|(b, a)| a.2 == b.2 + 4),
        "lines moved"
    );
    let sarif = run(&["-f", "sarif"]);
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(uri.ends_with(".tf"), "{uri}");
}

/// The resources around task definitions map onto the API objects the live collector
/// stores: cluster settings, security-group rule resources, listener rules forwarding
/// to target groups, role inline policies (block and resource), EFS volumes, and a
/// remote module `terraform init` fetched.
#[test]
fn resource_mappings_match_the_api() {
    let g = graph("tests/data/terraform/mappings");
    let node =
        |a: &str| &g["nodes"][format!("terraform:tests/data/terraform/mappings#{a}")]["properties"];
    let cluster = node("aws_ecs_cluster.main");
    assert_eq!(cluster["settings"][0]["value"], "disabled");
    assert_eq!(
        cluster["configuration"]["executeCommandConfiguration"]["logging"],
        "NONE"
    );
    let sg = node("aws_security_group.app");
    assert_eq!(
        sg["IpPermissions"][0]["IpRanges"][0]["CidrIp"],
        "10.0.0.0/8"
    );
    assert_eq!(sg["IpPermissions"][0]["FromPort"], 8080);
    assert_eq!(sg["IpPermissionsEgress"][0]["IpProtocol"], "-1");
    assert_eq!(
        sg["IpPermissionsEgress"][0]["UserIdGroupPairs"][0]["GroupId"],
        sg["GroupId"]
    );
    assert_eq!(node("aws_lb.internal")["Scheme"], "internal");
    assert_eq!(
        node("aws_lb_target_group.api")["LoadBalancerArns"][0],
        "terraform:tests/data/terraform/mappings#aws_lb.internal"
    );
    let role = node("aws_iam_role.task");
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Action"],
        "sts:AssumeRole"
    );
    let inline: Vec<&str> = role["RolePolicyList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["PolicyName"].as_str().unwrap())
        .collect();
    assert_eq!(inline, ["inline", "extra"]);
    assert_eq!(
        role["RolePolicyList"][1]["PolicyDocument"]["Statement"][0]["Action"],
        "sqs:*"
    );
    let efs = &node("aws_ecs_task_definition.efs")["volumes"][0]["efsVolumeConfiguration"];
    assert_eq!(efs["transitEncryption"], "DISABLED");
    assert_eq!(efs["authorizationConfig"]["iam"], "DISABLED");
    assert_eq!(
        node("module.fetched.aws_ecs_task_definition.remote")["family"],
        "from-remote"
    );
    // Rules see them: EFS without transit encryption or IAM, privileged in the module.
    let r = scan(&["tests/data/terraform/mappings"]);
    let rules: std::collections::BTreeSet<String> = located(&r)
        .iter()
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    for want in ["EA501", "EA702", "EA703"] {
        assert!(rules.contains(want), "{want} in {rules:?}");
    }
    // Cluster rules point at the setting and the logging value as written.
    let all = located(&r);
    let at = |rule: &str| all.iter().find(|l| l.starts_with(rule)).cloned();
    let cluster = "mappings";
    assert_eq!(
        at("EA951"),
        Some(format!(
            "EA951 {cluster} tests/data/terraform/mappings/main.tf:5:13"
        ))
    );
    assert_eq!(
        at("EA952"),
        Some(format!(
            "EA952 {cluster} tests/data/terraform/mappings/main.tf:9:17"
        ))
    );
}

/// One load balancer whose egress reaches neither of two services: two EA908 findings
/// on it, with fingerprints of their own (they once shared one, so a baseline hid the
/// second service's finding and SARIF merged the alerts).
#[test]
fn findings_on_one_resource_about_different_services_differ() {
    let r = scan(&["tests/data/terraform/two-services"]);
    let ea908: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "EA908")
        .collect();
    assert_eq!(ea908.len(), 2, "{:#?}", located(&r));
    assert_ne!(ea908[0]["fingerprint"], ea908[1]["fingerprint"]);
    let all: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(
        unique.len(),
        all.len(),
        "every finding has its own fingerprint"
    );
}

/// Terraform's JSON syntax (`*.tf.json`, as CDK for Terraform writes it) is read as the
/// HCL it stands for: blocks nested by label, templates in strings (native expressions
/// inside `${...}`), `terraform.tfvars.json`, `"//"` ignore comments; findings point at
/// the JSON lines, inside the interpolation too.
#[test]
fn the_json_syntax_is_read_with_its_lines() {
    let r = scan(&["tests/data/terraform/json"]);
    let f = "tests/data/terraform/json/main.tf.json";
    let api = "json-public.ecr.aws/app/api:latest";
    for want in [
        // `privileged = true` inside "${jsonencode([{...}])}": its own column.
        format!("EA501 {api} {f}:18:114"),
        format!("EA701 worker {f}:26:41"),
        format!("EA901 api {f}:37:31"),
        // The image comes from terraform.tfvars.json.
        format!("EA201 {api} tests/data/terraform/json/terraform.tfvars.json:2:3"),
    ] {
        assert!(has(&r, &want), "{want} in {:#?}", located(&r));
    }
    let worker = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule_id"] == "EA501" && x["resource"] == "worker")
        .expect("the worker's EA501");
    assert_eq!(
        worker["suppression"]["reason"], "the worker needs the device",
        "{worker:#}"
    );
    assert_eq!(
        r["summary"]["skipped_inputs"], 0,
        "not read as task definitions"
    );
    assert_eq!(r["summary"]["terraform"]["resources"], 3);

    // The family template resolves through a local and the tfvars.json value.
    let g = graph("tests/data/terraform/json");
    let td = &g["nodes"]["terraform:tests/data/terraform/json#aws_ecs_task_definition.api"];
    assert_eq!(td["properties"]["family"], api, "{td:#}");

    // Malformed JSON syntax: named at its line and column, the rest scanned.
    let r = scan(&["tests/data/terraform/json-broken"]);
    let e = errors(&r, "error");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        e[0]["location"]["file"],
        "tests/data/terraform/json-broken/bad.tf.json"
    );
    assert_eq!(e[0]["location"]["line"], 3);
    assert!(has(
        &r,
        "EA501 still-scanned tests/data/terraform/json-broken/good.tf:3:99"
    ));
}

/// `count` / `for_each` on module calls make an instance of the module each
/// (`module.svc["a"].aws_ecs_task_definition.this`), and module outputs flow to their
/// callers: into resources and into other calls (followed in dependency order), with
/// the edges the relational rules walk.
#[test]
fn module_instances_and_outputs() {
    let dir = "tests/data/terraform/module-outputs";
    let r = scan(&[dir]);
    assert!(
        has(&r, &format!("EA501 svc-a {dir}/main.tf:7:16")),
        "{:#?}",
        located(&r)
    );
    assert!(!located(&r).iter().any(|l| l.starts_with("EA501 svc-b")));
    // The admin role created in module.iam reaches every task definition through its
    // `arn` output.
    for td in [
        "svc-a",
        "svc-b",
        "counted-0",
        "counted-1",
        "root-after-svc-a-counted-1",
    ] {
        assert!(
            located(&r)
                .iter()
                .any(|l| l.starts_with(&format!("EA805 {td} "))),
            "EA805 {td} in {:#?}",
            located(&r)
        );
    }
    assert_eq!(r["summary"]["unresolved"], 0, "{:#}", r["errors"]);
    let g = graph(dir);
    let id = |a: &str| format!("terraform:{dir}#{a}");
    for a in [
        r#"module.svc["a"].aws_ecs_task_definition.this"#,
        r#"module.svc["b"].aws_ecs_task_definition.this"#,
        "module.counted[0].aws_ecs_task_definition.this",
        "module.counted[1].aws_ecs_task_definition.this",
    ] {
        assert!(g["nodes"].get(id(a)).is_some(), "{a}");
        let edge = serde_json::json!({
            "from": id(a), "to": id("module.iam.aws_iam_role.this"), "kind": "task_role"
        });
        assert!(g["edges"].as_array().unwrap().contains(&edge), "{edge}");
    }
}

/// `aws_ecs_task_set` resources become their service's `taskSets`, as DescribeServices
/// gives them: the public one is found at its `assign_public_ip`.
#[test]
fn task_sets_fold_into_their_service() {
    let r = scan(&["tests/data/terraform/task-set"]);
    let hits: Vec<String> = located_of(&r, &["EA910"]);
    assert_eq!(
        hits,
        ["EA910 web tests/data/terraform/task-set/main.tf:15:24"]
    );
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "EA910")
        .unwrap();
    assert!(f["message"]
        .as_str()
        .unwrap()
        .starts_with("task set aws_ecs_task_set.blue of service \"web\""));
}

/// Capacity providers are nodes as DescribeCapacityProviders gives them, linked from the
/// clusters `aws_ecs_cluster_capacity_providers` names them for (FARGATE has no node):
/// an unset `managed_termination_protection` is the API's default, DISABLED, and is
/// found at its `auto_scaling_group_provider` block. `aws_ecs_account_setting_default`
/// sets the account default for the task definitions of its own provider.
#[test]
fn capacity_providers_and_account_setting_defaults() {
    let dir = "tests/data/terraform/capacity-providers";
    let r = scan(&[dir]);
    let f = format!("{dir}/main.tf");
    let hits: Vec<String> = located_of(&r, &["EA954", "EA304"]);
    assert_eq!(
        hits,
        [
            format!("EA304 east {f}:67:24"),
            format!("EA954 defaulted {f}:35:3"),
            format!("EA954 unprotected {f}:18:38"),
        ]
    );
    let find = |rule: &str, resource: &str| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["rule_id"] == rule && x["resource"] == resource)
            .unwrap()
            .clone()
    };
    let unprotected = find("EA954", "unprotected");
    assert!(unprotected["message"]
        .as_str()
        .unwrap()
        .starts_with("capacity provider \"unprotected\" (of cluster \"prod\")"));
    assert_eq!(unprotected["related"][0]["name"], "prod");
    assert!(find("EA304", "east")["message"]
        .as_str()
        .unwrap()
        .contains("blocking in aws_ecs_account_setting_default.logs"));

    let g = graph(dir);
    let id = |a: &str| format!("terraform:{dir}#{a}");
    let cluster = &g["nodes"][id("aws_ecs_cluster.prod")]["properties"];
    assert_eq!(
        cluster["capacityProviders"],
        serde_json::json!(["FARGATE", "unprotected", "protected"])
    );
    assert_eq!(
        cluster["defaultCapacityProviderStrategy"],
        serde_json::json!([{"capacityProvider": "protected", "weight": 1}])
    );
    let edges = g["edges"].as_array().unwrap();
    let edge = |from: &str, to: &str, kind: &str| {
        edges.contains(&serde_json::json!({"from": id(from), "to": id(to), "kind": kind}))
    };
    assert!(edge(
        "aws_ecs_cluster.prod",
        "aws_ecs_capacity_provider.protected",
        "capacity_provider"
    ));
    assert!(!edge(
        "aws_ecs_cluster.prod",
        "aws_ecs_capacity_provider.defaulted",
        "capacity_provider"
    ));
    // Each task definition links to the defaults of its own provider only.
    assert!(edge(
        "aws_ecs_task_definition.east",
        "aws_ecs_account_setting_default.logs",
        "account_settings"
    ));
    assert!(edge(
        "aws_ecs_task_definition.west",
        "aws_ecs_account_setting_default.logs_west",
        "account_settings"
    ));
    assert!(!edge(
        "aws_ecs_task_definition.west",
        "aws_ecs_account_setting_default.logs",
        "account_settings"
    ));
}

/// In a plan, a resource's provider is its configuration's `provider_config_key`.
#[test]
fn plan_account_setting_defaults_follow_the_provider() {
    let r = scan(&["tests/data/terraform/plan-providers"]);
    let hits: Vec<String> = located_of(&r, &["EA304"]);
    assert_eq!(
        hits,
        ["EA304 east tests/data/terraform/plan-providers/tfplan.json:15:7"]
    );
}
