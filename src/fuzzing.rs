//! Entry points of the fuzz targets (`fuzz/fuzz_targets/`), one per loader. Each takes
//! arbitrary bytes and must return — no panic, no hang, bounded memory — whatever they
//! hold; problems are diagnostics. `tests/fuzz_corpus.rs` replays the seed corpora and
//! every crash found through the same functions on stable Rust.

use crate::graph::secrets::Redactor;
use crate::source::terraform::{self, TerraformOptions};

/// Inputs larger than this are cut (the loaders' own limits are far above; this keeps
/// each execution fast).
const MAX_INPUT: usize = 1 << 20;

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(&data[..data.len().min(MAX_INPUT)]).ok()
}

/// A task-definition JSON file: decoding, parsing, the shape check and validation, the
/// graph node with its derived facts, and the pointer index of every diagnostic.
pub fn task_definition_file(data: &[u8]) {
    let data = data[..data.len().min(MAX_INPUT)].to_vec();
    let loaded = crate::source::files::load_bytes("fuzz.json".into(), data, true);
    if let Some((_, text)) = &loaded.text {
        let index = crate::json_index::JsonIndex::build(text);
        for td in &loaded.task_definitions {
            let _ = index.locate(&td.pointer);
        }
        for d in &loaded.diagnostics {
            if let Some(p) = d.location.as_ref().and_then(|l| l.pointer.as_deref()) {
                let _ = index.locate(p);
            }
        }
    }
    let redactor = Redactor::default();
    for td in loaded.task_definitions {
        let _ = crate::graph::task_definition_node(td, &redactor);
    }
}

/// The `.ecsaudit.toml` config file.
pub fn config(data: &[u8]) {
    if let Some(t) = text(data) {
        if let Ok(c) = crate::config::Config::parse(t, "fuzz.toml") {
            let _ = c.redactor();
        }
    }
}

/// A `--baseline` report (SARIF or JSON).
pub fn baseline(data: &[u8]) {
    if let Some(t) = text(data) {
        let _ = crate::baseline::fingerprints(t);
    }
}

/// A saved graph document (`scan --graph`, `eval --graph`).
pub fn graph(data: &[u8]) {
    if let Some(t) = text(data) {
        if let Ok(g) = crate::graph::Graph::from_json(t, &Redactor::default()) {
            let _ = serde_json::to_string(&g);
        }
    }
}

fn terraform_file(file: &str, data: &[u8]) {
    if let Some(t) = text(data) {
        let opts = TerraformOptions {
            max_file_size: MAX_INPUT as u64,
            ..TerraformOptions::default()
        };
        let loaded = terraform::load_text(file, t.to_string(), &opts, &Redactor::default());
        let mut graph = crate::graph::Graph::new(Vec::new());
        loaded.add_to(&mut graph);
        graph.index_links();
    }
}

/// A `.tf` file (HCL), evaluated as a module.
pub fn terraform_hcl(data: &[u8]) {
    terraform_file("fuzz/main.tf", data);
}

/// A `.tf.json` file (Terraform's JSON syntax), evaluated as a module.
pub fn terraform_json(data: &[u8]) {
    terraform_file("fuzz/main.tf.json", data);
}

/// `terraform show -json` output (a plan or a state).
pub fn terraform_plan(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(t) else {
        return;
    };
    if terraform::plan::is_plan(&doc) {
        let loaded = terraform::plan::load_plan("fuzz.json", t, &doc, &Redactor::default());
        let mut graph = crate::graph::Graph::new(Vec::new());
        loaded.add_to(&mut graph);
        graph.index_links();
    }
}

fn template(file: &str, doc: &crate::source::iac::Spanned) {
    use crate::source::cloudformation as cfn;
    if cfn::is_template(doc) {
        let loaded = cfn::load_template(
            file,
            doc,
            &cfn::TemplateOptions::default(),
            &Redactor::default(),
        );
        let mut graph = crate::graph::Graph::new(Vec::new());
        loaded.add_to(&mut graph);
        graph.index_links();
    }
}

/// A CloudFormation template in YAML: the YAML reader (tags, anchors, aliases) and
/// the evaluation of its intrinsics.
pub fn cloudformation_yaml(data: &[u8]) {
    if let Some(t) = text(data) {
        let (parsed, _) = crate::source::cloudformation::parse_yaml("fuzz.yaml", t);
        if let Ok(Some(doc)) = parsed {
            template("fuzz.yaml", &doc);
        }
    }
}

/// A CloudFormation template in JSON.
pub fn cloudformation_json(data: &[u8]) {
    if let Some(t) = text(data) {
        if let Ok(doc) = crate::source::iac::json_spanned(t, &"fuzz.json".into(), 1, 1) {
            template("fuzz.json", &doc);
        }
    }
}

/// A fuzz target: arbitrary bytes in, nothing out.
pub type Target = fn(&[u8]);

/// Every target, by name (the fuzz crate's binaries and the corpus replay use these).
pub const TARGETS: &[(&str, Target)] = &[
    ("task_definition_file", task_definition_file),
    ("config", config),
    ("baseline", baseline),
    ("graph", graph),
    ("terraform_hcl", terraform_hcl),
    ("terraform_json", terraform_json),
    ("terraform_plan", terraform_plan),
    ("cloudformation_yaml", cloudformation_yaml),
    ("cloudformation_json", cloudformation_json),
];
