//! Terraform modules as a source: a directory of `.tf` files is one module (its files
//! merged, as Terraform does). Variables (defaults, `terraform.tfvars`, `*.auto.tfvars`,
//! `--var-file`, `--var`), locals and expressions are evaluated; each resource instance
//! of a supported type becomes a graph node with the same kind and API-named properties
//! as the live collector's, a location for every value and the list of values that
//! cannot be known before deploy.

mod comments;
mod discover;
pub mod eval;
pub mod functions;
pub mod iam;
mod json_syntax;
pub mod mapping;
mod modules;
mod nodes;
pub mod plan;
mod values;
mod variables;

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

use discover::*;
pub use discover::{discover, is_configuration};
pub use modules::called_modules;
use modules::*;
use values::*;
use variables::*;

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
