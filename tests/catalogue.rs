//! Meta-tests that keep the rule catalogue honest: unique ids, complete metadata, every
//! rule tested both ways and passing, generated docs current, and the Rego testing
//! helper deriving the same facts as the scanner.

use ecsaudit::policy::{self, testing, PolicySet};
use serde_json::Value;

fn builtin() -> PolicySet {
    let (set, diags) = PolicySet::from_sources(policy::builtin_sources());
    assert!(diags.is_empty(), "built-in pack loads cleanly: {diags:#?}");
    set
}

#[test]
fn ids_unique_and_metadata_complete() {
    let set = builtin();
    let mut ids = std::collections::BTreeSet::new();
    for m in set.metas() {
        assert!(ids.insert(m.id.clone()), "duplicate id {}", m.id);
        assert!(
            m.id.starts_with("EA") && m.id.len() == 5,
            "id format {}",
            m.id
        );
        assert!(!m.title.is_empty() && !m.description.is_empty() && !m.remediation.is_empty());
        assert!(!m.references.is_empty(), "{} has references", m.id);
        assert!(!m.tags.is_empty(), "{} has tags", m.id);
        assert!(m.package.starts_with("ecsaudit.rules."), "{}", m.package);
    }
    assert!(ids.len() >= 29);
}

#[test]
fn every_rule_has_positive_and_negative_tests_that_pass() {
    // The scaffold of `new-rule` too: what it writes is a rule the pack would accept.
    let (set, diags) = PolicySet::from_sources(pack_and_scaffold());
    assert!(diags.is_empty(), "{diags:#?}");
    assert!(set.rules.iter().any(|(m, _)| m.id == "ACME001"));
    let params = policy::default_params(&set);
    let run = testing::run(&set, &params, None, ecsaudit::policy::budget::DEFAULT);
    assert!(run.diagnostics.is_empty(), "{:#?}", run.diagnostics);
    let failed: Vec<_> = run
        .results
        .iter()
        .filter(|r| r.outcome != testing::Outcome::Pass)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    for (meta, src) in &set.rules {
        let test_file = src.path.replace(".rego", "_test.rego");
        let names: Vec<&str> = run
            .results
            .iter()
            .filter(|r| r.file == test_file)
            .map(|r| r.name.as_str())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("test_flags")),
            "{} ({}) needs a positive test_flags_* test, has {names:?}",
            meta.id,
            test_file
        );
        assert!(
            names
                .iter()
                .any(|n| ["test_allows", "test_ignores", "test_off"]
                    .iter()
                    .any(|p| n.starts_with(p))),
            "{} ({}) needs a negative test_allows_*/test_ignores_* test, has {names:?}",
            meta.id,
            test_file
        );
    }
    // Coverage of rule files by their tests.
    for c in run
        .coverage
        .iter()
        .filter(|c| c.file.starts_with("policies/") && !c.file.contains("/lib/"))
    {
        assert!(
            c.percent() >= 80.0,
            "{} only {:.0}% covered: {:?}",
            c.file,
            c.percent(),
            c.not_covered
        );
    }
}

#[test]
fn generated_rule_docs_are_current() {
    for (name, text) in ecsaudit::docs::rule_docs(&builtin()) {
        let on_disk = std::fs::read_to_string(format!("docs/rules/{name}")).unwrap_or_default();
        assert_eq!(
            on_disk, text,
            "docs/rules/{name} is stale: run `cargo run -- docs`"
        );
    }
}

/// The Rego testing helper must derive exactly what the Rust graph builder derives.
#[test]
fn rego_testing_helper_matches_rust_derivation() {
    let mut tds: Vec<Value> = Vec::new();
    let scan = ecsaudit::source::files::scan(&["examples".into()], &Default::default());
    tds.extend(scan.task_definitions.iter().map(|d| d.value.clone()));
    tds.push(
        serde_json::from_str(include_str!("../src/policy/sample_task_definition.json")).unwrap(),
    );
    let images = [
        "nginx",
        "nginx:latest",
        "bitnami/redis:7.2",
        "registry.local:5000/team/app:1.0@sha256:ab",
        "localhost:5000/app",
        "public.ecr.aws/a/b:1",
        "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/x",
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/x:1",
        "${IMAGE}",
        "${REPO}:latest",
        "${ECR}/app:1.4",
        "${REPO}:${TAG}",
        "${IMAGE:-nginx:latest}",
        "${REPO}@sha256:0123",
        "app:{{tag}}",
        "<IMAGE_NAME>",
        "$IMAGE",
        "",
        "app@sha256",
        " spaced:1 ",
    ];
    let sizes = [
        ("256", "512"),
        ("0.25 vCPU", "0.5 GB"),
        ("1 vcpu", "2GB"),
        ("lots", "1.5 MB"),
        ("1024", "3072 MiB"),
    ];
    for (i, img) in images.iter().enumerate() {
        let (cpu, mem) = sizes[i % sizes.len()];
        tds.push(serde_json::json!({"family": "f", "cpu": cpu, "memory": mem,
            "requiresCompatibilities": if i % 2 == 0 { serde_json::json!(["FARGATE"]) } else { serde_json::json!(["EC2"]) },
            "containerDefinitions": [{"name": "c", "image": img}, {"image": 5}]}));
    }
    // Container labels: names that need quoting, and containers without a usable name.
    tds.push(
        serde_json::json!({"family": "names", "containerDefinitions": [
            {"name": "quote\"back\\slash"}, {"name": "tab\tnew\nline\u{7}bell\u{7f}"},
            {"name": "\u{e9}clair \u{2028} \u{1F600} \u{ad}"}, {"name": ""}, {"name": 5},
            {"image": "nginx"}
        ]}),
    );
    // Secrets where the redaction finds them and where it must not: by format, entropy
    // and name in the environment, arguments, labels and log options; values it leaves
    // (trivial, placeholders, safe suffixes, non-strings); markers already there.
    tds.push(serde_json::json!({"family": "secrets", "containerDefinitions": [
        {"name": "app", "environment": [
            {"name": "DB_PASSWORD", "value": "hunter2hunter2"},
            {"name": "AWS_KEY", "value": "AKIAIOSFODNN7EXAMPLE"},
            {"name": "SEED", "value": "q8Zr2LwX9vN4mK7pT1sY6dB3"},
            {"name": "PASSWORD_MIN_LENGTH", "value": "12"},
            {"name": "API_TOKEN", "value": "${TOKEN}"},
            {"name": "SECRET", "value": 12345},
            {"name": 7, "value": "hunter2hunter2"},
            {"value": "ecsaudit:redacted||hu…(14 chars)"},
            {"name": "K", "value": "ecsaudit:redacted|a GitHub token|ghp_…(40 chars)"}
        ], "command": ["--password=hunter2hunter2", "--config=/etc/app.yaml", 5,
                       "postgres://app:s3cr3t@db:5432/app", "--token=${T}"],
         "entryPoint": ["sh", "-c", "xoxb-123456789012-abcdefghijkl"],
         "dockerLabels": {"z-api-key": "abcdef123456", "a/b~c": "AKIAIOSFODNN7EXAMPLE",
                          "version": "1.2.3", "auth-token": "true"},
         "logConfiguration": {"logDriver": "splunk",
                              "options": {"splunk-token": "0f3a-secret-value", "splunk-url": "https://s:8088"}}},
        {"environment": [{"name": "MY_PIN_CODE", "value": "a1b2c3"}], "dockerLabels": 5}
    ]}));
    let set = builtin();
    let mut engine = regorus::Engine::new();
    for src in set.libraries.iter() {
        engine
            .add_policy(src.path.clone(), src.text.clone())
            .unwrap();
    }
    // The rules' default parameters, as a scan loads them (EA101's extra name tokens).
    let params =
        serde_json::json!({"ecsaudit": {"params": ecsaudit::policy::default_params(&set)}});
    engine
        .add_data(regorus::Value::from_json_str(&params.to_string()).unwrap())
        .unwrap();
    let redactor = ecsaudit::graph::secrets::Redactor::default();
    for td in tds {
        // The scanner derives from the redacted task definition; Rego tests from plain
        // values.
        let mut redacted = td.clone();
        redactor.redact_task_definition(&mut redacted);
        let rust = ecsaudit::graph::derive_task_definition(&redacted);
        engine.set_input(regorus::Value::from_json_str(&td.to_string()).unwrap());
        let rego = engine
            .eval_query("data.ecsaudit.lib.testing.derive(input)".into(), false)
            .unwrap();
        let rego: Value = serde_json::to_value(&rego.result[0].expressions[0].value).unwrap();
        assert_eq!(
            canonical(&rego),
            canonical(&rust),
            "for {td}\nredacted: {redacted}"
        );
    }
}

/// Key order and number spelling do not matter (Rego may produce 256.0 for 256).
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(o) => {
            let mut keys: Vec<_> = o.iter().collect();
            keys.sort_by(|a, b| a.0.cmp(b.0));
            let parts: Vec<String> = keys
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", canonical(v)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        Value::Number(n) => format!("{}", n.as_f64().unwrap_or(f64::NAN)),
        other => other.to_string(),
    }
}

/// regorus 0.14's VM (`scan --engine vm`) binds `x := ref` even when `ref` is undefined,
/// where Rego fails the body. That only changes results when nothing after the binding
/// fails on an undefined `x`, as with a following `not`. Built-in rules therefore follow
/// each `x := plain.ref` with a statement that uses `x` and is not a negation.
#[test]
fn builtin_rules_guard_plain_reference_bindings() {
    let problems = binding_problems(plain_ref_binding, |lines, n, var| {
        let next = lines.get(n + 1).map(|l| l.trim()).unwrap_or_default();
        (!guarded(lines, n, var)).then(|| next.to_string())
    });
    assert!(
        problems.is_empty(),
        "unguarded bindings:\n{}",
        problems.join("\n")
    );
}

/// The VM binds `x := f(...)` as it binds a reference, even when `f` is undefined. That
/// changes results only when `x` is negated later in the body, so there the built-in
/// rules guard the binding as they guard references: the next statement uses `x`.
#[test]
fn builtin_rules_never_negate_a_call_binding() {
    let problems = binding_problems(call_binding, |lines, n, var| {
        if guarded(lines, n, var) {
            return None;
        }
        lines[n + 1..]
            .iter()
            .map(|l| l.trim())
            .take_while(|l| !l.starts_with('}'))
            .find(|l| l.starts_with("not ") && uses(l, var))
            .map(str::to_string)
    });
    assert!(
        problems.is_empty(),
        "call bindings negated later, unguarded:\n{}",
        problems.join("\n")
    );
}

/// `path:line: binding then statement` for each line of the built-in rules (not tests or
/// the test helpers) that `binding` reads as `var := ...` and `problem(lines, index, var)`
/// objects to, naming the statement it objects to.
fn binding_problems(
    binding: fn(&str) -> Option<String>,
    problem: impl Fn(&[&str], usize, &str) -> Option<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for src in pack_and_scaffold() {
        if src.is_test() || src.path.ends_with("lib/testing.rego") {
            continue;
        }
        let lines: Vec<&str> = src.text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let Some(var) = binding(line) else {
                continue;
            };
            if let Some(then) = problem(&lines, n, &var) {
                problems.push(format!(
                    "{}:{}: `{}` then `{then}`",
                    src.path,
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    problems
}

/// The statement after line `n` uses `var` and is neither a negation nor another
/// binding (the VM goes on past `y := f(x)` with `x` undefined, and in a body followed
/// by `else` never tries the `else`: regorus_vm_deviations_are_as_documented).
fn guarded(lines: &[&str], n: usize, var: &str) -> bool {
    let next = lines.get(n + 1).map(|l| l.trim()).unwrap_or_default();
    uses(next, var) && !next.starts_with("not ") && !next.contains(" := ")
}

/// `line` names the variable `var`.
fn uses(line: &str, var: &str) -> bool {
    line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == var)
}

/// The variable of a rule-body line `name := f(...)` (a function or builtin call).
fn call_binding(line: &str) -> Option<String> {
    let (var, rhs) = line.trim().split_once(" := ")?;
    let callee = rhs.split_once('(')?.0;
    // A rule parameter always has a value (its METADATA default at least).
    if callee == "lib.param" {
        return None;
    }
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (line.starts_with('\t') && word(var) && !callee.is_empty() && callee.split('.').all(word))
        .then(|| var.to_string())
}

/// The variable of a rule-body line `name := a.b[c]` (a reference, no call), if it is one.
fn plain_ref_binding(line: &str) -> Option<String> {
    let trimmed = line.trim();
    let (var, rhs) = trimmed.split_once(" := ")?;
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if !line.starts_with('\t') || !ident(var) {
        return None;
    }
    // A plain reference: identifiers joined by dots and [index] parts, nothing else.
    let mut rest = rhs;
    let head_len = rest.find(['.', '[']).unwrap_or(rest.len());
    if !ident(&rest[..head_len]) || head_len == rest.len() {
        return None;
    }
    rest = &rest[head_len..];
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if !ident(&r[..end])
                && !r[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return None;
            }
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            if r[..end].contains('(') {
                return None;
            }
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(var.to_string())
}

/// Policies must be real Rego that OPA also runs. OPA itself cannot be installed from the
/// package registries this project builds from, so the pack is held to the builtins OPA
/// documents: every function it calls that it does not define is on the vendored list.
#[test]
fn builtin_pack_calls_only_documented_opa_builtins() {
    let documented = opa_builtins();
    let sources = pack_and_scaffold();
    let defined: std::collections::BTreeSet<String> = sources
        .iter()
        .flat_map(|s| defined_functions(&s.text))
        .collect();
    let mut problems = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for src in &sources {
        for (line, name) in foreign_calls(&src.text, &defined) {
            used.insert(name.clone());
            if !documented.contains(&name) {
                problems.push(format!(
                    "{}:{line}: `{name}(` is not a documented OPA builtin",
                    src.path
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The extractor really sees the pack's calls (a broken one would pass vacuously).
    for expected in [
        "sprintf",
        "object.get",
        "regex.match",
        "net.cidr_contains",
        "numbers.range",
    ] {
        assert!(
            used.contains(expected),
            "{expected} not seen among {used:?}"
        );
    }
}

#[test]
fn opa_builtin_check_flags_unknown_and_regorus_only_calls() {
    let text = "package p\n\nimport data.ecsaudit.lib\nimport data.x.y as alias\n\nhelper(v) := v\n\n\
                r if {\n\t# strings.ignored(\"in a comment\")\n\tx := lib.finding(\"not_a_call(\")\n\
                \ty := alias.thing(1)\n\tz := helper(upper(\"a\"))\n\tnet.cidr_merge([\"10.0.0.0/8\"])\n\
                \tstrings.bogus(x)\n}\n";
    let defined = defined_functions(text);
    assert_eq!(defined, vec!["helper".to_string()]);
    let documented = opa_builtins();
    let unknown: Vec<(usize, String)> = foreign_calls(text, &defined.into_iter().collect())
        .into_iter()
        .filter(|(_, n)| !documented.contains(n))
        .collect();
    assert_eq!(
        unknown,
        vec![
            (13, "net.cidr_merge".to_string()),
            (14, "strings.bogus".to_string())
        ]
    );
}

/// Names in tests/data/opa-builtins.txt (one per line, `#` comments).
fn opa_builtins() -> std::collections::BTreeSet<String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/opa-builtins.txt"
    ))
    .expect("tests/data/opa-builtins.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// Rego source with comments removed and string contents blanked (line structure kept).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push('"');
            }
            '`' => {
                out.push('`');
                for s in chars.by_ref() {
                    if s == '`' {
                        break;
                    }
                    if s == '\n' {
                        out.push('\n');
                    }
                }
                out.push('`');
            }
            '#' => {
                for s in chars.by_ref() {
                    if s == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Functions a module defines: rule heads `name(` at the start of a line.
fn defined_functions(text: &str) -> Vec<String> {
    let head = regex::Regex::new(r"^([a-z_][A-Za-z0-9_]*)\(").unwrap();
    let mut names: Vec<String> = code_only(text)
        .lines()
        .filter_map(|l| head.captures(l).map(|c| c[1].to_string()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Calls (line, dotted name) that are neither defined in the pack nor reached through an
/// import alias of this module.
fn foreign_calls(text: &str, defined: &std::collections::BTreeSet<String>) -> Vec<(usize, String)> {
    let code = code_only(text);
    let aliases = import_aliases(&code, |_| true);
    let call =
        regex::Regex::new(r"(^|[^A-Za-z0-9_.])([a-z_][A-Za-z0-9_]*(?:\.[a-z_][A-Za-z0-9_]*)*)\(")
            .unwrap();
    let mut calls = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for c in call.captures_iter(line) {
            let name = c[2].to_string();
            let first = name.split('.').next().unwrap_or_default();
            // `set()` is the empty-set literal, not a call.
            let empty_set =
                name == "set" && line[c.get(2).map_or(0, |m| m.end())..].starts_with("()");
            if name.starts_with("data.")
                || empty_set
                || defined.contains(&name)
                || aliases.iter().any(|a| a == first)
            {
                continue;
            }
            calls.push((n + 1, name));
        }
    }
    calls
}

/// regorus' VM compiles `lib.task_definitions` (a rule reached through a package import)
/// by building the whole `data.ecsaudit.lib` document, every rule of the package, at each
/// evaluation; `data.ecsaudit.lib.task_definitions` is one cached rule call. Built-in
/// modules therefore import the rules they read (`import data.ecsaudit.lib.task_definitions`)
/// and keep package aliases for function calls. (It cost 8% of a scan.)
#[test]
fn builtin_modules_read_library_rules_through_their_own_import() {
    let sources = pack_and_scaffold();
    let packages = packages_of(&sources);
    let mut problems = Vec::new();
    for src in sources.iter().filter(|s| !s.is_test()) {
        for (line, reference) in rule_refs_through_package_alias(&src.text, &packages) {
            problems.push(format!("{}:{line}: `{reference}`", src.path));
        }
    }
    assert!(
        problems.is_empty(),
        "rules read through a package alias (import the rule itself):\n{}",
        problems.join("\n")
    );
}

/// The built-in pack and a freshly scaffolded rule (`ecsaudit new-rule`): the style
/// meta-tests hold both, so the scaffold teaches the dialect the pack is written in.
fn pack_and_scaffold() -> Vec<policy::PolicySource> {
    let dir = tempfile::tempdir().unwrap();
    let files = ecsaudit::docs::scaffold_rule("ACME001", Some("acme_rule"), dir.path()).unwrap();
    let mut sources = policy::builtin_sources();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        sources.push(policy::PolicySource {
            path: format!("policies/custom/{name}"),
            text: std::fs::read_to_string(&f).unwrap(),
            builtin: true,
        });
    }
    sources
}

/// A line that holds only a string literal (a message's text, kept whole so that it can
/// be searched for), with an optional trailing comma.
fn only_a_string(line: &str) -> bool {
    let t = line.trim().trim_end_matches(',');
    (t.len() >= 2 && t.starts_with('"') && t.ends_with('"') && !t[1..t.len() - 1].contains("\", "))
        || (t.starts_with('`') && t.ends_with('`') && t.len() >= 2)
}

/// Rules and the library read like the rules users write: code lines of at most 100
/// columns (a tab counts 4). Comments (METADATA's addresses) and a line holding only a
/// message's text may be longer. Test files hold inputs and are not held to it.
#[test]
fn rule_lines_are_short() {
    let mut problems = Vec::new();
    for src in pack_and_scaffold().iter().filter(|s| !s.is_test()) {
        if src.path.ends_with("lib/testing.rego") {
            continue;
        }
        for (n, line) in src.text.lines().enumerate() {
            let columns = line.replace('\t', "    ").chars().count();
            if columns > 100 && !line.trim_start().starts_with('#') && !only_a_string(line) {
                problems.push(format!("{}:{}: {columns} columns", src.path, n + 1));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "lines over 100 columns:\n{}",
        problems.join("\n")
    );
}

/// Tests bind their input before `with input as` (a variable, not a call): regorus'
/// interpreter evaluates a `with` value after clearing the rule cache for the new input,
/// and library rules evaluated for it are then lost for the statement, so a test could
/// pass for the wrong reason (docs/graph.md).
#[test]
fn tests_bind_their_input_first() {
    let call = regex::Regex::new(r"with input as [A-Za-z_][A-Za-z0-9_.]*\(").unwrap();
    let mut problems = Vec::new();
    for src in pack_and_scaffold().iter().filter(|s| s.is_test()) {
        for (n, line) in code_only(&src.text).lines().enumerate() {
            if call.is_match(line) {
                problems.push(format!("{}:{}", src.path, n + 1));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "`with input as` a call (bind it to a variable first):\n{}",
        problems.join("\n")
    );
}

/// On regorus' VM a function call costs several field reads (its rule metadata is copied
/// at every call), and a scan makes one per finding for each of these helpers. Built-in
/// rules write finding objects and pointers themselves; the helpers stay for user rules.
#[test]
fn builtin_rules_build_findings_and_pointers_inline() {
    const PER_FINDING_HELPERS: [&str; 4] = [
        "lib.finding(",
        "lib.finding_related(",
        "lib.container_pointer(",
        "lib.container_field_pointer(",
    ];
    let mut problems = Vec::new();
    for src in pack_and_scaffold()
        .iter()
        .filter(|s| !s.is_test() && !s.path.starts_with("policies/lib/"))
    {
        for (n, code) in code_only(&src.text).lines().enumerate() {
            for helper in PER_FINDING_HELPERS {
                if code.contains(helper) {
                    problems.push(format!("{}:{}: {helper}...)", src.path, n + 1));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "built-in rules call per-finding helpers (write the object or sprintf inline):\n{}",
        problems.join("\n")
    );
}

#[test]
fn package_alias_check_flags_rule_references_only() {
    let packages: std::collections::BTreeSet<String> = ["ecsaudit.lib", "ecsaudit.lib.secrets"]
        .map(String::from)
        .into();
    let text = "package p\n\nimport data.ecsaudit.lib\nimport data.ecsaudit.lib.secrets as s\n\
                import data.ecsaudit.lib.task_definitions\n\nr if {\n\tsome td in lib.task_definitions\n\
                \tlib.finding(td, \"/\", \"lib.x in a string\")\n\tsome t in task_definitions\n\
                \ts.value_kind(t) == s.markers\n\t# lib.comment\n\tdata.ecsaudit.lib.x\n}\n";
    assert_eq!(
        rule_refs_through_package_alias(text, &packages),
        vec![
            (8, "lib.task_definitions".to_string()),
            (11, "s.markers".to_string())
        ]
    );
}

/// Packages of the pack's modules.
fn packages_of(sources: &[policy::PolicySource]) -> std::collections::BTreeSet<String> {
    sources
        .iter()
        .filter_map(|s| {
            s.text
                .lines()
                .find_map(|l| l.strip_prefix("package "))
                .map(|p| p.trim().to_string())
        })
        .collect()
}

/// `(line, alias.name)` where `alias` imports one of `packages` and `name` is not called.
fn rule_refs_through_package_alias(
    text: &str,
    packages: &std::collections::BTreeSet<String>,
) -> Vec<(usize, String)> {
    let code = code_only(text);
    let aliases = import_aliases(&code, |path| packages.contains(path));
    let reference =
        regex::Regex::new(r"(^|[^A-Za-z0-9_.])([a-z_][A-Za-z0-9_]*)\.([a-z_][A-Za-z0-9_]*)")
            .unwrap();
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        if line.starts_with("import ") || line.starts_with("package ") {
            continue;
        }
        for c in reference.captures_iter(line) {
            let end = c.get(3).map_or(0, |m| m.end());
            if aliases.iter().any(|a| a == &c[2]) && !line[end..].starts_with('(') {
                found.push((n + 1, format!("{}.{}", &c[2], &c[3])));
            }
        }
    }
    found
}

/// Names `import data.<path> [as alias]` lines of `code` bind, for the paths `keep` takes.
fn import_aliases(code: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let import =
        regex::Regex::new(r"^import\s+data\.([A-Za-z0-9_.]+)(?:\s+as\s+([A-Za-z_][A-Za-z0-9_]*))?")
            .unwrap();
    code.lines()
        .filter_map(|l| import.captures(l))
        .filter(|c| keep(&c[1]))
        .map(|c| match c.get(2) {
            Some(a) => a.as_str().to_string(),
            None => c[1].rsplit('.').next().unwrap_or_default().to_string(),
        })
        .collect()
}

/// Every control of every framework's catalogue is covered by a rule or says why not
/// (never both), and every control a rule names is one its framework has.
#[test]
fn every_framework_control_is_accounted_for() {
    use ecsaudit::compliance::Framework;
    let set = builtin();
    let metas: Vec<_> = set.metas().collect();
    for f in Framework::ALL {
        for c in f.controls() {
            let rules = f.rules_for(&c.id, &metas);
            assert_eq!(
                rules.is_empty(),
                c.not_covered.is_some(),
                "{} {}: covered by {:?}, reason {:?}",
                f.key(),
                c.id,
                rules.iter().map(|m| &m.id).collect::<Vec<_>>(),
                c.not_covered
            );
        }
        for m in &metas {
            for id in f.named_by(m) {
                assert!(
                    f.controls().iter().any(|c| c.id == id),
                    "{} names {id}, which {} does not have",
                    m.id,
                    f.title()
                );
            }
        }
    }
}

/// A rule that tells which of its controls a finding is about (`"controls"` in the
/// finding, from a `controls := {...}` table) names only controls its METADATA lists, so
/// the finding is never filed under a control the rule does not claim.
#[test]
fn finding_controls_are_among_their_rules_controls() {
    let set = builtin();
    let table = regex::Regex::new(r"(?s)\ncontrols := \{(.*?)\n\}").unwrap();
    let quoted = regex::Regex::new(r#""([^"]+)""#).unwrap();
    let mut checked = 0;
    for src in policy::builtin_sources() {
        let file = &src.path;
        let Some(t) = table.captures(&src.text) else {
            continue;
        };
        let meta = set
            .metas()
            .find(|m| m.file == *file)
            .unwrap_or_else(|| panic!("{file}: a controls table outside a rule"));
        let claimed: Vec<&String> = meta.controls.values().flatten().collect();
        for c in quoted.captures_iter(&t[1]) {
            let id = &c[1];
            // The table's keys are the rule's own field names, not control ids.
            if t[1].contains(&format!("\"{id}\": [")) {
                continue;
            }
            assert!(
                claimed.iter().any(|x| *x == id),
                "{file}: a finding names {id}, which its METADATA does not list"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "the controls tables were read ({checked} ids)"
    );
}
