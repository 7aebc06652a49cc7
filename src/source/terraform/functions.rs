//! The Terraform functions ECS configurations use. A call with an unknown argument that
//! its result depends on is unknown; a function not listed here is unknown and reported.

use super::eval::{float, iterate, plain, to_template_string, Scope};
use crate::source::iac::{json_spanned, Spanned, Val};
use hcl_edit::expr::Expression;
use serde_json::Value;

/// Call `name` on `args` (unevaluated: `try` and `can` need them so).
pub fn call(
    scope: &Scope,
    name: &str,
    args: &[&Expression],
    whole: &Expression,
    d: usize,
) -> Spanned {
    let origin = scope.origin_of(whole);
    let unknown = || scope.unknown(whole);
    match name {
        // The first argument, when it is known (an unknown one might have succeeded).
        "try" => {
            return match args.first().map(|a| scope.eval_at(a, d)) {
                Some(v) if !v.is_unknown() => v,
                _ => unknown(),
            }
        }
        "can" => return unknown(),
        _ => {}
    }
    let vals: Vec<Spanned> = args.iter().map(|a| scope.eval_at(a, d)).collect();
    let known_all = vals.iter().all(|v| !v.is_unknown());
    let s = |i: usize| vals.get(i).and_then(to_template_string);
    let string = |v: String| Spanned::new(Val::String(v), origin.clone());
    let result: Option<Spanned> = match name {
        "jsonencode" => vals.first().map(|v| {
            let text = plain(v).to_string();
            scope.module.remember_json(&text, v.clone());
            if known_all && !contains_unknown(v) {
                string(text)
            } else {
                Spanned::new(Val::Unknown { shown: text }, origin.clone())
            }
        }),
        "jsondecode" => s(0).and_then(|t| {
            scope.module.recall_json(&t).or_else(|| {
                json_spanned(&t, &scope.source().path, 1, 1)
                    .ok()
                    .map(|mut v| {
                        strip_origins(&mut v);
                        v.origin = origin.clone();
                        v
                    })
            })
        }),
        "file" => s(0)
            .and_then(|p| scope.module.read_file(&p, origin.clone()))
            .map(string),
        "templatefile" => match (s(0), vals.get(1)) {
            (Some(p), Some(vars)) if !vars.is_unknown() => {
                templatefile(scope, &p, vars, origin.clone(), d)
            }
            _ => None,
        },
        // Later arguments win; with an unknown argument the known entries stay and the
        // object may hold more (it is open).
        "merge" => {
            let mut entries: Vec<(String, Spanned)> = Vec::new();
            let mut open = !known_all;
            for v in &vals {
                match &v.val {
                    Val::Object {
                        entries: e,
                        open: o,
                    } => {
                        open |= *o;
                        for (k, x) in e {
                            entries.retain(|(ek, _)| ek != k);
                            entries.push((k.clone(), x.clone()));
                        }
                    }
                    Val::Null => {}
                    _ if known_all => return unknown(),
                    _ => {}
                }
            }
            Some(Spanned::new(Val::Object { entries, open }, origin.clone()))
        }
        "concat" if known_all => {
            let mut out = Vec::new();
            for v in &vals {
                match &v.val {
                    Val::List(items) => out.extend(items.iter().cloned()),
                    _ => return unknown(),
                }
            }
            Some(Spanned::new(Val::List(out), origin.clone()))
        }
        "flatten" if known_all => vals.first().and_then(|v| {
            let mut out = Vec::new();
            flatten(v, &mut out).then(|| Spanned::new(Val::List(out), origin.clone()))
        }),
        "lookup" => match (vals.first(), s(1)) {
            (Some(m), Some(k)) if !m.is_unknown() => match (&m.val, m.get(&k)) {
                (_, Some(v)) => Some(v.clone()),
                (Val::Object { open: false, .. }, None) => vals.get(2).cloned(),
                _ => None,
            },
            _ => None,
        },
        "element" => match (vals.first().map(|v| &v.val), vals.get(1).map(|v| &v.val)) {
            (Some(Val::List(items)), Some(Val::Number(n))) if !items.is_empty() => {
                n.as_u64().map(|i| items[i as usize % items.len()].clone())
            }
            _ => None,
        },
        "coalesce" => {
            let mut found = None;
            for v in &vals {
                match &v.val {
                    Val::Unknown { .. } => break,
                    Val::Null => continue,
                    Val::String(x) if x.is_empty() => continue,
                    _ => {
                        found = Some(v.clone());
                        break;
                    }
                }
            }
            found
        }
        "coalescelist" => vals
            .iter()
            .find_map(|v| match &v.val {
                Val::List(items) if !items.is_empty() => Some(Some(v.clone())),
                Val::Unknown { .. } => Some(None),
                _ => None,
            })
            .flatten(),
        "tolist" | "toset" => vals.first().and_then(|v| match &v.val {
            Val::List(_) => Some(v.clone()),
            _ => None,
        }),
        "tomap" => vals.first().and_then(|v| match &v.val {
            Val::Object { .. } => Some(v.clone()),
            _ => None,
        }),
        "tostring" => s(0).map(string),
        "tonumber" => s(0)
            .and_then(|t| t.parse::<f64>().ok())
            .map(|f| Spanned::new(Val::Number(float(f)), origin.clone())),
        "tobool" => s(0).and_then(|t| match t.as_str() {
            "true" => Some(Spanned::new(Val::Bool(true), origin.clone())),
            "false" => Some(Spanned::new(Val::Bool(false), origin.clone())),
            _ => None,
        }),
        "format" if known_all => s(0).and_then(|f| format(&f, &vals[1..])).map(string),
        "join" if known_all => match (s(0), vals.get(1).map(|v| &v.val)) {
            (Some(sep), Some(Val::List(items))) => items
                .iter()
                .map(to_template_string)
                .collect::<Option<Vec<_>>>()
                .map(|parts| string(parts.join(&sep))),
            _ => None,
        },
        "split" if known_all => match (s(0), s(1)) {
            (Some(sep), Some(text)) => Some(Spanned::new(
                Val::List(
                    text.split(sep.as_str())
                        .map(|p| Spanned::new(Val::String(p.to_string()), origin.clone()))
                        .collect(),
                ),
                origin.clone(),
            )),
            _ => None,
        },
        "replace" if known_all => match (s(0), s(1), s(2)) {
            (Some(t), Some(from), Some(to)) => Some(string(t.replace(&from, &to))),
            _ => None,
        },
        "lower" => s(0).map(|t| string(t.to_lowercase())),
        "upper" => s(0).map(|t| string(t.to_uppercase())),
        "trimspace" => s(0).map(|t| string(t.trim().to_string())),
        "trimprefix" => match (s(0), s(1)) {
            (Some(t), Some(p)) => {
                Some(string(t.strip_prefix(p.as_str()).unwrap_or(&t).to_string()))
            }
            _ => None,
        },
        "trimsuffix" => match (s(0), s(1)) {
            (Some(t), Some(p)) => {
                Some(string(t.strip_suffix(p.as_str()).unwrap_or(&t).to_string()))
            }
            _ => None,
        },
        "length" => vals.first().and_then(|v| {
            let n = match &v.val {
                Val::List(items) => items.len(),
                Val::Object {
                    entries,
                    open: false,
                } => entries.len(),
                Val::String(t) => t.chars().count(),
                _ => return None,
            };
            Some(Spanned::new(Val::Number(n.into()), origin.clone()))
        }),
        "keys" | "values" => vals.first().and_then(|v| match &v.val {
            Val::Object { open: false, .. } => iterate(v).map(|pairs| {
                let items = pairs
                    .into_iter()
                    .map(|(k, x)| if name == "keys" { k } else { x })
                    .collect();
                Spanned::new(Val::List(items), origin.clone())
            }),
            _ => None,
        }),
        "contains" if known_all => match vals.first().map(|v| &v.val) {
            Some(Val::List(items)) => vals.get(1).map(|x| {
                let x = plain(x);
                Spanned::new(
                    Val::Bool(items.iter().any(|i| plain(i) == x)),
                    origin.clone(),
                )
            }),
            _ => None,
        },
        "distinct" if known_all => match vals.first().map(|v| &v.val) {
            Some(Val::List(items)) => {
                let mut seen: Vec<Value> = Vec::new();
                let mut out = Vec::new();
                for i in items {
                    let p = plain(i);
                    if !seen.contains(&p) {
                        seen.push(p);
                        out.push(i.clone());
                    }
                }
                Some(Spanned::new(Val::List(out), origin.clone()))
            }
            _ => None,
        },
        "compact" if known_all => match vals.first().map(|v| &v.val) {
            Some(Val::List(items)) => Some(Spanned::new(
                Val::List(
                    items
                        .iter()
                        .filter(|i| !matches!(&i.val, Val::Null) && i.as_str() != Some(""))
                        .cloned()
                        .collect(),
                ),
                origin.clone(),
            )),
            _ => None,
        },
        "zipmap" if known_all => {
            match (vals.first().map(|v| &v.val), vals.get(1).map(|v| &v.val)) {
                (Some(Val::List(ks)), Some(Val::List(vs))) if ks.len() == vs.len() => ks
                    .iter()
                    .map(to_template_string)
                    .collect::<Option<Vec<_>>>()
                    .map(|keys| {
                        let entries = keys.into_iter().zip(vs.iter().cloned()).collect();
                        Spanned::new(
                            Val::Object {
                                entries,
                                open: false,
                            },
                            origin.clone(),
                        )
                    }),
                _ => None,
            }
        }
        "substr" => {
            let int = |i: usize| match vals.get(i).map(|v| &v.val) {
                Some(Val::Number(n)) => n.as_i64(),
                _ => None,
            };
            match (s(0), int(1), int(2)) {
                (Some(t), Some(o), Some(l)) if o >= 0 => {
                    let chars: Vec<char> = t.chars().collect();
                    let start = (o as usize).min(chars.len());
                    let end = if l < 0 {
                        chars.len()
                    } else {
                        (start + l as usize).min(chars.len())
                    };
                    Some(string(chars[start..end].iter().collect()))
                }
                _ => None,
            }
        }
        "range" if known_all => {
            let n: Option<Vec<f64>> = vals
                .iter()
                .map(|v| match &v.val {
                    Val::Number(n) => n.as_f64(),
                    _ => None,
                })
                .collect();
            let (start, end, step) = match n.as_deref() {
                Some([end]) => (0.0, *end, 1.0),
                Some([start, end]) => (*start, *end, if start <= end { 1.0 } else { -1.0 }),
                Some([start, end, step]) => (*start, *end, *step),
                _ => return unknown(),
            };
            if step == 0.0 || ((end - start) / step) > 1024.0 {
                return unknown();
            }
            let mut items = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                items.push(Spanned::new(Val::Number(float(x)), origin.clone()));
                x += step;
            }
            Some(Spanned::new(Val::List(items), origin.clone()))
        }
        "max" | "min" if known_all => {
            let nums: Option<Vec<f64>> = vals
                .iter()
                .map(|v| match &v.val {
                    Val::Number(n) => n.as_f64(),
                    _ => None,
                })
                .collect();
            nums.filter(|n| !n.is_empty()).map(|n| {
                let f = if name == "max" {
                    n.iter().copied().fold(f64::MIN, f64::max)
                } else {
                    n.iter().copied().fold(f64::MAX, f64::min)
                };
                Spanned::new(Val::Number(float(f)), origin.clone())
            })
        }
        _ => {
            if !functions_known().contains(&name) {
                scope.module.problem(
                    format!("function `{name}` is not evaluated by ecsaudit; its result is left unresolved"),
                    origin.clone(),
                );
            }
            None
        }
    };
    result.unwrap_or_else(unknown)
}

/// Functions evaluated above (an unknown argument can still make their result unknown).
fn functions_known() -> &'static [&'static str] {
    &[
        "try",
        "can",
        "jsonencode",
        "jsondecode",
        "file",
        "templatefile",
        "merge",
        "concat",
        "flatten",
        "lookup",
        "element",
        "coalesce",
        "coalescelist",
        "tolist",
        "toset",
        "tomap",
        "tostring",
        "tonumber",
        "tobool",
        "format",
        "join",
        "split",
        "replace",
        "lower",
        "upper",
        "trimspace",
        "trimprefix",
        "trimsuffix",
        "length",
        "keys",
        "values",
        "contains",
        "distinct",
        "compact",
        "zipmap",
        "substr",
        "range",
        "max",
        "min",
    ]
}

fn contains_unknown(v: &Spanned) -> bool {
    match &v.val {
        Val::Unknown { .. } => true,
        Val::Object { entries, open } => *open || entries.iter().any(|(_, x)| contains_unknown(x)),
        Val::List(items) => items.iter().any(contains_unknown),
        _ => false,
    }
}

fn strip_origins(v: &mut Spanned) {
    v.origin = None;
    match &mut v.val {
        Val::List(items) => items.iter_mut().for_each(strip_origins),
        Val::Object { entries, .. } => entries.iter_mut().for_each(|(_, x)| strip_origins(x)),
        _ => {}
    }
}

fn flatten(v: &Spanned, out: &mut Vec<Spanned>) -> bool {
    match &v.val {
        Val::List(items) => items.iter().all(|i| match &i.val {
            Val::List(_) => flatten(i, out),
            Val::Unknown { .. } => false,
            _ => {
                out.push(i.clone());
                true
            }
        }),
        _ => false,
    }
}

/// Terraform's `format` for the verbs configurations use: `%s`, `%d`, `%v`, `%q`, `%%`.
fn format(spec: &str, args: &[Spanned]) -> Option<String> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' | 'd' => out.push_str(&to_template_string(args.next()?)?),
            'q' => out.push_str(&Value::from(to_template_string(args.next()?)?).to_string()),
            _ => return None,
        }
    }
    Some(out)
}

/// `templatefile(path, vars)`: the file rendered as a template with `vars` bound.
fn templatefile(
    scope: &Scope,
    path: &str,
    vars: &Spanned,
    origin: Option<crate::source::iac::Origin>,
    d: usize,
) -> Option<Spanned> {
    let (shown, text) = scope.module.read_file_shown(path, origin.clone())?;
    render_template_text(scope, &shown, &text, vars, origin, d)
}

/// Render `text` (from file `shown`) as a Terraform template with `vars`.
fn render_template_text(
    scope: &Scope,
    shown: &str,
    text: &str,
    vars: &Spanned,
    origin: Option<crate::source::iac::Origin>,
    d: usize,
) -> Option<Spanned> {
    let template = match hcl_edit::parser::parse_template(text) {
        Ok(t) => t,
        Err(e) => {
            scope.module.problem(
                format!(
                    "{shown}:{}:{}: template syntax error: {}",
                    e.location().line(),
                    e.location().column(),
                    e.message()
                ),
                origin,
            );
            return None;
        }
    };
    let mut s = Scope::new(scope.module, scope.file);
    s.bindings.clear();
    if let Val::Object { entries, .. } = &vars.val {
        for (k, v) in entries {
            s = s.with(k, v.clone());
        }
    }
    let mut out = String::new();
    let mut unknown = false;
    s.render(&template, &mut out, &mut unknown, d);
    // Where the JSON sits: in the template file (lines match unless a substitution
    // spans lines).
    if let Ok(v) = json_spanned(&out, &shown.into(), 1, 1) {
        scope.module.remember_json(&out, v);
    }
    Some(if unknown {
        Spanned::new(Val::Unknown { shown: out }, origin)
    } else {
        Spanned::new(Val::String(out), origin)
    })
}

/// `data.template_file.NAME.rendered`.
pub fn template_file(scope: &Scope, name: &str, whole: &Expression, d: usize) -> Spanned {
    let Some((template, vars)) = scope.module.template_files.get(name) else {
        return scope.unknown(whole);
    };
    let Some(template) = template else {
        return scope.unknown(whole);
    };
    let ts = Scope::new(scope.module, template.file);
    let text = ts.eval_at(template.expr, d);
    let vars = match vars {
        Some(v) => Scope::new(scope.module, v.file).eval_at(v.expr, d),
        None => Spanned::new(
            Val::Object {
                entries: vec![],
                open: false,
            },
            None,
        ),
    };
    let (Some(text), false) = (text.as_str().map(str::to_string), vars.is_unknown()) else {
        return scope.unknown(whole);
    };
    let shown = scope
        .module
        .file_of_text(&text)
        .unwrap_or_else(|| ts.source().path.to_string());
    render_template_text(scope, &shown, &text, &vars, scope.origin_of(whole), d)
        .unwrap_or_else(|| scope.unknown(whole))
}
