//! CloudFormation YAML read into spanned values: every node with the line and column it
//! is written at, short-form intrinsics (`!Ref X`, `!GetAtt A.B`, `!Sub [...]`) turned
//! into their long form (`{"Ref": "X"}`, `{"Fn::GetAtt": "A.B"}`), so one evaluator
//! serves YAML and JSON templates. Plain scalars take the YAML 1.2 core schema's types.
//! Nesting, anchors and aliases are bounded: a hostile file is an error, not a hang.

use crate::source::iac::LineIndex;
use crate::source::iac::{Origin, Spanned, Val};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::HashMap;
use std::sync::Arc;

/// Collections nest at most this deep.
const MAX_DEPTH: usize = 256;
/// A document holds at most this many values, aliases expanded (a "billion laughs"
/// file stops here).
const MAX_VALUES: usize = 1_000_000;

/// A YAML problem: message, 1-based line and column.
pub type YamlError = (String, u32, u32);

/// Byte offsets of character indexes (the parser counts characters): the characters
/// wider than one byte, with the bytes they add up to each.
struct Positions<'t> {
    text: &'t str,
    lines: LineIndex,
    /// (index of the character after a wide one, extra bytes up to it).
    wide: Vec<(usize, usize)>,
}

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (ci, c) in text.chars().enumerate() {
                if c.len_utf8() > 1 {
                    extra += c.len_utf8() - 1;
                    wide.push((ci + 1, extra));
                }
            }
        }
        Positions {
            text,
            lines: LineIndex::new(text),
            wide,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let extra = match self.wide.partition_point(|&(ci, _)| ci <= char_index) {
            0 => 0,
            i => self.wide[i - 1].1,
        };
        char_index + extra
    }

    fn origin(&self, file: &Arc<str>, span: &Span) -> Origin {
        let range = self.byte(span.start.index())..self.byte(span.end.index());
        self.lines.origin(file, self.text, range)
    }
}

/// A collection being read.
enum Frame {
    Map {
        entries: Vec<(String, Spanned)>,
        key: Option<String>,
        tag: Option<String>,
        anchor: usize,
        start: Span,
    },
    Seq {
        items: Vec<Spanned>,
        tag: Option<String>,
        anchor: usize,
        start: Span,
    },
}

/// The first YAML document of `text` (display path `file`), short-form intrinsics in
/// long form. Duplicate mapping keys are reported in `warnings` (the last one wins).
pub fn parse(
    text: &str,
    file: &Arc<str>,
    warnings: &mut Vec<YamlError>,
) -> Result<Spanned, YamlError> {
    let pos = Positions::new(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Spanned> = HashMap::new();
    let mut values = 0usize;
    let mut root: Option<Spanned> = None;
    let error = |msg: String, span: &Span| {
        let o = pos.origin(file, span);
        (msg, o.line, o.column)
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let m = e.marker();
                return Err((
                    format!("YAML syntax error: {}", e.info()),
                    m.line() as u32,
                    m.col() as u32 + 1,
                ));
            }
        };
        let is_mapping = matches!(event, Event::MappingStart(..));
        let (value, anchor) = match event {
            Event::DocumentEnd if root.is_some() => break,
            Event::MappingStart(anchor, tag) | Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        &span,
                    ));
                }
                let tag = tag.and_then(|t| intrinsic(&t));
                stack.push(if is_mapping {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        tag,
                        anchor,
                        start: span,
                    }
                } else {
                    Frame::Seq {
                        items: Vec::new(),
                        tag,
                        anchor,
                        start: span,
                    }
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = stack.pop() else { continue };
                let (val, tag, anchor, start) = match frame {
                    Frame::Map {
                        entries,
                        tag,
                        anchor,
                        start,
                        ..
                    } => (
                        Val::Object {
                            entries,
                            open: false,
                        },
                        tag,
                        anchor,
                        start,
                    ),
                    Frame::Seq {
                        items,
                        tag,
                        anchor,
                        start,
                    } => (Val::List(items), tag, anchor, start),
                };
                let whole = Span::new(start.start, span.end);
                (
                    tagged(Spanned::new(val, Some(pos.origin(file, &whole))), tag),
                    anchor,
                )
            }
            Event::Scalar(value, style, anchor, tag) => {
                let origin = Some(pos.origin(file, &span));
                let plain = matches!(style, ScalarStyle::Plain);
                let v = match tag.as_deref() {
                    Some(t) if t.handle == "!" => {
                        let s = Spanned::new(Val::String(value.to_string()), origin);
                        tagged(s, intrinsic(t))
                    }
                    Some(t) if t.handle == "tag:yaml.org,2002:" && t.suffix == "str" => {
                        Spanned::new(Val::String(value.to_string()), origin)
                    }
                    _ if plain => Spanned::new(core_schema(&value), origin),
                    _ => Spanned::new(Val::String(value.to_string()), origin),
                };
                (v, anchor)
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(v) => {
                    values += count(v);
                    (v.clone(), 0)
                }
                None => return Err(error("alias of an unknown anchor".into(), &span)),
            },
            _ => continue,
        };
        values += 1;
        if values > MAX_VALUES {
            return Err(error(
                format!("more than {MAX_VALUES} values (aliases expanded); not read"),
                &span,
            ));
        }
        if anchor > 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => {
                root = Some(value);
            }
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let k = match &value.val {
                        Val::String(s) => s.clone(),
                        Val::Number(n) => n.to_string(),
                        Val::Bool(b) => b.to_string(),
                        Val::Null => String::new(),
                        _ => return Err(error("a mapping key must be a scalar".into(), &span)),
                    };
                    if entries.iter().any(|(e, _)| *e == k) {
                        let o = value.origin.as_ref();
                        warnings.push((
                            format!("duplicate key {k:?}: the last one is read"),
                            o.map_or(0, |o| o.line),
                            o.map_or(0, |o| o.column),
                        ));
                    }
                    *key = Some(k);
                }
                Some(k) => entries.push((k, value)),
            },
        }
    }
    root.ok_or_else(|| ("the file holds no YAML document".into(), 1, 1))
}

/// The long-form key of a short-form intrinsic tag (`!Ref` -> `Ref`, `!Sub` ->
/// `Fn::Sub`); `None` for other tags (their node is read as it is).
fn intrinsic(tag: &Tag) -> Option<String> {
    if tag.handle != "!" {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "Ref" | "Condition" => tag.suffix.clone(),
        other => format!("Fn::{other}"),
    })
}

/// `v` wrapped in its intrinsic: `{"Fn::Sub": v}`, at `v`'s place.
fn tagged(v: Spanned, tag: Option<String>) -> Spanned {
    match tag {
        Some(t) => {
            let origin = v.origin.clone();
            Spanned::new(
                Val::Object {
                    entries: vec![(t, v)],
                    open: false,
                },
                origin,
            )
        }
        None => v,
    }
}

/// A plain scalar's value under the YAML 1.2 core schema.
fn core_schema(s: &str) -> Val {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Val::Null,
        "true" | "True" | "TRUE" => return Val::Bool(true),
        "false" | "False" | "FALSE" => return Val::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = s.parse::<i64>() {
            return Val::Number(n.into());
        }
    }
    let numeric = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if numeric {
        if let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            return Val::Number(n);
        }
    }
    Val::String(s.to_string())
}

/// Values in `v` (itself included).
fn count(v: &Spanned) -> usize {
    1 + match &v.val {
        Val::List(items) => items.iter().map(count).sum(),
        Val::Object { entries, .. } => entries.iter().map(|(_, e)| count(e)).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Spanned {
        parse(text, &"t.yaml".into(), &mut Vec::new()).unwrap()
    }

    #[test]
    fn short_forms_become_long_forms_with_their_lines() {
        let v = read(
            "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Arn: !GetAtt Role.Arn\n      Name: !Sub\n        - '${A}-x'\n        - A: !Ref Env\n      Port: 80\n      Flag: yes\n",
        );
        let props = v
            .get("Resources")
            .unwrap()
            .get("Role")
            .unwrap()
            .get("Properties")
            .unwrap();
        let arn = props.get("Arn").unwrap();
        assert_eq!(arn.get("Fn::GetAtt").unwrap().as_str(), Some("Role.Arn"));
        assert_eq!(arn.origin.as_ref().unwrap().line, 5);
        assert_eq!(arn.origin.as_ref().unwrap().column, 12);
        let sub = props.get("Name").unwrap().get("Fn::Sub").unwrap();
        let Val::List(items) = &sub.val else {
            panic!("{sub:?}")
        };
        assert_eq!(
            items[1].get("A").unwrap().get("Ref").unwrap().as_str(),
            Some("Env")
        );
        assert_eq!(props.get("Port").unwrap().val, Val::Number(80.into()));
        assert_eq!(props.get("Flag").unwrap().as_str(), Some("yes"));
    }

    #[test]
    fn anchors_depth_and_errors_are_bounded() {
        let v = read("a: &x [1, 2]\nb: *x\n");
        assert_eq!(v.get("b").unwrap().val, v.get("a").unwrap().val);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        // The parser's own recursion limit, or ours.
        assert!(parse(&deep, &"t".into(), &mut Vec::new()).is_err());
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            laughs.push_str(&format!(
                "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                p = if i == 1 {
                    "a".to_string()
                } else {
                    format!("b{}", i - 1)
                }
            ));
        }
        assert!(parse(&laughs, &"t".into(), &mut Vec::new())
            .unwrap_err()
            .0
            .contains("values"));
        let e = parse("a: [1,\nb: c\n", &"t".into(), &mut Vec::new()).unwrap_err();
        assert!(e.1 >= 2, "{e:?}");
        let mut w = Vec::new();
        parse("a: 1\na: 2\n", &"t".into(), &mut w).unwrap();
        assert_eq!(w.len(), 1);
        // Columns count UTF-16 units after wide characters.
        let v = read("n: \"é\"\nm: !Ref é\n");
        assert_eq!(v.get("m").unwrap().origin.as_ref().unwrap().column, 4);
    }
}
