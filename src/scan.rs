//! One scan, start to end: build (or load) the graph, evaluate policies, resolve
//! findings, apply configuration and suppressions, and summarise into a
//! [`crate::report::Report`], which the reporters render.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::findings::{self, Findings};
use crate::graph::Graph;
use crate::policy::engine::PolicyEngine;
pub use crate::report::{CloudFormationSummary, Report, Summary, TerraformSummary};
use crate::source::files::{self, FileOptions};
use crate::suppress;
use rayon::prelude::*;
use std::path::PathBuf;

/// Evaluate `engine` over `graph` and produce the report.
pub fn run(
    graph: &Graph,
    engine: &PolicyEngine,
    config: &Config,
    mut diagnostics: Vec<Diagnostic>,
    files_read: usize,
    threads: usize,
) -> Report {
    diagnostics.extend(graph.diagnostics.iter().cloned());
    let part = evaluate(graph, engine, config, threads, &findings::Texts::new());
    diagnostics.extend(part.evaluation);
    diagnostics.extend(part.suppression);
    let collected: Vec<serde_json::Value> = graph
        .sources
        .iter()
        .filter(|s| {
            s.get("type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.starts_with("aws"))
        })
        .cloned()
        .collect();
    let summary = Summary {
        files_read,
        task_definitions: graph.count_kind(crate::graph::kind::TASK_DEFINITION),
        resources: live_resources(&collected).unwrap_or(graph.nodes.len()),
        collected,
        ..Summary::default()
    };
    assemble(
        part.findings,
        diagnostics,
        summary,
        engine,
        category_of(&graph.sources),
    )
}

/// Live audits: the resources of every account summed (an AWS managed policy counts in
/// each account that uses it, as when the accounts are audited one by one and merged).
fn live_resources(collected: &[serde_json::Value]) -> Option<usize> {
    let counts: Vec<u64> = collected
        .iter()
        .filter_map(|c| c["collected"]["resources_by_kind"].as_object())
        .map(|kinds| kinds.values().filter_map(|n| n.as_u64()).sum())
        .collect();
    (!counts.is_empty()).then(|| counts.iter().sum::<u64>() as usize)
}

/// Files read, evaluated and reported on together by [`run_files`]: enough to keep both
/// cores busy, few enough that only a small part of a large scan is in memory at once.
pub const FILES_PER_BATCH: usize = 64;

/// Scan files and directories batch by batch: each batch of files is read, turned into
/// its graph, evaluated and its findings positioned (from the text already read) before
/// its graph is dropped, so memory holds the findings, not the whole graph. Gives the
/// same report as building the whole graph with [`crate::graph::from_files`] and calling
/// [`run`] (file task definitions are not connected to each other).
pub fn run_files(
    paths: &[PathBuf],
    opts: &FileOptions,
    engine: &PolicyEngine,
    config: &Config,
    mut diagnostics: Vec<Diagnostic>,
) -> Report {
    let candidates = files::discover(paths, &mut diagnostics);
    run_candidates(paths, candidates, opts, engine, config, diagnostics)
}

/// [`run_files`] over the files [`files::discover`] found under `paths` (its diagnostics
/// already in `diagnostics`): the CLI looks for files while the policies load.
pub fn run_candidates(
    paths: &[PathBuf],
    candidates: Vec<files::Candidate>,
    opts: &FileOptions,
    engine: &PolicyEngine,
    config: &Config,
    mut diagnostics: Vec<Diagnostic>,
) -> Report {
    let shown: Vec<String> = paths.iter().map(|p| files::display_path(p)).collect();
    let redactor = config.redactor();
    let terraform = run_terraform(paths, opts, engine, config, &redactor);
    let nested = files::nested_templates(&candidates);
    let template_opts = opts.templates();
    let batches: Vec<Evaluated> = candidates
        .par_chunks(FILES_PER_BATCH)
        .map(|chunk| {
            let mut docs = Vec::new();
            let mut read_diags = Vec::new();
            let mut texts = findings::Texts::new();
            let mut plans = Vec::new();
            let mut templates = Vec::new();
            for c in chunk {
                let mut loaded = files::load_one(c, opts);
                files::skip_nested(&mut loaded, c, &nested);
                docs.extend(loaded.task_definitions);
                read_diags.extend(loaded.diagnostics);
                if let (Some(t), Some((file, _))) = (&loaded.template, &loaded.text) {
                    templates.push(crate::source::cloudformation::load_template(
                        file,
                        t,
                        &template_opts,
                        &redactor,
                    ));
                }
                if let Some((file, text)) = loaded.text {
                    if let Some(plan) = loaded.plan {
                        plans.push(crate::source::terraform::plan::load_plan(
                            &file, &text, &plan, &redactor,
                        ));
                    }
                    texts.insert(file, text);
                }
            }
            let mut graph = crate::graph::from_files(&shown, docs, Vec::new(), &redactor);
            let plans_read = (plans.len(), plans.iter().map(|p| p.resources).sum());
            let templates_read = (templates.len(), templates.iter().map(|t| t.resources).sum());
            if !plans.is_empty() || !templates.is_empty() {
                for p in plans {
                    read_diags.extend(p.add_to(&mut graph));
                }
                for t in templates {
                    read_diags.extend(t.add_to(&mut graph));
                }
                graph.index_links();
            }
            let part = evaluate(&graph, engine, config, 1, &texts);
            Evaluated {
                part,
                diagnostics: read_diags,
                task_definitions: graph.count_kind(crate::graph::kind::TASK_DEFINITION),
                nodes: graph.nodes.len(),
                files_read: 0,
                modules: 0,
                plans: plans_read.0,
                iac_resources: plans_read.1,
                templates: templates_read.0,
                template_resources: templates_read.1,
            }
        })
        .collect();
    let mut summary = Summary {
        files_read: candidates.len(),
        ..Summary::default()
    };
    let mut found = Vec::with_capacity(batches.len());
    let mut evaluation = Vec::new();
    let mut suppression: Vec<Diagnostic> = Vec::new();
    let mut terraform_read = TerraformSummary::default();
    let mut templates_read = CloudFormationSummary::default();
    for e in batches.into_iter().chain(terraform) {
        diagnostics.extend(e.diagnostics);
        found.push(e.part.findings);
        evaluation.extend(e.part.evaluation);
        for d in e.part.suppression {
            if !suppression.contains(&d) {
                suppression.push(d);
            }
        }
        summary.files_read += e.files_read;
        summary.task_definitions += e.task_definitions;
        summary.resources += e.nodes;
        terraform_read.modules += e.modules;
        terraform_read.plans += e.plans;
        terraform_read.resources += e.iac_resources;
        templates_read.templates += e.templates;
        templates_read.resources += e.template_resources;
    }
    if templates_read.templates > 0 {
        summary.cloudformation = Some(templates_read);
    }
    if terraform_read.modules + terraform_read.plans > 0 {
        summary.terraform = Some(terraform_read);
    }
    // As one evaluation of the whole graph reports them: sorted, each once.
    crate::policy::engine::sort_evaluation_diagnostics(&mut evaluation);
    diagnostics.extend(evaluation);
    diagnostics.extend(suppression);
    let found = findings::merge_for_report(found);
    assemble(found, diagnostics, summary, engine, "files".into())
}

/// One evaluated graph of a scan (a batch of files, or a Terraform module), with what
/// was read for it.
struct Evaluated {
    part: Part,
    /// Problems reading its inputs.
    diagnostics: Vec<Diagnostic>,
    task_definitions: usize,
    nodes: usize,
    /// Files read besides the candidate files (a module's `.tf` files).
    files_read: usize,
    /// Terraform root modules, plan files, and the resources they declare.
    modules: usize,
    plans: usize,
    iac_resources: usize,
    /// CloudFormation templates, and the resources they declare.
    templates: usize,
    template_resources: usize,
}

/// Every Terraform module under `paths`, each evaluated as one graph (its resources
/// relate to each other).
fn run_terraform(
    paths: &[PathBuf],
    opts: &FileOptions,
    engine: &PolicyEngine,
    config: &Config,
    redactor: &crate::graph::secrets::Redactor,
) -> Vec<Evaluated> {
    let modules = crate::source::terraform::discover(paths);
    let tf = opts.terraform();
    modules
        .par_iter()
        .map(|dir| {
            let loaded = crate::source::terraform::load_module(dir, &tf, redactor);
            let (files_read, resources) = (loaded.files_read, loaded.resources);
            let mut graph = Graph::new(vec![serde_json::json!({
                "type": "terraform",
                "module": files::display_path(dir),
            })]);
            let diagnostics = loaded.add_to(&mut graph);
            graph.index_links();
            Evaluated {
                part: evaluate(&graph, engine, config, 1, &findings::Texts::new()),
                diagnostics,
                task_definitions: graph.count_kind(crate::graph::kind::TASK_DEFINITION),
                nodes: graph.nodes.len(),
                files_read,
                modules: 1,
                plans: 0,
                iac_resources: resources,
                templates: 0,
                template_resources: 0,
            }
        })
        .collect()
}

/// Findings of one graph (or batch), in report order, with the diagnostics evaluating it
/// produced.
struct Part {
    findings: Findings,
    evaluation: Vec<Diagnostic>,
    suppression: Vec<Diagnostic>,
}

fn evaluate(
    graph: &Graph,
    engine: &PolicyEngine,
    config: &Config,
    threads: usize,
    texts: &findings::Texts,
) -> Part {
    let (mut raw, mut evaluation) = engine.evaluate(graph, threads);
    evaluation.extend(not_checked(&mut raw, graph));
    let mut found = findings::resolve(raw, graph, engine.rules(), &config.severity, texts);
    let suppression = suppress::apply(&mut found, graph, &config.suppressions, &config.today);
    Part {
        findings: found,
        evaluation,
        suppression,
    }
}

/// Take out the findings that depend on a value an IaC source could not know (the value
/// they point at, or one above it, is unresolved; or they are about what an object that
/// may hold more entries lacks): each becomes an `unresolved` "not checked" diagnostic.
fn not_checked(raw: &mut Vec<crate::policy::engine::RawFinding>, graph: &Graph) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    raw.retain(|f| {
        let Some(node) = graph.nodes.get(&f.resource) else {
            return true;
        };
        let pointer = f.pointer.as_deref().unwrap_or("");
        let Some(u) = node.unresolved_at(pointer) else {
            return true;
        };
        let why = if u.open {
            "may hold entries not known before deploy".to_string()
        } else {
            format!("depends on {}", u.expression)
        };
        let mut d = Diagnostic::unresolved(
            "not-checked",
            format!(
                "{} not checked on {}: `{pointer}` {why}",
                f.rule_id, node.name
            ),
        )
        .for_resource(&node.id)
        .for_rule(&f.rule_id);
        if let Some(loc) = node.iac_location(pointer) {
            d = d.at(loc);
        }
        out.push(d);
        false
    });
    out
}

/// The report: findings and diagnostics counted into `summary`.
fn assemble(
    found: Findings,
    diagnostics: Vec<Diagnostic>,
    mut summary: Summary,
    engine: &PolicyEngine,
    category: String,
) -> Report {
    summary.rules_run = engine.rules().len();
    summary.count_findings(&found);
    for d in &diagnostics {
        summary.count_diagnostic(d);
    }
    Report {
        findings: found,
        diagnostics,
        rules: engine.rules().to_vec(),
        summary,
        category,
    }
}

/// `files` for repository scans, `aws/<account>/<regions>` for account audits, from
/// the graph's sources (or a report's `summary.collected`, the same entries).
pub fn category_of(sources: &[serde_json::Value]) -> String {
    let mut parts = Vec::new();
    for s in sources {
        match s.get("type").and_then(|t| t.as_str()) {
            Some("aws_organization") => {}
            Some("aws") if s.get("audited") == Some(&serde_json::Value::Bool(false)) => {}
            Some("aws") => {
                let account = s
                    .get("account")
                    .and_then(|a| a.as_str())
                    .unwrap_or("unknown");
                let regions: Vec<&str> = s
                    .get("regions")
                    .and_then(|r| r.as_array())
                    .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                    .unwrap_or_default();
                parts.push(format!("aws/{account}/{}", regions.join("+")));
            }
            _ => parts.push("files".into()),
        }
    }
    parts.dedup();
    if parts.is_empty() {
        "files".into()
    } else {
        parts.join(",")
    }
}
