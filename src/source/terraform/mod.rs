//! Terraform modules as a source: a directory of `.tf` files is one module (its files
//! merged, as Terraform does). Variables (defaults, `terraform.tfvars`, `*.auto.tfvars`,
//! `--var-file`, `--var`), locals and expressions are evaluated; each resource instance
//! of a supported type becomes a graph node with the same kind and API-named properties
//! as the live collector's, a location for every value and the list of values that
//! cannot be known before deploy.

mod comments;
pub mod eval;
pub mod functions;
pub mod iam;
mod json_syntax;
pub mod mapping;
mod nodes;
pub mod plan;

use comments::{ignore_comments, json_ignore_comments};
use nodes::{assemble, Built, SUPPORTED};
pub mod resources;

use crate::diagnostics::{Diagnostic, Location};
use crate::graph::secrets::Redactor;
use crate::graph::{Node, NodeSource};
use crate::source::iac::{Spanned, Val};
use eval::{Defined, Module, Scope, SourceFile};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span;
use std::path::{Path, PathBuf};

/// How Terraform is read.
#[derive(Debug, Clone, Default)]
pub struct TerraformOptions {
    pub max_file_size: u64,
    /// `--var NAME=VALUE`, in order.
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in order.
    pub var_files: Vec<PathBuf>,
}

/// What one module gave.
#[derive(Debug, Default)]
pub struct LoadedModule {
    pub nodes: Vec<Node>,
    pub diagnostics: Vec<Diagnostic>,
    pub files_read: usize,
    /// Resource blocks seen (of any type).
    pub resources: usize,
    /// Relations between the nodes: (from, to, kind), as the live collector names them.
    pub edges: Vec<(String, String, &'static str)>,
    /// The module's `output` values, for the module that calls it.
    pub outputs: Vec<(String, Spanned)>,
}

impl LoadedModule {
    /// Move the nodes and edges into `graph` (its links are not re-indexed: call
    /// [`crate::graph::Graph::index_links`] once everything is in); returns the diagnostics.
    pub fn add_to(self, graph: &mut crate::graph::Graph) -> Vec<Diagnostic> {
        crate::source::iac::nodes::add_to(graph, self.nodes, &self.edges);
        self.diagnostics
    }
}

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

fn module_dirs(paths: &[PathBuf]) -> Vec<PathBuf> {
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
const CONFIGURATION: &[&str] = &[".tf", ".tf.json"];

/// A Terraform configuration file.
pub fn is_configuration(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| CONFIGURATION.iter().any(|s| n.ends_with(s)))
}

/// The configuration files of module `dir`, in name order.
fn configuration_files(dir: &Path) -> Vec<PathBuf> {
    tf_files(dir, CONFIGURATION)
}

/// The files of `dir` whose name ends in one of `suffixes`, in name order.
fn tf_files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
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

/// Parse `text` of `file` (display path); a syntax error is a diagnostic at its line.
fn parse(file: &SourceFile) -> Result<Body, Diagnostic> {
    hcl_edit::parser::parse_body(&file.text).map_err(|e| {
        Diagnostic::error("parse-error", format!("HCL syntax error: {}", e.message())).at(
            Location::at(
                &file.path,
                e.location().line() as u32,
                e.location().column() as u32,
            ),
        )
    })
}

/// The provider configuration a resource block names (`provider = aws.west`), or the
/// default one, `aws`. (A child module's default provider is taken to be its caller's.)
fn provider_key(b: &Block) -> String {
    b.body
        .get_attribute("provider")
        .map(|a| a.value.to_string().trim().to_string())
        .unwrap_or_else(|| "aws".into())
}

fn label(b: &Block, i: usize) -> Option<&str> {
    b.labels.get(i).map(|l| l.as_str())
}

/// Read and evaluate the module in `dir`.
pub fn load_module(dir: &Path, opts: &TerraformOptions, redactor: &Redactor) -> LoadedModule {
    let root = Call {
        root_shown: crate::source::files::display_path(dir),
        prefix: String::new(),
        inputs: None,
        depth: 0,
    };
    let mut out = load_dir(dir, opts, redactor, &root);
    finish(&mut out);
    out
}

/// Edges between all the nodes (relations across modules too: a role passed into a
/// child module), the AWS managed policies they attach, and the unresolved values.
fn finish(out: &mut LoadedModule) {
    let (edges, diagnostics) = crate::source::iac::nodes::finish(&mut out.nodes);
    out.edges.extend(edges);
    out.edges.sort();
    out.edges.dedup();
    out.diagnostics.extend(diagnostics);
}

/// How a module is called: from the root (no inputs: defaults and tfvars apply), or
/// by a `module` block of its parent, with the values it passes.
struct Call {
    root_shown: String,
    prefix: String,
    inputs: Option<Vec<(String, Spanned)>>,
    depth: usize,
}

/// Module calls are followed this deep at most.
const MAX_MODULE_DEPTH: usize = 8;

/// The directories that other modules under `dirs` call as local modules
/// (`source = "./..."`): scanned through their callers, not as roots.
pub fn called_modules(dirs: &[PathBuf]) -> std::collections::HashSet<PathBuf> {
    let mut out = std::collections::HashSet::new();
    for d in dirs {
        for f in configuration_files(d) {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            // `source = "./x"`, or `"source": "./x"` in the JSON syntax.
            for line in text.lines() {
                let t = line.trim().trim_start_matches('"');
                let Some(rest) = t.strip_prefix("source") else {
                    continue;
                };
                let rest = rest.trim_start_matches('"').trim_start();
                let Some(v) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else {
                    continue;
                };
                let v = v.trim().trim_end_matches(',').trim().trim_matches('"');
                if v.starts_with("./") || v.starts_with("../") {
                    if let Ok(c) = d.join(v).canonicalize() {
                        out.insert(c);
                    }
                }
            }
        }
    }
    out
}

fn load_dir(dir: &Path, opts: &TerraformOptions, redactor: &Redactor, call: &Call) -> LoadedModule {
    let mut out = LoadedModule::default();
    let mut files = Vec::new();
    for path in configuration_files(dir) {
        let shown = crate::source::files::display_path(&path);
        match crate::source::files::read_text_limited(&path, opts.max_file_size) {
            Ok(text) => match source_file(&shown, text) {
                Ok(f) => files.push(f),
                Err(d) => out.diagnostics.push(d),
            },
            Err(e) => out
                .diagnostics
                .push(Diagnostic::error("io-error", e).in_file(&shown)),
        }
    }
    load_files(dir, files, out, opts, redactor, call)
}

/// A configuration file's text: HCL, or the JSON syntax when `shown` ends in `.json`.
fn source_file(shown: &str, text: String) -> Result<SourceFile, Diagnostic> {
    if !shown.ends_with(".json") {
        return Ok(SourceFile::new(shown, text));
    }
    SourceFile::from_json(shown, text).map_err(|(message, line, column)| {
        Diagnostic::error("parse-error", message).at(Location::at(
            shown,
            line as u32,
            column as u32,
        ))
    })
}

/// Load one configuration file given as text (`file` names it; `.tf.json` for the
/// JSON syntax) as a root module of its own: what the fuzz targets drive.
pub fn load_text(
    file: &str,
    text: String,
    opts: &TerraformOptions,
    redactor: &Redactor,
) -> LoadedModule {
    let dir = Path::new(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let root = Call {
        root_shown: crate::source::files::display_path(&dir),
        prefix: String::new(),
        inputs: None,
        depth: 0,
    };
    let mut out = LoadedModule::default();
    let files = match source_file(file, text) {
        Ok(f) => vec![f],
        Err(d) => {
            out.diagnostics.push(d);
            Vec::new()
        }
    };
    let mut out = load_files(&dir, files, out, opts, redactor, &root);
    finish(&mut out);
    out
}

/// Evaluate the module in `dir` made of `files` (read already; `out` holds the
/// problems reading them).
fn load_files(
    dir: &Path,
    files: Vec<SourceFile>,
    mut out: LoadedModule,
    opts: &TerraformOptions,
    redactor: &Redactor,
    call: &Call,
) -> LoadedModule {
    let dir_shown = crate::source::files::display_path(dir);
    out.files_read = files.len();
    let mut bodies: Vec<Option<Body>> = Vec::new();
    for f in &files {
        match parse(f) {
            Ok(b) => bodies.push(Some(b)),
            Err(d) => {
                out.diagnostics.push(d);
                bodies.push(None);
            }
        }
    }
    let mut module = Module::new(dir.to_path_buf(), dir_shown, &files, opts.max_file_size);
    module.root_shown = call.root_shown.clone();
    module.prefix = call.prefix.clone();
    let mut defaults: Vec<(String, &Expression, usize)> = Vec::new();
    let mut calls: Vec<(&str, &Block, usize)> = Vec::new();
    let mut outputs: Vec<(&str, &Block, usize)> = Vec::new();
    let mut resources: Vec<(&Block, usize)> = Vec::new();
    for (fi, body) in bodies.iter().enumerate() {
        let Some(body) = body else { continue };
        for b in body.blocks() {
            match (b.ident.value().as_str(), label(b, 0), label(b, 1)) {
                ("variable", Some(name), _) => {
                    if let Some(d) = b.body.get_attribute("default") {
                        defaults.push((name.to_string(), &d.value, fi));
                    }
                }
                ("locals", _, _) => {
                    for a in b.body.attributes() {
                        module.locals.insert(
                            a.key.value().as_str().to_string(),
                            Defined {
                                expr: &a.value,
                                file: fi,
                            },
                        );
                    }
                }
                ("resource", Some(t), Some(n)) => {
                    let counted = b.body.has_attribute("count") || b.body.has_attribute("for_each");
                    module
                        .resources
                        .insert(format!("{t}.{n}"), (b, fi, counted));
                    resources.push((b, fi));
                }
                ("module", Some(name), _) => calls.push((name, b, fi)),
                ("output", Some(name), _) => outputs.push((name, b, fi)),
                ("data", Some("aws_iam_policy_document"), Some(name)) => {
                    module.policy_documents.insert(name.to_string(), (b, fi));
                }
                ("data", Some("template_file"), Some(name)) => {
                    let get = |k: &str| {
                        b.body.get_attribute(k).map(|a| Defined {
                            expr: &a.value,
                            file: fi,
                        })
                    };
                    module
                        .template_files
                        .insert(name.to_string(), (get("template"), get("vars")));
                }
                _ => {}
            }
        }
    }
    out.resources = resources.len();
    for (name, expr, fi) in defaults {
        let v = Scope::new(&module, fi).eval(expr);
        module.vars.insert(name, v);
    }
    // tfvars and --var set the root module's variables; a child gets what its caller
    // passes.
    if call.inputs.is_none() {
        for (name, v) in tfvars(dir, opts, &mut out.diagnostics) {
            module.vars.insert(name, v);
        }
    }
    match &call.inputs {
        None => {
            for (name, value) in &opts.vars {
                module
                    .vars
                    .insert(name.clone(), Spanned::new(var_value(value), None));
            }
        }
        Some(inputs) => {
            for (name, value) in inputs {
                module.vars.insert(name.clone(), value.clone());
            }
        }
    }
    // Called modules first: resources may use their outputs.
    let mut children = LoadedModule::default();
    for (name, block, fi) in in_dependency_order(calls, &files) {
        let outputs = follow_module(
            &module,
            name,
            block,
            fi,
            opts,
            redactor,
            call,
            &mut children,
        );
        if let Some(o) = outputs {
            module.module_outputs.insert(name.to_string(), o);
            module.forget_locals();
        }
    }
    let mut built: Vec<Built> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (block, fi) in resources {
        let (Some(rtype), Some(name)) = (label(block, 0), label(block, 1)) else {
            continue;
        };
        if !SUPPORTED.contains(&rtype) {
            continue;
        }
        for (local, scope) in instances(&module, block, fi, rtype, name) {
            let mut id = module.node_id(&local);
            let address = format!("{}{local}", module.prefix);
            if !seen.insert(id.clone()) {
                // Terraform rejects a module declaring one address twice; both are
                // scanned (a folder of unrelated examples is often laid out so).
                let file = &files[fi].path;
                let origin = scope.source().origin(block.span());
                let mut d = Diagnostic::warning(
                    "duplicate-address",
                    format!("{address} is declared more than once in the module; this one is scanned as {address}@{file}"),
                );
                if let Some(o) = origin {
                    d = d.at(o.location());
                }
                out.diagnostics.push(d);
                id = format!("{id}@{file}");
            }
            let props = if rtype == "aws_ecs_task_definition" {
                task_definition_props(&module, &scope, block)
            } else {
                body_value(&scope, &block.body, scope.source().origin(block.span()))
            };
            built.push(Built {
                rtype: rtype.to_string(),
                address,
                id,
                file: fi,
                props,
                provider: provider_key(block),
            });
        }
    }
    let (mut nodes, edges) = assemble(&module, built, redactor);
    out.edges.extend(edges);
    let mut blocks: Vec<(usize, u32, u32)> = Vec::new();
    for (fi, body) in bodies.iter().enumerate() {
        for blk in body.iter().flat_map(|b| b.blocks()) {
            if let Some(o) = files[fi].origin(blk.span()) {
                blocks.push((fi, o.line, o.end_line));
            }
        }
    }
    for (fi, f) in files.iter().enumerate() {
        let spans: Vec<(u32, u32)> = blocks
            .iter()
            .filter(|b| b.0 == fi)
            .map(|b| (b.1, b.2))
            .collect();
        let (ignores, problems) = if f.json.is_some() {
            json_ignore_comments(f)
        } else {
            ignore_comments(f, &spans)
        };
        out.diagnostics.extend(problems);
        if ignores.is_empty() {
            continue;
        }
        for n in nodes.iter_mut() {
            let NodeSource::Iac { file, .. } = &n.source else {
                continue;
            };
            if *file != *f.path {
                continue;
            }
            crate::source::iac::nodes::set_ignores(n, &ignores);
        }
    }
    out.nodes = nodes;
    out.nodes.extend(children.nodes);
    out.edges.extend(children.edges);
    out.diagnostics.extend(children.diagnostics);
    out.files_read += children.files_read;
    out.resources += children.resources;
    for (name, block, fi) in outputs {
        if let Some(a) = block.body.get_attribute("value") {
            let v = Scope::new(&module, fi).eval(&a.value);
            out.outputs.push((name.to_string(), v));
        }
    }
    for (message, origin) in module.problems.borrow().iter() {
        let mut d = Diagnostic::warning("terraform", message.clone());
        if let Some(o) = origin {
            d = d.at(o.location());
        }
        out.diagnostics.push(d);
    }
    out
}

/// Module calls ordered so that a call passing another's outputs
/// (`module.vpc.subnets`) comes after it (a cycle keeps the written order).
fn in_dependency_order<'b>(
    mut calls: Vec<(&'b str, &'b Block, usize)>,
    files: &[SourceFile],
) -> Vec<(&'b str, &'b Block, usize)> {
    let mut out = Vec::with_capacity(calls.len());
    while !calls.is_empty() {
        let uses = |i: usize, other: &str| {
            let (_, block, fi) = calls[i];
            files[fi]
                .slice(block.span())
                .contains(&format!("module.{other}"))
        };
        let ready = (0..calls.len())
            .find(|&i| {
                !calls
                    .iter()
                    .any(|(other, ..)| uses(i, other) && *other != calls[i].0)
            })
            .unwrap_or(0);
        out.push(calls.remove(ready));
    }
    out
}

/// Load the module a `module` block calls (each instance, for `count` / `for_each`),
/// with the values it passes, into `out`: a local `source`, or a remote one
/// `terraform init` fetched (`.terraform/modules`). Anything else is reported as not
/// followed. Returns the call's outputs (`None` when they are not known).
#[allow(clippy::too_many_arguments)]
fn follow_module(
    module: &Module,
    name: &str,
    block: &Block,
    fi: usize,
    opts: &TerraformOptions,
    redactor: &Redactor,
    call: &Call,
    out: &mut LoadedModule,
) -> Option<Spanned> {
    let scope = Scope::new(module, fi);
    let origin = scope.source().origin(block.span());
    let skip = |out: &mut LoadedModule, why: String| {
        let mut d = Diagnostic::skipped("module-not-followed", why);
        if let Some(o) = &origin {
            d = d.at(o.location());
        }
        out.diagnostics.push(d);
        None
    };
    let source = block
        .body
        .get_attribute("source")
        .map(|a| scope.eval(&a.value))
        .and_then(|v| v.as_str().map(str::to_string));
    let Some(source) = source else {
        return skip(
            out,
            format!("module \"{name}\" has no literal `source`; not followed"),
        );
    };
    let dir = if source.starts_with("./") || source.starts_with("../") {
        Some(joined(&module.dir, &source))
    } else {
        fetched_module(&module.dir, &call.prefix, name)
    };
    let Some(dir) = dir.filter(|d| d.is_dir()) else {
        return skip(
            out,
            format!("module \"{name}\" (source {source:?}) is not followed: a remote module is read only once `terraform init` has put it under .terraform/modules"),
        );
    };
    if call.depth >= MAX_MODULE_DEPTH {
        return skip(
            out,
            format!("module \"{name}\" is nested too deeply; not followed"),
        );
    }
    let reserved = [
        "source",
        "version",
        "count",
        "for_each",
        "providers",
        "depends_on",
    ];
    let base = format!("module.{name}");
    // Each instance's outputs, by its key: none (no count / for_each, or an unknown
    // one), an index, or a for_each key.
    let mut instance_outputs: Vec<(Option<serde_json::Value>, Spanned)> = Vec::new();
    for (local, scope) in instances(module, block, fi, "module", name) {
        let inputs: Vec<(String, Spanned)> = block
            .body
            .attributes()
            .filter(|a| !reserved.contains(&a.key.value().as_str()))
            .map(|a| (a.key.value().as_str().to_string(), scope.eval(&a.value)))
            .collect();
        let child = Call {
            root_shown: call.root_shown.clone(),
            prefix: format!("{}{local}.", call.prefix),
            inputs: Some(inputs),
            depth: call.depth + 1,
        };
        let loaded = load_dir(&dir, opts, redactor, &child);
        out.nodes.extend(loaded.nodes);
        out.diagnostics.extend(loaded.diagnostics);
        out.files_read += loaded.files_read;
        out.resources += loaded.resources;
        let key = local
            .strip_prefix(&base)
            .and_then(|k| k.strip_prefix('[')?.strip_suffix(']'))
            .and_then(|k| serde_json::from_str(k).ok());
        let outputs = Val::Object {
            entries: loaded.outputs,
            open: false,
        };
        instance_outputs.push((key, Spanned::new(outputs, None)));
    }
    let counted = block.body.has_attribute("count");
    if !counted && !block.body.has_attribute("for_each") {
        return instance_outputs.pop().map(|(_, v)| v);
    }
    // An unknown count or for_each: which instances exist is not known.
    if instance_outputs.iter().any(|(k, _)| k.is_none()) {
        return None;
    }
    let val = if counted {
        Val::List(instance_outputs.into_iter().map(|(_, v)| v).collect())
    } else {
        let entries = instance_outputs
            .into_iter()
            .filter_map(|(k, v)| Some((k?.as_str()?.to_string(), v)))
            .collect();
        Val::Object {
            entries,
            open: false,
        }
    };
    Some(Spanned::new(val, None))
}

/// `base` joined with relative `rel`, `.` and `..` folded (`infra/./modules/web` ->
/// `infra/modules/web`), so reports name the path as a person would.
fn joined(base: &Path, rel: &str) -> PathBuf {
    use std::path::Component;
    let mut out = base.to_path_buf();
    for c in Path::new(rel).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() || out.as_os_str().is_empty() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The directory `terraform init` fetched module `name` into (its `modules.json`).
fn fetched_module(root: &Path, prefix: &str, name: &str) -> Option<PathBuf> {
    let manifest = root.join(".terraform/modules/modules.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    // Keys name the call path without instance keys: `ecs`, `ecs.sidecar`.
    let mut path = String::new();
    let mut depth = 0;
    for c in prefix.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => path.push(c),
            _ => {}
        }
    }
    let key = format!("{}{name}", path.replace("module.", ""));
    v.get("Modules")?
        .as_array()?
        .iter()
        .find(|m| m.get("Key").and_then(|k| k.as_str()) == Some(key.as_str()))
        .and_then(|m| m.get("Dir")?.as_str())
        .map(|d| root.join(d))
}

/// A `--var` value: HCL when it parses as a literal list, object, number or bool, else
/// the string.
fn var_value(text: &str) -> Val {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        if !v.is_string() {
            return crate::source::iac::json_spanned(text, &"--var".into(), 1, 1)
                .map(|s| s.val)
                .unwrap_or(Val::String(text.to_string()));
        }
    }
    Val::String(text.to_string())
}

/// `terraform.tfvars`, `*.auto.tfvars` (in name order; their `.json` forms after
/// each), then `--var-file` files: the values they set, in the order they apply.
fn tfvars(
    dir: &Path,
    opts: &TerraformOptions,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Spanned)> {
    let mut paths = Vec::new();
    for main in ["terraform.tfvars", "terraform.tfvars.json"] {
        if dir.join(main).is_file() {
            paths.push(dir.join(main));
        }
    }
    paths.extend(tf_files(dir, &[".auto.tfvars"]));
    paths.extend(tf_files(dir, &[".auto.tfvars.json"]));
    paths.extend(opts.var_files.iter().cloned());
    let mut out = Vec::new();
    for p in paths {
        let shown = crate::source::files::display_path(&p);
        let text = match crate::source::files::read_text_limited(&p, opts.max_file_size) {
            Ok(text) => text,
            Err(e) => {
                diags.push(Diagnostic::error("io-error", e).in_file(&shown));
                continue;
            }
        };
        if shown.ends_with(".json") {
            match crate::source::iac::json_spanned(&text, &shown.as_str().into(), 1, 1) {
                Ok(Spanned {
                    val: Val::Object { entries, .. },
                    ..
                }) => out.extend(entries),
                Ok(_) => diags.push(
                    Diagnostic::error(
                        "parse-error",
                        "a .tfvars.json file must hold a JSON object of variable values",
                    )
                    .in_file(&shown),
                ),
                Err(e) => diags.push(Diagnostic::malformed_json(&shown, &e)),
            }
            continue;
        }
        let f = SourceFile::new(&shown, text);
        match parse(&f) {
            Ok(body) => {
                let files = std::slice::from_ref(&f);
                let values =
                    Module::new(dir.to_path_buf(), String::new(), files, opts.max_file_size);
                for a in body.attributes() {
                    let v = Scope::new(&values, 0).eval(&a.value);
                    out.push((a.key.value().as_str().to_string(), v));
                }
            }
            Err(d) => diags.push(d),
        }
    }
    out
}

/// The instances of a resource block: its address and the scope its body is evaluated
/// in (`count.index`, `each.key` / `each.value` bound).
fn instances<'s, 'm>(
    module: &'s Module<'m>,
    block: &Block,
    fi: usize,
    rtype: &str,
    name: &str,
) -> Vec<(String, Scope<'s, 'm>)> {
    let scope = Scope::new(module, fi);
    let base = format!("{rtype}.{name}");
    if let Some(count) = block.body.get_attribute("count") {
        let v = scope.eval(&count.value);
        return match &v.val {
            Val::Number(n) => (0..n.as_u64().unwrap_or(0).min(1000))
                .map(|i| {
                    let index = Spanned::new(
                        Val::Object {
                            entries: vec![(
                                "index".into(),
                                Spanned::new(Val::Number(i.into()), None),
                            )],
                            open: false,
                        },
                        None,
                    );
                    (format!("{base}[{i}]"), scope.with("count", index))
                })
                .collect(),
            _ => {
                let unknown_count = Spanned::new(
                    Val::Object {
                        entries: vec![],
                        open: true,
                    },
                    None,
                );
                vec![(base, scope.with("count", unknown_count))]
            }
        };
    }
    if let Some(each) = block.body.get_attribute("for_each") {
        let v = scope.eval(&each.value);
        if let Some(items) = eval::iterate(&v) {
            return items
                .into_iter()
                .map(|(k, x)| {
                    let key = match &x.val {
                        // for_each over a set: the key is the value.
                        Val::String(s) if matches!(v.val, Val::List(_)) => s.clone(),
                        _ => eval::to_template_string(&k).unwrap_or_default(),
                    };
                    let each = Spanned::new(
                        Val::Object {
                            entries: vec![
                                ("key".into(), Spanned::new(Val::String(key.clone()), None)),
                                ("value".into(), x),
                            ],
                            open: false,
                        },
                        None,
                    );
                    (
                        format!("{base}[{}]", serde_json::Value::from(key)),
                        scope.with("each", each),
                    )
                })
                .collect();
        }
        let unknown_each = Spanned::new(
            Val::Object {
                entries: vec![],
                open: true,
            },
            None,
        );
        return vec![(base, scope.with("each", unknown_each))];
    }
    vec![(base, scope)]
}

/// A block's body as an object: attributes, and nested blocks as lists (`dynamic`
/// blocks expanded).
fn body_value(scope: &Scope, body: &Body, origin: Option<crate::source::iac::Origin>) -> Spanned {
    let mut entries: Vec<(String, Spanned)> = Vec::new();
    let mut open = false;
    let push_block = |entries: &mut Vec<(String, Spanned)>, key: &str, v: Spanned| match entries
        .iter_mut()
        .find(|(k, _)| k == key)
    {
        Some((
            _,
            Spanned {
                val: Val::List(items),
                ..
            },
        )) => items.push(v),
        _ => entries.push((key.to_string(), Spanned::new(Val::List(vec![v]), None))),
    };
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                entries.push((a.key.value().as_str().to_string(), scope.eval(&a.value)))
            }
            Structure::Block(b) if b.ident.value().as_str() == "dynamic" => {
                let Some(name) = label(b, 0) else { continue };
                let iterator = b
                    .body
                    .get_attribute("iterator")
                    .and_then(|a| a.value.as_variable().map(|v| v.as_str().to_string()))
                    .unwrap_or_else(|| name.to_string());
                let Some(content) = b
                    .body
                    .blocks()
                    .find(|c| c.ident.value().as_str() == "content")
                else {
                    continue;
                };
                let coll = b
                    .body
                    .get_attribute("for_each")
                    .map(|a| scope.eval(&a.value))
                    .and_then(|v| eval::iterate(&v));
                match coll {
                    Some(items) => {
                        for (k, v) in items {
                            let it = Spanned::new(
                                Val::Object {
                                    entries: vec![("key".into(), k), ("value".into(), v)],
                                    open: false,
                                },
                                None,
                            );
                            let s = scope.with(&iterator, it);
                            let origin = scope.source().origin(content.span());
                            push_block(&mut entries, name, body_value(&s, &content.body, origin));
                        }
                    }
                    None => open = true,
                }
            }
            Structure::Block(b) => {
                let origin = scope.source().origin(b.span());
                push_block(
                    &mut entries,
                    b.ident.value().as_str(),
                    body_value(scope, &b.body, origin),
                );
            }
        }
    }
    Spanned::new(Val::Object { entries, open }, origin)
}

/// The API object of an `aws_ecs_task_definition` block.
fn task_definition_props(module: &Module, scope: &Scope, block: &Block) -> Spanned {
    let source = scope.source();
    let origin = source.origin(block.span());
    let args = body_value(scope, &block.body, origin.clone());
    let defs = block.body.get_attribute("container_definitions").map(|a| {
        let value = match &a.value {
            // The value jsonencode was given, with its HCL lines.
            Expression::FuncCall(f)
                if f.name.name.value().as_str() == "jsonencode" && f.args.len() == 1 =>
            {
                scope.eval(f.args.iter().next().expect("one argument"))
            }
            other => scope.eval(other),
        };
        let heredoc = match &a.value {
            Expression::HeredocTemplate(h) => source
                .origin(h.template.span())
                .map(|o| (o, h.indent().unwrap_or(0) as u32)),
            _ => None,
        };
        if matches!(value.val, Val::List(_)) {
            value
        } else {
            mapping::container_definitions(module, &value, heredoc)
        }
    });
    let mut props = mapping::task_definition(&args, defs);
    props.origin = origin;
    props
}
