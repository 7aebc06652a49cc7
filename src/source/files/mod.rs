//! Read task definitions from files and directories.
//!
//! Directories are walked recursively (hidden entries and git-ignored paths are skipped)
//! for `*.json`; files named explicitly are read whatever their extension. Each file is
//! read and parsed on its own, in parallel, so one bad file never stops the others.

use super::shape::{classify, validate, Classified};
use super::TaskDefinitionDoc;
use crate::diagnostics::{Diagnostic, Location};
use crate::json_index::JsonIndex;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

mod read;
mod walk;

use read::*;
pub use read::{read_text_limited, STDIN};
pub use walk::{discover, nested_templates, skip_nested};

/// Options for a file scan.
#[derive(Debug, Clone)]
pub struct FileOptions {
    /// Files larger than this many bytes are reported, not read.
    pub max_file_size: u64,
    /// Terraform `--var NAME=VALUE` values, in order.
    pub terraform_vars: Vec<(String, String)>,
    /// Terraform `--var-file` files, in order.
    pub terraform_var_files: Vec<PathBuf>,
    /// CloudFormation parameter values (`--parameter`, `--parameters-file`), in order.
    pub cloudformation_parameters: Vec<(String, String)>,
}

impl Default for FileOptions {
    fn default() -> Self {
        FileOptions {
            max_file_size: 64 * 1024 * 1024,
            terraform_vars: Vec::new(),
            terraform_var_files: Vec::new(),
            cloudformation_parameters: Vec::new(),
        }
    }
}

impl FileOptions {
    /// How the Terraform source reads modules with these options.
    pub fn terraform(&self) -> crate::source::terraform::TerraformOptions {
        crate::source::terraform::TerraformOptions {
            max_file_size: self.max_file_size,
            vars: self.terraform_vars.clone(),
            var_files: self.terraform_var_files.clone(),
        }
    }

    /// How the CloudFormation source reads templates with these options.
    pub fn templates(&self) -> crate::source::cloudformation::TemplateOptions {
        crate::source::cloudformation::TemplateOptions {
            parameters: self.cloudformation_parameters.clone(),
        }
    }
}

/// Everything a file scan produced.
#[derive(Debug, Default)]
pub struct FileScan {
    pub task_definitions: Vec<TaskDefinitionDoc>,
    /// Terraform plans or states: (file, text, document).
    pub plans: Vec<(String, String, serde_json::Value)>,
    /// CloudFormation templates: (file, template).
    pub templates: Vec<(String, crate::source::iac::Spanned)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files read (task definitions or not).
    pub files_read: usize,
}

/// A file to read and whether the user named it (naming a non-task-definition warns).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    pub explicit: bool,
}

/// One file read: its task definitions, its problems, and (when it holds task
/// definitions) its text, for positioning findings without reading it again.
#[derive(Debug, Default)]
pub struct LoadedFile {
    pub task_definitions: Vec<TaskDefinitionDoc>,
    pub diagnostics: Vec<Diagnostic>,
    /// `file` (display path) and text (BOM stripped), when task definitions (or a
    /// Terraform plan) were found.
    pub text: Option<(String, String)>,
    /// The file is `terraform show -json` output (read by the Terraform source).
    pub plan: Option<serde_json::Value>,
    /// The file is a CloudFormation template (read by the CloudFormation source).
    pub template: Option<crate::source::iac::Spanned>,
}

pub use crate::diagnostics::display_path;
pub use crate::json_index::strip_bom;

/// Whether `file` is read as YAML: a `.yaml` / `.yml` name, or a `.template` one
/// whose text does not open a JSON value.
fn is_yaml(file: &str, text: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || (lower.ends_with(".template") && !text.trim_start().starts_with(['{', '[']))
}

/// A YAML file: a CloudFormation template, or skipped (a YAML file that does not parse
/// is an error when named, or when it looks like a template).
fn load_yaml(file: String, text: &str, explicit: bool) -> LoadedFile {
    let (parsed, mut diagnostics) = crate::source::cloudformation::parse_yaml(&file, text);
    let skipped = |why: String| {
        if explicit {
            Diagnostic::warning("not-a-template", why)
        } else {
            Diagnostic::skipped("not-a-template", why)
        }
    };
    match parsed {
        Ok(Some(template)) => {
            return LoadedFile {
                diagnostics,
                text: Some((file, text.to_string())),
                template: Some(template),
                ..LoadedFile::default()
            }
        }
        Ok(None) => diagnostics.push(
            skipped("not a CloudFormation template: the YAML has no `AWSTemplateFormatVersion` and no `AWS::` resources".into())
                .in_file(&file),
        ),
        Err(e) if explicit || text.contains("AWSTemplateFormatVersion") || text.contains("Type: AWS::") => {
            diagnostics.push(e)
        }
        Err(e) => diagnostics.push(
            skipped(format!("not read: the YAML does not parse ({}) and does not look like a CloudFormation template", e.message))
                .in_file(&file),
        ),
    }
    LoadedFile {
        diagnostics,
        ..LoadedFile::default()
    }
}

/// Terraform's JSON syntax and variable files (`*.tf.json`, `*.tfvars.json`): read by
/// the Terraform source, not as task definitions.
fn is_terraform_json(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".tf.json") || n.ends_with(".tfvars.json"))
}

/// Read, parse and classify one file.
pub fn load_one(c: &Candidate, opts: &FileOptions) -> LoadedFile {
    let file = display_path(&c.path);
    let mut diags = Vec::new();
    let done = |diagnostics| LoadedFile {
        diagnostics,
        ..LoadedFile::default()
    };
    let bytes = match read_limited(&c.path, opts.max_file_size) {
        Ok(Ok(b)) => b,
        Ok(Err(len)) => {
            diags.push(
                Diagnostic::error(
                    "file-too-large",
                    format!(
                        "file is {len} bytes, over the {}-byte limit (raise it with --max-file-size)",
                        opts.max_file_size
                    ),
                )
                .in_file(&file),
            );
            return done(diags);
        }
        Err(e) => {
            diags.push(Diagnostic::error("io-error", format!("cannot read: {e}")).in_file(&file));
            return done(diags);
        }
    };
    load_bytes(file, bytes, c.explicit)
}

/// Decode, parse and classify the bytes of `file` (display path); `explicit` when the
/// user named it.
pub fn load_bytes(file: String, bytes: Vec<u8>, explicit: bool) -> LoadedFile {
    let mut diags = Vec::new();
    let done = |diagnostics| LoadedFile {
        diagnostics,
        ..LoadedFile::default()
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(msg) => {
            // A `.json` file that cannot be decoded is an error whether it was named or
            // found in a directory: skipping it would pass a task definition unchecked
            // (one saved as Latin-1 lost its 23 findings).
            diags.push(Diagnostic::error("not-utf8", msg).in_file(&file));
            return done(diags);
        }
    };
    let text_no_bom = strip_bom(&text);
    if is_yaml(&file, text_no_bom) {
        return load_yaml(file, text_no_bom, explicit);
    }
    let doc: serde_json::Value = match serde_json::from_str(text_no_bom) {
        Ok(v) => v,
        Err(e) => {
            diags.push(Diagnostic::malformed_json(&file, &e));
            return done(diags);
        }
    };
    if crate::source::terraform::plan::is_plan(&doc) {
        return LoadedFile {
            text: Some((file, text_no_bom.to_string())),
            plan: Some(doc),
            ..LoadedFile::default()
        };
    }
    if crate::source::cloudformation::is_template_json(&doc) {
        let shown: std::sync::Arc<str> = file.as_str().into();
        let template = crate::source::iac::json_spanned(text_no_bom, &shown, 1, 1).ok();
        return LoadedFile {
            text: Some((file, text_no_bom.to_string())),
            template,
            ..LoadedFile::default()
        };
    }
    match classify(&doc) {
        Classified::NotTaskDefinition(why) => {
            let msg = format!("not a task definition: the document {why}");
            let d = if explicit {
                Diagnostic::warning("not-a-task-definition", msg)
            } else {
                Diagnostic::skipped("not-a-task-definition", msg)
            };
            diags.push(d.in_file(&file));
            done(diags)
        }
        Classified::TaskDefinitions(found, rejected) => {
            // Positions are only needed when something is wrong; build the index lazily.
            let mut index: Option<JsonIndex> = None;
            let mut locate = |pointer: &str| -> Location {
                let idx = index.get_or_insert_with(|| JsonIndex::build(text_no_bom));
                let mut loc = Location {
                    file: file.clone(),
                    pointer: Some(pointer.to_string()),
                    ..Location::default()
                };
                if let Some((_, span)) = idx.locate(pointer) {
                    loc.line = Some(span.line);
                    loc.column = Some(span.column);
                    loc.end_line = Some(span.end_line);
                    loc.end_column = Some(span.end_column);
                }
                loc
            };
            for (pointer, why) in rejected {
                diags.push(
                    Diagnostic::warning(
                        "not-a-task-definition",
                        format!("array element {pointer} skipped: it {why}"),
                    )
                    .at(locate(&pointer)),
                );
            }
            let mut found_at = Vec::with_capacity(found.len());
            for f in found {
                if let Some((rel, len, limit)) = super::shape::too_large(f.value) {
                    let pointer = format!("{}{rel}", f.pointer);
                    let msg = format!(
                        "`{}` has {len} entries; at most {limit} are read, so this task \
                         definition was not checked",
                        rel.rsplit('/').next().unwrap_or_default()
                    );
                    diags.push(
                        Diagnostic::error("invalid-task-definition", msg).at(locate(&pointer)),
                    );
                    continue;
                }
                found_at.push((f.pointer, f.shape, f.tags.cloned()));
            }
            // Move each task definition out of the document (found ones never nest). A
            // `null` field is an absent one, as the API and the deploy action take it.
            let mut doc = doc;
            let mut tds = Vec::with_capacity(found_at.len());
            for (pointer, shape, tags) in found_at {
                let mut value = doc
                    .pointer_mut(&pointer)
                    .map(serde_json::Value::take)
                    .unwrap_or_default();
                super::shape::drop_nulls(&mut value);
                for (rel, msg) in validate(&value) {
                    let at = format!("{pointer}{rel}");
                    diags.push(Diagnostic::error("invalid-task-definition", msg).at(locate(&at)));
                }
                tds.push(TaskDefinitionDoc {
                    file: file.clone(),
                    value,
                    pointer,
                    shape,
                    tags,
                });
            }
            let bom = text.len() - text_no_bom.len();
            let text = Some((
                file,
                if bom == 0 {
                    text
                } else {
                    text[bom..].to_string()
                },
            ));
            LoadedFile {
                task_definitions: tds,
                diagnostics: diags,
                text,
                ..LoadedFile::default()
            }
        }
    }
}

/// Scan `paths` (files and directories) for task definitions.
pub fn scan(paths: &[PathBuf], opts: &FileOptions) -> FileScan {
    let mut diagnostics = Vec::new();
    let candidates = discover(paths, &mut diagnostics);
    let nested = nested_templates(&candidates);
    let results: Vec<_> = candidates
        .par_iter()
        .map(|c| {
            let mut loaded = load_one(c, opts);
            skip_nested(&mut loaded, c, &nested);
            loaded
        })
        .collect();
    let mut scan = FileScan {
        files_read: candidates.len(),
        ..FileScan::default()
    };
    scan.diagnostics = diagnostics;
    for loaded in results {
        scan.task_definitions.extend(loaded.task_definitions);
        scan.diagnostics.extend(loaded.diagnostics);
        if let (Some(plan), Some((file, text))) = (loaded.plan, &loaded.text) {
            scan.plans.push((file.clone(), text.clone(), plan));
        }
        if let (Some(template), Some((file, _))) = (loaded.template, loaded.text) {
            scan.templates.push((file, template));
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_the_limit_are_not_read() {
        let path =
            std::env::temp_dir().join(format!("ecsaudit-read-limited-{}.json", std::process::id()));
        std::fs::write(&path, b"0123456789").unwrap();
        let at = |max| read_limited(&path, max).unwrap();
        assert_eq!(at(10), Ok(b"0123456789".to_vec()));
        assert_eq!(at(11), Ok(b"0123456789".to_vec()));
        assert_eq!(at(9), Err(10));
        assert_eq!(at(0), Err(10));
        std::fs::remove_file(&path).unwrap();
        assert!(
            read_limited(&path, 10).is_err(),
            "a missing file is an error"
        );
    }
}
