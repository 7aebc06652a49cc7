//! What commands read: files and IaC into a graph, a live account, a saved graph, a
//! baseline, the config and the policies.

use super::args::{AwsArgs, PolicyArgs};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::graph::secrets::Redactor;
use crate::graph::Graph;
use crate::policy::engine::PolicyEngine;
use crate::policy::{self, PolicySet};
use std::path::{Path, PathBuf};

/// Scan files and Terraform modules and build their graph (scan diagnostics travel in
/// the graph); also returns how many files were read.
pub(super) fn file_graph(
    paths: &[PathBuf],
    opts: &crate::source::files::FileOptions,
    redactor: &Redactor,
) -> (Graph, usize) {
    let scan = crate::source::files::scan(paths, opts);
    let shown: Vec<String> = paths
        .iter()
        .map(|p| crate::source::files::display_path(p))
        .collect();
    let mut graph =
        crate::graph::from_files(&shown, scan.task_definitions, scan.diagnostics, redactor);
    for (file, text, doc) in &scan.plans {
        let loaded = crate::source::terraform::plan::load_plan(file, text, doc, redactor);
        let diagnostics = loaded.add_to(&mut graph);
        graph.diagnostics.extend(diagnostics);
    }
    let template_opts = opts.templates();
    for (file, template) in &scan.templates {
        let loaded =
            crate::source::cloudformation::load_template(file, template, &template_opts, redactor);
        let diagnostics = loaded.add_to(&mut graph);
        graph.diagnostics.extend(diagnostics);
    }
    let mut files_read = scan.files_read;
    let tf = opts.terraform();
    for dir in crate::source::terraform::discover(paths) {
        let loaded = crate::source::terraform::load_module(&dir, &tf, redactor);
        files_read += loaded.files_read;
        let diagnostics = loaded.add_to(&mut graph);
        graph.diagnostics.extend(diagnostics);
    }
    graph.index_links();
    (graph, files_read)
}

/// Collect a live account into a graph (collection problems travel in the graph).
#[cfg(feature = "aws")]
pub(super) fn live_graph(args: &AwsArgs, redactor: &Redactor) -> Result<Graph, Box<Diagnostic>> {
    init_tracing(args.verbose);
    let opts = crate::collect::CollectOptions {
        profile: args.profile.clone(),
        regions: args.regions.clone(),
        all_regions: args.all_regions,
        assume_roles: args.assume_roles.clone(),
        external_id: args.external_id.clone(),
        org_role: args.org_role.clone(),
        org_selection: crate::collect::org::Selection {
            accounts: args.accounts.clone(),
            exclude: args.exclude_accounts.clone(),
            ous: args.ous.clone(),
            shard: args.shard,
        },
        account_concurrency: args.account_concurrency as usize,
        endpoint_url: args.endpoint_url.clone(),
        all_revisions: args.all_revisions,
        concurrency: args.concurrency,
        timeout: Some(std::time::Duration::from_secs(args.timeout)),
        progress: args.verbose == 0,
        redactor: redactor.clone(),
        ..Default::default()
    };
    crate::collect::collect_blocking(&opts)
        .map(|c| c.graph)
        .map_err(|e| Box::new(Diagnostic::error("aws", e)))
}

#[cfg(not(feature = "aws"))]
pub(super) fn live_graph(_args: &AwsArgs, _redactor: &Redactor) -> Result<Graph, Box<Diagnostic>> {
    Err(Box::new(Diagnostic::error(
        "usage",
        "this ecsaudit was built without the `aws` feature: live audits are not available",
    )))
}

/// `-v`: ecsaudit's own call log; `-vv`: SDK internals too. Quiet otherwise.
#[cfg(feature = "aws")]
fn init_tracing(verbose: u8) {
    if verbose == 0 {
        return;
    }
    let filter = if verbose == 1 {
        "ecsaudit=debug"
    } else {
        "ecsaudit=trace,aws_smithy_runtime=debug,aws_config=debug"
    };
    // Colour codes only on a terminal: a log redirected to a file stays plain text.
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

/// The config a command that builds graphs without policies reads (for what it redacts).
pub(super) fn config_only(path: Option<&Path>) -> Result<Config, Diagnostic> {
    Config::load(path)
}

/// Largest `--graph` and `--baseline` file read (as the default `--max-file-size`): a
/// device or a huge file is an error, not an unbounded read.
const MAX_SIDE_INPUT: u64 = 64 * 1024 * 1024;

/// Fingerprints of an earlier report for `--baseline`.
pub(super) fn read_baseline(
    path: &Path,
) -> Result<std::collections::BTreeSet<String>, Box<Diagnostic>> {
    let shown = crate::source::files::display_path(path);
    let text = crate::source::files::read_text_limited(path, MAX_SIDE_INPUT).map_err(|e| {
        Box::new(Diagnostic::error("io-error", format!("baseline: {e}")).in_file(&shown))
    })?;
    crate::baseline::fingerprints(&text)
        .map_err(|e| Box::new(Diagnostic::error("baseline", e).in_file(&shown)))
}

/// Read and check a saved graph document.
pub(super) fn read_graph(path: &Path, redactor: &Redactor) -> Result<Graph, Box<Diagnostic>> {
    let shown = crate::source::files::display_path(path);
    let text = crate::source::files::read_text_limited(path, MAX_SIDE_INPUT).map_err(|e| {
        Box::new(Diagnostic::error("io-error", format!("graph: {e}")).in_file(&shown))
    })?;
    Graph::from_json(&text, redactor)
        .map_err(|e| Box::new(Diagnostic::error("graph-error", e).in_file(&shown)))
}

/// Config, policies, parameters and a compiled engine; with every problem met.
pub(super) struct Loaded {
    pub config: Config,
    pub set: PolicySet,
    pub engine: PolicyEngine,
    pub diagnostics: Vec<Diagnostic>,
}

pub(super) fn load_policies(args: &PolicyArgs) -> Result<Loaded, Vec<Diagnostic>> {
    let config = Config::load(args.config.as_deref()).map_err(|d| vec![d])?;
    let mut dirs = args.policy.clone();
    dirs.extend(config.policy_dirs.iter().cloned());
    let (sources, mut diagnostics) = policy::load_sources(args.no_builtin, &dirs);
    let (set, set_diags) = PolicySet::from_sources(sources);
    diagnostics.extend(set_diags);
    let params = match config.resolve_params(&set) {
        Ok(p) => p,
        Err(errs) => {
            diagnostics.extend(errs);
            policy::default_params(&set)
        }
    };
    let (mut engine, engine_diags) = PolicyEngine::with_budget(&set, &params, args.budget.budget());
    diagnostics.extend(engine_diags);
    engine.retain_rules(|m| config.rule_enabled(m));
    Ok(Loaded {
        config,
        set,
        engine,
        diagnostics,
    })
}
