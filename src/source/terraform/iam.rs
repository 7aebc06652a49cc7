//! IAM in Terraform: `data "aws_iam_policy_document"` rendered as the JSON document
//! AWS stores, and policy arguments (JSON strings) decoded with their lines.

use super::eval::{Module, Scope};
use super::resources::{obj, string};
use crate::source::iac::{json_spanned, Spanned, Val};
use hcl_edit::expr::Expression;
use hcl_edit::structure::Block;

/// `data.aws_iam_policy_document.NAME.json`: the document its `statement` blocks make.
pub fn policy_document(scope: &Scope, name: &str, whole: &Expression, d: usize) -> Spanned {
    let Some(&(block, file)) = scope.module.policy_documents.get(name) else {
        return scope.unknown(whole);
    };
    let s = Scope::new(scope.module, file);
    let doc = document(&s, block, d);
    let text = super::eval::plain(&doc).to_string();
    scope.module.remember_json(&text, doc);
    Spanned::new(Val::String(text), scope.origin_of(whole))
}

fn document(scope: &Scope, block: &Block, d: usize) -> Spanned {
    let mut statements = Vec::new();
    for st in block
        .body
        .blocks()
        .filter(|b| b.ident.value().as_str() == "statement")
    {
        let origin = scope.source().origin(hcl_edit::Span::span(st));
        let attr = |k: &str| st.body.get_attribute(k).map(|a| scope.eval_at(&a.value, d));
        let mut entries: Vec<(&str, Spanned)> = Vec::new();
        if let Some(sid) = attr("sid") {
            entries.push(("Sid", sid));
        }
        entries.push(("Effect", attr("effect").unwrap_or_else(|| string("Allow"))));
        for (tf, aws) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(v) = attr(tf) {
                entries.push((aws, v));
            }
        }
        for (tf, aws) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let blocks: Vec<_> = st
                .body
                .blocks()
                .filter(|b| b.ident.value().as_str() == tf)
                .collect();
            if blocks.is_empty() {
                continue;
            }
            let mut by_type: Vec<(String, Spanned)> = Vec::new();
            for p in blocks {
                let typ = p
                    .body
                    .get_attribute("type")
                    .map(|a| scope.eval_at(&a.value, d));
                let ids = p
                    .body
                    .get_attribute("identifiers")
                    .map(|a| scope.eval_at(&a.value, d));
                match (
                    typ.as_ref().and_then(|t| t.as_str().map(str::to_string)),
                    ids,
                ) {
                    (Some(t), Some(ids)) => by_type.push((t, ids)),
                    _ => by_type.push((
                        "?".into(),
                        scope.unknown(
                            &p.body
                                .get_attribute("type")
                                .map(|a| a.value.clone())
                                .unwrap_or_else(Expression::null),
                        ),
                    )),
                }
            }
            entries.push((
                aws,
                Spanned::new(
                    Val::Object {
                        entries: by_type,
                        open: false,
                    },
                    None,
                ),
            ));
        }
        let conditions: Vec<_> = st
            .body
            .blocks()
            .filter(|b| b.ident.value().as_str() == "condition")
            .collect();
        if !conditions.is_empty() {
            let mut by_test: Vec<(String, Spanned)> = Vec::new();
            for c in conditions {
                let get = |k: &str| c.body.get_attribute(k).map(|a| scope.eval_at(&a.value, d));
                let (Some(test), Some(var), Some(values)) =
                    (get("test"), get("variable"), get("values"))
                else {
                    continue;
                };
                let (Some(test), Some(var)) = (
                    test.as_str().map(str::to_string),
                    var.as_str().map(str::to_string),
                ) else {
                    continue;
                };
                match by_test.iter_mut().find(|(t, _)| *t == test) {
                    Some((
                        _,
                        Spanned {
                            val: Val::Object { entries, .. },
                            ..
                        },
                    )) => entries.push((var, values)),
                    _ => by_test.push((test, obj(vec![(var.as_str(), values)]))),
                }
            }
            entries.push((
                "Condition",
                Spanned::new(
                    Val::Object {
                        entries: by_test,
                        open: false,
                    },
                    None,
                ),
            ));
        }
        let mut s = obj(entries);
        s.origin = origin;
        statements.push(s);
    }
    obj(vec![
        ("Version", string("2012-10-17")),
        ("Statement", Spanned::new(Val::List(statements), None)),
    ])
}

/// A policy argument (`assume_role_policy`, `policy`): the JSON document it holds, with
/// its lines when `jsonencode` or a policy document made it.
pub fn decode_policy(module: &Module, v: &Spanned) -> Spanned {
    let text = match &v.val {
        Val::String(s) => s.clone(),
        Val::Unknown { shown } => match module.recall_json(shown) {
            Some(doc) => return doc,
            None => return v.clone(),
        },
        _ => return v.clone(),
    };
    if let Some(doc) = module.recall_json(&text) {
        return doc;
    }
    match json_spanned(&text, &"?".into(), 1, 1) {
        Ok(mut doc) => {
            crate::source::iac::set_origins(&mut doc, v.origin.as_ref());
            doc
        }
        Err(_) => v.clone(),
    }
}
