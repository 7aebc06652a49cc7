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

mod evaluate;
mod load;

#[cfg(test)]
pub(super) use load::sample_graph;
pub(super) use load::to_rego;
use load::*;
pub(crate) use load::{add_params, add_source, load_without_recursion};

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
