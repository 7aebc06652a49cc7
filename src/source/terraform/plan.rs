//! `terraform show -json` output (a plan's `planned_values`, or a state's `values`):
//! resources with the values Terraform computed, read into the same nodes as `.tf`
//! modules. Findings point at the lines of the JSON file. A value the plan leaves
//! unknown (an attribute known after apply) that the configuration writes as a
//! reference to another resource (`task_role_arn = aws_iam_role.exec.arn`) becomes that
//! resource's node id, so relations hold as in a module.

use super::eval::{Module, SourceFile};
use super::nodes::{assemble, Built, SUPPORTED};
use super::{finish, LoadedModule};
use crate::graph::secrets::Redactor;
use crate::source::iac::{json_spanned, Spanned, Val};
use serde_json::Value;
use std::path::Path;

/// `doc` is Terraform's JSON output of a plan or a state.
pub fn is_plan(doc: &Value) -> bool {
    doc.get("format_version").is_some()
        && (doc.get("planned_values").is_some() || doc.get("values").is_some())
}

/// The nodes of plan (or state) `doc`, read from `text` of `file` (display path).
pub fn load_plan(file: &str, text: &str, doc: &Value, redactor: &Redactor) -> LoadedModule {
    let files = [SourceFile::new(file, String::new())];
    let dir = Path::new(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let module = Module::new(dir, file.to_string(), &files, 0);
    let Ok(spanned) = json_spanned(text, &file.into(), 1, 1) else {
        return LoadedModule::default();
    };
    let (root_ptr, root) = match (doc.get("planned_values"), doc.get("values")) {
        (Some(p), _) => ("/planned_values/root_module", p.get("root_module")),
        (None, Some(v)) => ("/values/root_module", v.get("root_module")),
        _ => return LoadedModule::default(),
    };
    let mut resources: Vec<(String, String, String)> = Vec::new(); // (pointer, type, address)
    if let Some(root) = root {
        collect(root, root_ptr, &mut resources);
    }
    let config = doc.pointer("/configuration/root_module");
    let seen = resources.len();
    let mut built = Vec::new();
    for (pointer, rtype, address) in resources {
        if !SUPPORTED.contains(&rtype.as_str()) {
            continue;
        }
        let Some(values) = at(&spanned, &format!("{pointer}/values")) else {
            continue;
        };
        let mut args = values.clone();
        let configured = config.and_then(|c| configured(c, &address));
        if let Some(exprs) = configured.and_then(|r| r.get("expressions")) {
            fill_references(&mut args, exprs, &module);
        }
        // `provider_config_key` is `aws.west`, or `child:aws` in older plans.
        let provider = configured
            .and_then(|r| r.get("provider_config_key"))
            .and_then(Value::as_str)
            .map_or("aws", |k| k.rsplit(':').next().unwrap_or(k))
            .to_string();
        let props = if rtype == "aws_ecs_task_definition" {
            let defs = args
                .get("container_definitions")
                .map(|v| super::mapping::container_definitions(&module, v, None));
            let mut p = super::mapping::task_definition(&args, defs);
            p.origin = args.origin.clone();
            p
        } else {
            args
        };
        built.push(Built {
            rtype,
            id: module.node_id(&address),
            address,
            file: 0,
            props,
            provider,
        });
    }
    let (nodes, edges) = assemble(&module, built, redactor);
    let mut out = LoadedModule {
        nodes,
        edges,
        files_read: 1,
        resources: seen,
        ..LoadedModule::default()
    };
    // Nodes point into the plan file (assemble named the module's file, which is it).
    finish(&mut out);
    out
}

/// Resources of a module in the plan, and of its child modules: (pointer, type,
/// address).
fn collect(module: &Value, pointer: &str, out: &mut Vec<(String, String, String)>) {
    for (i, r) in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if r.get("mode").and_then(Value::as_str) == Some("data") {
            continue;
        }
        let (Some(t), Some(a)) = (
            r.get("type").and_then(Value::as_str),
            r.get("address").and_then(Value::as_str),
        ) else {
            continue;
        };
        out.push((
            format!("{pointer}/resources/{i}"),
            t.to_string(),
            a.to_string(),
        ));
    }
    for (i, c) in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        collect(c, &format!("{pointer}/child_modules/{i}"), out);
    }
}

/// The value at JSON `pointer` of a spanned document.
fn at<'a>(v: &'a Spanned, pointer: &str) -> Option<&'a Spanned> {
    let mut cur = v;
    for tok in pointer.split('/').skip(1) {
        let tok = crate::json_index::unescape_token(tok);
        cur = match &cur.val {
            Val::Object { .. } => cur.get(&tok)?,
            Val::List(items) => items.get(tok.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The configuration entry of the resource at `address` (`module.a.type.name`,
/// instance keys dropped).
fn configured<'a>(root: &'a Value, address: &str) -> Option<&'a Value> {
    let mut module = root;
    let mut rest = address;
    while let Some(r) = rest.strip_prefix("module.") {
        let (name, tail) = r.split_once('.')?;
        let name = name.split('[').next()?;
        module = module.get("module_calls")?.get(name)?.get("module")?;
        rest = tail;
    }
    let base = rest.split('[').next()?;
    module
        .get("resources")?
        .as_array()?
        .iter()
        .find(|r| r.get("address").and_then(Value::as_str) == Some(base))
}

/// Where the plan has no value (known after apply) and the configuration references a
/// resource, the value is that resource's node id.
fn fill_references(args: &mut Spanned, exprs: &Value, module: &Module) {
    let Some(exprs) = exprs.as_object() else {
        return;
    };
    let Val::Object { entries, .. } = &mut args.val else {
        return;
    };
    for (key, e) in exprs {
        let existing = entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v);
        match e {
            // A nested block: a list of expression objects.
            Value::Array(blocks) => {
                if let Some(Spanned {
                    val: Val::List(items),
                    ..
                }) = existing
                {
                    for (item, be) in items.iter_mut().zip(blocks) {
                        fill_references(item, be, module);
                    }
                }
            }
            Value::Object(o) => {
                let missing = existing.as_ref().is_none_or(|v| matches!(v.val, Val::Null));
                let Some(refs) = o.get("references").and_then(Value::as_array) else {
                    continue;
                };
                if !missing {
                    continue;
                }
                let ids: Vec<Spanned> = refs
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(|r| resource_of(r).map(|a| module.node_id(&a)))
                    .map(|id| Spanned::new(Val::String(id), None))
                    .collect::<Vec<_>>();
                let Some(first) = ids.first().cloned() else {
                    continue;
                };
                // `security_groups = [aws_security_group.x.id]` is a list.
                let list = ["security_groups", "subnets", "managed_policy_arns"];
                let value = if list.contains(&key.as_str()) || key.ends_with("_ids") {
                    Spanned::new(Val::List(dedup(ids)), None)
                } else {
                    first
                };
                match existing {
                    Some(v) => *v = value,
                    None => entries.push((key.clone(), value)),
                }
            }
            _ => {}
        }
    }
}

fn dedup(ids: Vec<Spanned>) -> Vec<Spanned> {
    let mut out: Vec<Spanned> = Vec::new();
    for i in ids {
        if !out.iter().any(|o| o.as_str() == i.as_str()) {
            out.push(i);
        }
    }
    out
}

/// `aws_iam_role.exec` of a reference `aws_iam_role.exec.arn` (`var.`, `local.`,
/// `data.` and `module.` references name no resource).
fn resource_of(reference: &str) -> Option<String> {
    let mut parts = reference.split('.');
    let (t, n) = (parts.next()?, parts.next()?);
    if ["var", "local", "data", "module", "path", "each", "count"].contains(&t)
        || !t.starts_with("aws_")
    {
        return None;
    }
    parts.next()?; // an attribute, not the resource itself
    Some(format!("{t}.{}", n.split('[').next()?))
}
