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
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Policy-as-code security and best-practice auditor for Amazon ECS task definitions.
#[derive(Debug, Parser)]
#[command(name = "ecsaudit", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan task-definition files (or a saved graph) and report findings.
    Scan(Box<ScanArgs>),
    /// Build the graph document from task-definition files and write it.
    Graph(GraphArgs),
    /// Collect a live AWS account into a graph document (re-evaluate later with
    /// `scan --graph`).
    Collect(CollectArgs),
    /// Print the JSON Schema of the graph document.
    Schema,
    /// List every rule with its metadata.
    Rules(RulesArgs),
    /// Print one rule's full documentation.
    Explain {
        /// Rule id, e.g. EA101.
        id: String,
        #[command(flatten)]
        policies: PolicyArgs,
    },
    /// Run Rego policy tests (`test_*` rules in `*_test.rego`), like `opa test`.
    Test(TestArgs),
    /// Evaluate an ad-hoc Rego query against a saved graph.
    Eval(EvalArgs),
    /// Scaffold a new rule and its test in a policy directory.
    NewRule(NewRuleArgs),
    /// Write the generated documentation: rule pages (docs/rules/*.md, from METADATA), man
    /// pages (docs/man/*.1) and shell completions (docs/completions/), from this CLI.
    Docs {
        /// Directory of the rule pages.
        #[arg(long, default_value = "docs/rules")]
        out: PathBuf,
        /// Directory of the man pages.
        #[arg(long, default_value = "docs/man")]
        man: PathBuf,
        /// Directory of the shell completions.
        #[arg(long, default_value = "docs/completions")]
        completions: PathBuf,
        /// Exit 1 if the files on disk differ from what would be written (write nothing).
        #[arg(long)]
        check: bool,
    },
    /// Print the shell completion script for SHELL (e.g. `ecsaudit completions bash >
    /// /etc/bash_completion.d/ecsaudit`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Where policies come from.
#[derive(Debug, Args, Clone, Default)]
pub struct PolicyArgs {
    /// Extra policy directory or file (repeatable); loaded beside the built-in pack.
    #[arg(long = "policy", value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Run only the policies given with --policy (the helper library stays available).
    #[arg(long)]
    pub no_builtin: bool,
    /// Config file (default: ./ecsaudit.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// How long one rule may run.
#[derive(Debug, Args, Clone, Copy)]
pub struct BudgetArgs {
    /// Wall time one rule may take on one part of the graph (up to 256 resources), or
    /// one policy test or query; a rule that overruns is stopped and reported, and the
    /// rest of the scan goes on.
    #[arg(long = "rule-timeout", default_value_t = crate::policy::budget::DEFAULT.as_secs(), value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub rule_timeout: u64,
}

impl Default for BudgetArgs {
    fn default() -> Self {
        BudgetArgs {
            rule_timeout: crate::policy::budget::DEFAULT.as_secs(),
        }
    }
}

impl BudgetArgs {
    pub fn budget(self) -> std::time::Duration {
        std::time::Duration::from_secs(self.rule_timeout)
    }
}

/// Which AWS account(s) and regions to read, and how.
#[derive(Debug, Args, Clone, Default)]
pub struct AwsArgs {
    /// Named profile from the shared AWS config (default: the standard credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region to audit (repeatable; default: the configured region).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Audit every region enabled in the account.
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Assume this role and audit its account (repeatable: one account each).
    #[arg(long = "assume-role", value_name = "ARN")]
    pub assume_roles: Vec<String>,
    /// External id for --assume-role.
    #[arg(long, value_name = "ID", requires = "assume_roles")]
    pub external_id: Option<String>,
    /// Send every AWS call to this endpoint (a local stand-in such as moto).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Every ACTIVE revision of every family, not only the latest and those in use.
    #[arg(long)]
    pub all_revisions: bool,
    /// Concurrent API calls per service and region.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// How long one API call may take, retries included (at most 3 attempts, each a
    /// third of it); a call that takes longer makes its resource incomplete.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Write one canonical JSON file per collected resource under DIR and point findings
    /// (and SARIF results) at their lines there.
    #[arg(long, value_name = "DIR")]
    pub snapshot_dir: Option<PathBuf>,
    /// Log AWS calls on stderr (-vv: also SDK internals).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Output file for the graph document (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Config file (default: ./ecsaudit.toml when present); EA101's
    /// `extra_name_tokens` there name more secrets to redact.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan (directories recursively, *.json).
    pub paths: Vec<PathBuf>,
    /// Evaluate a saved graph document instead of scanning files.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "aws"])]
    pub graph: Option<PathBuf>,
    /// Audit a live AWS account (see the AWS options) instead of files.
    #[arg(long, conflicts_with = "paths")]
    pub aws: bool,
    #[command(flatten)]
    pub aws_options: AwsArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity remains (none: never).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Report only findings new since this earlier report (SARIF or JSON from ecsaudit),
    /// matched by fingerprint; the summary counts new, unchanged and fixed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Repository root for SARIF URIs (default: working directory).
    #[arg(long, value_name = "DIR")]
    pub source_root: Option<PathBuf>,
    /// Files larger than this many bytes are reported, not read.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,
    /// How rules run: `auto` (the built-in rules on regorus' bytecode VM, several times
    /// faster; your own rules in its reference interpreter), `vm` (every rule on the VM)
    /// or `interpreter` (every rule in the interpreter). See README "Performance".
    #[arg(long, value_enum, default_value_t = Engine::Auto)]
    pub engine: Engine,
    #[command(flatten)]
    pub iac: IacArgs,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

/// Rule evaluation backend (`scan --engine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    Auto,
    Vm,
    Interpreter,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Files and directories to read.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output file (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Config file (default: ./ecsaudit.toml when present); EA101's
    /// `extra_name_tokens` there name more secrets to redact.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub iac: IacArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `text` (a table) or `json` (full metadata).
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy directories with rules and *_test.rego files (default: the built-in pack).
    pub dirs: Vec<PathBuf>,
    /// Run only tests whose `file::name` contains this text.
    #[arg(long, value_name = "TEXT")]
    pub run: Option<String>,
    /// Show every test and the output of `print` calls.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Show line coverage of rule files.
    #[arg(long)]
    pub coverage: bool,
    /// Print results as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub budget: BudgetArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Rego query, e.g. `data.ecsaudit.lib.task_definitions`.
    pub query: String,
    /// Graph document to use as `input`.
    #[arg(long, value_name = "FILE")]
    pub graph: PathBuf,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct NewRuleArgs {
    /// Rule id, e.g. ACME001.
    pub id: String,
    /// Directory to write into.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Package name (snake_case); default derived from the id.
    #[arg(long)]
    pub name: Option<String>,
}

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

/// Input values of IaC sources: Terraform's (`--var`, `--var-file`) as Terraform takes
/// them, CloudFormation's (`--parameter`, `--parameters-file`) as `aws cloudformation`
/// does.
#[derive(Debug, Args, Clone, Default)]
pub struct IacArgs {
    /// Set a Terraform input variable (repeatable), as `terraform plan -var` does.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Read Terraform variable values from a `.tfvars` file (repeatable); applied after
    /// `terraform.tfvars` and `*.auto.tfvars`, before `--var`.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Set a CloudFormation template parameter (repeatable; `AWS::Region` and
    /// `AWS::AccountId` too), over its `Default`.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_var)]
    pub parameters: Vec<(String, String)>,
    /// Read CloudFormation parameter values from a JSON file (repeatable): the
    /// `create-stack` form, `deploy --parameter-overrides` `["Key=Value"]`, or
    /// CodePipeline's `{"Parameters": {...}}`; applied before `--parameter`.
    #[arg(long = "parameters-file", value_name = "FILE")]
    pub parameter_files: Vec<PathBuf>,
}

impl IacArgs {
    /// File-scan options with these values (parameter files read here: a bad one is a
    /// usage error naming the file).
    pub fn file_options(
        &self,
        max_file_size: u64,
    ) -> Result<crate::source::files::FileOptions, Diagnostic> {
        let mut parameters = Vec::new();
        for f in &self.parameter_files {
            let shown = crate::source::files::display_path(f);
            let text = crate::source::files::read_text_limited(f, crate::config::MAX_CONFIG_SIZE)
                .map_err(|e| Diagnostic::error("usage", e).in_file(&shown))?;
            let values = crate::source::cloudformation::parameters_file(&text).map_err(|e| {
                Diagnostic::error("usage", format!("parameters file: {e}")).in_file(&shown)
            })?;
            parameters.extend(values);
        }
        parameters.extend(self.parameters.iter().cloned());
        Ok(crate::source::files::FileOptions {
            max_file_size,
            terraform_vars: self.vars.clone(),
            terraform_var_files: self.var_files.clone(),
            cloudformation_parameters: parameters,
        })
    }
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}`: use NAME=VALUE")),
    }
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
        None => Ok(config.fail_on().unwrap_or(Some(Severity::Low))),
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
    let threshold = match fail_on(args.fail_on.as_deref(), &loaded.config) {
        Ok(t) => t,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    let diagnostics = loaded.diagnostics;
    let baseline = match args.baseline.as_deref().map(read_baseline).transpose() {
        Ok(b) => b,
        Err(d) => {
            eprint_diag(&d);
            return 2;
        }
    };
    if files && args.paths.is_empty() {
        eprint_diag(&Diagnostic::error(
            "usage",
            "give files or directories to scan, --graph FILE, or --aws",
        ));
        return 2;
    }
    let mut report = if let Some(walked) = walked {
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
    if let (Some(set), Some(path)) = (&baseline, &args.baseline) {
        report.apply_baseline(set, &crate::source::files::display_path(path));
    }
    // JSON, the largest output, is written straight to the output (None here).
    let rendered = match args.format {
        Format::Json => None,
        Format::Text => Some(report::text::render(&report)),
        Format::Markdown => Some(report::markdown::render(&report)),
        Format::Junit => Some(report::junit::render(&report)),
        Format::Sarif => {
            let (doc, problems) = report::sarif::render(
                &report,
                &report::sarif::SarifOptions {
                    source_root: args.source_root.clone(),
                },
            );
            for p in problems {
                eprint_diag(&Diagnostic::warning("sarif", p));
            }
            Some(doc)
        }
    };
    if args.format != Format::Text || args.output.is_some() {
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
        Some(text) => write_output(args.output.as_ref(), text),
        None => write_output_with(args.output.as_ref(), |w| report::json::write(&report, w)),
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
