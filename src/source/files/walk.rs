//! Finding what to scan: the paths given, directories walked (ignore files honoured,
//! special files refused), templates nested in CDK output left to their parent.

use super::*;

/// Whether a directory entry named like an input is read: a regular file, or a symbolic
/// link to one. A link to a directory is not followed (no loops); a FIFO, socket or
/// device is never opened (it could block forever); each is reported, never dropped.
pub(super) fn entry_kind(entry: &ignore::DirEntry) -> Result<(), Diagnostic> {
    let kind = entry.file_type();
    if kind.is_some_and(|t| t.is_file()) {
        return Ok(());
    }
    let link = kind.is_some_and(|t| t.is_symlink());
    let target = match std::fs::metadata(entry.path()) {
        Ok(m) => m.file_type(),
        Err(e) => return Err(Diagnostic::error("io-error", format!("cannot read: {e}"))),
    };
    if target.is_file() {
        Ok(())
    } else if target.is_dir() {
        Err(Diagnostic::skipped(
            "not-a-file",
            "a symbolic link to a directory: not followed; name its target to scan it",
        ))
    } else {
        let what = if link {
            "a symbolic link to a FIFO, socket or device"
        } else {
            "a FIFO, socket or device"
        };
        Err(Diagnostic::skipped(
            "not-a-file",
            format!("{what}, not a regular file: not read"),
        ))
    }
}

/// Files to read under `paths`, in walk order, each once (a file named twice, or named
/// and also inside a named directory, is read once: its first appearance wins).
pub fn discover(paths: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut links = false;
    for root in paths {
        if root.as_os_str() == STDIN {
            out.push(Candidate {
                path: root.clone(),
                explicit: true,
            });
            continue;
        }
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error("io-error", format!("cannot read: {e}"))
                        .in_file(&display_path(root)),
                );
                continue;
            }
        };
        if meta.is_file() {
            if crate::source::terraform::is_configuration(root) {
                continue; // read by the Terraform source
            }
            out.push(Candidate {
                path: root.clone(),
                explicit: true,
            });
            continue;
        }
        if !meta.is_dir() {
            // A FIFO, a device, /dev/stdin: never read as nothing (a pass for input
            // never checked).
            diagnostics.push(
                Diagnostic::error(
                    "not-a-file",
                    "not a regular file or a directory; to read standard input, name it `-`",
                )
                .in_file(&display_path(root)),
            );
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(true)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let readable = e.path().extension().is_some_and(|x| {
                        ["json", "yaml", "yml", "template"]
                            .iter()
                            .any(|r| x.eq_ignore_ascii_case(r))
                    });
                    if !readable || is_terraform_json(e.path()) {
                        continue;
                    }
                    links |= e.path_is_symlink();
                    match entry_kind(&e) {
                        Ok(()) => out.push(Candidate {
                            path: e.into_path(),
                            explicit: false,
                        }),
                        Err(d) => diagnostics.push(d.in_file(&display_path(e.path()))),
                    }
                }
                Err(err) => {
                    let file = match &err {
                        ignore::Error::WithPath { path, .. } => display_path(path),
                        _ => display_path(root),
                    };
                    diagnostics.push(
                        Diagnostic::error("io-error", format!("cannot read: {err}")).in_file(&file),
                    );
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert(display_path(&c.path)));
    if links {
        // A link and the file it points to are one input, read as the file itself.
        let target = |c: &Candidate| std::fs::canonicalize(&c.path).unwrap_or(c.path.clone());
        let is_link = |c: &Candidate| c.path.symlink_metadata().is_ok_and(|m| m.is_symlink());
        let mut taken: std::collections::HashSet<PathBuf> =
            out.iter().filter(|c| !is_link(c)).map(target).collect();
        out.retain(|c| !is_link(c) || taken.insert(target(c)));
    }
    out
}

/// A template another template uses as a local nested stack is read through it: not
/// as a stack of its own (its resources would be reported twice).
pub fn skip_nested(
    loaded: &mut LoadedFile,
    c: &Candidate,
    nested: &std::collections::HashSet<PathBuf>,
) {
    if loaded.template.is_none() || nested.is_empty() {
        return;
    }
    if c.path.canonicalize().is_ok_and(|p| nested.contains(&p)) {
        loaded.template = None;
        loaded.diagnostics.push(
            Diagnostic::skipped(
                "nested-stack",
                "read as the nested stack of the template that uses it, with the parameters it passes",
            )
            .in_file(&display_path(&c.path)),
        );
    }
}

/// The templates under `candidates` that others use as local nested stacks.
pub fn nested_templates(candidates: &[Candidate]) -> std::collections::HashSet<PathBuf> {
    let paths: Vec<PathBuf> = candidates.iter().map(|c| c.path.clone()).collect();
    crate::source::cloudformation::nested_templates(&paths)
}
