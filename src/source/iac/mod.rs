//! What Infrastructure-as-Code sources (Terraform, CloudFormation) share: values that
//! remember where they were written, values that cannot be known before deploy time
//! (*unknown*), and the lowering of both into graph properties with a location for every
//! JSON pointer and a list of what could not be resolved.

pub mod nodes;

use crate::diagnostics::Location;
use crate::graph::Unresolved;
use crate::json_index::{escape_token, JsonIndex};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a value was written: a file and a 1-based line and UTF-16 column range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Origin {
    /// As a report location (with no pointer).
    pub fn location(&self) -> Location {
        Location {
            file: self.file.to_string(),
            line: Some(self.line),
            column: Some(self.column),
            end_line: Some(self.end_line),
            end_column: Some(self.end_column),
            pointer: None,
        }
    }
}

/// An evaluated IaC value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    List(Vec<Spanned>),
    /// Entries in order; `open` when it may hold more entries than these (it was merged
    /// with an unknown value).
    Object {
        entries: Vec<(String, Spanned)>,
        open: bool,
    },
    /// Not known before deploy time. `shown` is how the graph shows it: a string with
    /// `${...}` where the unknown parts are (`${var.image}`, `${var.repo}:latest`).
    Unknown {
        shown: String,
    },
}

/// A value and where it was written (if anywhere: computed values have no origin).
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub val: Val,
    pub origin: Option<Origin>,
}

impl Spanned {
    pub fn new(val: Val, origin: Option<Origin>) -> Self {
        Spanned { val, origin }
    }

    /// An unknown value shown as `${text}`.
    pub fn unknown(text: &str, origin: Option<Origin>) -> Self {
        let shown = if text.contains("${") {
            text.to_string()
        } else {
            format!("${{{text}}}")
        };
        Spanned::new(Val::Unknown { shown }, origin)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.val, Val::Unknown { .. })
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.val {
            Val::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entry `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        match &self.val {
            Val::Object { entries, .. } => {
                entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// The entry `key` of an object, to change (the one [`Self::get`] reads).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Spanned> {
        match &mut self.val {
            Val::Object { entries, .. } => entries
                .iter_mut()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Add entry `key` to an object (after those it has).
    pub fn push_entry(&mut self, key: &str, value: Spanned) {
        if let Val::Object { entries, .. } = &mut self.val {
            entries.push((key.to_string(), value));
        }
    }
}

/// An object of `entries` with no origin of its own.
pub fn obj(entries: Vec<(&str, Spanned)>) -> Spanned {
    Spanned::new(
        Val::Object {
            entries: entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            open: false,
        },
        None,
    )
}

/// A string with no origin.
pub fn string(text: &str) -> Spanned {
    Spanned::new(Val::String(text.to_string()), None)
}

/// A list with no origin.
pub fn list(items: Vec<Spanned>) -> Spanned {
    Spanned::new(Val::List(items), None)
}

/// Entry `k` of object `v` unless it is null: an argument or property that is set.
pub fn entry<'a>(v: &'a Spanned, k: &str) -> Option<&'a Spanned> {
    v.get(k).filter(|x| x.val != Val::Null)
}

/// The entries of `v` that are set, renamed `(from, to)`.
pub fn renamed(v: &Spanned, names: &[(&str, &'static str)]) -> Vec<(&'static str, Spanned)> {
    names
        .iter()
        .filter_map(|(from, to)| Some((*to, entry(v, from)?.clone())))
        .collect()
}

/// The items of list entry `k` of `v` (none when it is not a list).
pub fn items<'a>(v: &'a Spanned, k: &str) -> Vec<&'a Spanned> {
    match entry(v, k).map(|x| &x.val) {
        Some(Val::List(items)) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// `v` placed where `from` is written.
pub fn with_origin(mut v: Spanned, from: &Spanned) -> Spanned {
    v.origin = from.origin.clone();
    v
}

/// Push `item` onto the list `key` of object `v`.
pub fn push_to(v: &mut Spanned, key: &str, item: Spanned) {
    if let Val::Object { entries, .. } = &mut v.val {
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some((
                _,
                Spanned {
                    val: Val::List(items),
                    ..
                },
            )) => items.push(item),
            _ => entries.push((key.to_string(), list(vec![item]))),
        }
    }
}

/// `v` and everything in it placed at `o` (a value decoded from a string is where the
/// string is written).
pub fn set_origins(v: &mut Spanned, o: Option<&Origin>) {
    v.origin = o.cloned();
    match &mut v.val {
        Val::List(items) => items.iter_mut().for_each(|i| set_origins(i, o)),
        Val::Object { entries, .. } => entries.iter_mut().for_each(|(_, x)| set_origins(x, o)),
        _ => {}
    }
}

/// A value lowered into graph properties.
#[derive(Debug, Default)]
pub struct Lowered {
    pub value: Value,
    /// JSON pointer -> where that value was written.
    pub locations: BTreeMap<String, Location>,
    /// Unknown values and open objects, by pointer.
    pub unresolved: Vec<Unresolved>,
}

/// Lower `v` into plain JSON, recording the location of every value and every unknown.
pub fn lower(v: &Spanned) -> Lowered {
    let mut out = Lowered::default();
    let mut pointer = String::new();
    out.value = lower_into(v, &mut pointer, &mut out.locations, &mut out.unresolved);
    out
}

fn lower_into(
    v: &Spanned,
    pointer: &mut String,
    locations: &mut BTreeMap<String, Location>,
    unresolved: &mut Vec<Unresolved>,
) -> Value {
    if let Some(o) = &v.origin {
        locations.insert(pointer.clone(), o.location());
    }
    match &v.val {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Number(n) => Value::Number(n.clone()),
        Val::String(s) => Value::String(s.clone()),
        Val::Unknown { shown } => {
            unresolved.push(Unresolved {
                pointer: pointer.clone(),
                expression: shown.clone(),
                open: false,
            });
            Value::String(shown.clone())
        }
        Val::List(items) => {
            let len = pointer.len();
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&i.to_string());
                out.push(lower_into(item, pointer, locations, unresolved));
                pointer.truncate(len);
            }
            Value::Array(out)
        }
        Val::Object { entries, open } => {
            if *open {
                unresolved.push(Unresolved {
                    pointer: pointer.clone(),
                    expression: "entries of an unknown value".into(),
                    open: true,
                });
            }
            let len = pointer.len();
            let mut out = Map::new();
            for (k, item) in entries {
                pointer.push('/');
                pointer.push_str(&escape_token(k));
                let value = lower_into(item, pointer, locations, unresolved);
                pointer.truncate(len);
                out.insert(k.clone(), value);
            }
            Value::Object(out)
        }
    }
}

/// A JSON value parsed from `text` (a file, or a heredoc inside one) as a spanned value:
/// each value's origin is where it sits in `file`, `text` starting at `line`/`column`.
pub fn json_spanned(
    text: &str,
    file: &Arc<str>,
    line: u32,
    column: u32,
) -> Result<Spanned, serde_json::Error> {
    let value: Value = serde_json::from_str(text)?;
    let index = JsonIndex::build(text);
    let mut pointer = String::new();
    Ok(spanned_from_json(&value, &index, &mut pointer, &|span| {
        Origin {
            file: file.clone(),
            line: span.line + line - 1,
            column: if span.line == 1 {
                span.column + column - 1
            } else {
                span.column
            },
            end_line: span.end_line + line - 1,
            end_column: if span.end_line == 1 {
                span.end_column + column - 1
            } else {
                span.end_column
            },
        }
    }))
}

fn spanned_from_json(
    v: &Value,
    index: &JsonIndex,
    pointer: &mut String,
    origin: &dyn Fn(crate::json_index::Span) -> Origin,
) -> Spanned {
    let at = index
        .locate(pointer)
        .filter(|(found, _)| found.len() == pointer.len())
        .map(|(_, span)| origin(span));
    let val = match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => Val::Number(n.clone()),
        Value::String(s) => Val::String(s.clone()),
        Value::Array(a) => {
            let len = pointer.len();
            let items = a
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    let s = spanned_from_json(x, index, pointer, origin);
                    pointer.truncate(len);
                    s
                })
                .collect();
            Val::List(items)
        }
        Value::Object(o) => {
            let len = pointer.len();
            let entries = o
                .iter()
                .map(|(k, x)| {
                    pointer.push('/');
                    pointer.push_str(&escape_token(k));
                    let s = spanned_from_json(x, index, pointer, origin);
                    pointer.truncate(len);
                    (k.clone(), s)
                })
                .collect();
            Val::Object {
                entries,
                open: false,
            }
        }
    };
    Spanned::new(val, at)
}

/// Line starts of a text, to turn byte ranges into origins (the JSON index's line map).
#[derive(Debug)]
pub struct LineIndex {
    lines: crate::json_index::LineMap,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        LineIndex {
            lines: crate::json_index::LineMap::new(text),
        }
    }

    /// 1-based line and UTF-16 column of byte `offset` in `text`.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        self.lines.position(text, offset)
    }

    /// The origin of byte range `range` of `text` in `file`.
    pub fn origin(&self, file: &Arc<str>, text: &str, range: std::ops::Range<usize>) -> Origin {
        let (line, column) = self.position(text, range.start);
        let (end_line, end_column) = self.position(text, range.end);
        Origin {
            file: file.clone(),
            line,
            column,
            end_line,
            end_column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowering_records_locations_and_unknowns() {
        let file: Arc<str> = "main.tf".into();
        let o = |line| {
            Some(Origin {
                file: file.clone(),
                line,
                column: 1,
                end_line: line,
                end_column: 2,
            })
        };
        let v = Spanned::new(
            Val::Object {
                entries: vec![
                    ("a/b".into(), Spanned::new(Val::Bool(true), o(2))),
                    ("img".into(), Spanned::unknown("var.image", o(3))),
                    (
                        "list".into(),
                        Spanned::new(Val::List(vec![Spanned::new(Val::Null, o(4))]), o(4)),
                    ),
                ],
                open: true,
            },
            o(1),
        );
        let l = lower(&v);
        assert_eq!(
            l.value,
            serde_json::json!({"a/b": true, "img": "${var.image}", "list": [null]})
        );
        assert_eq!(l.locations[""].line, Some(1));
        assert_eq!(l.locations["/a~1b"].line, Some(2));
        assert_eq!(l.locations["/list/0"].line, Some(4));
        assert_eq!(l.unresolved.len(), 2);
        assert!(l.unresolved.iter().any(|u| u.open && u.pointer.is_empty()));
        assert!(l
            .unresolved
            .iter()
            .any(|u| u.pointer == "/img" && u.expression == "${var.image}"));
    }

    #[test]
    fn json_positions_are_shifted_to_where_the_text_starts() {
        let file: Arc<str> = "main.tf".into();
        let v = json_spanned("[{\"a\": 1,\n  \"b\": true}]", &file, 10, 5).unwrap();
        let Val::List(items) = &v.val else { panic!() };
        let b = items[0].get("b").unwrap();
        assert_eq!(b.origin.as_ref().unwrap().line, 11);
        let a = items[0].get("a").unwrap();
        assert_eq!(a.origin.as_ref().unwrap().line, 10);
        assert!(a.origin.as_ref().unwrap().column > 5);
    }

    #[test]
    fn line_index_counts_utf16_columns() {
        let text = "ab\nc\u{1F600}d";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), (1, 1));
        assert_eq!(idx.position(text, 3), (2, 1));
        assert_eq!(idx.position(text, text.len() - 1), (2, 4));
    }
}
