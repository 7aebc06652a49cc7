//! Command-line interface, thin glue over the library: clap definitions (`args.rs`) ->
//! a command that reads what its arguments ask for and returns an `Outcome` -> one
//! place ([`main`]) that prints a command's failure and maps it to exit code 2.
//!
//! Exit codes: 0 clean; 1 findings at or above `--fail-on` (or a failed rule test);
//! 2 an error (bad usage, unreadable input, a broken rule); 3 an incomplete audit.

use crate::diagnostics::Diagnostic;
use clap::Parser;

mod args;
mod graphs;
mod inputs;
mod output;
mod rules;
mod scan;

pub use args::*;

/// Why a command stopped before it could finish: what to tell. [`main`] prints it and
/// exits 2.
#[derive(Debug)]
struct Failure(Vec<Diagnostic>);

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure(vec![d])
    }
}

impl From<Box<Diagnostic>> for Failure {
    fn from(d: Box<Diagnostic>) -> Self {
        Failure(vec![*d])
    }
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(d: Vec<Diagnostic>) -> Self {
        Failure(d)
    }
}

/// A command's exit code when it finished, or why it could not.
type Outcome = Result<i32, Failure>;

/// Parse arguments and run; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let outcome = match cli.command {
        Command::Scan(a) => scan::cmd_scan(*a),
        Command::Graph(a) => graphs::cmd_graph(a),
        Command::Collect(a) => graphs::cmd_collect(a),
        Command::Merge(a) => scan::cmd_merge(a),
        Command::Schema => output::write_output(None, crate::graph::JSON_SCHEMA)
            .map(|()| 0)
            .map_err(Failure::from),
        Command::Rules(a) => rules::cmd_rules(a),
        Command::Explain { id, policies } => rules::cmd_explain(id, policies),
        Command::Test(a) => rules::cmd_test(a),
        Command::Eval(a) => rules::cmd_eval(a),
        Command::NewRule(a) => rules::cmd_new_rule(a),
        Command::Docs {
            out,
            man,
            completions,
            check,
        } => rules::cmd_docs(&out, &man, &completions, check),
        Command::Completions { shell } => {
            let script = crate::manual::completion(<Cli as clap::CommandFactory>::command(), shell);
            print!("{script}");
            Ok(0)
        }
    };
    outcome.unwrap_or_else(|Failure(diagnostics)| {
        diagnostics.iter().for_each(output::eprint_diag);
        2
    })
}
