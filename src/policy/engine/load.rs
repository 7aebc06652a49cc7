//! Loading policies into regorus: each file parsed (errors positioned), recursion
//! refused, every rule checked on a sample graph within its budget, the VM program
//! compiled.

use super::*;

/// Add one policy file to `engine`; a parse error becomes a positioned diagnostic.
pub(crate) fn add_source(
    engine: &mut regorus::Engine,
    src: &PolicySource,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if let Some((line, column)) = crate::policy::nesting::too_deep(&src.text) {
        diags.push(
            Diagnostic::error(
                "policy-parse-error",
                format!(
                    "brackets are nested more than {} deep here: regorus parses deeper \
                     nesting in exponential time, so this file was not loaded",
                    crate::policy::nesting::MAX_DEPTH
                ),
            )
            .at(Location::at(&src.path, line, column)),
        );
        return false;
    }
    match engine.add_policy(src.path.clone(), src.text.clone()) {
        Ok(_) => true,
        Err(e) => {
            diags.push(rego_error("policy-parse-error", &src.path, &e));
            false
        }
    }
}

pub(in crate::policy) fn to_rego<T: serde::Serialize>(v: &T) -> anyhow::Result<RegoValue> {
    RegoValue::from_json_str(&serde_json::to_string(v)?)
}

/// `load(skip, diags)` with no file skipped; when some files take part in a recursion,
/// `load` again without them (its first diagnostics are dropped: the second load
/// reports them again), and report each cycle.
pub(crate) fn load_without_recursion<T>(
    diags: &mut Vec<Diagnostic>,
    load: impl Fn(&BTreeSet<String>, &mut Vec<Diagnostic>) -> (regorus::Engine, T),
) -> (regorus::Engine, T) {
    let mut first = Vec::new();
    let (mut engine, loaded) = load(&BTreeSet::new(), &mut first);
    let mut recursion = Vec::new();
    let recursive = recursive_files(&mut engine, &mut recursion);
    let (engine, loaded) = if recursive.is_empty() {
        diags.extend(first);
        (engine, loaded)
    } else {
        load(&recursive, diags)
    };
    diags.extend(recursion);
    (engine, loaded)
}

/// The files of `engine` that take part in a recursion (which Rego forbids and which
/// would overflow regorus' stack), each cycle reported at its first definition.
pub(super) fn recursive_files(
    engine: &mut regorus::Engine,
    diags: &mut Vec<Diagnostic>,
) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    for cycle in crate::policy::recursion::cycles(engine.get_modules()) {
        // Names within their package when the cycle stays in one, else full paths.
        let package = |p: &str| p.rsplit_once('.').map(|(pkg, _)| pkg.to_string());
        let one_package = cycle
            .path
            .iter()
            .all(|p| package(p) == package(&cycle.path[0]));
        let names: Vec<&str> = cycle
            .path
            .iter()
            .map(|p| match p.rsplit_once('.') {
                Some((_, name)) if one_package => name,
                _ => p.strip_prefix("data.").unwrap_or(p),
            })
            .collect();
        diags.push(
            Diagnostic::error(
                "policy-recursion",
                format!(
                    "{} depends on itself ({}): Rego does not allow recursion (OPA rejects \
                     it), so {} not loaded",
                    names[0],
                    names.join(" -> "),
                    if cycle.files.len() == 1 {
                        "this file was".to_string()
                    } else {
                        format!(
                            "the files {} were",
                            cycle.files.iter().cloned().collect::<Vec<_>>().join(", ")
                        )
                    }
                ),
            )
            .at(Location::at(&cycle.file, cycle.line, cycle.column)),
        );
        files.extend(cycle.files);
    }
    files
}

/// Load rule parameters into `engine` as `data.ecsaudit.params`.
pub(crate) fn add_params(engine: &mut regorus::Engine, params: &Value) -> Result<(), Diagnostic> {
    let data = serde_json::json!({"ecsaudit": {"params": params}});
    to_rego(&data)
        .and_then(|d| engine.add_data(d))
        .map_err(|e| Diagnostic::error("policy-data", format!("cannot load rule parameters: {e}")))
}

/// A small, well-formed graph every rule is evaluated against once at load time, so a
/// rule that errors (unknown builtin, type error) fails loudly instead of going quiet.
pub(in crate::policy) fn sample_graph() -> Graph {
    let doc: Value = serde_json::from_str(include_str!("../sample_task_definition.json"))
        .expect("embedded sample task definition is valid JSON");
    let docs = vec![crate::graph::input::TaskDefinitionDoc {
        file: "sample.json".into(),
        pointer: String::new(),
        shape: crate::graph::input::InputShape::RegisterInput,
        value: doc,
        tags: None,
    }];
    crate::graph::from_files(
        &["sample.json".into()],
        docs,
        Vec::new(),
        &Default::default(),
    )
}

/// `{"<rule id>": data.<package>.deny, ...}`: every rule's findings by rule id.
pub(super) fn findings_object<'a>(rules: impl IntoIterator<Item = &'a RuleMeta>) -> String {
    let members: Vec<String> = rules
        .into_iter()
        .map(|m| {
            format!(
                "{}: data.{}.deny",
                serde_json::to_string(&m.id).unwrap_or_default(),
                m.package
            )
        })
        .collect();
    format!("{{\n\t{}\n}}", members.join(",\n\t"))
}

/// A module whose one rule gathers every rule's `deny` set, compiled with all policies
/// into one VM program.
pub(super) fn compile_program(
    engine: &regorus::Engine,
    rules: &[RuleMeta],
) -> anyhow::Result<Arc<Program>> {
    let module = format!(
        "package ecsaudit.internal.scan\n\nfindings := {}\n",
        findings_object(rules)
    );
    let mut engine = engine.clone();
    engine.add_policy("<ecsaudit scan entry point>".into(), module)?;
    let entry: regorus::Rc<str> = ENTRY_POINT.into();
    let compiled = engine.compile_with_entrypoint(&entry)?;
    Ok(Compiler::compile_from_policy(&compiled, &[ENTRY_POINT])?)
}

/// Evaluate each rule once, strictly, against the sample graph, each within `budget`:
/// the rules that fail or overrun, by id, with the diagnostic saying why (in `rules`
/// order).
pub(super) fn validate_on_sample(
    engine: &regorus::Engine,
    rules: &[RuleMeta],
    budget: Duration,
) -> Vec<(String, Diagnostic)> {
    let sample = to_rego(&sample_graph()).expect("sample graph converts");
    let mut checked = engine.clone();
    checked.set_strict_builtin_errors(true);
    checked.set_input(sample);
    let queries: Vec<String> = rules.iter().map(deny_of).collect();
    let (outcomes, _) = budget::run_steps(
        rules.len(),
        budget,
        || checked.clone(),
        move |engine, i| engine.eval_rule(queries[i].clone()).err(),
    );
    rules
        .iter()
        .zip(outcomes)
        .filter_map(|(meta, outcome)| {
            let d = match outcome {
                Step::Done(err) => {
                    rule_eval_error(meta, &err?, "fails when evaluated, so it was not run")
                }
                other => over_budget(meta, &other, budget, "on a one-task sample graph")?,
            };
            Some((meta.id.clone(), d))
        })
        .collect()
}

/// `data.<package>.deny`, the query of one rule's findings.
pub(super) fn deny_of(meta: &RuleMeta) -> String {
    format!("data.{}.deny", meta.package)
}

/// The diagnostic of a rule whose evaluation `where_` overran `budget` or panicked;
/// `None` when it finished.
pub(super) fn over_budget<T>(
    meta: &RuleMeta,
    outcome: &Step<T>,
    budget: Duration,
    where_: &str,
) -> Option<Diagnostic> {
    let (code, message) = match outcome {
        Step::Done(_) => return None,
        Step::OverBudget => (
            "policy-eval-budget",
            format!(
                "rule {} did not finish within {} {where_} and was stopped (set the budget \
                 with --rule-timeout): its checks were not performed",
                meta.id,
                budget::describe(budget)
            ),
        ),
        Step::Panicked(why) => (
            "policy-eval-error",
            format!(
                "rule {} could not be evaluated {where_} ({why}): its checks were not performed",
                meta.id
            ),
        ),
    };
    let mut d = Diagnostic::error(code, message).at(meta.location());
    d.rule = Some(meta.id.clone());
    Some(d)
}

/// regorus' interpreter notices an unknown function only when evaluation reaches the
/// call; its VM compiler resolves every call up front. Compile the rules for the VM to
/// find unknown functions on branches the sample graph does not reach: such a rule is
/// left out and reported at the call. (Rules the VM refuses for other reasons are only
/// left out of this check.)
///
/// Returns the VM program of every remaining rule, when they all compiled together.
pub(super) fn check_functions(
    engine: &regorus::Engine,
    rules: &mut Vec<RuleMeta>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<Program>> {
    let mut candidates: Vec<RuleMeta> = rules.clone();
    while !candidates.is_empty() {
        let err = match compile_program(engine, &candidates) {
            Ok(program) => {
                let all = candidates.len() == rules.len()
                    && candidates
                        .iter()
                        .zip(rules.iter())
                        .all(|(a, b)| a.id == b.id);
                return all.then_some(program);
            }
            Err(err) => err,
        };
        let text = err.to_string();
        let unknown = text
            .split("Unknown function: '")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .map(str::to_string);
        let d = rego_error("policy-unknown-function", "", &err);
        let file = d
            .location
            .as_ref()
            .map(|l| l.file.clone())
            .unwrap_or_default();
        let Some(pos) = candidates.iter().position(|m| m.file == file) else {
            // In a library (or not placed): report an unknown function, then stop.
            if let Some(name) = unknown {
                let mut d = d;
                d.message = format!(
                    "unknown function `{name}`: regorus does not provide it (see README \"Your own rules\"); rules that call this code fail"
                );
                diags.push(d);
            }
            return None;
        };
        let meta = candidates.remove(pos);
        if let Some(name) = unknown {
            let mut d = d;
            d.message = format!(
                "rule {} calls unknown function `{name}`: regorus does not provide it (see README \"Your own rules\"), so the rule was not run",
                meta.id
            );
            diags.push(d);
            rules.retain(|m| m.id != meta.id);
        }
    }
    None
}

/// An engine holding `set`'s libraries and rules, except those in `skip`; the rules that
/// loaded.
pub(super) fn load(
    set: &PolicySet,
    skip: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> (regorus::Engine, Vec<RuleMeta>) {
    let mut engine = regorus::Engine::new();
    for lib in set.libraries.iter().filter(|l| !skip.contains(&l.path)) {
        add_source(&mut engine, lib, diags);
    }
    let mut rules = Vec::new();
    let mut packages = BTreeSet::new();
    for (meta, src) in set.rules.iter().filter(|(_, s)| !skip.contains(&s.path)) {
        if !packages.insert(meta.package.clone()) {
            diags.push(
                Diagnostic::error(
                    "policy-duplicate-package",
                    format!(
                        "rule {} uses package {} which another rule already uses: give \
                         each rule its own package",
                        meta.id, meta.package
                    ),
                )
                .at(meta.location()),
            );
            continue;
        }
        if add_source(&mut engine, src, diags) {
            rules.push(meta.clone());
        }
    }
    (engine, rules)
}
