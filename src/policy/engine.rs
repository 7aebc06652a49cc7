//! The regorus engine: policies compiled once, then evaluated per shard of the graph on
//! every core. All rules are asked for in one entry point per shard, so helper rules in
//! `data.ecsaudit.lib` are computed once per shard, not once per rule.
//!
//! Two backends: regorus' interpreter (the reference semantics, also used by `eval` and
//! the Rego test runner) and the rules compiled to its bytecode VM (RVM), several times
//! faster. regorus 0.14's VM departs from Rego semantics in places (see
//! docs/performance.md), so only rules known to avoid those places run on it by default: the
//! built-in pack, checked for identical results under both (`tests/backends.rs`). User
//! rules run in the interpreter unless asked for (`--engine vm`). Whatever the backend, a
//! rule that fails on a shard is retried on smaller parts of it, so an odd resource costs
//! only itself.
//!
//! A rule's `deny` set holds finding objects:
//! `{"resource": <node id>, "message": <text>, "pointer"?: <JSON pointer into the node's
//! properties>, "related"?: [<node id>...], "severity"?: <override>, "controls"?:
//! [<control id>...]}` (`controls`: which of its rule's compliance controls the finding
//! is about, when not all of them).

use super::budget::{self, Step};
use super::input::shard_to_rego;
use super::metadata::{RuleMeta, Severity};
use super::{PolicySet, PolicySource};
use crate::diagnostics::{Diagnostic, Location};
use crate::graph::{Graph, GraphView};
use rayon::prelude::*;
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The generated rule that gathers every rule's `deny` set: `{rule_id: set}`.
const ENTRY_POINT: &str = "data.ecsaudit.internal.scan.findings";

/// The longest query line regorus' lexer accepts.
const MAX_QUERY_LINE: usize = 1024;

/// Nodes per evaluation shard (connected resources always share a shard).
const SHARD_NODES: usize = 256;

/// How rules are evaluated during a scan (`scan --engine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// The built-in rules on the VM, user rules in the interpreter (the default).
    Auto,
    /// Every rule on regorus' bytecode VM (falls back to the interpreter if the policies
    /// do not compile for it).
    Vm,
    /// Every rule in regorus' interpreter.
    Interpreter,
}

/// A finding as a rule produced it, before locations and fingerprints.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFinding {
    pub rule_id: String,
    pub resource: String,
    pub pointer: Option<String>,
    pub message: String,
    pub related: Vec<String>,
    pub severity: Option<Severity>,
    /// The controls, among those its rule maps to, this finding is about (`None`: all).
    pub controls: Option<Vec<String>>,
}

/// Compiled policies ready to evaluate graphs.
#[derive(Clone)]
pub struct PolicyEngine {
    engine: regorus::Engine,
    rules: Vec<RuleMeta>,
    /// Wall time one rule may take on one shard before it is stopped.
    budget: Duration,
    /// Rules stopped for overrunning the budget, not run again by this engine or its
    /// clones, with the diagnostic that says so.
    stopped: Arc<Mutex<BTreeMap<String, Diagnostic>>>,
    /// `data` as the VM sees it (the rule parameters).
    data: RegoValue,
    /// The rules of `on_vm` compiled for the VM; `None` runs them all in the interpreter.
    program: Option<Arc<Program>>,
    /// Every rule of `rules` compiled for the VM, kept from the load-time check.
    full_program: Option<Arc<Program>>,
    /// Per rule (as `rules`): whether `program` runs it.
    on_vm: Vec<bool>,
    /// The backend asked for.
    requested: Backend,
    /// Why the VM is not in use, when it was asked for but could not compile the rules.
    vm_unavailable: Option<String>,
}

/// Evaluation problems as a scan reports them: by message, each once (the same rule
/// failing on several shards is one problem).
pub fn sort_evaluation_diagnostics(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.message.cmp(&b.message));
    diags.dedup();
}

/// Turn a regorus error into a diagnostic positioned at `path:line:col` when the error
/// text carries one (regorus prints `--> path:line:col`, an excerpt, then `error: ...`).
pub fn rego_error(code: &str, path: &str, err: &anyhow::Error) -> Diagnostic {
    let text = err.to_string();
    let mut loc = Location {
        file: path.to_string(),
        ..Location::default()
    };
    // regorus: "--> path:line:col" then a source excerpt, then "error: message".
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("--> ") {
            let mut parts = rest.rsplitn(3, ':');
            let col = parts.next().and_then(|s| s.trim().parse().ok());
            let l = parts.next().and_then(|s| s.trim().parse().ok());
            if let (Some(l), Some(file)) = (l, parts.next()) {
                loc.file = file.to_string();
                loc.line = Some(l);
                loc.column = col;
            }
            break;
        }
    }
    let message = text
        .lines()
        .rev()
        .find_map(|l| l.trim_start().strip_prefix("error:"))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| text.trim().to_string());
    Diagnostic::error(code, message).at(loc)
}

/// `rule <id> <what>: <regorus message>`, positioned where regorus says.
fn rule_eval_error(meta: &RuleMeta, err: &anyhow::Error, what: &str) -> Diagnostic {
    let mut d = rego_error("policy-eval-error", &meta.file, err);
    d.message = format!("rule {} {what}: {}", meta.id, d.message);
    d.rule = Some(meta.id.clone());
    d
}

/// Add one policy file to `engine`; a parse error becomes a positioned diagnostic.
pub(crate) fn add_source(
    engine: &mut regorus::Engine,
    src: &PolicySource,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if let Some((line, column)) = super::nesting::too_deep(&src.text) {
        diags.push(
            Diagnostic::error(
                "policy-parse-error",
                format!(
                    "brackets are nested more than {} deep here: regorus parses deeper \
                     nesting in exponential time, so this file was not loaded",
                    super::nesting::MAX_DEPTH
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

pub(super) fn to_rego<T: serde::Serialize>(v: &T) -> anyhow::Result<RegoValue> {
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
fn recursive_files(engine: &mut regorus::Engine, diags: &mut Vec<Diagnostic>) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    for cycle in super::recursion::cycles(engine.get_modules()) {
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
pub(super) fn sample_graph() -> Graph {
    let doc: Value = serde_json::from_str(include_str!("sample_task_definition.json"))
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
fn findings_object<'a>(rules: impl IntoIterator<Item = &'a RuleMeta>) -> String {
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
fn compile_program(engine: &regorus::Engine, rules: &[RuleMeta]) -> anyhow::Result<Arc<Program>> {
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
fn validate_on_sample(
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
fn deny_of(meta: &RuleMeta) -> String {
    format!("data.{}.deny", meta.package)
}

/// The diagnostic of a rule whose evaluation `where_` overran `budget` or panicked;
/// `None` when it finished.
fn over_budget<T>(
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
fn check_functions(
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
fn load(
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

impl PolicyEngine {
    /// Compile `set` with `params` as `data.ecsaudit.params`, with the default budget.
    pub fn new(set: &PolicySet, params: &Value) -> (Self, Vec<Diagnostic>) {
        Self::with_budget(set, params, budget::DEFAULT)
    }

    /// Compile `set` with `params` as `data.ecsaudit.params`; one rule may take `budget`
    /// on one shard of a graph. Modules that do not parse, files that recurse and rules
    /// that fail on the sample graph are left out and reported; the rest load.
    pub fn with_budget(
        set: &PolicySet,
        params: &Value,
        budget: Duration,
    ) -> (Self, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let (mut engine, mut rules) =
            load_without_recursion(&mut diags, |skip, diags| load(set, skip, diags));
        if let Err(d) = add_params(&mut engine, params) {
            diags.push(d);
        }
        let data = to_rego(&serde_json::json!({"ecsaudit": {"params": params}}))
            .unwrap_or_else(|_| RegoValue::new_object());
        engine.set_strict_builtin_errors(false);
        // Validating the rules on the sample graph and compiling them for the VM are
        // independent: do both at once (policy loading is serial time in every scan), and
        // compile again in the rare case validation leaves a rule out.
        let (failed, (mut compiled_rules, mut compile_diags, mut full_program)) = rayon::join(
            || validate_on_sample(&engine, &rules, budget),
            || {
                let mut candidates = rules.clone();
                let mut found = Vec::new();
                let program = check_functions(&engine, &mut candidates, &mut found);
                (candidates, found, program)
            },
        );
        if !failed.is_empty() {
            rules.retain(|meta| !failed.iter().any(|(id, _)| *id == meta.id));
            compiled_rules = rules.clone();
            compile_diags.clear();
            full_program = check_functions(&engine, &mut compiled_rules, &mut compile_diags);
        }
        diags.extend(failed.into_iter().map(|(_, d)| d));
        diags.extend(compile_diags);
        let mut this = PolicyEngine {
            engine,
            rules: compiled_rules,
            budget,
            stopped: Arc::default(),
            data,
            program: None,
            full_program,
            on_vm: Vec::new(),
            requested: Backend::Auto,
            vm_unavailable: None,
        };
        this.set_backend(Backend::Auto);
        (this, diags)
    }

    /// Choose how scans evaluate rules. Asking for the VM compiles the rules it is to run;
    /// if that fails they run in the interpreter and [`Self::vm_unavailable`] says why.
    pub fn set_backend(&mut self, backend: Backend) {
        self.requested = backend;
        self.program = None;
        self.vm_unavailable = None;
        self.on_vm = self
            .rules
            .iter()
            .map(|m| match backend {
                Backend::Vm => true,
                Backend::Auto => m.builtin,
                Backend::Interpreter => false,
            })
            .collect();
        let vm_rules: Vec<RuleMeta> = self.rules_where(true).cloned().collect();
        if vm_rules.len() == self.rules.len() && self.full_program.is_some() {
            self.program = self.full_program.clone();
        } else if !vm_rules.is_empty() {
            match compile_program(&self.engine, &vm_rules) {
                Ok(program) => self.program = Some(program),
                Err(e) => self.vm_unavailable = Some(e.to_string()),
            }
        }
        if self.program.is_none() {
            self.on_vm = vec![false; self.rules.len()];
        }
    }

    /// The rules the VM runs (`true`) or the interpreter runs (`false`).
    fn rules_where(&self, vm: bool) -> impl Iterator<Item = &RuleMeta> {
        self.rules
            .iter()
            .zip(&self.on_vm)
            .filter(move |(_, &v)| v == vm)
            .map(|(m, _)| m)
    }

    /// Where scans evaluate rules now: [`Backend::Vm`] when the VM runs every rule,
    /// [`Backend::Interpreter`] when it runs none, [`Backend::Auto`] when it runs some.
    pub fn backend(&self) -> Backend {
        let on_vm = self.on_vm.iter().filter(|&&v| v).count();
        if on_vm == 0 {
            Backend::Interpreter
        } else if on_vm == self.rules.len() {
            Backend::Vm
        } else {
            Backend::Auto
        }
    }

    /// Why the rules could not be compiled for the VM (they run in the interpreter).
    pub fn vm_unavailable(&self) -> Option<&str> {
        self.vm_unavailable.as_deref()
    }

    /// Rules that loaded and validated.
    pub fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    /// Keep only the rules `keep` accepts (config enable/disable).
    pub fn retain_rules(&mut self, keep: impl Fn(&RuleMeta) -> bool) {
        let before = self.rules.len();
        self.rules.retain(|m| keep(m));
        if self.rules.len() != before {
            self.full_program = None;
            self.set_backend(self.requested);
        }
    }

    /// Evaluate an ad-hoc Rego query with `graph` as input (`ecsaudit eval`) within the
    /// budget: one JSON value per expression of each result.
    pub fn query(&self, graph: &Graph, query: &str) -> anyhow::Result<Vec<Value>> {
        if let Some(line) = query.lines().find(|l| l.chars().count() > MAX_QUERY_LINE) {
            anyhow::bail!(
                "a query line is {} characters long; regorus reads at most {MAX_QUERY_LINE} \
                 per line: break the query over several lines (or put it in a policy file \
                 and query its rule)",
                line.chars().count()
            );
        }
        if let Some((line, column)) = super::nesting::too_deep(query) {
            anyhow::bail!(
                "brackets are nested more than {} deep at {line}:{column} of the query",
                super::nesting::MAX_DEPTH
            );
        }
        let mut engine = self.engine.clone();
        engine.set_input(to_rego(graph)?);
        let query = query.to_string();
        let results = match budget::run_within(self.budget, move || engine.eval_query(query, false))
        {
            Step::Done(results) => results?,
            Step::OverBudget => anyhow::bail!(
                "the query did not finish within {} and was stopped (set the budget with \
                 --rule-timeout)",
                budget::describe(self.budget)
            ),
            Step::Panicked(why) => anyhow::bail!("the query could not be evaluated: {why}"),
        };
        results
            .result
            .iter()
            .flat_map(|r| r.expressions.iter())
            .map(|e| serde_json::to_value(&e.value).map_err(anyhow::Error::from))
            .collect()
    }

    /// Evaluate every rule over `graph`, split into `threads` shards. A rule that overruns
    /// its budget on a shard is stopped there and not run on the shards after it.
    pub fn evaluate(&self, graph: &Graph, threads: usize) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        if self.rules.is_empty() || graph.nodes.is_empty() {
            return (Vec::new(), Vec::new());
        }
        // Workers that may be abandoned own what they use.
        let this = Arc::new(self.clone());
        // Many small shards rather than one per thread: the regorus copy of the input and
        // the evaluation state of a shard live only while it runs, which bounds memory.
        let shards = graph.shards(threads.max(graph.nodes.len() / SHARD_NODES));
        let results: Vec<(Vec<RawFinding>, Vec<Diagnostic>)> = shards
            .par_iter()
            .map(|shard| this.evaluate_shard(shard))
            .collect();
        let mut findings = Vec::new();
        let mut diags = Vec::new();
        for (f, d) in results {
            findings.extend(f);
            diags.extend(d);
        }
        sort_evaluation_diagnostics(&mut diags);
        (findings, diags)
    }

    /// Evaluate the rules not stopped on one shard.
    fn evaluate_shard(self: &Arc<Self>, shard: &GraphView) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let input = match shard_to_rego(shard) {
            Ok(v) => v,
            Err(e) => {
                return (
                    Vec::new(),
                    vec![Diagnostic::error(
                        "policy-input",
                        format!("cannot convert graph: {e}"),
                    )],
                )
            }
        };
        let stopped_now = self.stopped.lock().map(|s| s.clone()).unwrap_or_default();
        let running = |m: &&RuleMeta| !stopped_now.contains_key(&m.id);
        // The VM's rules first; when it fails or overruns on this shard, the interpreter
        // runs them too and isolates the rule at fault.
        let mut vm_done = None;
        if let Some(program) = &self.program {
            if self.rules_where(true).all(|m| running(&m)) {
                let (program, data, vm_input) = (program.clone(), self.data.clone(), input.clone());
                if let Step::Done(Some(value)) =
                    budget::run_within(self.budget, move || run_vm(program, data, vm_input))
                {
                    vm_done = Some(self.collect(shard, &value));
                }
            }
        }
        let rules: Vec<&RuleMeta> = match &vm_done {
            Some(_) => self.rules_where(false).filter(running).collect(),
            None => self.rules.iter().filter(running).collect(),
        };
        let (mut findings, mut diags) = vm_done.unwrap_or_default();
        diags.extend(stopped_now.into_values());
        if rules.is_empty() {
            return (findings, diags);
        }
        let mut engine = self.engine.clone();
        engine.set_input(input);
        let query = findings_object(rules.iter().copied());
        let mut all = engine.clone();
        let outcome = budget::run_within(self.budget, move || {
            all.eval_query(query, false).map(|results| {
                results
                    .result
                    .first()
                    .and_then(|r| r.expressions.first())
                    .map(|e| e.value.clone())
            })
        });
        match outcome {
            Step::Done(Ok(value)) => {
                if let Some(v) = value {
                    let (f, d) = self.collect(shard, &v);
                    findings.extend(f);
                    diags.extend(d);
                }
            }
            // A rule failed or overran: evaluate rule by rule so the others still report.
            _ => {
                let (f, d) = self.evaluate_rules_apart(&rules, &engine, shard);
                findings.extend(f);
                diags.extend(d);
            }
        }
        (findings, diags)
    }

    /// Evaluate `rules` one by one on `shard` (already `engine`'s input), each within the
    /// budget. A rule that overruns is stopped for the rest of the scan; one that fails is
    /// narrowed down to the resources it failed on.
    fn evaluate_rules_apart(
        &self,
        rules: &[&RuleMeta],
        engine: &regorus::Engine,
        shard: &GraphView,
    ) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let queries: Vec<String> = rules.iter().map(|m| deny_of(m)).collect();
        let (outcomes, _) = budget::run_steps(
            rules.len(),
            self.budget,
            || engine.clone(),
            move |engine, i| engine.eval_rule(queries[i].clone()),
        );
        let mut findings = Vec::new();
        let mut diags = Vec::new();
        for (meta, outcome) in rules.iter().zip(outcomes) {
            let (f, d) = match outcome {
                Step::Done(Ok(set)) => self.collect_rule(meta, shard, set),
                Step::Done(Err(_)) => self.evaluate_rule_isolated(meta, engine, shard),
                other => {
                    let d = over_budget(meta, &other, self.budget, "on one part of the graph");
                    if let (Ok(mut stopped), Some(d)) = (self.stopped.lock(), &d) {
                        stopped.insert(meta.id.clone(), d.clone());
                    }
                    (Vec::new(), d.into_iter().collect())
                }
            };
            findings.extend(f);
            diags.extend(d);
        }
        (findings, diags)
    }

    /// Evaluate one rule on `shard` (already `engine`'s input). When it fails, split the
    /// shard into its connected parts and retry each, so one odd resource costs the rule
    /// only that resource, which the diagnostic names.
    fn evaluate_rule_isolated(
        &self,
        meta: &RuleMeta,
        engine: &regorus::Engine,
        shard: &GraphView,
    ) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let mut e = engine.clone();
        let err = match e.eval_rule(deny_of(meta)) {
            Ok(set) => return self.collect_rule(meta, shard, set),
            Err(err) => err,
        };
        let parts = shard.shards(2);
        if parts.len() < 2 {
            let resource = shard
                .nodes
                .values()
                .find(|n| n.kind == crate::graph::kind::TASK_DEFINITION)
                .or_else(|| shard.nodes.values().next())
                .map(|n| n.id.clone());
            let mut d = rule_eval_error(
                meta,
                &err,
                "could not be evaluated on this resource, its checks were not performed on it",
            );
            if let Some(id) = &resource {
                d.message = format!("{} (resource {id})", d.message);
            }
            d.resource = resource;
            return (Vec::new(), vec![d]);
        }
        let mut findings = Vec::new();
        let mut diags = Vec::new();
        for part in &parts {
            let mut sub = self.engine.clone();
            match shard_to_rego(part) {
                Ok(input) => sub.set_input(input),
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "policy-input",
                        format!("cannot convert graph: {e}"),
                    ));
                    continue;
                }
            }
            let (f, d) = self.evaluate_rule_isolated(meta, &sub, part);
            findings.extend(f);
            diags.extend(d);
        }
        (findings, diags)
    }

    /// Read one rule's `deny` set into raw findings, as [`Self::collect`] does.
    fn collect_rule(
        &self,
        meta: &RuleMeta,
        shard: &GraphView,
        set: RegoValue,
    ) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let by_rule = BTreeMap::from([(RegoValue::from(meta.id.as_str()), set)]);
        self.collect(shard, &RegoValue::from(by_rule))
    }

    /// Read `{rule_id: set of findings}` into raw findings, checking their shape.
    fn collect(&self, shard: &GraphView, value: &RegoValue) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let mut findings = Vec::new();
        let mut diags = Vec::new();
        // Read straight from regorus' values (sorted, as their JSON would list them).
        let RegoValue::Object(by_rule) = value else {
            return (findings, diags);
        };
        for (rule_id, set) in by_rule.iter_sorted() {
            let RegoValue::String(rule_id) = rule_id else {
                continue;
            };
            let meta = self.rules.iter().find(|m| *m.id == **rule_id);
            let file = meta.map(|m| m.file.clone()).unwrap_or_default();
            let items: Box<dyn Iterator<Item = &RegoValue>> = match set {
                RegoValue::Set(s) => Box::new(s.iter_sorted()),
                RegoValue::Array(a) => Box::new(a.iter()),
                _ => continue,
            };
            for item in items {
                match parse_finding(rule_id, item, shard) {
                    Ok(f) => findings.push(f),
                    Err(why) => diags.push(
                        Diagnostic::error(
                            "policy-bad-finding",
                            format!(
                                "rule {rule_id} produced an unusable finding ({why}): {}",
                                serde_json::to_string(item).unwrap_or_default()
                            ),
                        )
                        .in_file(&file),
                    ),
                }
            }
        }
        (findings, diags)
    }
}

/// Run the VM's entry point on `input`: every VM rule's findings, or `None` on an error.
fn run_vm(program: Arc<Program>, data: RegoValue, input: RegoValue) -> Option<RegoValue> {
    let mut vm = RegoVM::new();
    vm.load_program(program);
    vm.set_max_instructions(usize::MAX);
    vm.set_strict_builtin_errors(false);
    vm.set_data(data).ok()?;
    vm.set_input(input);
    vm.execute_entry_point_by_name(ENTRY_POINT).ok()
}

/// A rule's finding object as a [`RawFinding`], or why it is not one.
fn parse_finding(rule_id: &str, item: &RegoValue, shard: &GraphView) -> Result<RawFinding, String> {
    let RegoValue::Object(obj) = item else {
        return Err("a finding must be an object".into());
    };
    // One pass over the object's few entries instead of a key value built per lookup.
    const FIELDS: [&str; 6] = [
        "resource", "message", "pointer", "related", "severity", "controls",
    ];
    let mut found: [Option<&RegoValue>; FIELDS.len()] = [None; FIELDS.len()];
    for (key, value) in obj.iter_sorted() {
        if let RegoValue::String(key) = key {
            if let Some(i) = FIELDS.iter().position(|f| **f == **key) {
                found[i] = Some(value);
            }
        }
    }
    let [resource, message, pointer, related, severity, controls] = found;
    // `String::from(&str)`: `to_string` on regorus' `Rc<str>` would go through `Display`.
    let string = |v: &RegoValue| match v {
        RegoValue::String(s) => Some(String::from(&**s)),
        _ => None,
    };
    let resource = resource
        .and_then(string)
        .ok_or("`resource` must be a node id string")?;
    if !shard.nodes.contains_key(resource.as_str()) {
        return Err(format!("`resource` {resource} is not a node of the graph"));
    }
    let message = message
        .and_then(string)
        .ok_or("`message` must be a string")?;
    let pointer = match pointer {
        None | Some(RegoValue::Null) => None,
        Some(RegoValue::String(p)) if p.is_empty() || p.starts_with('/') => {
            Some(String::from(&**p))
        }
        Some(_) => return Err("`pointer` must be a JSON pointer string".into()),
    };
    let related = match related {
        None => Vec::new(),
        Some(RegoValue::Array(a)) => a
            .iter()
            .map(|v| string(v).ok_or("`related` must hold node ids"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`related` must be an array of node ids".into()),
    };
    let severity = match severity {
        None => None,
        Some(v) => Some(
            string(v)
                .as_deref()
                .and_then(Severity::parse)
                .ok_or("`severity` must be critical, high, medium, low or info")?,
        ),
    };
    let controls = match controls {
        None => None,
        Some(RegoValue::Array(a)) => Some(
            a.iter()
                .map(|v| string(v).ok_or("`controls` must hold control ids"))
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err("`controls` must be an array of control ids".into()),
    };
    Ok(RawFinding {
        rule_id: rule_id.to_string(),
        resource,
        pointer,
        message,
        related,
        severity,
        controls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule that fails on the sample graph is left out, reported once, and the VM
    /// program (compiled while validation ran) is rebuilt without it.
    #[test]
    fn a_rule_failing_validation_is_left_out_of_the_vm_program() {
        let rule = |id: &str, pkg: &str, body: &str| {
            PolicySource {
            path: format!("{pkg}.rego"),
            text: format!(
                "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: {id}\n#   severity: low\n#   remediation: r\npackage ecsaudit.rules.{pkg}\n\nimport rego.v1\n\ndeny contains f if {{\n{body}\n}}\n"
            ),
            builtin: false,
        }
        };
        let fine = "\tsome n in input.nodes\n\tf := {\"resource\": n.id, \"message\": \"seen\"}";
        let fails = "\tsome n in input.nodes\n\tto_number(\"x\") > 0\n\tf := {\"resource\": n.id, \"message\": \"m\"}";
        let (set, meta_diags) =
            PolicySet::from_sources(vec![rule("U1", "fine", fine), rule("U2", "fails", fails)]);
        assert!(meta_diags.is_empty(), "{meta_diags:?}");
        let (mut engine, diags) = PolicyEngine::new(&set, &serde_json::json!({}));
        let ids: Vec<&str> = engine.rules().iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["U1"]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("U2"), "{:?}", diags[0]);
        engine.set_backend(Backend::Vm);
        assert_eq!(engine.backend(), Backend::Vm);
        assert!(engine.vm_unavailable().is_none());
        let (found, errors) = engine.evaluate(&sample_graph(), 1);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!found.is_empty() && found.iter().all(|f| f.rule_id == "U1"));
    }
}
