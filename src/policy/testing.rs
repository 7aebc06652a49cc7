//! An `opa test`-style runner on regorus: every `test_*` rule in `*_test.rego` files is
//! evaluated; `true` passes, anything else (undefined, false, an error) fails.

use super::budget::{self, Step};
use super::metadata::package_of;
use super::{PolicySet, PolicySource};
use crate::diagnostics::Diagnostic;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", content = "detail", rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    /// Evaluated to undefined or a non-true value.
    Fail(String),
    /// Evaluation raised an error.
    Error(String),
}

/// One test's result.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    pub file: String,
    pub package: String,
    pub name: String,
    pub line: u32,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Output of `print` calls during the test.
    pub prints: Vec<String>,
}

/// Line coverage of one policy file.
#[derive(Debug, Clone, Serialize)]
pub struct FileCoverage {
    pub file: String,
    pub covered: usize,
    pub not_covered: Vec<u32>,
}

impl FileCoverage {
    pub fn percent(&self) -> f64 {
        let total = self.covered + self.not_covered.len();
        if total == 0 {
            100.0
        } else {
            100.0 * self.covered as f64 / total as f64
        }
    }
}

/// Everything a test run produced.
#[derive(Debug, Default, Serialize)]
pub struct TestRun {
    pub results: Vec<TestResult>,
    pub coverage: Vec<FileCoverage>,
    pub diagnostics: Vec<Diagnostic>,
}

impl TestRun {
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Pass)
            .count()
    }
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

/// `test_*` rules declared in a test file, with their lines (a rule defined by several
/// bodies is one test, at its first line).
pub fn test_names(src: &PolicySource) -> Vec<(String, u32)> {
    let mut seen = BTreeMap::new();
    for (i, line) in src.text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("test_") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            seen.entry(format!("test_{name}")).or_insert(i as u32 + 1);
        }
    }
    let mut v: Vec<_> = seen.into_iter().collect();
    v.sort_by_key(|(_, line)| *line);
    v
}

/// An engine with every policy of `set` except the files in `skip`, and the tests that
/// loaded.
fn load<'a>(
    set: &'a PolicySet,
    skip: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> (regorus::Engine, Vec<&'a PolicySource>) {
    let mut engine = regorus::Engine::new();
    let all = set
        .libraries
        .iter()
        .chain(set.rules.iter().map(|(_, s)| s))
        .chain(set.tests.iter())
        .filter(|s| !skip.contains(&s.path));
    let mut loaded_tests = Vec::new();
    for src in all {
        if super::engine::add_source(&mut engine, src, diags) && src.is_test() {
            loaded_tests.push(src);
        }
    }
    (engine, loaded_tests)
}

/// Run the tests of `set` whose `file::name` contains `filter` (all when `None`), each
/// within `budget`.
pub fn run(set: &PolicySet, params: &Value, filter: Option<&str>, budget: Duration) -> TestRun {
    let mut run = TestRun::default();
    let (mut engine, loaded_tests) =
        super::engine::load_without_recursion(&mut run.diagnostics, |skip, diags| {
            load(set, skip, diags)
        });
    if let Err(d) = super::engine::add_params(&mut engine, params) {
        run.diagnostics.push(d);
    }
    engine.set_gather_prints(true);
    engine.set_enable_coverage(true);
    let mut tests = Vec::new();
    for src in loaded_tests {
        let Some((package, _)) = package_of(&src.text) else {
            continue;
        };
        for (name, line) in test_names(src) {
            let id = format!("{}::{name}", src.path);
            if filter.is_none_or(|f| id.contains(f)) {
                tests.push((src.path.clone(), package.clone(), name, line));
            }
        }
    }
    let queries: Vec<String> = tests
        .iter()
        .map(|(_, package, name, _)| format!("data.{package}.{name}"))
        .collect();
    // Each worker's engine gathers coverage; a worker given up on takes its own along.
    let (outcomes, engines) = budget::run_steps(
        tests.len(),
        budget,
        || engine.clone(),
        move |engine, i| {
            let outcome = match engine.eval_rule(queries[i].clone()) {
                Ok(v) if v == regorus::Value::from(true) => Outcome::Pass,
                Ok(regorus::Value::Undefined) => Outcome::Fail("undefined".into()),
                Ok(v) => Outcome::Fail(format!(
                    "evaluated to {}",
                    v.to_json_str().unwrap_or_else(|_| "?".into())
                )),
                Err(e) => Outcome::Error(e.to_string()),
            };
            (outcome, engine.take_prints().unwrap_or_default())
        },
    );
    for ((file, package, name, line), step) in tests.into_iter().zip(outcomes) {
        let (outcome, prints) = match step {
            Step::Done(done) => done,
            Step::OverBudget => (
                Outcome::Error(format!(
                    "did not finish within {} and was stopped (set the budget with \
                     --rule-timeout)",
                    budget::describe(budget)
                )),
                Vec::new(),
            ),
            Step::Panicked(why) => (Outcome::Error(why), Vec::new()),
        };
        run.results.push(TestResult {
            file,
            package,
            name,
            line,
            outcome,
            prints,
        });
    }
    run.coverage = merged_coverage(&engines);
    run
}

/// Line coverage of the rule and library files, over every engine's tests.
fn merged_coverage(engines: &[regorus::Engine]) -> Vec<FileCoverage> {
    let mut files: BTreeMap<String, (BTreeSet<u32>, BTreeSet<u32>)> = BTreeMap::new();
    for engine in engines {
        let Ok(report) = engine.get_coverage_report() else {
            continue;
        };
        for f in report.files {
            if f.path.ends_with("_test.rego") {
                continue;
            }
            let (covered, not_covered) = files.entry(f.path.clone()).or_default();
            covered.extend(f.covered.iter().copied());
            not_covered.extend(f.not_covered.iter().copied());
        }
    }
    files
        .into_iter()
        .map(|(file, (covered, not_covered))| FileCoverage {
            file,
            covered: covered.len(),
            not_covered: not_covered.difference(&covered).copied().collect(),
        })
        .collect()
}
