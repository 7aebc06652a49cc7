//! Resource instances (`count`, `for_each`) and the values of their bodies, task
//! definitions' `container_definitions` included.

use super::*;

/// The instances of a resource block: its address and the scope its body is evaluated
/// in (`count.index`, `each.key` / `each.value` bound).
pub(super) fn instances<'s, 'm>(
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
pub(super) fn body_value(
    scope: &Scope,
    body: &Body,
    origin: Option<crate::source::iac::Origin>,
) -> Spanned {
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
pub(super) fn task_definition_props(module: &Module, scope: &Scope, block: &Block) -> Spanned {
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
