//! CloudFormation templates as a source: every intrinsic the evaluator knows, in YAML
//! short form and JSON long form alike; PascalCase properties renamed by the ECS API
//! model; exact lines of findings; unknown values reported, never findings; parameters
//! from the command line and from files; Metadata ignores; bad YAML named at its line
//! while the rest is scanned; the relational rules on a template; and the shared IaC
//! corpus read without an error.

mod common;

use assert_cmd::Command;
use common::{errors, has, located, located_of, unexplained_errors};
use serde_json::Value;

fn run(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code().unwrap_or(-1), v)
}

fn scan(args: &[&str]) -> Value {
    run(&[&["scan", "-f", "json", "--fail-on", "none"], args].concat()).1
}

fn graph(args: &[&str]) -> Value {
    run(&[&["graph"], args].concat()).1
}

const DATA: &str = "tests/data/cloudformation";

/// The task definition both forms of the intrinsics template evaluate to.
fn app(file: &str, args: &[&str]) -> Value {
    let g = graph(&[&[file], args].concat());
    g["nodes"][format!("cloudformation:{file}#App")]["properties"].clone()
}

#[test]
fn short_and_long_form_intrinsics_evaluate_alike() {
    for file in [
        format!("{DATA}/intrinsics.yaml"),
        format!("{DATA}/intrinsics.json"),
    ] {
        let td = app(&file, &[]);
        let c = &td["containerDefinitions"][0];
        // Join of Ref and Select of Split; If on a condition of And/Or/Not/Equals.
        assert_eq!(td["family"], "app-prod-b", "{file}");
        assert_eq!(td["cpu"], "512", "{file}: the API's string type");
        assert_eq!(td["memory"], "1024");
        // Ref / GetAtt (both forms) of a resource are its node id.
        let role = format!("cloudformation:{file}#Role");
        assert_eq!(td["taskRoleArn"], role.as_str());
        assert_eq!(td["executionRoleArn"], role.as_str());
        // Sub with variables and FindInMap; `${!Literal}` stays literal.
        assert_eq!(c["name"], "prod-web");
        assert_eq!(c["image"], "public.ecr.aws/nginx/nginx:1.27");
        assert_eq!(
            c["portMappings"][0]["containerPort"], 8080,
            "Select of a list parameter, as the API's integer"
        );
        // API names by the model; map keys keep their case.
        assert_eq!(c["dockerLabels"]["Team"], "Payments");
        assert_eq!(
            c["logConfiguration"]["options"]["awslogs-group"], "app",
            "Base64 reads its input"
        );
        let efs = &td["volumes"][0]["efsVolumeConfiguration"];
        assert_eq!(efs["fileSystemId"], "fs-12345678");
        assert_eq!(efs["authorizationConfig"]["iam"], "ENABLED");
        // ImportValue and GetAZs are unknown: kept as `${...}`, listed as unresolved.
        assert_eq!(
            c["environment"][1]["value"],
            "${Fn::ImportValue shared-value}"
        );
        // The resource whose condition is false is not created.
        let g = graph(&[&file]);
        assert!(g["nodes"]
            .get(format!("cloudformation:{file}#DevOnly"))
            .is_none());
    }
    let yaml = format!("{DATA}/intrinsics.yaml");
    let r = scan(&[&yaml]);
    for want in [
        format!("EA501 app-prod-b {yaml}:51:23"),
        format!("EA101 app-prod-b {yaml}:56:15"),
    ] {
        assert!(has(&r, &want), "{want} in {:#?}", located(&r));
    }
    let unresolved = errors(&r, "unresolved");
    let import = unresolved
        .iter()
        .find(|u| u["location"]["pointer"] == "/containerDefinitions/0/environment/1/value")
        .expect("the imported value is unresolved");
    assert_eq!(import["location"]["line"], 59);
    // An unset parameter points where it is used.
    let repo = unresolved
        .iter()
        .find(|u| u["message"].as_str().unwrap().contains("${Repo}"))
        .expect("the unset parameter is unresolved");
    assert_eq!(repo["location"]["line"], 68);
    assert!(
        !r.to_string().contains("hunter2-but-Longer"),
        "secrets are redacted"
    );
}

#[test]
fn parameters_from_the_command_line_and_files() {
    let yaml = format!("{DATA}/intrinsics.yaml");
    // A parameters file (create-stack form): Env=dev makes IsProd false.
    let td = app(
        &yaml,
        &["--parameters-file", &format!("{DATA}/params.json")],
    );
    assert_eq!(td["family"], "app-dev-b");
    assert_eq!(td["cpu"], "256");
    assert_eq!(
        td["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-stream-prefix"],
        "web"
    );
    // --parameter applies after the file; pseudo parameters can be given too.
    let td = app(
        &yaml,
        &[
            "--parameters-file",
            &format!("{DATA}/params.json"),
            "--parameter",
            "Env=prod",
            "--parameter",
            "AWS::Region=eu-west-1",
        ],
    );
    assert_eq!(td["family"], "app-prod-b");
    assert_eq!(
        td["containerDefinitions"][0]["command"][0],
        "echo ${Literal} eu-west-1"
    );
    // A parameters file that is not one is a usage error naming it.
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", &yaml, "--parameters-file", "Cargo.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Cargo.toml"));
}

#[test]
fn metadata_ignores_suppress_with_their_reason() {
    let f = format!("{DATA}/ignores.yaml");
    let r = scan(&[&f]);
    let ea501 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule_id"] == "EA501")
        .expect("EA501 is reported, suppressed");
    assert_eq!(ea501["suppression"]["reason"], "the device plugin needs it");
    // The entry without a reason is not honoured, and says so.
    let ea502 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule_id"] == "EA502")
        .unwrap();
    assert!(ea502.get("suppression").is_none());
    let w = errors(&r, "warning");
    assert!(
        w.iter()
            .any(|w| w["code"] == "ignore-without-reason" && w["location"]["line"] == 9),
        "{w:#?}"
    );
}

#[test]
fn bad_yaml_is_named_at_its_line_and_the_rest_is_scanned() {
    let (code, r) = run(&["scan", "-f", "json", &format!("{DATA}/broken")]);
    assert_eq!(code, 2);
    let e = errors(&r, "error");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0]["location"]["file"], format!("{DATA}/broken/bad.yaml"));
    assert!(
        e[0]["location"]["line"].as_u64().unwrap() >= 5,
        "{:#}",
        e[0]
    );
    assert!(
        has(
            &r,
            &format!("EA501 still-scanned {DATA}/broken/good.yaml:7:56")
        ),
        "{:#?}",
        located(&r)
    );
}

/// Security groups (inline and separate rules), the load balancer, its listener and
/// target group, the roles and their managed policies make the edges the relational
/// rules walk, as in a live audit.
#[test]
fn relational_rules_run_on_a_template() {
    let f = "examples/cloudformation/service.yaml";
    let r = scan(&[f]);
    for want in [
        // The task group admits the ALB on 443; the container listens on 8080.
        format!("EA906 Service {f}:175:13"),
        // AdministratorAccess on the task role of an internet-facing service.
        format!("EA805 web-prod {f}:130:20"),
    ] {
        assert!(has(&r, &want), "{want} in {:#?}", located(&r));
    }
    let ea805 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule_id"] == "EA805")
        .unwrap();
    assert_eq!(
        ea805["severity"], "critical",
        "internet-facing: raised to critical"
    );
    // The execution role has AmazonECSTaskExecutionRolePolicy: nothing missing. The ALB
    // group has EC2's default egress: no egress gap.
    assert!(
        !located(&r)
            .iter()
            .any(|l| l.starts_with("EA808") || l.starts_with("EA908")),
        "{:#?}",
        located(&r)
    );
    let g = graph(&[f]);
    let id = |l: &str| format!("cloudformation:{f}#{l}");
    for (from, to, kind) in [
        ("Service", "TaskDefinition", "uses_task_definition"),
        ("Service", "Cluster", "in_cluster"),
        ("Service", "TargetGroup", "target_group"),
        ("Service", "TaskSecurityGroup", "security_group"),
        ("TargetGroup", "LoadBalancer", "load_balancer"),
        (
            "LoadBalancer",
            "LoadBalancerSecurityGroup",
            "security_group",
        ),
        ("TaskDefinition", "TaskRole", "task_role"),
        ("TaskDefinition", "ExecutionRole", "execution_role"),
    ] {
        let edge = serde_json::json!({"from": id(from), "to": id(to), "kind": kind});
        assert!(g["edges"].as_array().unwrap().contains(&edge), "{edge}");
    }
}

/// Every CloudFormation file of the shared corpus (Checkov, KICS, trivy-checks and
/// cfn-lint fixtures, aws-samples templates, a CDK-synthesised template) is read
/// without an error; the only warnings are the fixtures' own flaws.
#[test]
fn the_shared_corpus_reads_without_errors() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/iac/cases");
    let r = scan(&[root.to_str().unwrap()]);
    assert!(
        unexplained_errors(&r).is_empty(),
        "{:#?}",
        unexplained_errors(&r)
    );
    let templates = r["summary"]["cloudformation"]["templates"]
        .as_u64()
        .unwrap();
    assert!(templates >= 70, "{}", r["summary"]);
    let cfn = |w: &&Value| {
        w["location"]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with(".yaml") || f.ends_with(".yml") || f.ends_with(".json"))
    };
    for w in errors(&r, "warning").into_iter().filter(cfn) {
        let m = w["message"].as_str().unwrap();
        // KICS fixtures are fragments that Ref parameters they do not declare; one
        // repeats keys.
        assert!(
            m.contains("neither a parameter nor a resource") || m.contains("duplicate key"),
            "{m}"
        );
    }
    // Findings that hold up when the templates are read.
    let has_prefix = |rule: &str, file: &str| {
        r["findings"].as_array().unwrap().iter().any(|f| {
            f["rule_id"] == rule
                && f["location"]["file"]
                    .as_str()
                    .is_some_and(|x| x.ends_with(file))
        })
    };
    // KICS: EFS volume without transit encryption.
    assert!(has_prefix("EA702", "kics/cfn-efs-transit-positive1.yaml"));
    assert!(!has_prefix("EA702", "kics/cfn-efs-transit-negative1.json"));
    // aws-samples: a public service assigns public IPs.
    assert!(has_prefix(
        "EA901",
        "awscfn-fargate-public/public-service.yaml"
    ));
    // The CDK template's task definitions are read with their lines.
    assert!(has_prefix(
        "EA201",
        "cdk-alb-fargate-public-private-switch.template.json"
    ));
}

/// A nested stack with a local `TemplateURL` is read with the parameters its parent
/// passes (a role of the parent reaches the child's task definition), and not again as
/// a stack of its own; a remote one is reported as not followed.
#[test]
fn nested_stacks_are_followed_with_their_parameters() {
    let dir = format!("{DATA}/nested");
    let r = scan(&[&dir]);
    assert!(
        has(&r, &format!("EA501 nested-web {dir}/root.yaml:19:21")),
        "{:#?}",
        located(&r)
    );
    assert!(
        has(&r, &format!("EA805 nested-web {dir}/root.yaml:20:18")),
        "{:#?}",
        located(&r)
    );
    // Not also scanned as a stack of its own (family "standalone").
    assert!(
        !located(&r).iter().any(|l| l.contains("standalone")),
        "{:#?}",
        located(&r)
    );
    assert_eq!(r["summary"]["task_definitions"], 1);
    let g = graph(&[&dir]);
    let id = format!("cloudformation:{dir}/root.yaml#Web/TaskDefinition");
    let edge = serde_json::json!({
        "from": id, "to": format!("cloudformation:{dir}/root.yaml#AdminRole"), "kind": "task_role"
    });
    assert!(
        g["edges"].as_array().unwrap().contains(&edge),
        "{:#}",
        g["edges"]
    );
    assert_eq!(
        g["nodes"][&id]["source"]["file"],
        format!("{dir}/stacks/web.yaml")
    );
    assert_eq!(g["nodes"][&id]["source"]["address"], "Web/TaskDefinition");
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", &dir, "-vv", "--fail-on", "none"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("2 skipped inputs"), "{text}");
}

/// A value of the wrong type for the ECS API is an error at its line, as in a JSON
/// file; a value not known before deploy (a parameter without a value, `!Cidr`, a tag
/// that is no intrinsic) is never judged.
#[test]
fn wrong_types_are_errors_at_their_line_and_unknowns_are_not_judged() {
    let f = format!("{DATA}/wrong-types.yaml");
    let (code, r) = run(&["scan", "-f", "json", &f]);
    assert_eq!(code, 2);
    let e = errors(&r, "error");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0]["code"], "invalid-task-definition");
    assert!(e[0]["message"].as_str().unwrap().contains("privileged"));
    assert_eq!(e[0]["location"]["line"], 12);
    let unresolved: Vec<_> = errors(&r, "unresolved")
        .iter()
        .map(|u| u["location"]["line"].as_u64().unwrap())
        .collect();
    assert!(
        unresolved.contains(&14) && unresolved.contains(&17),
        "{unresolved:?}"
    );
}

/// Fingerprints name the resource, not the line: moving a template's lines keeps them.
#[test]
fn fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("tests/data/cloudformation/ignores.yaml")
        .unwrap()
        .replace("Metadata:", "NotMetadata:");
    let fingerprints = |text: &str| {
        std::fs::write(dir.path().join("t.yaml"), text).unwrap();
        let r = scan(&[dir.path().join("t.yaml").to_str().unwrap()]);
        let mut f: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["fingerprint"].as_str().unwrap().to_string())
            .collect();
        f.sort();
        f
    };
    let before = fingerprints(&text);
    assert!(!before.is_empty());
    let moved = format!("Description: moved down\n\n\n{text}");
    assert_eq!(before, fingerprints(&moved));
}

/// `AWS::ECS::TaskSet` resources become their service's `taskSets`, as DescribeServices
/// gives them: the public one is found at its `AssignPublicIp`.
#[test]
fn task_sets_fold_into_their_service() {
    let f = format!("{DATA}/task-set.yaml");
    let r = scan(&[&f]);
    let hits: Vec<String> = located_of(&r, &["EA910"]);
    assert_eq!(hits, [format!("EA910 Service {f}:18:27")]);
}

/// `AWS::ECS::CapacityProvider` is a node as DescribeCapacityProviders gives it (an unset
/// `ManagedTerminationProtection` is DISABLED), and `ClusterCapacityProviderAssociations`
/// lists the providers on its cluster, which links to them.
#[test]
fn capacity_providers_and_their_associations() {
    let f = format!("{DATA}/capacity-providers.yaml");
    let r = scan(&[&f]);
    let hits: Vec<String> = located_of(&r, &["EA954"]);
    assert_eq!(hits, [format!("EA954 unprotected {f}:16:9")]);
    let g = graph(&[&f]);
    let id = |a: &str| format!("cloudformation:{f}#{a}");
    let edges = g["edges"].as_array().unwrap();
    for to in ["Protected", "Unprotected"] {
        let e =
            serde_json::json!({"from": id("Cluster"), "to": id(to), "kind": "capacity_provider"});
        assert!(edges.contains(&e), "{e}");
    }
    let cluster = &g["nodes"][id("Cluster")]["properties"];
    assert_eq!(cluster["capacityProviders"][0], "FARGATE");
    assert_eq!(
        cluster["defaultCapacityProviderStrategy"][0]["capacityProvider"],
        id("Protected")
    );
}
