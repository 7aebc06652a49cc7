//! Which directories are Terraform modules, and their configuration files.

use super::*;

/// Root modules under `paths`: directories that hold `.tf` files (hidden and
/// git-ignored paths are skipped, `.terraform/` with them; a `.tf` file named explicitly
/// stands for its directory), less those another of them calls as a local module (they
/// are read through that call, with the values it passes).
pub fn discover(paths: &[PathBuf]) -> Vec<PathBuf> {
    let all = module_dirs(paths);
    let called = called_modules(&all);
    all.into_iter()
        .filter(|d| !d.canonicalize().is_ok_and(|c| called.contains(&c)))
        .collect()
}

pub(super) fn module_dirs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = std::collections::BTreeSet::new();
    for p in paths {
        if p.is_file() {
            if is_configuration(p) {
                dirs.insert(
                    p.parent()
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                );
            }
            continue;
        }
        for entry in ignore::WalkBuilder::new(p).build().flatten() {
            let path = entry.path();
            if is_configuration(path) && path.is_file() {
                if let Some(parent) = path.parent() {
                    dirs.insert(parent.to_path_buf());
                }
            }
        }
    }
    dirs.into_iter()
        .map(|d| {
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            }
        })
        .collect()
}

/// Names of Terraform configuration files: `*.tf`, or `*.tf.json` (the JSON syntax).
pub(super) const CONFIGURATION: &[&str] = &[".tf", ".tf.json"];

/// A Terraform configuration file.
pub fn is_configuration(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| CONFIGURATION.iter().any(|s| n.ends_with(s)))
}

/// The configuration files of module `dir`, in name order.
pub(super) fn configuration_files(dir: &Path) -> Vec<PathBuf> {
    tf_files(dir, CONFIGURATION)
}

/// The files of `dir` whose name ends in one of `suffixes`, in name order.
pub(super) fn tf_files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| suffixes.iter().any(|s| n.ends_with(s)))
        })
        .collect();
    out.sort();
    out
}
