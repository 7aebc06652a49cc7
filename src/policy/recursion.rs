//! Rules and functions that depend on themselves. Rego forbids recursion (OPA rejects it
//! when compiling); regorus' interpreter instead follows a recursive function until the
//! stack overflows, which aborts the whole process. So the parsed policies are checked
//! before anything is evaluated, and a file taking part in a cycle is not loaded.
//!
//! A rule depends on the rules and functions its head and bodies refer to: by name in its
//! own package, through an import alias, or by a `data.` path. Names the rule binds
//! itself (arguments, `some`, `:=`, `every`) are local and refer to nothing.

use regorus::unstable::{Expr, Literal, Module, Query, Ref, Rule, RuleHead};
use regorus::utils::get_path_string;
use std::collections::{BTreeMap, BTreeSet};

/// One cycle: the definitions taking part, in call order, the first repeated last.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    /// `data.` paths, e.g. `["data.p.g", "data.p.g"]`.
    pub path: Vec<String>,
    /// Where the first definition is: file, line, column.
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Every file a definition of the cycle is in.
    pub files: BTreeSet<String>,
}

/// A rule or function: its definitions' places and what they refer to.
#[derive(Default)]
struct Definition {
    places: Vec<(String, u32, u32)>,
    refs: BTreeSet<String>,
}

/// The cycles among the definitions of `modules`, each reported once.
pub fn cycles(modules: &[Ref<Module>]) -> Vec<Cycle> {
    let mut defs: BTreeMap<String, Definition> = BTreeMap::new();
    for module in modules {
        let Ok(package) = get_path_string(&module.package.refr, Some("data")) else {
            continue;
        };
        let aliases = import_aliases(module);
        for rule in &module.policy {
            let Some(name) = rule_name(rule) else {
                continue;
            };
            let mut refs = Vec::new();
            let mut locals = BTreeSet::new();
            walk_rule(rule, &mut refs, &mut locals);
            let def = defs.entry(format!("{package}.{name}")).or_default();
            let span = rule.span();
            def.places
                .push((span.source.file().to_string(), span.line, span.col));
            for r in refs {
                if let Some(full) = resolve(&r, &package, &aliases, &locals) {
                    def.refs.insert(full);
                }
            }
        }
    }
    let edges: BTreeMap<&str, Vec<&str>> = defs
        .iter()
        .map(|(path, def)| {
            let to = defs
                .keys()
                .filter(|target| def.refs.iter().any(|r| refers_to(r, target)))
                .map(String::as_str)
                .collect();
            (path.as_str(), to)
        })
        .collect();
    find_cycles(&edges)
        .into_iter()
        .map(|path| {
            let places: Vec<&(String, u32, u32)> = path
                .iter()
                .flat_map(|p| defs.get(p).map(|d| d.places.iter()).into_iter().flatten())
                .collect();
            let (file, line, column) = places.first().map(|p| (*p).clone()).unwrap_or_default();
            Cycle {
                files: places.iter().map(|p| p.0.clone()).collect(),
                path,
                file,
                line,
                column,
            }
        })
        .collect()
}

/// A reference `r` (a full `data.` path) reaches `target` when it names it or a part of
/// its value: `data.p.r` and `data.p.r.x` read rule `data.p.r`. A reference to a whole
/// package or to `data` is not followed: regorus evaluates those (and notices a rule that
/// reads itself), and only a function call can recurse without end.
fn refers_to(r: &str, target: &str) -> bool {
    r.strip_prefix(target)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Depth-first search for cycles; each strongly connected set is reported once.
fn find_cycles(edges: &BTreeMap<&str, Vec<&str>>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark: BTreeMap<&str, Mark> = edges.keys().map(|k| (*k, Mark::New)).collect();
    let mut found: Vec<Vec<String>> = Vec::new();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    for &root in edges.keys() {
        if mark[root] != Mark::New {
            continue;
        }
        // (node, next edge to follow); an explicit stack, so a long chain cannot overflow.
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        mark.insert(root, Mark::Open);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let Some(&to) = edges[node].get(*next) else {
                mark.insert(node, Mark::Done);
                stack.pop();
                continue;
            };
            *next += 1;
            match mark[to] {
                Mark::New => {
                    mark.insert(to, Mark::Open);
                    stack.push((to, 0));
                }
                Mark::Open if !reported.contains(to) => {
                    let start = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[start..].iter().map(|(n, _)| n.to_string()).collect();
                    cycle.push(to.to_string());
                    reported.extend(stack[start..].iter().map(|(n, _)| *n));
                    found.push(cycle);
                }
                _ => {}
            }
        }
    }
    found
}

/// `alias -> data path` for the module's `import data...` lines.
fn import_aliases(module: &Module) -> BTreeMap<String, String> {
    module
        .imports
        .iter()
        .filter_map(|import| {
            let path = get_path_string(&import.refr, None).ok()?;
            if !path.starts_with("data.") {
                return None;
            }
            let alias = match &import.r#as {
                Some(span) => span.text().to_string(),
                None => path.rsplit('.').next()?.to_string(),
            };
            Some((alias, path))
        })
        .collect()
}

/// The rule's name within its package: `deny`, `g`, `a.b` (ref heads).
fn rule_name(rule: &Rule) -> Option<String> {
    let refr = match rule {
        Rule::Spec { head, .. } => match head {
            RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => refr,
            RuleHead::Func { refr, .. } => refr,
        },
        Rule::Default { refr, .. } => refr,
    };
    get_path_string(refr, None).ok()
}

/// The full `data.` path a reference names, when it can name a rule.
fn resolve(
    r: &str,
    package: &str,
    aliases: &BTreeMap<String, String>,
    locals: &BTreeSet<String>,
) -> Option<String> {
    let (head, rest) = r.split_once('.').map_or((r, ""), |(h, t)| (h, t));
    let base = match head {
        "data" => "data".to_string(),
        "input" => return None,
        _ if locals.contains(head) => return None,
        _ => match aliases.get(head) {
            Some(path) => path.clone(),
            None => format!("{package}.{head}"),
        },
    };
    Some(if rest.is_empty() {
        base
    } else {
        format!("{base}.{rest}")
    })
}

/// Collect the references (dotted paths) and the local names of `rule`.
fn walk_rule(rule: &Rule, refs: &mut Vec<String>, locals: &mut BTreeSet<String>) {
    match rule {
        Rule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { assign, .. } => {
                    if let Some(a) = assign {
                        walk_expr(&a.value, refs, locals);
                    }
                }
                RuleHead::Set { key, .. } => {
                    if let Some(k) = key {
                        walk_expr(k, refs, locals);
                    }
                }
                RuleHead::Func { args, assign, .. } => {
                    for a in args {
                        bind(a, locals);
                    }
                    if let Some(a) = assign {
                        walk_expr(&a.value, refs, locals);
                    }
                }
            }
            for body in bodies {
                if let Some(a) = &body.assign {
                    walk_expr(&a.value, refs, locals);
                }
                walk_query(&body.query, refs, locals);
            }
        }
        Rule::Default { value, .. } => walk_expr(value, refs, locals),
    }
}

fn walk_query(query: &Query, refs: &mut Vec<String>, locals: &mut BTreeSet<String>) {
    for stmt in &query.stmts {
        match &stmt.literal {
            Literal::SomeVars { vars, .. } => {
                locals.extend(vars.iter().map(|v| v.text().to_string()));
            }
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(k) = key {
                    bind(k, locals);
                }
                bind(value, locals);
                walk_expr(collection, refs, locals);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                walk_expr(expr, refs, locals)
            }
            Literal::Every {
                key,
                value,
                domain,
                query,
                ..
            } => {
                locals.extend(key.iter().map(|k| k.text().to_string()));
                locals.insert(value.text().to_string());
                walk_expr(domain, refs, locals);
                walk_query(query, refs, locals);
            }
        }
        for with in &stmt.with_mods {
            walk_expr(&with.r#as, refs, locals);
        }
    }
}

/// Record the variables a pattern (`x`, `[x, y]`, `{"k": x}`) binds as local.
fn bind(pattern: &Expr, locals: &mut BTreeSet<String>) {
    match pattern {
        Expr::Var { span, .. } => {
            locals.insert(span.text().to_string());
        }
        Expr::Array { items, .. } => items.iter().for_each(|i| bind(i, locals)),
        Expr::Object { fields, .. } => fields.iter().for_each(|(_, _, v)| bind(v, locals)),
        _ => {}
    }
}

/// The static dotted prefix of a reference (`a.b["c"]` -> `a.b.c`) and the expressions
/// of its dynamic indexes.
fn ref_path<'a>(expr: &'a Expr, dynamic: &mut Vec<&'a Expr>) -> Option<String> {
    match expr {
        Expr::Var { span, .. } => Some(span.text().to_string()),
        Expr::RefDot { refr, field, .. } => {
            ref_path(refr, dynamic).map(|p| format!("{p}.{}", field.0.text()))
        }
        Expr::RefBrack { refr, index, .. } => {
            let base = ref_path(refr, dynamic);
            match index.as_ref() {
                Expr::String { value, .. } => match value.as_string() {
                    Ok(s) => base.map(|p| format!("{p}.{s}")),
                    Err(_) => base,
                },
                other => {
                    dynamic.push(other);
                    base
                }
            }
        }
        other => {
            dynamic.push(other);
            None
        }
    }
}

fn walk_expr(expr: &Expr, refs: &mut Vec<String>, locals: &mut BTreeSet<String>) {
    match expr {
        Expr::Var { .. } | Expr::RefDot { .. } | Expr::RefBrack { .. } => {
            let mut dynamic = Vec::new();
            if let Some(path) = ref_path(expr, &mut dynamic) {
                refs.push(path);
            }
            for d in dynamic {
                walk_expr(d, refs, locals);
            }
        }
        Expr::Call { fcn, params, .. } => {
            if let Ok(path) = get_path_string(fcn, None) {
                refs.push(path);
            }
            params.iter().for_each(|p| walk_expr(p, refs, locals));
        }
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            items.iter().for_each(|i| walk_expr(i, refs, locals))
        }
        Expr::Object { fields, .. } => {
            for (_, k, v) in fields {
                walk_expr(k, refs, locals);
                walk_expr(v, refs, locals);
            }
        }
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            walk_query(query, refs, locals);
            walk_expr(term, refs, locals);
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            walk_query(query, refs, locals);
            walk_expr(key, refs, locals);
            walk_expr(value, refs, locals);
        }
        Expr::UnaryExpr { expr, .. } => walk_expr(expr, refs, locals),
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. } => {
            walk_expr(lhs, refs, locals);
            walk_expr(rhs, refs, locals);
        }
        Expr::AssignExpr { op, lhs, rhs, .. } => {
            if matches!(op, regorus::unstable::AssignOp::ColEq) {
                bind(lhs, locals);
            } else {
                walk_expr(lhs, refs, locals);
            }
            walk_expr(rhs, refs, locals);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => {
            if let Some(k) = key {
                walk_expr(k, refs, locals);
            }
            walk_expr(value, refs, locals);
            walk_expr(collection, refs, locals);
        }
        // Literals refer to nothing.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycles_of(files: &[(&str, &str)]) -> Vec<Cycle> {
        let mut engine = regorus::Engine::new();
        for (path, text) in files {
            engine
                .add_policy(path.to_string(), text.to_string())
                .expect("parses");
        }
        cycles(engine.get_modules())
    }

    #[test]
    fn a_function_calling_itself_is_a_cycle() {
        let found = cycles_of(&[(
            "rec.rego",
            "package p\nimport rego.v1\n\ng(x) := y if { y := g(x) }\n\nok if g(1) == 2\n",
        )]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, ["data.p.g", "data.p.g"]);
        assert_eq!((found[0].file.as_str(), found[0].line), ("rec.rego", 4));
    }

    #[test]
    fn cycles_through_imports_and_data_paths_are_found() {
        let found = cycles_of(&[
            (
                "a.rego",
                "package a\nimport rego.v1\nimport data.b as other\n\nx if other.y\n",
            ),
            ("b.rego", "package b\nimport rego.v1\n\ny if data.a.x\n"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, ["data.a.x", "data.b.y", "data.a.x"]);
        assert_eq!(found[0].files.len(), 2);
    }

    #[test]
    fn locals_builtins_and_the_builtin_pack_are_not_cycles() {
        let found = cycles_of(&[(
            "ok.rego",
            "package p\nimport rego.v1\n\ncount_of(x) := n if { n := count(x) }\n\n\
             name := v if { some name in [\"a\"]; v := name }\n\n\
             f(x) := x if { every f in [1] { f > 0 } }\n",
        )]);
        assert_eq!(found, []);
        let mut engine = regorus::Engine::new();
        for src in crate::policy::builtin_sources() {
            engine.add_policy(src.path, src.text).expect("parses");
        }
        assert_eq!(cycles(engine.get_modules()), []);
    }
}
