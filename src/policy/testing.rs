//! An `opa test`-style runner on regorus: every `test_*` rule in `*_test.rego` files is
//! evaluated; `true` passes, anything else (undefined, false, an error) fails.

use super::metadata::package_of;
use super::{PolicySet, PolicySource};
use crate::diagnostics::Diagnostic;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

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

/// Run the tests of `set` whose `file::name` contains `filter` (all when `None`).
pub fn run(set: &PolicySet, params: &Value, filter: Option<&str>) -> TestRun {
    let mut run = TestRun::default();
    let mut engine = regorus::Engine::new();
    let all: Vec<&PolicySource> = set
        .libraries
        .iter()
        .chain(set.rules.iter().map(|(_, s)| s))
        .chain(set.tests.iter())
        .collect();
    let mut loaded_tests = Vec::new();
    for src in all {
        if super::engine::add_source(&mut engine, src, &mut run.diagnostics) && src.is_test() {
            loaded_tests.push(src);
        }
    }
    if let Err(d) = super::engine::add_params(&mut engine, params) {
        run.diagnostics.push(d);
    }
    engine.set_gather_prints(true);
    engine.set_enable_coverage(true);
    for src in loaded_tests {
        let Some((package, _)) = package_of(&src.text) else {
            continue;
        };
        for (name, line) in test_names(src) {
            let id = format!("{}::{name}", src.path);
            if filter.is_some_and(|f| !id.contains(f)) {
                continue;
            }
            let outcome = match engine.eval_rule(format!("data.{package}.{name}")) {
                Ok(v) if v == regorus::Value::from(true) => Outcome::Pass,
                Ok(regorus::Value::Undefined) => Outcome::Fail("undefined".into()),
                Ok(v) => Outcome::Fail(format!(
                    "evaluated to {}",
                    v.to_json_str().unwrap_or_else(|_| "?".into())
                )),
                Err(e) => Outcome::Error(e.to_string()),
            };
            let prints = engine.take_prints().unwrap_or_default();
            run.results.push(TestResult {
                file: src.path.clone(),
                package: package.clone(),
                name,
                line,
                outcome,
                prints,
            });
        }
    }
    if let Ok(report) = engine.get_coverage_report() {
        for f in report.files {
            if f.path.ends_with("_test.rego") {
                continue;
            }
            run.coverage.push(FileCoverage {
                file: f.path.clone(),
                covered: f.covered.len(),
                not_covered: f.not_covered.iter().copied().collect(),
            });
        }
    }
    run
}
