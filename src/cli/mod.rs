//! Command-line interface: argument parsing and the glue between library calls.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Level};
use crate::graph::secrets::Redactor;
use crate::graph::Graph;
use crate::policy::engine::PolicyEngine;
use crate::policy::metadata::Severity;
use crate::policy::{self, testing, PolicySet};
use crate::report::{self, Format};
use crate::scan;
use clap::Parser;
use std::io::Write;
use std::path::{Path, PathBuf};

mod args;
pub use args::*;

fn eprint_diag(d: &Diagnostic) {
    let label = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Incomplete => "incomplete",
        Level::Skipped => "skipped",
        Level::Unresolved => "unresolved",
    };
    let mut err = anstream::stderr();
    let _ = writeln!(err, "ecsaudit: {label}: {}", d.headline());
}

fn write_output(path: Option<&PathBuf>, text: &str) -> Result<(), Diagnostic> {
    write_output_with(path, |w| w.write_all(text.as_bytes()))
}

/// Write a graph document as pretty JSON, streamed (it is the largest document we write).
fn write_graph(path: Option<&PathBuf>, graph: &Graph) -> Result<(), Diagnostic> {
    write_output_with(path, |w| {
        serde_json::to_writer_pretty(&mut *w, graph)?;
        w.write_all(b"\n")
    })
}

/// Write to the output file (or stdout) through `write`, buffered, without first
/// rendering the whole document into memory.
fn write_output_with(
    path: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Diagnostic> {
    let failed = |e: std::io::Error| {
        let d = Diagnostic::error("io-error", format!("cannot write output: {e}"));
        match path {
            Some(p) => d.in_file(&crate::source::files::display_path(p)),
            None => d,
        }
    };
    match path {
        Some(p) => {
            let file = std::fs::File::create(p).map_err(failed)?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out).and_then(|()| out.flush()).map_err(failed)
        }
        None => {
            let mut out = std::io::BufWriter::new(anstream::stdout());
            match write(&mut out).and_then(|()| out.flush()) {
                // The reader stopped reading (`| head`): not an error of ours.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(failed),
            }
        }
    }
}

/// Scan files and Terraform modules and build their graph (scan diagnostics travel in
/// the graph); also returns how many files were read.
fn file_graph(
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
fn live_graph(args: &AwsArgs, redactor: &Redactor) -> Result<Graph, Box<Diagnostic>> {
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
fn live_graph(_args: &AwsArgs, _redactor: &Redactor) -> Result<Graph, Box<Diagnostic>> {
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
fn config_only(path: Option<&std::path::Path>) -> Result<Config, Box<Diagnostic>> {
    Config::load(path).map_err(Box::new)
}

fn cmd_collect(args: CollectArgs) -> i32 {
    let config = match config_only(args.config.as_deref()) {
        Ok(c) => c,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    let mut graph = match live_graph(&args.aws, &config.redactor()) {
        Ok(g) => g,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    if let Some(dir) = &args.aws.snapshot_dir {
        if let Err(d) = crate::snapshot::write(&mut graph, dir) {
            eprint_diag(&d);
            return 2;
        }
    }
    for d in graph
        .diagnostics
        .iter()
        .filter(|d| d.level != Level::Skipped)
    {
        eprint_diag(d);
    }
    if let Err(d) = write_graph(args.output.as_ref(), &graph) {
        eprint_diag(&d);
        return 2;
    }
    let levels: Vec<Level> = graph.diagnostics.iter().map(|d| d.level).collect();
    if levels.contains(&Level::Error) {
        2
    } else if levels.contains(&Level::Incomplete) {
        3
    } else {
        0
    }
}

/// Largest `--graph` and `--baseline` file read (as the default `--max-file-size`): a
/// device or a huge file is an error, not an unbounded read.
const MAX_SIDE_INPUT: u64 = 64 * 1024 * 1024;

/// Fingerprints of an earlier report for `--baseline`.
fn read_baseline(
    path: &std::path::Path,
) -> Result<std::collections::BTreeSet<String>, Box<Diagnostic>> {
    let shown = crate::source::files::display_path(path);
    let text = crate::source::files::read_text_limited(path, MAX_SIDE_INPUT).map_err(|e| {
        Box::new(Diagnostic::error("io-error", format!("baseline: {e}")).in_file(&shown))
    })?;
    crate::baseline::fingerprints(&text)
        .map_err(|e| Box::new(Diagnostic::error("baseline", e).in_file(&shown)))
}

/// Read and check a saved graph document.
fn read_graph(path: &std::path::Path, redactor: &Redactor) -> Result<Graph, Box<Diagnostic>> {
    let shown = crate::source::files::display_path(path);
    let text = crate::source::files::read_text_limited(path, MAX_SIDE_INPUT).map_err(|e| {
        Box::new(Diagnostic::error("io-error", format!("graph: {e}")).in_file(&shown))
    })?;
    Graph::from_json(&text, redactor)
        .map_err(|e| Box::new(Diagnostic::error("graph-error", e).in_file(&shown)))
}

/// Config, policies, parameters and a compiled engine; with every problem met.
struct Loaded {
    config: Config,
    set: PolicySet,
    engine: PolicyEngine,
    diagnostics: Vec<Diagnostic>,
}

fn load_policies(args: &PolicyArgs) -> Result<Loaded, Vec<Diagnostic>> {
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

/// [`load_policies`], printing the diagnostics when loading cannot even start.
fn load_or_report(args: &PolicyArgs) -> Option<Loaded> {
    load_policies(args)
        .map_err(|diags| diags.iter().for_each(eprint_diag))
        .ok()
}

fn fail_on(arg: Option<&str>, config: &Config) -> Result<Option<Severity>, Diagnostic> {
    match arg {
        Some("none") => Ok(None),
        Some(s) => Severity::parse(s).map(Some).ok_or_else(|| {
            Diagnostic::error(
                "usage",
                format!("--fail-on `{s}`: use critical, high, medium, low, info or none"),
            )
        }),
        None => Ok(config.fail_on.unwrap_or(Some(Severity::Low))),
    }
}

fn cmd_scan(args: ScanArgs) -> i32 {
    // Files are scanned batch by batch, never as one whole graph (unless snapshots of
    // the whole graph are asked for). They are looked for while the policies load.
    let files = !args.aws && args.graph.is_none();
    let batched = files && args.aws_options.snapshot_dir.is_none();
    let (loaded, walked) = std::thread::scope(|s| {
        let walk = batched.then(|| {
            s.spawn(|| {
                let mut diagnostics = Vec::new();
                let found = crate::source::files::discover(&args.paths, &mut diagnostics);
                (found, diagnostics)
            })
        });
        let loaded = load_or_report(&args.policies);
        (loaded, walk.map(std::thread::ScopedJoinHandle::join))
    });
    let Some(mut loaded) = loaded else {
        return 2;
    };
    if let Some(framework) = args.report.compliance {
        loaded.engine.retain_rules(|m| framework.covers(m));
    }
    use crate::policy::engine::Backend;
    match args.engine {
        Engine::Auto => {} // how the engine was built
        Engine::Vm => loaded.engine.set_backend(Backend::Vm),
        Engine::Interpreter => loaded.engine.set_backend(Backend::Interpreter),
    }
    if args.engine == Engine::Vm {
        if let Some(why) = loaded.engine.vm_unavailable() {
            loaded.diagnostics.push(Diagnostic::warning(
                "engine-fallback",
                format!(
                    "--engine vm: the policies do not compile for regorus' VM, so they run in the interpreter: {}",
                    why.lines().last().unwrap_or(why).trim()
                ),
            ));
        }
    }
    let (threshold, baseline) = match args.report.judging(&loaded.config) {
        Ok(j) => j,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    let diagnostics = loaded.diagnostics;
    if files && args.paths.is_empty() {
        eprint_diag(&Diagnostic::error(
            "usage",
            "give files or directories to scan, --graph FILE, or --aws",
        ));
        return 2;
    }
    let report = if let Some(walked) = walked {
        let opts = match args.iac.file_options(args.max_file_size) {
            Ok(o) => o,
            Err(d) => {
                eprint_diag(&d);
                return 2;
            }
        };
        let Ok((candidates, found)) = walked else {
            eprint_diag(&Diagnostic::error("internal", "looking for files failed"));
            return 2;
        };
        let mut diagnostics = diagnostics;
        diagnostics.extend(found);
        scan::run_candidates(
            &args.paths,
            candidates,
            &opts,
            &loaded.engine,
            &loaded.config,
            diagnostics,
        )
    } else {
        let (mut graph, files_read) = if args.aws {
            match live_graph(&args.aws_options, &loaded.config.redactor()) {
                Ok(g) => (g, 0),
                Err(d) => {
                    eprint_diag(&d);
                    return 2;
                }
            }
        } else if let Some(path) = &args.graph {
            match read_graph(path, &loaded.config.redactor()) {
                Ok(g) => (g, 0),
                Err(d) => {
                    eprint_diag(&d);
                    return 2;
                }
            }
        } else {
            let opts = match args.iac.file_options(args.max_file_size) {
                Ok(o) => o,
                Err(d) => {
                    eprint_diag(&d);
                    return 2;
                }
            };
            file_graph(&args.paths, &opts, &loaded.config.redactor())
        };
        if let Some(dir) = &args.aws_options.snapshot_dir {
            if let Err(d) = crate::snapshot::write(&mut graph, dir) {
                eprint_diag(&d);
                return 2;
            }
        }
        let threads = rayon::current_num_threads();
        scan::run(
            &graph,
            &loaded.engine,
            &loaded.config,
            diagnostics,
            files_read,
            threads,
        )
    };
    args.report.emit(report, baseline.as_ref(), threshold)
}

/// What a report is judged by: the `--fail-on` threshold and the `--baseline`
/// fingerprints.
type Judging = (Option<Severity>, Option<std::collections::BTreeSet<String>>);

impl ReportArgs {
    /// The `--fail-on` threshold and the `--baseline` fingerprints.
    fn judging(&self, config: &Config) -> Result<Judging, Box<Diagnostic>> {
        let threshold = fail_on(self.fail_on.as_deref(), config).map_err(Box::new)?;
        let baseline = self.baseline.as_deref().map(read_baseline).transpose()?;
        Ok((threshold, baseline))
    }

    /// Compare with the baseline, write the report and return the exit code (2 when it
    /// cannot be written).
    fn emit(
        &self,
        mut report: crate::report::Report,
        baseline: Option<&std::collections::BTreeSet<String>>,
        threshold: Option<Severity>,
    ) -> i32 {
        if let (Some(set), Some(path)) = (baseline, &self.baseline) {
            report.apply_baseline(set, &crate::source::files::display_path(path));
        }
        emit(report, self, threshold)
    }
}

/// Write `report` as `out` says and return the exit code (2 when it cannot be written).
fn emit(report: crate::report::Report, out: &ReportArgs, threshold: Option<Severity>) -> i32 {
    // JSON, the largest output, is written straight to the output (None here).
    let rendered = match out.format {
        Format::Json => None,
        Format::Text => Some(match out.compliance {
            Some(framework) => report::text::render_by_control(&report, framework),
            None => report::text::render(&report),
        }),
        Format::Markdown => Some(report::markdown::render(&report, out.compliance)),
        Format::Junit => Some(report::junit::render(&report)),
        Format::Sarif => {
            let (doc, problems) = report::sarif::render(
                &report,
                &report::sarif::SarifOptions {
                    source_root: out.source_root.clone(),
                },
            );
            for p in problems {
                eprint_diag(&Diagnostic::warning("sarif", p));
            }
            Some(doc)
        }
    };
    if out.format != Format::Text || out.output.as_ref().is_some() {
        // Machine formats on stdout stay clean: tell people about problems on stderr.
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.level != Level::Skipped)
        {
            eprint_diag(d);
        }
    }
    let written = match &rendered {
        Some(text) => write_output(out.output.as_ref(), text),
        None => write_output_with(out.output.as_ref(), |w| report::json::write(&report, w)),
    };
    if let Err(d) = written {
        eprint_diag(&d);
        return 2;
    }
    let code = report.exit_code(threshold);
    // The process exits next: freeing the findings one by one (~70k at 10k task
    // definitions) would only delay it.
    std::mem::forget(report);
    code
}

/// `merge`: read every shard (an unreadable one is an error naming it; the others are
/// still merged), combine, and write as `scan` would.
fn cmd_merge(args: MergeArgs) -> i32 {
    let Some(loaded) = load_or_report(&args.policies) else {
        return 2;
    };
    let (threshold, baseline) = match args.report.judging(&loaded.config) {
        Ok(j) => j,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    let mut shards = Vec::new();
    let mut unreadable = Vec::new();
    for path in &args.reports {
        match crate::merge::read(path) {
            Ok(s) => shards.push(s),
            Err(d) => unreadable.push(*d),
        }
    }
    let mut report = crate::merge::merge(shards, loaded.engine.rules().to_vec());
    for id in crate::merge::unknown_rules(&report) {
        unreadable.push(Diagnostic::warning(
            "merge-rule",
            format!("rule {id} of a shard is not among the loaded rules (pass the shards' --policy): its findings have no rule help in SARIF"),
        ));
    }
    report.add_diagnostics(unreadable);
    args.report.emit(report, baseline.as_ref(), threshold)
}

fn cmd_graph(args: GraphArgs) -> i32 {
    let config = match config_only(args.config.as_deref()) {
        Ok(c) => c,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    let opts = match args.iac.file_options(args.max_file_size) {
        Ok(o) => o,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    let (g, _) = file_graph(&args.paths, &opts, &config.redactor());
    let failed = g.diagnostics.iter().any(|d| d.level == Level::Error);
    for d in g.diagnostics.iter().filter(|d| d.level != Level::Skipped) {
        eprint_diag(d);
    }
    if let Err(d) = write_graph(args.output.as_ref(), &g) {
        eprint_diag(&d);
        return 2;
    }
    if failed {
        2
    } else {
        0
    }
}

fn cmd_rules(args: RulesArgs) -> i32 {
    let Some(loaded) = load_or_report(&args.policies) else {
        return 2;
    };
    loaded.diagnostics.iter().for_each(eprint_diag);
    let mut metas: Vec<_> = loaded.set.metas().collect();
    metas.sort_by(|a, b| a.id.cmp(&b.id));
    let text = if args.format == "json" {
        serde_json::to_string_pretty(&metas).unwrap_or_default() + "\n"
    } else {
        let mut s = String::new();
        for m in &metas {
            s.push_str(&format!(
                "{:<7} {:<9} {}\n",
                m.id,
                m.severity.as_str(),
                m.title
            ));
        }
        s
    };
    let _ = write_output(None, &text);
    i32::from(loaded.diagnostics.iter().any(|d| d.level == Level::Error)) * 2
}

fn cmd_explain(id: String, policies: PolicyArgs) -> i32 {
    let Some(loaded) = load_or_report(&policies) else {
        return 2;
    };
    match loaded.set.rule(&id) {
        Some(m) => {
            let _ = write_output(None, &crate::docs::explain_text(m));
            0
        }
        None => {
            eprint_diag(&Diagnostic::error(
                "usage",
                format!("no rule with id `{id}` (see `ecsaudit rules`)"),
            ));
            2
        }
    }
}

fn cmd_test(args: TestArgs) -> i32 {
    // No directories: the built-in pack; otherwise those directories (with the helper library).
    let (sources, mut diags) = policy::load_sources(!args.dirs.is_empty(), &args.dirs);
    let (set, set_diags) = PolicySet::from_sources(sources);
    diags.extend(set_diags);
    let params = policy::default_params(&set);
    let run = testing::run(&set, &params, args.run.as_deref(), args.budget.budget());
    diags.extend(run.diagnostics.iter().cloned());
    let mut out = anstream::stdout();
    if args.json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&run).unwrap_or_default()
        );
    } else {
        let green = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into()));
        let red = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Red.into()))
            .bold();
        for r in &run.results {
            match &r.outcome {
                testing::Outcome::Pass if args.verbose => {
                    let _ = writeln!(
                        out,
                        "{green}PASS{green:#} {}:{}: {}",
                        r.file, r.line, r.name
                    );
                }
                testing::Outcome::Pass => {}
                testing::Outcome::Fail(why) | testing::Outcome::Error(why) => {
                    let word = if matches!(r.outcome, testing::Outcome::Fail(_)) {
                        "FAIL"
                    } else {
                        "ERROR"
                    };
                    let _ = writeln!(
                        out,
                        "{red}{word}{red:#} {}:{}: {} ({why})",
                        r.file, r.line, r.name
                    );
                }
            }
            if args.verbose || r.outcome != testing::Outcome::Pass {
                for p in &r.prints {
                    let _ = writeln!(out, "    print: {p}");
                }
            }
        }
        if args.coverage {
            let _ = writeln!(out, "\ncoverage:");
            for c in &run.coverage {
                let _ = writeln!(
                    out,
                    "  {:>5.1}%  {}  (not covered: {:?})",
                    c.percent(),
                    c.file,
                    c.not_covered
                );
            }
        }
        let _ = writeln!(out, "{} passed, {} failed", run.passed(), run.failed());
    }
    diags
        .iter()
        .filter(|d| d.level != Level::Skipped)
        .for_each(eprint_diag);
    if run.results.is_empty() {
        eprint_diag(&Diagnostic::error("no-tests", "no test_* rules found"));
        return 2;
    }
    if diags.iter().any(|d| d.level == Level::Error) {
        2
    } else {
        i32::from(run.failed() > 0)
    }
}

fn cmd_eval(args: EvalArgs) -> i32 {
    let Some(loaded) = load_or_report(&args.policies) else {
        return 2;
    };
    loaded.diagnostics.iter().for_each(eprint_diag);
    let graph = match read_graph(&args.graph, &loaded.config.redactor()) {
        Ok(g) => g,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    match loaded.engine.query(&graph, &args.query) {
        Ok(mut values) => {
            let out = if values.len() == 1 {
                values.remove(0)
            } else {
                serde_json::Value::Array(values)
            };
            let _ = write_output(
                None,
                &(serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"),
            );
            0
        }
        Err(e) => {
            eprint_diag(&Diagnostic::error("eval-error", e.to_string()));
            2
        }
    }
}

fn cmd_docs(rules: &Path, man: &Path, completions: &Path, check: bool) -> i32 {
    let (set, diags) = PolicySet::from_sources(policy::builtin_sources());
    if !diags.is_empty() {
        diags.iter().for_each(eprint_diag);
        return 2;
    }
    let cli = <Cli as clap::CommandFactory>::command();
    let pages = match crate::manual::man_pages(cli.clone()) {
        Ok(p) => p,
        Err(e) => {
            eprint_diag(&Diagnostic::error(
                "docs",
                format!("cannot render man pages: {e}"),
            ));
            return 2;
        }
    };
    let sets = [
        (rules, crate::docs::rule_docs(&set)),
        (man, pages),
        (completions, crate::manual::completions(&cli)),
    ];
    let mut stale = Vec::new();
    for (dir, files) in &sets {
        for (name, text) in files {
            let path = dir.join(name);
            if check {
                if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                    stale.push(path.display().to_string());
                }
            } else if let Err(e) =
                std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&path, text))
            {
                eprint_diag(&Diagnostic::error(
                    "io-error",
                    format!("cannot write {}: {e}", path.display()),
                ));
                return 2;
            }
        }
    }
    if check && !stale.is_empty() {
        eprint_diag(&Diagnostic::error(
            "docs-stale",
            format!(
                "generated docs are stale, run `ecsaudit docs`: {}",
                stale.join(", ")
            ),
        ));
        return 1;
    }
    0
}

fn cmd_new_rule(args: NewRuleArgs) -> i32 {
    match crate::docs::scaffold_rule(&args.id, args.name.as_deref(), &args.dir) {
        Ok(paths) => {
            for p in paths {
                println!("wrote {}", p.display());
            }
            0
        }
        Err(d) => {
            eprint_diag(&d);
            2
        }
    }
}

/// Parse arguments and run; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Scan(a) => cmd_scan(*a),
        Command::Graph(a) => cmd_graph(a),
        Command::Collect(a) => cmd_collect(a),
        Command::Merge(a) => cmd_merge(a),
        Command::Schema => {
            let _ = write_output(None, crate::graph::JSON_SCHEMA);
            0
        }
        Command::Rules(a) => cmd_rules(a),
        Command::Explain { id, policies } => cmd_explain(id, policies),
        Command::Test(a) => cmd_test(a),
        Command::Eval(a) => cmd_eval(a),
        Command::NewRule(a) => cmd_new_rule(a),
        Command::Docs {
            out,
            man,
            completions,
            check,
        } => cmd_docs(&out, &man, &completions, check),
        Command::Completions { shell } => {
            let script = crate::manual::completion(<Cli as clap::CommandFactory>::command(), shell);
            print!("{script}");
            0
        }
    }
}
