//! Where the CLI writes: diagnostics to stderr, documents to a file or stdout.

use crate::diagnostics::{Diagnostic, Level};
use crate::graph::Graph;
use std::io::Write;
use std::path::PathBuf;

/// Print one diagnostic on stderr: `ecsaudit: <level>: <file:line:col: message>`.
pub(super) fn eprint_diag(d: &Diagnostic) {
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

/// Print the diagnostics worth telling (skipped inputs are only counted).
pub(super) fn eprint_problems<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
    diagnostics
        .into_iter()
        .filter(|d| d.level != Level::Skipped)
        .for_each(eprint_diag);
}

pub(super) fn write_output(path: Option<&PathBuf>, text: &str) -> Result<(), Diagnostic> {
    write_output_with(path, |w| w.write_all(text.as_bytes())).map(|_| ())
}

/// Write a graph document as pretty JSON, streamed (it is the largest document we write).
pub(super) fn write_graph(path: Option<&PathBuf>, graph: &Graph) -> Result<(), Diagnostic> {
    write_output_with(path, |w| {
        serde_json::to_writer_pretty(&mut *w, graph)?;
        w.write_all(b"\n")
    })
    .map(|_| ())
}

/// Write to the output file (or stdout) through `write`, buffered, without first
/// rendering the whole document into memory.
pub(super) fn write_output_with<T>(
    path: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<Option<T>, Diagnostic> {
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
            let value = write(&mut out).map_err(failed)?;
            out.flush().map_err(failed)?;
            Ok(Some(value))
        }
        None => {
            let mut out = std::io::BufWriter::new(anstream::stdout());
            match write(&mut out).and_then(|v| out.flush().map(|()| v)) {
                Ok(v) => Ok(Some(v)),
                // The reader stopped reading (`| head`): not an error of ours.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(None),
                Err(e) => Err(failed(e)),
            }
        }
    }
}
