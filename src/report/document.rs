//! The report of a scan, as plain data: its findings, its problems, the rules it ran and
//! the counts every format ends with. [`crate::scan`] builds it; the reporters render it.

use crate::diagnostics::{Diagnostic, Level};
use crate::findings::{Finding, Findings};
use crate::policy::metadata::{RuleMeta, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts shown at the end of every report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    pub files_read: usize,
    pub task_definitions: usize,
    pub resources: usize,
    pub rules_run: usize,
    pub findings: usize,
    pub by_severity: BTreeMap<String, usize>,
    pub suppressed: usize,
    pub skipped_inputs: usize,
    pub errors: usize,
    /// Resources or calls that could not be collected (their checks were not performed).
    pub incomplete: usize,
    pub warnings: usize,
    /// IaC values not known before deploy, and checks not performed because of them.
    pub unresolved: usize,
    /// Terraform: modules and plans read, resource blocks seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terraform: Option<TerraformSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloudformation: Option<CloudFormationSummary>,
    /// `--baseline`: new / unchanged / fixed counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::baseline::BaselineSummary>,
    /// Live audits: what was collected per account (scope, counts, API calls).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub collected: Vec<serde_json::Value>,
}

/// What a scan read of CloudFormation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CloudFormationSummary {
    pub templates: usize,
    /// Resources declared (of every type).
    pub resources: usize,
}

/// What a scan read of Terraform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TerraformSummary {
    /// Root modules.
    pub modules: usize,
    /// Plan and state files (`terraform show -json`).
    pub plans: usize,
    /// Resource blocks (of every type) and plan resources seen.
    pub resources: usize,
}

/// The result of a scan: what every output format renders.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub findings: Findings,
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip)]
    pub rules: Vec<RuleMeta>,
    pub summary: Summary,
    /// Stable category for this scan target (SARIF `automationDetails.id`).
    #[serde(skip)]
    pub category: String,
}

impl Summary {
    /// Count one problem by its level.
    pub fn count_diagnostic(&mut self, d: &Diagnostic) {
        match d.level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
            Level::Incomplete => self.incomplete += 1,
            Level::Skipped => self.skipped_inputs += 1,
            Level::Unresolved => self.unresolved += 1,
        }
    }

    /// Set the finding counts (active, by severity, suppressed) from `found`.
    pub fn count_findings(&mut self, found: &[Box<Finding>]) {
        let mut active = [0usize; Severity::ALL.len()];
        self.suppressed = 0;
        for f in found {
            if f.suppression.is_some() {
                self.suppressed += 1;
            } else {
                active[f.severity as usize] += 1;
            }
        }
        self.findings = active.iter().sum();
        for sev in Severity::ALL {
            self.by_severity
                .insert(sev.as_str().to_string(), active[sev as usize]);
        }
    }
}

impl Report {
    /// Keep only findings new since the baseline (fingerprints of an earlier report).
    pub fn apply_baseline(&mut self, baseline: &std::collections::BTreeSet<String>, file: &str) {
        let b = crate::baseline::apply(&mut self.findings, baseline, file);
        self.summary.count_findings(&self.findings);
        self.summary.baseline = Some(b);
    }

    /// Add problems to the report, counted in its summary.
    pub fn add_diagnostics(&mut self, diagnostics: Vec<Diagnostic>) {
        for d in &diagnostics {
            self.summary.count_diagnostic(d);
        }
        self.diagnostics.extend(diagnostics);
    }

    /// Findings not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .map(|f| &**f)
            .filter(|f| f.suppression.is_none())
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// Something could not be collected: some checks were not performed.
    pub fn is_partial(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level == Level::Incomplete)
    }

    /// Exit code: 2 on errors (usage, input, policy, credentials); otherwise 1 for active
    /// findings at or above `fail_on`, 3 for a partial audit, 4 for both; 0 when clean.
    pub fn exit_code(&self, fail_on: Option<Severity>) -> i32 {
        let failing = fail_on.is_some_and(|t| self.active().any(|f| f.severity >= t));
        match (self.has_errors(), self.is_partial(), failing) {
            (true, _, _) => 2,
            (false, true, true) => 4,
            (false, true, false) => 3,
            (false, false, true) => 1,
            (false, false, false) => 0,
        }
    }
}
