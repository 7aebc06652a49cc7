//! Terraform's JSON syntax (`*.tf.json`, what CDK for Terraform writes), read as the
//! native syntax it stands for: the JSON is rewritten into HCL text with a map from
//! every rewritten offset back into the JSON, so values keep their `.tf.json` lines.
//!
//! As Terraform reads it: block types nest their labels as object keys
//! (`resource.TYPE.NAME`), a body is an object (or an array of them for repeated
//! blocks), strings are templates (`"${var.image}"`), `"//"` keys are comments and
//! `variable` defaults are literal. Whether an object inside a resource is a nested
//! block or a map attribute depends on the provider schema; objects are blocks except
//! the map arguments of the resources ecsaudit reads (`tags`, `vars`, ...).

/// Map arguments (not nested blocks) of the resource and data types that are read.
const MAP_ARGUMENTS: &[&str] = &["tags", "tags_all", "triggers", "vars", "default_tags"];

/// Nested blocks of a resource that are not read (and may carry labels).
const SKIPPED_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

/// The HCL text a `.tf.json` file stands for, and how to find its offsets in the JSON.
#[derive(Debug, Default)]
pub struct Transcoded {
    pub hcl: String,
    anchors: Vec<Anchor>,
    /// `"//"` comments of blocks: (the comment, the block body's JSON byte range).
    pub comments: Vec<(String, std::ops::Range<usize>)>,
}

/// HCL offset `hcl` is JSON offset `json`, for `len` bytes copied verbatim.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    hcl: usize,
    json: usize,
    len: usize,
}

impl Transcoded {
    /// The JSON byte offset HCL offset `offset` came from.
    pub fn json_offset(&self, offset: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.hcl <= offset);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            Some(a) => a.json + (offset - a.hcl).min(a.len),
            None => 0,
        }
    }
}

/// A parsed JSON value with the byte offset it starts at.
enum J<'a> {
    Object(usize, usize, Vec<(String, usize, J<'a>)>),
    Array(usize, Vec<J<'a>>),
    /// Raw text (quotes included) and the decoded string.
    Str(usize, &'a str, String),
    /// A number, `true`, `false` or `null`, as written.
    Literal(usize, &'a str),
}

/// Rewrite `json` (a `.tf.json` file's text) as HCL. Errors carry a message and the
/// 1-based line and column of the JSON problem.
pub fn transcode(json: &str) -> Result<Transcoded, (String, usize, usize)> {
    // Parsed as a value for its nesting limit (128) too: the reader below recurses.
    if let Err(e) = serde_json::from_str::<serde_json::Value>(json) {
        return Err((format!("malformed JSON: {e}"), e.line(), e.column().max(1)));
    }
    let mut p = Parser { text: json, pos: 0 };
    let root = p.value();
    let mut out = Transcoded::default();
    let J::Object(_, _, entries) = root else {
        return Err(("a .tf.json file must hold a JSON object".into(), 1, 1));
    };
    for (kind, _, value) in &entries {
        let labels = match kind.as_str() {
            "resource" | "data" => 2,
            "variable" | "output" | "module" => 1,
            "locals" => 0,
            _ => continue,
        };
        out.labeled(kind, labels, value, &mut Vec::new());
    }
    Ok(out)
}

impl Transcoded {
    fn anchor(&mut self, json: usize, len: usize) {
        self.anchors.push(Anchor {
            hcl: self.hcl.len(),
            json,
            len,
        });
    }

    /// Blocks of `kind` whose remaining `labels` nest as object keys under `v`.
    fn labeled<'a>(&mut self, kind: &str, labels: usize, v: &J<'a>, names: &mut Vec<String>) {
        if labels == 0 {
            match v {
                J::Array(_, items) => {
                    for item in items {
                        self.block(kind, names, item);
                    }
                }
                other => self.block(kind, names, other),
            }
            return;
        }
        let J::Object(_, _, entries) = v else { return };
        for (name, _, sub) in entries {
            if name == "//" {
                continue;
            }
            names.push(name.clone());
            self.labeled(kind, labels - 1, sub, names);
            names.pop();
        }
    }

    /// One block: `kind "label" ... { body }`.
    fn block(&mut self, kind: &str, labels: &[String], body: &J) {
        let J::Object(start, end, entries) = body else {
            return;
        };
        self.anchor(*start, 0);
        self.hcl.push_str(kind);
        for l in labels {
            self.hcl.push(' ');
            self.hcl.push_str(&quoted(l, true));
        }
        self.hcl.push_str(" {\n");
        let nested = matches!(kind, "resource" | "data") || !is_top_level(kind);
        for (key, key_at, value) in entries {
            if key == "//" {
                if let J::Str(_, _, text) = value {
                    self.comments.push((text.clone(), *start..*end));
                }
                continue;
            }
            if !is_identifier(key) {
                continue;
            }
            if nested && SKIPPED_BLOCKS.contains(&key.as_str()) {
                continue;
            }
            if nested && key == "dynamic" {
                self.dynamic(value);
                continue;
            }
            if nested && is_block_value(key, value) {
                self.labeled(key, 0, value, &mut Vec::new());
                continue;
            }
            self.anchor(*key_at, key.len());
            self.hcl.push_str(key);
            self.hcl.push_str(" = ");
            self.expression(value, kind == "variable" && key == "default");
            self.hcl.push('\n');
        }
        self.hcl.push_str("}\n");
    }

    /// `"dynamic": {"NAME": {"for_each": ..., "content": {...}}}`.
    fn dynamic(&mut self, v: &J) {
        let J::Object(_, _, entries) = v else { return };
        for (name, _, spec) in entries {
            if name == "//" {
                continue;
            }
            let specs: Vec<&J> = match spec {
                J::Array(_, items) => items.iter().collect(),
                other => vec![other],
            };
            for s in specs {
                self.block("dynamic", std::slice::from_ref(name), s);
            }
        }
    }

    /// An expression: strings are templates (literal when `literal`).
    fn expression(&mut self, v: &J, literal: bool) {
        match v {
            J::Literal(at, raw) => {
                self.anchor(*at, raw.len());
                self.hcl.push_str(raw);
            }
            J::Str(at, raw, text) => {
                if literal {
                    self.anchor(*at, 0);
                    self.hcl.push_str(&quoted(text, true));
                } else {
                    self.template(*at, raw);
                }
            }
            J::Array(at, items) => {
                self.anchor(*at, 1);
                self.hcl.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.hcl.push_str(", ");
                    }
                    self.expression(item, literal);
                }
                self.hcl.push(']');
            }
            J::Object(at, _, entries) => {
                self.anchor(*at, 1);
                self.hcl.push('{');
                for (i, (key, key_at, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.hcl.push_str(", ");
                    }
                    self.anchor(*key_at, 0);
                    self.hcl.push_str(&quoted(key, literal));
                    self.hcl.push_str(" = ");
                    self.expression(value, literal);
                }
                self.hcl.push('}');
            }
        }
    }
}

impl Transcoded {
    /// A JSON string as an HCL quoted template: its literal parts escaped for HCL, its
    /// `${...}` / `%{...}` parts (native expression syntax) as they are, each character
    /// mapped to where it is written in the JSON.
    fn template(&mut self, at: usize, raw: &str) {
        let chars = decode(raw, at);
        self.anchor(at, 1);
        self.hcl.push('"');
        let mut i = 0;
        let mut next_json = usize::MAX;
        while i < chars.len() {
            let (c, json, len) = chars[i];
            let opens = matches!(c, '$' | '%') && chars.get(i + 1).is_some_and(|n| n.0 == '{');
            let escaped = opens && chars.get(i + 2).is_some_and(|n| n.0 == c);
            if opens && !escaped {
                let end = interpolation_end(&chars, i + 2).unwrap_or(chars.len());
                for &(c, json, len) in &chars[i..end] {
                    if json != next_json {
                        self.anchor(json, 0);
                    }
                    if let Some(a) = self.anchors.last_mut() {
                        a.len += c.len_utf8();
                    }
                    self.hcl.push(c);
                    next_json = json + len;
                }
                i = end;
                continue;
            }
            if opens {
                // `$${` / `%%{`: a literal `${` in both syntaxes.
                self.anchor(json, 3);
                self.hcl.push_str(&format!("{c}{c}{{"));
                i += 3;
                next_json = usize::MAX;
                continue;
            }
            self.anchor(json, 0);
            self.hcl.push_str(&escaped_char(c));
            next_json = json + len;
            i += 1;
        }
        self.hcl.push('"');
    }
}

/// The characters of JSON string literal `raw` (quotes included, at byte `at` of the
/// file), each with the file offset and length of how it is written.
fn decode(raw: &str, at: usize) -> Vec<(char, usize, usize)> {
    let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
    let mut out = Vec::with_capacity(inner.len());
    let mut it = inner.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let pos = at + 1 + i;
        if c != '\\' {
            out.push((c, pos, c.len_utf8()));
            continue;
        }
        let Some((_, e)) = it.next() else { break };
        let simple = match e {
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'u' => None,
            other => Some(other),
        };
        if let Some(c) = simple {
            out.push((c, pos, 2));
            continue;
        }
        let hex = |from: usize| {
            inner
                .get(from..from + 4)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
        };
        let Some(hi) = hex(i + 2) else { break };
        for _ in 0..4 {
            it.next();
        }
        let mut len = 6;
        let code = if (0xD800..0xDC00).contains(&hi) && inner.get(i + 6..i + 8) == Some("\\u") {
            let lo = hex(i + 8).unwrap_or(0);
            for _ in 0..6 {
                it.next();
            }
            len = 12;
            0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
        } else {
            hi
        };
        out.push((char::from_u32(code).unwrap_or('\u{fffd}'), pos, len));
    }
    out
}

/// The index just past the `}` that closes the interpolation whose body starts at
/// `start` (nested braces and quoted strings, with their own interpolations, skipped).
fn interpolation_end(chars: &[(char, usize, usize)], start: usize) -> Option<usize> {
    // Each open expression counts its braces; a `None` is a quoted string.
    let mut stack: Vec<Option<usize>> = vec![Some(1)];
    let mut i = start;
    while i < chars.len() {
        let c = chars[i].0;
        match stack.last_mut()? {
            Some(depth) => match c {
                '{' => *depth += 1,
                '}' => {
                    *depth -= 1;
                    if *depth == 0 {
                        stack.pop();
                        if stack.is_empty() {
                            return Some(i + 1);
                        }
                    }
                }
                '"' => stack.push(None),
                _ => {}
            },
            None => match c {
                '\\' => i += 1,
                '"' => {
                    stack.pop();
                }
                '$' | '%' if chars.get(i + 1).is_some_and(|n| n.0 == '{') => {
                    stack.push(Some(1));
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

fn is_top_level(kind: &str) -> bool {
    matches!(kind, "variable" | "output" | "module" | "locals")
}

/// An object (or array of objects) under `key` of a resource is a nested block.
fn is_block_value(key: &str, v: &J) -> bool {
    if MAP_ARGUMENTS.contains(&key) {
        return false;
    }
    match v {
        J::Object(..) => true,
        J::Array(_, items) => !items.is_empty() && items.iter().all(|i| matches!(i, J::Object(..))),
        _ => false,
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// `s` as an HCL quoted string; `literal` escapes template sequences too.
fn quoted(s: &str, literal: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '$' | '%') && literal && chars.peek() == Some(&'{') {
            out.push(c);
        }
        out.push_str(&escaped_char(c));
    }
    out.push('"');
    out
}

/// One character of an HCL quoted string's literal part.
fn escaped_char(c: char) -> String {
    match c {
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        c if c.is_control() => format!("\\u{:04x}", c as u32),
        c => c.to_string(),
    }
}

/// A reader of JSON text that serde_json has already accepted.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn skip_ws(&mut self) {
        let b = self.text.as_bytes();
        while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> J<'a> {
        self.skip_ws();
        let b = self.text.as_bytes();
        let start = self.pos;
        match b.get(start) {
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                loop {
                    self.skip_ws();
                    match b.get(self.pos) {
                        Some(b'}') | None => break,
                        Some(b',') => self.pos += 1,
                        _ => {
                            let key_at = self.pos;
                            let J::Str(_, _, key) = self.string() else {
                                break;
                            };
                            self.skip_ws();
                            self.pos += 1; // ':'
                            let v = self.value();
                            entries.push((key, key_at + 1, v));
                        }
                    }
                }
                self.pos += 1;
                J::Object(start, self.pos, entries)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match b.get(self.pos) {
                        Some(b']') | None => break,
                        Some(b',') => self.pos += 1,
                        _ => items.push(self.value()),
                    }
                }
                self.pos += 1;
                J::Array(start, items)
            }
            Some(b'"') => self.string(),
            _ => {
                while self.pos < b.len()
                    && !matches!(b[self.pos], b',' | b'}' | b']')
                    && !b[self.pos].is_ascii_whitespace()
                {
                    self.pos += 1;
                }
                J::Literal(start, &self.text[start..self.pos])
            }
        }
    }

    fn string(&mut self) -> J<'a> {
        let b = self.text.as_bytes();
        let start = self.pos;
        self.pos += 1;
        while self.pos < b.len() && b[self.pos] != b'"' {
            self.pos += if b[self.pos] == b'\\' { 2 } else { 1 };
        }
        self.pos = (self.pos + 1).min(b.len());
        let raw = &self.text[start..self.pos];
        let decoded = serde_json::from_str::<String>(raw).unwrap_or_default();
        J::Str(start, raw, decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_attributes_and_templates_are_rewritten() {
        let json = r#"{
  "variable": {"image": {"default": "nginx:${x}"}},
  "resource": {"aws_ecs_task_definition": {"app": {
    "family": "app-${var.image}",
    "tags": {"Team": "a"},
    "volume": [{"name": "data", "efs_volume_configuration": {"file_system_id": "fs-1"}}],
    "//": "ecsaudit:ignore EA501 reason: test",
    "dynamic": {"placement_constraints": {"for_each": "${var.c}", "content": {"type": "x"}}}
  }}}
}"#;
        let t = transcode(json).unwrap();
        let body = hcl_edit::parser::parse_body(&t.hcl).expect(&t.hcl);
        let res = body
            .blocks()
            .find(|b| b.ident.value().as_str() == "resource")
            .unwrap();
        assert_eq!(res.labels.len(), 2);
        assert!(res.body.has_attribute("tags"));
        assert!(res
            .body
            .blocks()
            .any(|b| b.ident.value().as_str() == "volume"));
        assert!(res
            .body
            .blocks()
            .any(|b| b.ident.value().as_str() == "dynamic"));
        assert!(t.hcl.contains("default = \"nginx:$${x}\""), "{}", t.hcl);
        assert_eq!(t.comments.len(), 1);
        // "app-${var.image}" maps back to its JSON offset, inside the string too.
        let at = t.hcl.find("\"app-").unwrap();
        assert_eq!(t.json_offset(at), json.find("\"app-").unwrap());
        let var = t.hcl.find("var.image").unwrap();
        assert_eq!(t.json_offset(var), json.find("var.image").unwrap());
    }

    #[test]
    fn bad_json_and_wrong_shapes_are_errors_or_skipped() {
        assert_eq!(transcode("{\n  \"resource\": ").unwrap_err().1, 2);
        assert!(transcode("[1]").is_err());
        let t = transcode(r#"{"resource": {"aws_lb": 3}, "locals": {"a": "\b\/"}}"#).unwrap();
        assert!(hcl_edit::parser::parse_body(&t.hcl).is_ok(), "{}", t.hcl);
    }
}
