//! Evaluating HCL expressions the way Terraform does, as far as a scan before deploy
//! can: literals, templates and heredocs, `var.*`, `local.*`, `path.*`, `count.*`,
//! `each.*`, `for` expressions, conditionals, operators and the functions ECS
//! configurations use. Whatever depends on what only `terraform apply` knows (resource
//! attributes, data sources, unset variables) is an unknown value.

use super::functions;
use crate::source::iac::{LineIndex, Origin, Spanned, Val};
use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

mod module;

pub use module::{Defined, Module, SourceFile};

/// Deepest nesting of evaluation (locals referring to locals, nested calls) before a
/// value is given up as unknown: hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 64;

/// Evaluation context: a module, the file an expression is in, and local bindings
/// (`count`, `each`, `for` variables, a `dynamic` block's iterator).
#[derive(Clone)]
pub struct Scope<'s, 'm> {
    pub module: &'s Module<'m>,
    pub file: usize,
    pub bindings: Vec<(String, Spanned)>,
}

impl<'s, 'm> Scope<'s, 'm> {
    pub fn new(module: &'s Module<'m>, file: usize) -> Self {
        Scope {
            module,
            file,
            bindings: Vec::new(),
        }
    }

    /// This scope with `name` bound to `value`.
    pub fn with(&self, name: &str, value: Spanned) -> Self {
        let mut s = self.clone();
        s.bindings.push((name.to_string(), value));
        s
    }

    fn binding(&self, name: &str) -> Option<&Spanned> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn source(&self) -> &'m SourceFile {
        &self.module.files[self.file]
    }

    pub fn origin_of(&self, e: &Expression) -> Option<Origin> {
        self.source().origin(e.span())
    }

    /// An unknown value standing for expression `e` as written.
    pub fn unknown(&self, e: &Expression) -> Spanned {
        Spanned::unknown(&self.source().slice(e.span()), self.origin_of(e))
    }

    pub fn eval(&self, e: &Expression) -> Spanned {
        self.eval_at(e, 0)
    }

    pub fn eval_at(&self, e: &Expression, depth: usize) -> Spanned {
        if depth > MAX_DEPTH {
            self.module.problem(
                "expression nested too deeply; left unresolved".into(),
                self.origin_of(e),
            );
            return self.unknown(e);
        }
        let origin = self.origin_of(e);
        let d = depth + 1;
        match e {
            Expression::Null(_) => Spanned::new(Val::Null, origin),
            Expression::Bool(b) => Spanned::new(Val::Bool(*b.value()), origin),
            Expression::Number(n) => Spanned::new(Val::Number(number(n.value())), origin),
            Expression::String(s) => Spanned::new(Val::String(s.value().clone()), origin),
            Expression::Array(a) => Spanned::new(
                Val::List(a.iter().map(|x| self.eval_at(x, d)).collect()),
                origin,
            ),
            Expression::Object(o) => {
                let mut entries = Vec::new();
                let mut open = false;
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => Some(i.value().as_str().to_string()),
                        ObjectKey::Expression(ke) => match self.eval_at(ke, d).val {
                            Val::String(s) => Some(s),
                            Val::Number(n) => Some(n.to_string()),
                            Val::Bool(b) => Some(b.to_string()),
                            _ => None,
                        },
                    };
                    match key {
                        Some(key) => entries.push((key, self.eval_at(v.expr(), d))),
                        None => open = true,
                    }
                }
                Spanned::new(Val::Object { entries, open }, origin)
            }
            Expression::StringTemplate(t) => self.template(t, origin, d),
            Expression::HeredocTemplate(h) => self.template(&h.template, origin, d),
            Expression::Parenthesis(p) => self.eval_at(p.inner(), d),
            Expression::Variable(v) => match self.binding(v.value().as_str()) {
                Some(b) => b.clone(),
                None => self.unknown(e),
            },
            Expression::Conditional(c) => match self.eval_at(&c.cond_expr, d).val {
                Val::Bool(true) => self.eval_at(&c.true_expr, d),
                Val::Bool(false) => self.eval_at(&c.false_expr, d),
                _ => self.unknown(e),
            },
            Expression::FuncCall(f) => {
                let name = f.name.name.value().as_str();
                functions::call(self, name, &f.args.iter().collect::<Vec<_>>(), e, d)
            }
            Expression::Traversal(t) => self.traversal(e, &t.expr, &t.operators, d),
            Expression::UnaryOp(u) => {
                let v = self.eval_at(&u.expr, d);
                match (u.operator.value(), v.val) {
                    (UnaryOperator::Not, Val::Bool(b)) => Spanned::new(Val::Bool(!b), origin),
                    (UnaryOperator::Neg, Val::Number(n)) => match n.as_f64() {
                        Some(f) => Spanned::new(Val::Number(float(-f)), origin),
                        None => self.unknown(e),
                    },
                    _ => self.unknown(e),
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.eval_at(&b.lhs_expr, d);
                let r = self.eval_at(&b.rhs_expr, d);
                binary(*b.operator.value(), &l, &r)
                    .map(|v| Spanned::new(v, origin))
                    .unwrap_or_else(|| self.unknown(e))
            }
            Expression::ForExpr(f) => self.for_expr(e, f, d),
        }
    }

    fn template(&self, t: &Template, origin: Option<Origin>, d: usize) -> Spanned {
        let mut out = String::new();
        let mut unknown = false;
        self.render(t, &mut out, &mut unknown, d);
        if unknown {
            Spanned::new(Val::Unknown { shown: out }, origin)
        } else {
            Spanned::new(Val::String(out), origin)
        }
    }

    /// Render template `t` into `out`; unknown parts are written as `${...}`.
    pub fn render(&self, t: &Template, out: &mut String, unknown: &mut bool, d: usize) {
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval_at(&i.expr, d);
                    match to_template_string(&v) {
                        Some(s) => out.push_str(&s),
                        None => {
                            *unknown = true;
                            out.push_str("${");
                            out.push_str(&self.source().slice(i.expr.span()));
                            out.push('}');
                        }
                    }
                }
                Element::Directive(dir) => match dir.as_ref() {
                    Directive::If(ifd) => match self.eval_at(&ifd.if_expr.cond_expr, d).val {
                        Val::Bool(true) => self.render(&ifd.if_expr.template, out, unknown, d),
                        Val::Bool(false) => {
                            if let Some(el) = &ifd.else_expr {
                                self.render(&el.template, out, unknown, d);
                            }
                        }
                        _ => {
                            *unknown = true;
                            out.push_str("${?}");
                        }
                    },
                    Directive::For(fd) => {
                        let coll = self.eval_at(&fd.for_expr.collection_expr, d);
                        let key_var = fd.for_expr.key_var.as_ref().map(|k| k.value().as_str());
                        let value_var = fd.for_expr.value_var.value().as_str();
                        match iterate(&coll) {
                            Some(items) => {
                                for (k, v) in items {
                                    let mut s = self.with(value_var, v);
                                    if let Some(kv) = key_var {
                                        s = s.with(kv, k);
                                    }
                                    s.render(&fd.for_expr.template, out, unknown, d);
                                }
                            }
                            None => {
                                *unknown = true;
                                out.push_str("${?}");
                            }
                        }
                    }
                },
            }
        }
    }

    fn traversal(
        &self,
        whole: &Expression,
        base: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        d: usize,
    ) -> Spanned {
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.value().as_str()),
            _ => None,
        };
        let (start, used) = match base {
            Expression::Variable(v) if self.binding(v.value().as_str()).is_none() => {
                match (v.value().as_str(), attr(0)) {
                    ("var", Some(name)) => match self.module.vars.get(name) {
                        Some(val) => (val.clone(), 1),
                        None => return self.unknown(whole),
                    },
                    ("local", Some(name)) => match self.module.local(name, d) {
                        Some(val) => (val, 1),
                        None => return self.unknown(whole),
                    },
                    ("module", Some(name)) => match self.module.module_outputs.get(name) {
                        Some(val) => (val.clone(), 1),
                        None => return self.unknown(whole),
                    },
                    ("path", Some("module" | "root")) => (
                        Spanned::new(Val::String(self.module.dir_shown.clone()), None),
                        1,
                    ),
                    ("data", Some("template_file")) => match (attr(1), attr(2)) {
                        (Some(name), Some("rendered")) => {
                            return functions::template_file(self, name, whole, d)
                        }
                        _ => return self.unknown(whole),
                    },
                    ("data", Some("aws_iam_policy_document")) => match (attr(1), attr(2)) {
                        (Some(name), Some("json")) => {
                            return super::iam::policy_document(self, name, whole, d)
                        }
                        _ => return self.unknown(whole),
                    },
                    (rtype, Some(name))
                        if self
                            .module
                            .resources
                            .contains_key(&format!("{rtype}.{name}")) =>
                    {
                        return self.resource_reference(whole, rtype, name, &ops[1..], d)
                    }
                    // Resource attributes, data sources, module outputs, count/each
                    // outside a resource: known only at apply time.
                    _ => return self.unknown(whole),
                }
            }
            other => (self.eval_at(other, d), 0),
        };
        let mut cur = start;
        for op in &ops[used..] {
            cur = match op.value() {
                TraversalOperator::GetAttr(a) => match &cur.val {
                    Val::Object { .. } => match cur.get(a.value().as_str()) {
                        Some(v) => v.clone(),
                        None => return self.unknown(whole),
                    },
                    _ => return self.unknown(whole),
                },
                TraversalOperator::Index(ie) => {
                    let idx = self.eval_at(ie, d);
                    match index(&cur, &idx) {
                        Some(v) => v,
                        None => return self.unknown(whole),
                    }
                }
                TraversalOperator::LegacyIndex(i) => {
                    let idx = Spanned::new(Val::Number((*i.value()).into()), None);
                    match index(&cur, &idx) {
                        Some(v) => v,
                        None => return self.unknown(whole),
                    }
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    return self.unknown(whole)
                }
            };
        }
        cur
    }

    /// `TYPE.NAME[key].attr` of a resource in this module: `id` and `arn` are the node
    /// id of that instance (so relations between resources are ids the graph holds);
    /// another attribute is the argument of that name when the block sets it.
    fn resource_reference(
        &self,
        whole: &Expression,
        rtype: &str,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        d: usize,
    ) -> Spanned {
        let base = format!("{rtype}.{name}");
        let Some(&(block, file, has_instances)) = self.module.resources.get(&base) else {
            return self.unknown(whole);
        };
        let (address, rest) = match ops.first().map(|o| o.value()) {
            Some(TraversalOperator::Index(ie)) if has_instances => {
                let key = self.eval_at(ie, d);
                let key = match &key.val {
                    Val::Number(n) => format!("[{n}]"),
                    Val::String(s) => format!("[{}]", serde_json::Value::from(s.as_str())),
                    _ => return self.unknown(whole),
                };
                (format!("{base}{key}"), &ops[1..])
            }
            Some(TraversalOperator::LegacyIndex(i)) if has_instances => {
                (format!("{base}[{}]", i.value()), &ops[1..])
            }
            _ if has_instances => return self.unknown(whole),
            _ => (base, ops),
        };
        let attr = match rest.first().map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => a.value().as_str(),
            _ => return self.unknown(whole),
        };
        if rest.len() > 1 {
            return self.unknown(whole);
        }
        match attr {
            "id" | "arn" => Spanned::new(
                Val::String(self.module.node_id(&address)),
                self.origin_of(whole),
            ),
            other if !has_instances => match block.body.get_attribute(other) {
                Some(a) => Scope::new(self.module, file).eval_at(&a.value, d),
                None => self.unknown(whole),
            },
            _ => self.unknown(whole),
        }
    }

    fn for_expr(&self, whole: &Expression, f: &ForExpr, d: usize) -> Spanned {
        let coll = self.eval_at(&f.intro.collection_expr, d);
        let Some(items) = iterate(&coll) else {
            return self.unknown(whole);
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.value().as_str());
        let value_var = f.intro.value_var.value().as_str();
        let mut list = Vec::new();
        let mut entries: Vec<(String, Spanned)> = Vec::new();
        let mut open = false;
        for (k, v) in items {
            let mut s = self.with(value_var, v);
            if let Some(kv) = key_var {
                s = s.with(kv, k);
            }
            if let Some(cond) = &f.cond {
                match s.eval_at(&cond.expr, d).val {
                    Val::Bool(true) => {}
                    Val::Bool(false) => continue,
                    _ => {
                        open = true;
                        continue;
                    }
                }
            }
            let value = s.eval_at(&f.value_expr, d);
            match &f.key_expr {
                Some(ke) => match to_template_string(&s.eval_at(ke, d)) {
                    Some(key) => entries.push((key, value)),
                    None => open = true,
                },
                None => list.push(value),
            }
        }
        let origin = self.origin_of(whole);
        match &f.key_expr {
            Some(_) => Spanned::new(Val::Object { entries, open }, origin),
            None if open => self.unknown(whole),
            None => Spanned::new(Val::List(list), origin),
        }
    }
}

/// A number as JSON holds it.
fn number(n: &hcl_edit::Number) -> serde_json::Number {
    if let Some(i) = n.as_i64() {
        i.into()
    } else if let Some(u) = n.as_u64() {
        u.into()
    } else {
        float(n.as_f64().unwrap_or(0.0))
    }
}

/// A float as a JSON number: whole numbers as integers (Terraform has one number type).
pub fn float(f: f64) -> serde_json::Number {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        (f as i64).into()
    } else {
        serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into())
    }
}

/// How a value reads inside a template or where Terraform converts it to a string;
/// `None` when it is unknown or not a primitive.
pub fn to_template_string(v: &Spanned) -> Option<String> {
    match &v.val {
        Val::String(s) => Some(s.clone()),
        Val::Number(n) => Some(n.to_string()),
        Val::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `(key, value)` pairs of a list (keys are indices) or an object; `None` when unknown.
pub fn iterate(v: &Spanned) -> Option<Vec<(Spanned, Spanned)>> {
    match &v.val {
        Val::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| (Spanned::new(Val::Number(i.into()), None), x.clone()))
                .collect(),
        ),
        Val::Object {
            entries,
            open: false,
        } => {
            let sorted: BTreeMap<&String, &Spanned> = entries.iter().map(|(k, v)| (k, v)).collect();
            Some(
                sorted
                    .into_iter()
                    .map(|(k, x)| (Spanned::new(Val::String(k.clone()), None), x.clone()))
                    .collect(),
            )
        }
        _ => None,
    }
}

fn index(coll: &Spanned, idx: &Spanned) -> Option<Spanned> {
    match (&coll.val, &idx.val) {
        (Val::List(items), Val::Number(n)) => {
            items.get(usize::try_from(n.as_u64()?).ok()?).cloned()
        }
        (Val::Object { .. }, _) => coll.get(&to_template_string(idx)?).cloned(),
        _ => None,
    }
}

fn binary(op: BinaryOperator, l: &Spanned, r: &Spanned) -> Option<Val> {
    use BinaryOperator as B;
    let num = |v: &Spanned| match &v.val {
        Val::Number(n) => n.as_f64(),
        Val::String(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    match op {
        B::And | B::Or => match (&l.val, &r.val) {
            (Val::Bool(a), Val::Bool(b)) => {
                Some(Val::Bool(if op == B::And { *a && *b } else { *a || *b }))
            }
            (Val::Bool(false), _) if op == B::And => Some(Val::Bool(false)),
            (Val::Bool(true), _) if op == B::Or => Some(Val::Bool(true)),
            _ => None,
        },
        B::Eq | B::NotEq => {
            if l.is_unknown() || r.is_unknown() {
                return None;
            }
            let same = plain(l) == plain(r);
            Some(Val::Bool(if op == B::Eq { same } else { !same }))
        }
        _ => {
            let (a, b) = (num(l)?, num(r)?);
            Some(match op {
                B::Plus => Val::Number(float(a + b)),
                B::Minus => Val::Number(float(a - b)),
                B::Mul => Val::Number(float(a * b)),
                B::Div if b != 0.0 => Val::Number(float(a / b)),
                B::Mod if b != 0.0 => Val::Number(float(a % b)),
                B::Less => Val::Bool(a < b),
                B::LessEq => Val::Bool(a <= b),
                B::Greater => Val::Bool(a > b),
                B::GreaterEq => Val::Bool(a >= b),
                _ => return None,
            })
        }
    }
}

/// A value without origins, for comparisons.
pub fn plain(v: &Spanned) -> serde_json::Value {
    crate::source::iac::lower(v).value
}
