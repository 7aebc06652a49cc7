//! Scans run the rules in regorus' bytecode VM; tests, `eval` and fallbacks use its
//! interpreter. Both must find exactly the same things on every graph we have.

use ecsaudit::graph::Graph;
use ecsaudit::policy::engine::{Backend, PolicyEngine, RawFinding};
use ecsaudit::policy::{self, PolicySet, PolicySource};
use std::path::PathBuf;

mod common;
use common::builtin_engine;

fn sorted(mut v: Vec<RawFinding>) -> Vec<String> {
    let mut out: Vec<String> = v
        .drain(..)
        .map(|f| {
            format!(
                "{} {} {:?} {:?} {} {:?}",
                f.rule_id, f.resource, f.pointer, f.severity, f.message, f.related
            )
        })
        .collect();
    out.sort();
    out
}

/// The built-in pack plus one user rule, loaded without diagnostics.
fn engine_with_user_rule(path: &str, text: &str) -> PolicyEngine {
    let mut sources = policy::builtin_sources();
    sources.push(PolicySource {
        path: path.into(),
        text: text.into(),
        builtin: false,
    });
    let (set, diags) = PolicySet::from_sources(sources);
    assert!(diags.is_empty(), "{diags:#?}");
    let (engine, diags) = PolicyEngine::new(&set, &policy::default_params(&set));
    assert!(diags.is_empty(), "{diags:#?}");
    engine
}

/// Evaluate `graph` with both backends and insist on identical findings and diagnostics.
fn assert_same(engine: &PolicyEngine, graph: &Graph, what: &str) -> usize {
    let mut vm = engine.clone();
    vm.set_backend(Backend::Vm);
    assert_eq!(vm.backend(), Backend::Vm, "{:?}", vm.vm_unavailable());
    let mut interpreter = engine.clone();
    interpreter.set_backend(Backend::Interpreter);
    assert_eq!(interpreter.backend(), Backend::Interpreter);
    let (f_vm, d_vm) = vm.evaluate(graph, 2);
    let (f_in, d_in) = interpreter.evaluate(graph, 2);
    assert_eq!(d_vm, d_in, "{what}: diagnostics differ");
    let (f_vm, f_in) = (sorted(f_vm), sorted(f_in));
    let only_vm: Vec<_> = f_vm.iter().filter(|f| !f_in.contains(f)).collect();
    let only_in: Vec<_> = f_in.iter().filter(|f| !f_vm.contains(f)).collect();
    assert!(
        only_vm.is_empty() && only_in.is_empty(),
        "{what}: only in the VM: {only_vm:#?}\nonly in the interpreter: {only_in:#?}"
    );
    f_vm.len()
}

fn files_graph(paths: &[PathBuf]) -> Graph {
    let scan = ecsaudit::source::files::scan(paths, &Default::default());
    ecsaudit::graph::from_files(
        &paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>(),
        scan.task_definitions,
        scan.diagnostics,
        &Default::default(),
    )
}

#[test]
fn vm_and_interpreter_agree_on_the_examples() {
    let engine = builtin_engine();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let graph = files_graph(&[root.join("examples")]);
    let n = assert_same(&engine, &graph, "examples/");
    assert!(n > 20, "the examples exercise many rules ({n} findings)");
}

#[test]
fn vm_and_interpreter_agree_on_a_live_graph() {
    let engine = builtin_engine();
    let text = include_str!("data/live-graph.json");
    let graph = Graph::from_json(text, &Default::default()).expect("fixture graph loads");
    let n = assert_same(&engine, &graph, "tests/data/live-graph.json");
    assert!(n > 5, "the live fixture has relational findings ({n})");
}

/// The live fixture as a denied `ec2:DescribeSubnets` leaves it (subnets unread), with a
/// CIDR rule on every group's ports and the load balancer's egress narrowed to a CIDR:
/// whether those CIDRs admit the load balancer cannot be known, so the security-group
/// gap rules report nothing there, in both backends, while the plain fixture reports.
#[test]
fn vm_and_interpreter_agree_when_subnets_could_not_be_read() {
    let engine = builtin_engine();
    let gap_rules = ["EA906", "EA907", "EA908"];
    let gaps = |graph: &Graph| -> Vec<String> {
        let (found, _) = engine.evaluate(graph, 2);
        let mut v: Vec<String> = found
            .into_iter()
            .filter(|f| gap_rules.contains(&f.rule_id.as_str()))
            .map(|f| format!("{} {}", f.rule_id, f.resource))
            .collect();
        v.sort();
        v
    };
    let text = include_str!("data/live-graph.json");
    let plain = Graph::from_json(text, &Default::default()).unwrap();
    assert!(
        !gaps(&plain).is_empty(),
        "the fixture has security-group gaps"
    );
    let mut doc: serde_json::Value = serde_json::from_str(text).unwrap();
    for node in doc["nodes"].as_object_mut().unwrap().values_mut() {
        match node["kind"].as_str() {
            Some("subnet") => {
                node["status"] = "unavailable".into();
                node["properties"] = serde_json::json!({});
            }
            Some("security_group") => {
                let cidr =
                    serde_json::json!({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]});
                let props = &mut node["properties"];
                props["IpPermissions"]
                    .as_array_mut()
                    .unwrap()
                    .push(cidr.clone());
                props["IpPermissionsEgress"] = serde_json::json!([cidr]);
            }
            _ => {}
        }
    }
    let unread = Graph::from_json(&doc.to_string(), &Default::default()).unwrap();
    assert_same(&engine, &unread, "live graph with unread subnets");
    assert_eq!(gaps(&unread), Vec::<String>::new());
}

/// Live task definitions whose secrets and environment files lack the field a need is
/// built from (`valueFrom`, `value`), beside well-formed ones, with execution roles that
/// allow nothing: the needs-based rule (EA808) must report the same in both backends,
/// and nothing for the malformed entries.
#[test]
fn vm_and_interpreter_agree_on_malformed_live_entries() {
    let engine = builtin_engine();
    let mut doc: serde_json::Value =
        serde_json::from_str(include_str!("data/live-graph.json")).unwrap();
    let nodes = doc["nodes"].as_object_mut().unwrap();
    let mut roles = Vec::new();
    for node in nodes.values_mut() {
        let exec = &node["derived"]["links"]["out"]["execution_role"];
        if node["kind"] != "task_definition" || exec.is_null() {
            continue;
        }
        roles.extend(exec.as_array().unwrap().iter().cloned());
        for c in node["properties"]["containerDefinitions"]
            .as_array_mut()
            .unwrap()
        {
            c["environmentFiles"] = serde_json::json!([
                {"type": "s3", "value": "arn:aws:s3:::bucket/app.env"},
                {"type": "s3"}
            ]);
            c["secrets"] = serde_json::json!([
                {"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"},
                {"name": "NO_SOURCE"}
            ]);
        }
    }
    for role in roles {
        let props = &mut nodes[role.as_str().unwrap()]["properties"];
        if props.get("RolePolicyList").is_some() {
            props["RolePolicyList"] = serde_json::json!([]);
            props["AttachedManagedPolicies"] = serde_json::json!([]);
        }
    }
    let graph =
        Graph::from_json(&doc.to_string(), &Default::default()).expect("modified fixture loads");
    assert_same(&engine, &graph, "live graph with malformed needs");
    let (findings, _) = engine.evaluate(&graph, 2);
    let needs: Vec<_> = findings.iter().filter(|f| f.rule_id == "EA808").collect();
    assert!(
        needs.iter().any(|f| f.message.contains("s3:GetObject"))
            && needs
                .iter()
                .any(|f| f.message.contains("ssm:GetParameters")),
        "the well-formed entries are reported: {needs:#?}"
    );
    assert!(
        needs
            .iter()
            .all(|f| !f.pointer.as_deref().unwrap_or_default().ends_with("/1")),
        "nothing for the entries without a source: {needs:#?}"
    );
}

/// Two task-definition files: `odd.json`, malformed in every field rules read, and
/// `fine.json` beside it with known problems. Returns the graph and fine.json's node id.
fn odd_and_fine(dir: &std::path::Path) -> (Graph, String) {
    let odd = serde_json::json!({
        "family": "odd",
        "cpu": "lots", "memory": {"x": 1},
        "networkMode": 7,
        "requiresCompatibilities": "FARGATE",
        "volumes": [{"name": 1, "host": {"sourcePath": ["/"]}}, "volume"],
        "containerDefinitions": [
            {"name": 5, "image": 12, "user": 0, "environment": [{"name": 1, "value": 2}, "X=1", null],
             "command": "echo", "dockerLabels": ["a"], "portMappings": [{"hostPort": "80"}],
             "linuxParameters": {"capabilities": {"add": "ALL"}}, "memory": "big",
             "logConfiguration": {"logDriver": 3, "options": "x"}}
        ]
    });
    let fine = serde_json::json!({
        "family": "fine",
        "containerDefinitions": [
            {"name": "web", "image": "nginx:latest", "essential": true, "privileged": true,
             "command": ["--api-key=sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
             "linuxParameters": {"capabilities": {"add": ["SYS_ADMIN"]}},
             "environment": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]}
        ]
    });
    std::fs::write(dir.join("odd.json"), odd.to_string()).unwrap();
    std::fs::write(dir.join("fine.json"), fine.to_string()).unwrap();
    let graph = files_graph(&[dir.to_path_buf()]);
    let fine_id = graph
        .nodes
        .keys()
        .find(|id| id.contains("fine.json"))
        .expect("fine.json is a node")
        .clone();
    (graph, fine_id)
}

#[test]
fn an_odd_resource_costs_only_itself_in_both_backends() {
    // Wrong types everywhere a rule looks. Where a rule cannot evaluate the odd task
    // definition, the diagnostic names it; the well-formed one beside it is fully checked.
    let dir = tempfile::tempdir().unwrap();
    let (graph, fine_id) = odd_and_fine(dir.path());
    let mut per_backend = Vec::new();
    for backend in [Backend::Interpreter, Backend::Vm] {
        let mut engine = builtin_engine();
        engine.set_backend(backend);
        let (findings, diags) = engine.evaluate(&graph, 1);
        if backend == Backend::Interpreter {
            // regorus' interpreter errors on `some x in "a string"`; the VM is undefined.
            assert!(!diags.is_empty(), "the odd file makes some rule fail");
        }
        for d in &diags {
            let resource = d.resource.as_deref().unwrap_or_default();
            assert!(
                resource.contains("odd.json") && d.message.contains(resource),
                "{backend:?}: a rule failure names the odd resource: {d:?}"
            );
        }
        let fine: Vec<RawFinding> = findings
            .into_iter()
            .filter(|f| f.resource == fine_id)
            .collect();
        let ids: Vec<&str> = fine.iter().map(|f| f.rule_id.as_str()).collect();
        for id in ["EA101", "EA103", "EA201", "EA501", "EA504"] {
            assert!(
                ids.contains(&id),
                "{backend:?}: {id} checks fine.json: {ids:?}"
            );
        }
        per_backend.push(sorted(fine));
    }
    assert_eq!(per_backend[0], per_backend[1]);
}

#[test]
fn policies_the_vm_cannot_compile_run_in_the_interpreter() {
    // regorus' VM compiler refuses a reference to the whole `data` document; such a user
    // rule must still run (in the interpreter) and report.
    let mut engine = engine_with_user_rule(
        "custom/data_root.rego",
        r#"# METADATA
# title: Reads data root
# description: Test rule.
# related_resources:
#   - ref: https://example.com
# custom:
#   id: CUSTOM1
#   severity: low
#   tags: [test]
#   remediation: None.
package custom.data_root

import rego.v1

deny contains {"resource": td.id, "message": sprintf("params has %d keys", [count(object.get(data, ["ecsaudit", "params"], {}))])} if {
	some td in input.nodes
	td.kind == "task_definition"
}
"#,
    );
    assert_eq!(
        engine.backend(),
        Backend::Auto,
        "the default: the built-in rules on the VM, this one in the interpreter"
    );
    engine.set_backend(Backend::Vm);
    assert_eq!(engine.backend(), Backend::Interpreter, "the VM was refused");
    let why = engine.vm_unavailable().expect("a reason is kept");
    assert!(why.contains("data"), "{why}");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let graph = files_graph(&[root.join("examples")]);
    let (findings, diags) = engine.evaluate(&graph, 2);
    assert!(diags.is_empty(), "{diags:#?}");
    assert!(findings.iter().any(|f| f.rule_id == "CUSTOM1"));
    assert!(findings.iter().any(|f| f.rule_id == "EA101"));
}

/// A user rule written the way the VM gets wrong (`x := ref` on an undefined reference)
/// gets Rego's answer under the default backend: user rules run in the interpreter, the
/// built-in pack on the VM.
#[test]
fn the_default_backend_runs_user_rules_in_the_interpreter() {
    let engine = engine_with_user_rule(
        "custom/efs_bound.rego",
        r#"# METADATA
# title: EFS volume without transit encryption
# description: Test rule.
# related_resources:
#   - ref: https://example.com
# custom:
#   id: CUSTOM2
#   severity: low
#   tags: [test]
#   remediation: None.
package custom.efs_bound

import rego.v1

deny contains {"resource": td.id, "message": sprintf("volume %s", [v.name])} if {
	some td in input.nodes
	td.kind == "task_definition"
	some v in object.get(td.properties, "volumes", [])
	efs := v.efsVolumeConfiguration
	not efs.transitEncryption == "ENABLED"
}
"#,
    );
    assert_eq!(engine.backend(), Backend::Auto);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let graph = files_graph(&[root.join("examples")]);
    let custom = |backend: Backend| -> Vec<String> {
        let mut e = engine.clone();
        e.set_backend(backend);
        let (findings, diags) = e.evaluate(&graph, 2);
        assert!(diags.is_empty(), "{diags:#?}");
        let mut m: Vec<String> = findings
            .into_iter()
            .filter(|f| f.rule_id == "CUSTOM2")
            .map(|f| f.message)
            .collect();
        m.sort();
        m
    };
    let auto = custom(Backend::Auto);
    assert_eq!(auto, vec!["volume shared".to_string()], "Rego's answer");
    assert_eq!(auto, custom(Backend::Interpreter));
    // On the VM the volumes without efsVolumeConfiguration are reported too.
    assert_eq!(
        custom(Backend::Vm),
        vec!["volume docker-sock", "volume shared", "volume tmp"]
    );
}

/// The regorus VM deviations docs/performance.md describes, pinned so that a regorus
/// upgrade that fixes (or changes) them fails here and the README and the meta-test
/// `builtin_rules_guard_plain_reference_bindings` get revisited.
#[test]
fn regorus_vm_deviations_are_as_documented() {
    use regorus::languages::rego::compiler::Compiler;
    use regorus::rvm::vm::RegoVM;
    let policy = r#"package p
import rego.v1
bound contains v.name if {
	some v in input.volumes
	efs := v.efs
	not efs.enc == "ENABLED"
}
enc(v) := v.efs.enc
called contains v.name if {
	some v in input.volumes
	e := enc(v)
	not e == "ENABLED"
}
empty contains v.name if {
	some v in input.volumes
	s := {1 | count(v.list) > 0}
	count(s) == 0
}
kinds := {"DISABLED": "off"}
why(v) := msg if {
	k := kinds[v.efs.enc]
	msg := sprintf("is %s", [k])
} else := "has no efs"
reasons contains r if {
	some v in input.volumes
	r := why(v)
}
"#;
    let input = r#"{"volumes": [{"name": "plain"}, {"name": "off", "efs": {"enc": "DISABLED"}, "list": [1]}]}"#;
    let run = |rule: &str| -> (String, String) {
        let mut engine = regorus::Engine::new();
        engine.add_policy("p.rego".into(), policy.into()).unwrap();
        let mut interpreter = engine.clone();
        interpreter.set_input(regorus::Value::from_json_str(input).unwrap());
        let expected = interpreter.eval_rule(rule.into()).unwrap().to_string();
        let compiled = engine.compile_with_entrypoint(&rule.into()).unwrap();
        let program = Compiler::compile_from_policy(&compiled, &[rule]).unwrap();
        let mut vm = RegoVM::new();
        vm.load_program(program);
        vm.set_input(regorus::Value::from_json_str(input).unwrap());
        let got = vm.execute_entry_point_by_name(rule).unwrap().to_string();
        (expected, got)
    };
    // Rego: `efs := v.efs` fails for "plain", which has no efs.
    assert_eq!(
        run("data.p.bound"),
        (r#"["off"]"#.to_string(), r#"["off","plain"]"#.to_string())
    );
    // The same with a function: `enc(v)` is undefined for "plain", yet `e` is bound.
    assert_eq!(
        run("data.p.called"),
        (r#"["off"]"#.to_string(), r#"["off","plain"]"#.to_string())
    );
    // Rego: the comprehension is empty for "plain" (no list), so it is reported.
    assert_eq!(
        run("data.p.empty"),
        (r#"["plain"]"#.to_string(), "[]".to_string())
    );
    // Rego: the first body fails for "plain" (no kind), so the `else` value is taken;
    // the VM binds `k`, fails later in the body and never tries the `else`. Built-in
    // rules guard such bindings with a type check (`is_string(k)`) on the next line.
    assert_eq!(
        run("data.p.reasons"),
        (
            r#"["has no efs","is off"]"#.to_string(),
            r#"["is off"]"#.to_string()
        )
    );
}

/// Secrets found by their name (a secret-named Docker label, log option and
/// `--option=value` argument, none of them a known format) and by their format, in both
/// backends: the VM once skipped the name-based `else` of EA103 (see
/// regorus_vm_deviations_are_as_documented).
#[test]
fn vm_and_interpreter_agree_on_secrets_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let td = serde_json::json!({"family": "names", "containerDefinitions": [{
        "name": "app", "image": "app:1",
        "command": ["--db-password=short1x", "--port=80"],
        "entryPoint": ["--api-key=k3yk3yk3y"],
        "dockerLabels": {"api-token": "labeltok42", "team": "core"},
        "logConfiguration": {"logDriver": "splunk", "options": {"splunk-token": "splunktok7"}},
        "environment": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]
    }]});
    let path = dir.path().join("names.json");
    std::fs::write(&path, td.to_string()).unwrap();
    let engine = builtin_engine();
    let graph = files_graph(&[path]);
    let (findings, _) = engine.evaluate(&graph, 1);
    let secret_rules: Vec<&str> = findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .filter(|r| r.starts_with("EA10"))
        .collect();
    assert_eq!(
        secret_rules,
        ["EA101", "EA103", "EA103", "EA103", "EA103"],
        "{findings:#?}"
    );
    assert_same(&engine, &graph, "secrets by name");
}

/// Under the default backend, a user rule (in the interpreter) that fails on one odd
/// resource loses only that resource, and the built-in rules (on the VM) lose nothing.
#[test]
fn under_auto_a_failing_user_rule_costs_only_the_odd_resource() {
    let engine = engine_with_user_rule(
        "custom/commands.rego",
        r#"# METADATA
# title: Counts command arguments
# description: Test rule.
# related_resources:
#   - ref: https://example.com
# custom:
#   id: CUSTOM3
#   severity: low
#   tags: [test]
#   remediation: None.
package custom.commands

import rego.v1

deny contains {"resource": td.id, "message": sprintf("%d arguments", [count([a | some a in c.command])])} if {
	some td in input.nodes
	td.kind == "task_definition"
	some c in td.properties.containerDefinitions
}
"#,
    );
    assert_eq!(engine.backend(), Backend::Auto);
    let dir = tempfile::tempdir().unwrap();
    let (graph, fine_id) = odd_and_fine(dir.path());
    let (findings, diags) = engine.evaluate(&graph, 1);
    // regorus' interpreter errors on `some a in "echo"` (odd.json's command).
    assert!(!diags.is_empty(), "the user rule fails on odd.json");
    for d in &diags {
        let resource = d.resource.as_deref().unwrap_or_default();
        assert!(
            resource.contains("odd.json") && d.message.contains("CUSTOM3"),
            "{d:?}"
        );
    }
    let on_fine = |rule: &str| {
        findings
            .iter()
            .any(|f| f.resource == fine_id && f.rule_id == rule)
    };
    assert!(on_fine("CUSTOM3"), "the user rule still checks fine.json");
    // The built-in rules report exactly what they report without the user rule.
    let builtin = |f: &Vec<RawFinding>| -> Vec<String> {
        sorted(
            f.iter()
                .filter(|f| f.rule_id != "CUSTOM3")
                .cloned()
                .collect(),
        )
    };
    let (alone, _) = builtin_engine().evaluate(&graph, 1);
    assert_eq!(builtin(&findings), builtin(&alone));
    assert!(on_fine("EA101") && on_fine("EA504"));
}

/// A user rule whose findings are malformed: each unusable one is an error naming the
/// rule, its file and why; the usable one (and every built-in finding) is reported.
/// Identical under both backends (the VM's results are read from regorus' values).
#[test]
fn unusable_findings_are_errors_and_the_rest_is_reported() {
    let rule = r#"# METADATA
# title: Emits odd findings
# description: Test rule.
# custom:
#   id: USR900
#   severity: low
#   remediation: None.
package ecsaudit.rules.odd_findings

import rego.v1

import data.ecsaudit.lib.task_definitions

deny contains f if {
	some td in task_definitions
	some f in [
		"not an object",
		{"message": "no resource"},
		{"resource": "nope", "message": "not a node"},
		{"resource": td.id, "message": 7},
		{"resource": td.id, "message": "bad pointer", "pointer": "containerDefinitions"},
		{"resource": td.id, "message": "bad related", "related": [1]},
		{"resource": td.id, "message": "bad severity", "severity": "urgent"},
		{"resource": td.id, "message": "usable", "pointer": "/family", "related": [td.id], "severity": "high"},
	]
}
"#;
    let engine = engine_with_user_rule("user/odd_findings.rego", rule);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let graph = files_graph(&[root.join("examples/flawed/legacy-ec2.json")]);
    assert_same(&engine, &graph, "odd findings");
    let (findings, diags) = engine.evaluate(&graph, 1);
    let mine: Vec<&RawFinding> = findings.iter().filter(|f| f.rule_id == "USR900").collect();
    assert_eq!(mine.len(), 1, "{mine:#?}");
    let usable = mine[0];
    assert_eq!(usable.message, "usable");
    assert_eq!(usable.pointer.as_deref(), Some("/family"));
    assert_eq!(usable.related, vec![usable.resource.clone()]);
    assert_eq!(
        usable.severity,
        Some(ecsaudit::policy::metadata::Severity::High)
    );
    assert!(findings.iter().any(|f| f.rule_id != "USR900"));
    let why: Vec<String> = diags
        .iter()
        .filter(|d| d.code == "policy-bad-finding")
        .map(|d| {
            assert!(d
                .message
                .starts_with("rule USR900 produced an unusable finding ("));
            assert_eq!(
                d.location.as_ref().map(|l| l.file.as_str()),
                Some("user/odd_findings.rego")
            );
            d.message.clone()
        })
        .collect();
    assert_eq!(why.len(), 7, "{why:#?}");
    for expected in [
        "(a finding must be an object): \"not an object\"",
        "(`resource` must be a node id string): {\"message\":\"no resource\"}",
        "(`resource` nope is not a node of the graph)",
        "(`message` must be a string)",
        "(`pointer` must be a JSON pointer string)",
        "(`related` must hold node ids)",
        "(`severity` must be critical, high, medium, low or info)",
    ] {
        assert!(
            why.iter().any(|m| m.contains(expected)),
            "{expected} not in {why:#?}"
        );
    }
}
