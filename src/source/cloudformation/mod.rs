//! CloudFormation templates (YAML or JSON; CDK's `cdk.out/*.template.json` too) as a
//! source: recognised by content, intrinsics evaluated as far as a scan before deploy
//! can ([`eval`]), each supported resource a graph node with the kind, API-named
//! properties and edges of a live audit, a location for every value, and the values
//! that cannot be known before deploy listed as unresolved.

pub mod eval;
pub mod names;
pub mod resources;
mod stacks;
pub mod yaml;

pub use stacks::nested_templates;
use stacks::*;

use crate::diagnostics::{Diagnostic, Location};
use crate::graph::secrets::Redactor;
use crate::graph::Node;
use crate::source::iac::nodes::{node, Declared};
use crate::source::iac::{push_to, Spanned, Val};
use std::collections::HashMap;
use std::sync::Arc;

/// What one template gave.
#[derive(Debug, Default)]
pub struct LoadedTemplate {
    pub nodes: Vec<Node>,
    pub edges: Vec<(String, String, &'static str)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Resources declared (of any type).
    pub resources: usize,
}

impl LoadedTemplate {
    /// Move the nodes and edges into `graph` (call [`crate::graph::Graph::index_links`]
    /// once everything is in); returns the diagnostics.
    pub fn add_to(self, graph: &mut crate::graph::Graph) -> Vec<Diagnostic> {
        crate::source::iac::nodes::add_to(graph, self.nodes, &self.edges);
        self.diagnostics
    }
}

/// Whether a parsed JSON document is a template: it has `AWSTemplateFormatVersion`, or
/// `Resources` whose entries have `Type: AWS::...`.
pub fn is_template_json(doc: &serde_json::Value) -> bool {
    doc.get("AWSTemplateFormatVersion").is_some()
        || doc
            .get("Resources")
            .and_then(|r| r.as_object())
            .is_some_and(|r| {
                r.values().any(|v| {
                    v.get("Type")
                        .and_then(|t| t.as_str())
                        .is_some_and(|t| t.starts_with("AWS::"))
                })
            })
}

/// Whether a spanned document is a template (as [`is_template_json`]).
pub fn is_template(doc: &Spanned) -> bool {
    if doc.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    match doc.get("Resources").map(|r| &r.val) {
        Some(Val::Object { entries, .. }) => entries.iter().any(|(_, v)| {
            v.get("Type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.starts_with("AWS::"))
        }),
        _ => false,
    }
}

/// A YAML file's text read as a template: `Ok(None)` when it is YAML but not a
/// template; problems (a syntax error, a duplicate key) as diagnostics at their line.
pub fn parse_yaml(
    file: &str,
    text: &str,
) -> (Result<Option<Spanned>, Diagnostic>, Vec<Diagnostic>) {
    let shown: Arc<str> = file.into();
    let mut warnings = Vec::new();
    let at = |line: u32, column: u32| Location::at(file, line, column);
    let parsed = yaml::parse(text, &shown, &mut warnings);
    let warnings = warnings
        .into_iter()
        .map(|(m, l, c)| Diagnostic::warning("duplicate-key", m).at(at(l, c)))
        .collect();
    let result = match parsed {
        Ok(doc) => Ok(is_template(&doc).then_some(doc)),
        Err((message, line, column)) => {
            Err(Diagnostic::error("parse-error", message).at(at(line, column)))
        }
    };
    (result, warnings)
}

/// Parameter values given on the command line or in a parameters file, in the order
/// they apply (the last value of a key wins).
pub type Parameters = Vec<(String, String)>;

/// A parameters file: the `aws cloudformation create-stack` form (`[{"ParameterKey":
/// ..., "ParameterValue": ...}]`), the `deploy --parameter-overrides` form
/// (`["Key=Value", ...]`), or CodePipeline's (`{"Parameters": {"Key": "Value"}}`).
pub fn parameters_file(text: &str) -> Result<Parameters, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("malformed JSON: {e}"))?;
    let text_of = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let wrong = || {
        "expected [{\"ParameterKey\", \"ParameterValue\"}], [\"Key=Value\"] or {\"Parameters\": {...}}".to_string()
    };
    match &v {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| match i {
                serde_json::Value::String(s) => s
                    .split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .ok_or_else(wrong),
                other => {
                    let k = other.get("ParameterKey").and_then(|k| k.as_str());
                    let v = other.get("ParameterValue").and_then(text_of);
                    match (k, v) {
                        (Some(k), Some(v)) => Ok((k.to_string(), v)),
                        _ => Err(wrong()),
                    }
                }
            })
            .collect(),
        serde_json::Value::Object(o) => match o.get("Parameters").and_then(|p| p.as_object()) {
            Some(p) => p
                .iter()
                .map(|(k, v)| text_of(v).map(|v| (k.clone(), v)).ok_or_else(wrong))
                .collect(),
            None => Err(wrong()),
        },
        _ => Err(wrong()),
    }
}

/// How templates are read.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    pub parameters: Parameters,
}

/// Read `template` (parsed from `file`, its display path) into nodes and edges.
pub fn load_template(
    file: &str,
    template: &Spanned,
    opts: &TemplateOptions,
    redactor: &Redactor,
) -> LoadedTemplate {
    let mut out = LoadedTemplate::default();
    let given: HashMap<String, Spanned> = opts
        .parameters
        .iter()
        .map(|(k, v)| (k.clone(), Spanned::new(Val::String(v.clone()), None)))
        .collect();
    let root = Stack {
        file,
        ids: format!("cloudformation:{file}#"),
        addresses: String::new(),
        depth: 0,
    };
    load_stack(&root, template, &given, redactor, &mut out);
    let (edges, diagnostics) = crate::source::iac::nodes::finish(&mut out.nodes);
    out.edges = edges;
    out.diagnostics.extend(diagnostics);
    out
}

/// Nested stacks are followed this deep at most.
const MAX_STACK_DEPTH: usize = 8;

/// Where a (nested) stack's template is: its file, and what its resources' node ids and
/// addresses start with (`cloudformation:root.yaml#Web/` for nested stack `Web`).
struct Stack<'a> {
    file: &'a str,
    ids: String,
    addresses: String,
    depth: usize,
}

/// The resources of one stack's `template` into `out`, with parameter values `given`
/// (a nested stack's `Parameters`, or the command line's for the root).
fn load_stack(
    stack: &Stack,
    template: &Spanned,
    given: &HashMap<String, Spanned>,
    redactor: &Redactor,
    out: &mut LoadedTemplate,
) {
    let file = stack.file;
    let mut parameters = HashMap::new();
    if let Some(Val::Object { entries, .. }) = template.get("Parameters").map(|p| &p.val) {
        for (name, decl) in entries {
            let ty = decl
                .get("Type")
                .and_then(|t| t.as_str())
                .unwrap_or("String");
            let value = match (given.get(name.as_str()), decl.get("Default")) {
                (Some(v), _) => Some(v.clone()),
                (None, Some(d)) => Some(d.clone()),
                (None, None) => None,
            };
            let value = value.map_or_else(
                || Spanned::unknown(name, decl.origin.clone()),
                |v| typed(v, ty),
            );
            parameters.insert(name.clone(), value);
        }
    }
    for pseudo in [
        "AWS::Region",
        "AWS::AccountId",
        "AWS::StackName",
        "AWS::Partition",
    ] {
        if let Some(v) = given.get(pseudo) {
            parameters.insert(pseudo.to_string(), v.clone());
        }
    }
    let resources = match template.get("Resources").map(|r| &r.val) {
        Some(Val::Object { entries, .. }) => entries.as_slice(),
        _ => &[],
    };
    out.resources += resources.len();
    let id_of = |logical: &str| format!("{}{logical}", stack.ids);
    let ids = resources
        .iter()
        .map(|(k, _)| (k.clone(), id_of(k)))
        .collect();
    let t = eval::Template::new(
        parameters,
        template.get("Mappings"),
        template.get("Conditions"),
        ids,
    );
    let mut listeners: HashMap<String, String> = HashMap::new();
    let mut evaluated: Vec<(&str, &str, String, Spanned, &Spanned)> = Vec::new();
    for (logical, res) in resources {
        let Some(rtype) = res.get("Type").and_then(|t| t.as_str()) else {
            continue;
        };
        let nested = rtype == "AWS::CloudFormation::Stack";
        if !resources::SUPPORTED.contains(&rtype) && !nested {
            continue;
        }
        if let Some(c) = res.get("Condition").and_then(|c| c.as_str()) {
            if t.condition(c, 0) == Some(false) {
                continue;
            }
        }
        if nested {
            let props = res.get("Properties").and_then(|p| t.eval(p));
            follow_stack(stack, logical, res, props.as_ref(), redactor, out);
            continue;
        }
        let props = res
            .get("Properties")
            .and_then(|p| t.eval(p))
            .unwrap_or_else(|| {
                Spanned::new(
                    Val::Object {
                        entries: vec![],
                        open: false,
                    },
                    res.origin.clone(),
                )
            });
        let id = id_of(logical);
        if rtype == "AWS::ElasticLoadBalancingV2::Listener" {
            if let Some(lb) = props.get("LoadBalancerArn").and_then(|v| v.as_str()) {
                listeners.insert(id.clone(), lb.to_string());
            }
        }
        evaluated.push((logical, rtype, id, props, res));
    }
    // (logical id, node id, kind, API properties, the resource as written)
    let mut built: Vec<(&str, &str, &'static str, Spanned, &Spanned)> = Vec::new();
    let mut folds: Vec<resources::Fold> = Vec::new();
    for (logical, rtype, id, props, res) in &evaluated {
        folds.extend(resources::folds(rtype, props, id, &|l| {
            listeners.get(l).cloned()
        }));
        if let Some((kind, api)) = resources::node(rtype, props, id) {
            built.push((logical, id, kind, api, res));
        }
    }
    for (to, key, entry) in folds {
        if let Some(b) = built.iter_mut().find(|b| b.1 == to) {
            push_to(&mut b.3, key, entry);
        }
    }
    for (logical, id, kind, props, res) in built {
        let address = format!("{}{logical}", stack.addresses);
        let at = Declared {
            tool: "cloudformation",
            id,
            address: &address,
            file,
        };
        let mut n = node(&at, kind, &props, redactor);
        let (ignores, problems) = metadata_ignores(file, res);
        out.diagnostics.extend(problems);
        if !ignores.is_empty() {
            crate::source::iac::nodes::set_ignores(&mut n, &ignores);
        }
        out.nodes.push(n);
    }
    // Each problem once per template (a missing parameter is often used many times).
    let mut seen = std::collections::HashSet::new();
    for (message, origin) in t.problems.into_inner() {
        if !seen.insert(message.clone()) {
            continue;
        }
        let mut d = Diagnostic::warning("cloudformation", message);
        if let Some(o) = origin {
            d = d.at(o.location());
        }
        out.diagnostics.push(d);
    }
}

/// A parameter's value as its `Type` reads it: a number, or a list for list types.
fn typed(v: Spanned, ty: &str) -> Spanned {
    let text = match &v.val {
        Val::String(s) => s.clone(),
        _ => return v,
    };
    if ty == "Number" {
        if let Ok(n) = text.trim().parse::<i64>() {
            return Spanned::new(Val::Number(n.into()), v.origin);
        }
    }
    if ty == "CommaDelimitedList" || ty.starts_with("List<") {
        let items = text
            .split(',')
            .map(|p| Spanned::new(Val::String(p.trim().to_string()), v.origin.clone()))
            .collect();
        return Spanned::new(Val::List(items), v.origin);
    }
    v
}

/// `Metadata: {ecsaudit: {ignore: [{rule: EA501, reason: ...}]}}` of a resource: it
/// covers findings in the resource's lines. An entry without a reason is reported.
fn metadata_ignores(file: &str, res: &Spanned) -> (Vec<serde_json::Value>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let Some(Val::List(entries)) = res
        .get("Metadata")
        .and_then(|m| m.get("ecsaudit"))
        .and_then(|e| e.get("ignore"))
        .map(|i| &i.val)
    else {
        return (out, problems);
    };
    let Some(o) = &res.origin else {
        return (out, problems);
    };
    for e in entries {
        let rules: Vec<String> = match e.get("rule").or_else(|| e.get("rules")).map(|r| &r.val) {
            Some(Val::String(s)) => s
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            Some(Val::List(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        let reason = e
            .get("reason")
            .and_then(|r| r.as_str())
            .map(str::trim)
            .unwrap_or("");
        if rules.is_empty() || reason.is_empty() {
            let mut d = Diagnostic::warning(
                "ignore-without-reason",
                "an ecsaudit ignore in Metadata needs `rule` and `reason`; this one is not honoured",
            );
            if let Some(eo) = &e.origin {
                d = d.at(eo.location());
            }
            problems.push(d);
            continue;
        }
        out.push(serde_json::json!({
            "rules": rules, "reason": reason, "file": file,
            "from_line": o.line, "to_line": o.end_line, "line": e.origin.as_ref().map_or(o.line, |x| x.line),
        }));
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_files_in_three_forms() {
        let want = vec![("Image".to_string(), "app:1".to_string())];
        assert_eq!(
            parameters_file(r#"[{"ParameterKey": "Image", "ParameterValue": "app:1"}]"#).unwrap(),
            want
        );
        assert_eq!(parameters_file(r#"["Image=app:1"]"#).unwrap(), want);
        assert_eq!(
            parameters_file(r#"{"Parameters": {"Image": "app:1"}}"#).unwrap(),
            want
        );
        assert!(parameters_file(r#"{"Image": "app:1"}"#).is_err());
        assert!(parameters_file("[").is_err());
    }
}
