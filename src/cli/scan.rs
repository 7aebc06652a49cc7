//! `scan` and `merge`: a plan of what to read, the findings, and the report judged and
//! written.

use super::args::{MergeArgs, ReportArgs, ScanArgs};
use super::inputs::{file_graph, live_graph, load_policies, read_baseline, read_graph, Loaded};
use super::output::{eprint_diag, eprint_problems, write_output_with};
use super::{Failure, Outcome};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::policy::engine::Backend;
use crate::policy::metadata::Severity;
use crate::report::{Format, Report};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What `scan` reads, decided once from its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Input {
    /// Files and directories, read, evaluated and reported batch by batch.
    Files,
    /// Files and directories as one whole graph (`--snapshot-dir` writes it).
    WholeFiles,
    /// A saved graph document (`--graph`).
    Graph(PathBuf),
    /// A live account (`--aws`).
    Aws,
}

impl Input {
    fn of(args: &ScanArgs) -> Result<Input, Diagnostic> {
        if args.aws {
            Ok(Input::Aws)
        } else if let Some(path) = &args.graph {
            Ok(Input::Graph(path.clone()))
        } else if args.paths.is_empty() {
            Err(Diagnostic::error(
                "usage",
                "give files or directories to scan, --graph FILE, or --aws",
            ))
        } else if args.aws_options.snapshot_dir.is_some() {
            Ok(Input::WholeFiles)
        } else {
            Ok(Input::Files)
        }
    }
}

pub(super) fn cmd_scan(args: ScanArgs) -> Outcome {
    let input = Input::of(&args)?;
    // The directory walk runs while the policies load.
    let (loaded, walked) = std::thread::scope(|s| {
        let walk = (input == Input::Files).then(|| {
            s.spawn(|| {
                let mut diagnostics = Vec::new();
                let found = crate::source::files::discover(&args.paths, &mut diagnostics);
                (found, diagnostics)
            })
        });
        let loaded = load_policies(&args.policies);
        (loaded, walk.map(std::thread::ScopedJoinHandle::join))
    });
    let mut loaded = loaded?;
    choose_rules(&mut loaded, &args);
    let judging = args.report.judging(&loaded.config)?;
    let mut diagnostics = std::mem::take(&mut loaded.diagnostics);
    let report = match input {
        Input::Files => {
            let opts = args.iac.file_options(args.max_file_size)?;
            let Some(Ok((candidates, found))) = walked else {
                return Err(Diagnostic::error("internal", "looking for files failed").into());
            };
            diagnostics.extend(found);
            crate::scan::run_candidates(
                &args.paths,
                candidates,
                &opts,
                &loaded.engine,
                &loaded.config,
                diagnostics,
            )
        }
        other => {
            let redactor = loaded.config.redactor();
            let (mut graph, files_read) = match other {
                Input::Aws => (live_graph(&args.aws_options, &redactor)?, 0),
                Input::Graph(path) => (read_graph(&path, &redactor)?, 0),
                Input::WholeFiles | Input::Files => {
                    let opts = args.iac.file_options(args.max_file_size)?;
                    file_graph(&args.paths, &opts, &redactor)
                }
            };
            if let Some(dir) = &args.aws_options.snapshot_dir {
                crate::snapshot::write(&mut graph, dir)?;
            }
            let threads = rayon::current_num_threads();
            crate::scan::run(
                &graph,
                &loaded.engine,
                &loaded.config,
                diagnostics,
                files_read,
                threads,
            )
        }
    };
    args.report.emit(report, &judging)
}

/// The rules `--compliance` covers, evaluated as `--engine` asks.
fn choose_rules(loaded: &mut Loaded, args: &ScanArgs) {
    if let Some(framework) = args.report.compliance {
        loaded.engine.retain_rules(|m| framework.covers(m));
    }
    if args.engine == Backend::Auto {
        return; // how the engine was built
    }
    loaded.engine.set_backend(args.engine);
    if args.engine == Backend::Vm {
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
}

/// `merge`: read every shard (an unreadable one is an error naming it; the others are
/// still merged), combine, and write as `scan` would.
pub(super) fn cmd_merge(args: MergeArgs) -> Outcome {
    let loaded = load_policies(&args.policies)?;
    let judging = args.report.judging(&loaded.config)?;
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
    args.report.emit(report, &judging)
}

/// What a report is judged by: the `--fail-on` threshold and the `--baseline`
/// fingerprints.
pub(super) struct Judging {
    threshold: Option<Severity>,
    baseline: Option<BTreeSet<String>>,
}

impl ReportArgs {
    /// The threshold (`--fail-on`, else the config's `fail_on`, else low) and the
    /// baseline's fingerprints.
    fn judging(&self, config: &Config) -> Result<Judging, Failure> {
        let threshold = self
            .fail_on
            .or(config.fail_on)
            .map_or(Some(Severity::Low), |t| t.severity());
        let baseline = self.baseline.as_deref().map(read_baseline).transpose()?;
        Ok(Judging {
            threshold,
            baseline,
        })
    }

    /// Compare with the baseline, write the report and return the exit code the
    /// findings and problems give.
    fn emit(&self, mut report: Report, judging: &Judging) -> Outcome {
        if let (Some(set), Some(path)) = (&judging.baseline, &self.baseline) {
            report.apply_baseline(set, &crate::source::files::display_path(path));
        }
        if self.format != Format::Text || self.output.is_some() {
            // Machine formats on stdout stay clean: tell people about problems on stderr.
            eprint_problems(&report.diagnostics);
        }
        let opts = crate::report::RenderOptions {
            compliance: self.compliance,
            source_root: self.source_root.clone(),
        };
        let written = write_output_with(self.output.as_ref(), |w| {
            crate::report::write(&report, self.format, &opts, w)
        })?;
        for problem in written.unwrap_or_default() {
            eprint_diag(&Diagnostic::warning("sarif", problem));
        }
        let code = report.exit_code(judging.threshold);
        // The process exits next: freeing the findings one by one (~70k at 10k task
        // definitions) would only delay it.
        std::mem::forget(report);
        Ok(code)
    }
}
