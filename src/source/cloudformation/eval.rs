//! Intrinsic functions of a template, evaluated as far as a scan before deploy can:
//! parameters (given, else their default), pseudo parameters, `Mappings` +
//! `Fn::FindInMap`, `Conditions` where decidable, `Fn::Sub`, `Fn::Join`, `Fn::Select`,
//! `Fn::Split`, `Fn::If`, `Fn::Equals` / `And` / `Or` / `Not`. A `Ref` or an id-like
//! `Fn::GetAtt` of a resource is that resource's node id, so references become edges.
//! Everything else (`Fn::ImportValue`, `Fn::GetAZs`, other attributes) is unknown.

use crate::source::iac::{Origin, Spanned, Val};
use std::cell::RefCell;
use std::collections::HashMap;

/// Evaluation nests at most this deep (a condition or mapping cycle ends here).
const MAX_DEPTH: usize = 64;

/// Attributes that name the resource itself (what a relation needs), by which the
/// node id stands for them.
const ID_ATTRIBUTES: &[&str] = &[
    "Arn",
    "GroupId",
    "TargetGroupArn",
    "LoadBalancerArn",
    "ListenerArn",
    "TaskDefinitionArn",
    "ServiceArn",
    "Name",
    "PolicyArn",
];

/// What a template's expressions are evaluated against.
pub struct Template<'t> {
    /// Parameter values: given, else the default, else unknown.
    pub parameters: HashMap<String, Spanned>,
    pub mappings: Option<&'t Spanned>,
    pub conditions: Option<&'t Spanned>,
    /// Logical id -> node id, for every resource.
    pub resources: HashMap<String, String>,
    decided: RefCell<HashMap<String, Option<bool>>>,
    /// Problems met (an unknown `Ref` target, a malformed intrinsic), with where.
    pub problems: RefCell<Vec<(String, Option<Origin>)>>,
}

/// The value of `AWS::NoValue`: the property is removed.
pub type Evaluated = Option<Spanned>;

impl<'t> Template<'t> {
    pub fn new(
        parameters: HashMap<String, Spanned>,
        mappings: Option<&'t Spanned>,
        conditions: Option<&'t Spanned>,
        resources: HashMap<String, String>,
    ) -> Self {
        Template {
            parameters,
            mappings,
            conditions,
            resources,
            decided: RefCell::new(HashMap::new()),
            problems: RefCell::new(Vec::new()),
        }
    }

    fn problem(&self, message: String, origin: Option<Origin>) {
        self.problems.borrow_mut().push((message, origin));
    }

    /// `v` with its intrinsics evaluated; `None` for `AWS::NoValue`.
    pub fn eval(&self, v: &Spanned) -> Evaluated {
        self.eval_at(v, 0)
    }

    fn eval_at(&self, v: &Spanned, d: usize) -> Evaluated {
        if d > MAX_DEPTH {
            return Some(Spanned::unknown("nested too deeply", v.origin.clone()));
        }
        match &v.val {
            Val::Object { entries, open } => {
                if let [(name, arg)] = entries.as_slice() {
                    if name == "Ref" || name == "Condition" || name.starts_with("Fn::") {
                        return self.intrinsic(name, arg, v, d);
                    }
                }
                let entries = entries
                    .iter()
                    .filter_map(|(k, x)| Some((k.clone(), self.eval_at(x, d + 1)?)))
                    .collect();
                Some(Spanned::new(
                    Val::Object {
                        entries,
                        open: *open,
                    },
                    v.origin.clone(),
                ))
            }
            Val::List(items) => Some(Spanned::new(
                Val::List(
                    items
                        .iter()
                        .filter_map(|x| self.eval_at(x, d + 1))
                        .collect(),
                ),
                v.origin.clone(),
            )),
            _ => Some(v.clone()),
        }
    }

    fn intrinsic(&self, name: &str, arg: &Spanned, whole: &Spanned, d: usize) -> Evaluated {
        let at = whole.origin.clone();
        let unknown = |text: &str| Some(Spanned::unknown(text, at.clone()));
        let args = |n: usize| -> Option<Vec<Spanned>> {
            match &arg.val {
                Val::List(items) if items.len() >= n => Some(items.clone()),
                _ => None,
            }
        };
        match name {
            "Ref" => {
                let Some(target) = arg.as_str() else {
                    return unknown("Ref");
                };
                self.reference(target, at)
            }
            "Condition" => match arg.as_str().map(|c| self.condition(c, d)) {
                Some(Some(b)) => Some(Spanned::new(Val::Bool(b), at)),
                _ => unknown(&format!("Condition {}", arg.as_str().unwrap_or("?"))),
            },
            "Fn::GetAtt" => {
                let (res, attr) = match &arg.val {
                    Val::String(s) => match s.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => return unknown(s),
                    },
                    Val::List(items) if items.len() == 2 => {
                        let attr = self.eval_at(&items[1], d + 1);
                        match (items[0].as_str(), attr.as_ref().and_then(|a| a.as_str())) {
                            (Some(r), Some(a)) => (r.to_string(), a.to_string()),
                            _ => return unknown("Fn::GetAtt"),
                        }
                    }
                    _ => return unknown("Fn::GetAtt"),
                };
                Some(self.attribute(&res, &attr, at))
            }
            "Fn::Sub" => {
                let (text, vars) = match &arg.val {
                    Val::String(s) => (s.clone(), None),
                    Val::List(items) if !items.is_empty() => match items[0].as_str() {
                        Some(s) => (s.to_string(), items.get(1)),
                        None => return unknown("Fn::Sub"),
                    },
                    _ => return unknown("Fn::Sub"),
                };
                let vars = vars.and_then(|v| self.eval_at(v, d + 1));
                Some(self.sub(&text, vars.as_ref(), at))
            }
            "Fn::Join" => {
                let Some(a) = args(2) else {
                    return unknown("Fn::Join");
                };
                let delim = a[0].as_str().unwrap_or("").to_string();
                let list = self.eval_at(&a[1], d + 1)?;
                let Val::List(items) = &list.val else {
                    return unknown("Fn::Join");
                };
                let mut out = String::new();
                let mut is_unknown = false;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&delim);
                    }
                    match scalar_text(item) {
                        Some(s) => out.push_str(&s),
                        None => {
                            is_unknown = true;
                            out.push_str(&shown(item));
                        }
                    }
                }
                Some(if is_unknown {
                    Spanned::unknown(&out, at)
                } else {
                    Spanned::new(Val::String(out), at)
                })
            }
            "Fn::Select" => {
                let Some(a) = args(2) else {
                    return unknown("Fn::Select");
                };
                let index = self.eval_at(&a[0], d + 1)?;
                let list = self.eval_at(&a[1], d + 1)?;
                let i = match &index.val {
                    Val::Number(n) => n.as_u64(),
                    Val::String(s) => s.parse().ok(),
                    _ => None,
                };
                match (&list.val, i) {
                    (Val::List(items), Some(i)) => match items.get(i as usize) {
                        Some(v) => Some(v.clone()),
                        None => unknown("Fn::Select"),
                    },
                    _ => unknown("Fn::Select"),
                }
            }
            "Fn::Split" => {
                let Some(a) = args(2) else {
                    return unknown("Fn::Split");
                };
                let s = self.eval_at(&a[1], d + 1)?;
                match (a[0].as_str(), s.as_str()) {
                    (Some(delim), Some(s)) if !delim.is_empty() => Some(Spanned::new(
                        Val::List(
                            s.split(delim)
                                .map(|p| Spanned::new(Val::String(p.to_string()), at.clone()))
                                .collect(),
                        ),
                        at,
                    )),
                    _ => unknown("Fn::Split"),
                }
            }
            "Fn::FindInMap" => {
                let Some(a) = args(3) else {
                    return unknown("Fn::FindInMap");
                };
                let keys: Vec<Option<String>> = a[..3]
                    .iter()
                    .map(|k| self.eval_at(k, d + 1).and_then(|v| scalar_text(&v)))
                    .collect();
                let found = match (&keys[0], &keys[1], &keys[2]) {
                    (Some(m), Some(k1), Some(k2)) => self
                        .mappings
                        .and_then(|ms| ms.get(m))
                        .and_then(|m| m.get(k1))
                        .and_then(|m| m.get(k2)),
                    _ => None,
                };
                match found {
                    Some(v) => self.eval_at(v, d + 1),
                    // The language extension's default value.
                    None => match a.get(3).and_then(|o| o.get("DefaultValue")) {
                        Some(v) if keys.iter().all(Option::is_some) => self.eval_at(v, d + 1),
                        _ => unknown("Fn::FindInMap"),
                    },
                }
            }
            "Fn::If" => {
                let Some(a) = args(3) else {
                    return unknown("Fn::If");
                };
                match a[0].as_str().map(|c| self.condition(c, d)) {
                    Some(Some(true)) => self.eval_at(&a[1], d + 1),
                    Some(Some(false)) => self.eval_at(&a[2], d + 1),
                    _ => {
                        let (x, y) = (self.eval_at(&a[1], d + 1), self.eval_at(&a[2], d + 1));
                        match (x, y) {
                            (Some(x), Some(y)) if x.val == y.val => Some(x),
                            _ => unknown(&format!("Fn::If {}", a[0].as_str().unwrap_or("?"))),
                        }
                    }
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => match self.truth(name, arg, d) {
                Some(b) => Some(Spanned::new(Val::Bool(b), at)),
                None => unknown(name),
            },
            "Fn::Base64" => self.eval_at(arg, d + 1),
            "Fn::ToJsonString" => {
                let v = self.eval_at(arg, d + 1)?;
                if contains_unknown(&v) {
                    return unknown("Fn::ToJsonString");
                }
                let text = crate::source::iac::lower(&v).value.to_string();
                Some(Spanned::new(Val::String(text), at))
            }
            "Fn::Length" => match self.eval_at(arg, d + 1).map(|v| v.val) {
                Some(Val::List(items)) => Some(Spanned::new(Val::Number(items.len().into()), at)),
                _ => unknown("Fn::Length"),
            },
            // Known only at deploy time: another stack's export, the region's zones, ...
            other => match arg.as_str().filter(|a| !a.is_empty()) {
                Some(a) => unknown(&format!("{other} {a}")),
                None => unknown(other),
            },
        }
    }

    /// `Ref NAME`: a parameter, a pseudo parameter, or a resource's node id.
    fn reference(&self, target: &str, at: Option<Origin>) -> Evaluated {
        if target == "AWS::NoValue" {
            return None;
        }
        if let Some(v) = self.parameters.get(target) {
            // A value given or defaulted points where it is written; an unknown one
            // where it is used.
            let mut v = v.clone();
            if v.is_unknown() || v.origin.is_none() {
                v.origin = at;
            }
            return Some(v);
        }
        if let Some(id) = self.resources.get(target) {
            return Some(Spanned::new(Val::String(id.clone()), at));
        }
        let known = match target {
            "AWS::Partition" => Some("aws"),
            "AWS::URLSuffix" => Some("amazonaws.com"),
            _ => None,
        };
        if let Some(k) = known {
            return Some(Spanned::new(Val::String(k.into()), at));
        }
        if !target.starts_with("AWS::") {
            self.problem(format!("Ref to {target:?}, which is neither a parameter nor a resource of the template"), at.clone());
        }
        Some(Spanned::unknown(target, at))
    }

    /// Attribute `attr` of resource `res` (`Fn::GetAtt`, `${Res.Attr}` in `Fn::Sub`): its
    /// node id when the attribute names the resource, else unknown.
    fn attribute(&self, res: &str, attr: &str, at: Option<Origin>) -> Spanned {
        match self.resources.get(res) {
            Some(id) if ID_ATTRIBUTES.contains(&attr) => Spanned::new(Val::String(id.clone()), at),
            Some(_) => Spanned::unknown(&format!("{res}.{attr}"), at),
            None => {
                self.problem(
                    format!("Fn::GetAtt of {res:?}, which is not a resource of the template"),
                    at.clone(),
                );
                Spanned::unknown(&format!("{res}.{attr}"), at)
            }
        }
    }

    /// `Fn::Sub` of `text` with `vars` (its second argument, evaluated).
    fn sub(&self, text: &str, vars: Option<&Spanned>, at: Option<Origin>) -> Spanned {
        let mut out = String::new();
        let mut is_unknown = false;
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = match vars.and_then(|v| v.get(name)) {
                Some(v) => Some(v.clone()),
                None => match name.split_once('.') {
                    Some((res, attr)) if self.resources.contains_key(res) => {
                        Some(self.attribute(res, attr, at.clone()))
                    }
                    _ => self.reference(name, at.clone()),
                },
            };
            match value.as_ref().and_then(scalar_text) {
                Some(s) => out.push_str(&s),
                None => {
                    is_unknown = true;
                    out.push_str(&format!("${{{name}}}"));
                }
            }
        }
        out.push_str(rest);
        if is_unknown {
            Spanned::unknown(&out, at)
        } else {
            Spanned::new(Val::String(out), at)
        }
    }

    /// Condition `name` of the template: `None` when it cannot be decided.
    pub fn condition(&self, name: &str, d: usize) -> Option<bool> {
        if let Some(v) = self.decided.borrow().get(name) {
            return *v;
        }
        // A cycle decides nothing.
        self.decided.borrow_mut().insert(name.to_string(), None);
        let decided = self
            .conditions
            .and_then(|c| c.get(name))
            .and_then(|expr| self.eval_at(expr, d + 1))
            .and_then(|v| match v.val {
                Val::Bool(b) => Some(b),
                _ => None,
            });
        self.decided.borrow_mut().insert(name.to_string(), decided);
        decided
    }

    fn truth(&self, name: &str, arg: &Spanned, d: usize) -> Option<bool> {
        let Val::List(items) = &arg.val else {
            return None;
        };
        let values: Vec<Option<Spanned>> = items.iter().map(|x| self.eval_at(x, d + 1)).collect();
        let bools = || -> Vec<Option<bool>> {
            values
                .iter()
                .map(|v| match v.as_ref().map(|v| &v.val) {
                    Some(Val::Bool(b)) => Some(*b),
                    _ => None,
                })
                .collect()
        };
        match name {
            "Fn::Equals" => {
                let [Some(a), Some(b)] = values.as_slice() else {
                    return None;
                };
                if contains_unknown(a) || contains_unknown(b) {
                    return None;
                }
                Some(match (scalar_text(a), scalar_text(b)) {
                    (Some(x), Some(y)) => x == y,
                    _ => a.val == b.val,
                })
            }
            "Fn::Not" => bools().first().copied().flatten().map(|b| !b),
            "Fn::And" => {
                let b = bools();
                if b.contains(&Some(false)) {
                    Some(false)
                } else if b.iter().all(Option::is_some) {
                    Some(true)
                } else {
                    None
                }
            }
            _ => {
                let b = bools();
                if b.contains(&Some(true)) {
                    Some(true)
                } else if b.iter().all(Option::is_some) {
                    Some(false)
                } else {
                    None
                }
            }
        }
    }
}

/// A scalar as text (`Fn::Join` / `Fn::Sub` / `Fn::Equals` compare and join so).
fn scalar_text(v: &Spanned) -> Option<String> {
    match &v.val {
        Val::String(s) => Some(s.clone()),
        Val::Number(n) => Some(n.to_string()),
        Val::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// How an unknown part is shown inside a string.
fn shown(v: &Spanned) -> String {
    match &v.val {
        Val::Unknown { shown } => shown.clone(),
        _ => "${...}".into(),
    }
}

/// Whether `v` is or holds an unknown value.
pub fn contains_unknown(v: &Spanned) -> bool {
    match &v.val {
        Val::Unknown { .. } => true,
        Val::List(items) => items.iter().any(contains_unknown),
        Val::Object { entries, open } => *open || entries.iter().any(|(_, e)| contains_unknown(e)),
        _ => false,
    }
}
