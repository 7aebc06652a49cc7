//! Pointer -> position index for JSON text.
//!
//! serde_json parses without spans, so after a document has parsed we scan its text once
//! more and record where every value (and, for object members, its key) starts and ends,
//! keyed by RFC 6901 JSON pointer. Lines are 1-based; columns are 1-based UTF-16 code
//! units, which is SARIF's default `columnKind`.

use foldhash::{HashMap, HashSet};

/// A region of a text file: 1-based lines, 1-based UTF-16 columns, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// Where each JSON pointer of one document sits in its text.
#[derive(Debug, Default)]
pub struct JsonIndex {
    spans: HashMap<String, Span>,
}

impl JsonIndex {
    /// Index `text`, which must already be valid JSON (parse it first; an invalid tail is
    /// indexed as far as it goes).
    pub fn build(text: &str) -> Self {
        Self::scan(text, None)
    }

    /// Index only `pointers` and their ancestors (what [`Self::locate`] falls back to);
    /// subtrees no pointer enters are skipped without being indexed.
    pub fn build_for<'p>(text: &str, pointers: impl IntoIterator<Item = &'p str>) -> Self {
        let mut wanted = HashSet::default();
        for p in pointers {
            let mut p = p;
            while wanted.insert(p.to_string()) && !p.is_empty() {
                p = p.rfind('/').map_or("", |i| &p[..i]);
            }
        }
        Self::scan(text, Some(wanted))
    }

    fn scan(text: &str, wanted: Option<HashSet<String>>) -> Self {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            text,
            pos: 0,
            lines: LineMap::new(text),
            spans: HashMap::default(),
            wanted,
        };
        scanner.skip_ws();
        let mut pointer = String::new();
        let start = scanner.pos;
        if scanner.value(&mut pointer, 0) {
            let span = scanner.span(start, scanner.pos);
            scanner.spans.insert(String::new(), span);
        }
        JsonIndex {
            spans: scanner.spans,
        }
    }

    /// The span of `pointer`, or of its nearest ancestor that exists (a finding about a
    /// missing field points at the object that lacks it). Returns the pointer used.
    pub fn locate<'p>(&self, pointer: &'p str) -> Option<(&'p str, Span)> {
        let mut p = pointer;
        loop {
            if let Some(span) = self.spans.get(p) {
                return Some((p, *span));
            }
            if p.is_empty() {
                return None;
            }
            p = match p.rfind('/') {
                Some(i) => &p[..i],
                None => "",
            };
        }
    }

    /// Exact span of `pointer`, if that value exists.
    pub fn get(&self, pointer: &str) -> Option<Span> {
        self.spans.get(pointer).copied()
    }
}

/// Escape one reference token per RFC 6901.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON-pointer token with `~1` and `~0` decoded (borrowed when there are none).
pub fn unescape_token(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains('~') {
        std::borrow::Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(raw)
    }
}

/// Byte offsets at which lines start: after `\n`, `\r\n` and a lone `\r` (old Mac
/// files; counting only `\n` put every finding of such a file on line 1).
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue; // the \n that follows ends this line
        }
        starts.push(i + 1);
    }
    starts
}

/// Byte offsets to 1-based lines and UTF-16 columns (JSON pointers here, IaC spans in
/// [`crate::source::iac`]).
#[derive(Debug)]
pub struct LineMap {
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
    /// For each character wider in UTF-8 than in UTF-16: the offset just past it and
    /// the extra bytes of all such characters up to it (so a column is found by two
    /// binary searches, not by counting the line: minified files are one long line).
    wide: Vec<(usize, usize)>,
}

impl LineMap {
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (i, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
                let len = c.len_utf8();
                extra += len - c.len_utf16();
                wide.push((i + len, extra));
            }
        }
        LineMap {
            starts: line_starts(text),
            wide,
        }
    }

    /// Extra UTF-8 bytes (over UTF-16 units) of the characters before byte `offset`.
    fn extra_before(&self, offset: usize) -> usize {
        match self.wide.partition_point(|&(end, _)| end <= offset) {
            0 => 0,
            i => self.wide[i - 1].1,
        }
    }

    /// 1-based line and UTF-16 column of byte `offset` in `text` (the text this map was
    /// built from; an offset past its end counts as its end).
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        // Columns count UTF-16 units: bytes, less what wide characters add.
        let column = (offset - start) - (self.extra_before(offset) - self.extra_before(start));
        (line as u32 + 1, column as u32 + 1)
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    lines: LineMap,
    spans: HashMap<String, Span>,
    /// Pointers to index (with their ancestors); `None` indexes everything.
    wanted: Option<HashSet<String>>,
}

impl<'a> Scanner<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.lines.position(self.text, start);
        let (end_line, end_column) = self.lines.position(self.text, end);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// Scan the member or element value at `pos` (its key or value starting at
    /// `start`) under `pointer`, and index it if it is wanted.
    fn member(&mut self, pointer: &mut String, start: usize, depth: usize) -> bool {
        if !self.wants(pointer) {
            return self.skip_value();
        }
        let ok = self.wanted_value(pointer, depth);
        let span = self.span(start, self.pos);
        self.spans.insert(pointer.clone(), span);
        ok
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// Whether `pointer` is to be indexed.
    fn wants(&self, pointer: &str) -> bool {
        self.wanted.as_ref().is_none_or(|w| w.contains(pointer))
    }

    /// Scan one value at `pos`, recording spans of its children under `pointer`.
    /// Returns false when the text ends early or is not JSON.
    fn value(&mut self, pointer: &mut String, depth: usize) -> bool {
        if !self.wants(pointer) {
            return self.skip_value();
        }
        self.wanted_value(pointer, depth)
    }

    /// [`Self::value`] of a value already known to be wanted.
    fn wanted_value(&mut self, pointer: &mut String, depth: usize) -> bool {
        if depth > 512 {
            return false;
        }
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(pointer, depth),
            Some(b'[') => self.array(pointer, depth),
            // A string or scalar has no children to index.
            _ => self.skip_value(),
        }
    }

    /// Move past one value without indexing it (the file already parsed as JSON).
    fn skip_value(&mut self) -> bool {
        match self.bytes.get(self.pos) {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(&b) = self.bytes.get(self.pos) {
                    match b {
                        b'"' => {
                            if !self.skip_string() {
                                return false;
                            }
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return true;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                false
            }
            Some(_) => self.skip_scalar(),
            None => false,
        }
    }

    /// Move past a number, `true`, `false` or `null`.
    fn skip_scalar(&mut self) -> bool {
        while let Some(b) = self.bytes.get(self.pos) {
            if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.pos += 1;
        }
        true
    }

    /// Move past a string (the position is at its opening quote).
    fn skip_string(&mut self) -> bool {
        self.pos += 1;
        while let Some(at) = self
            .bytes
            .get(self.pos..)
            .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
        {
            self.pos += at;
            if self.bytes[self.pos] == b'"' {
                self.pos += 1;
                return true;
            }
            self.pos += 2;
        }
        self.pos = self.bytes.len();
        false
    }

    /// A string's value (borrowed from the text unless it has escapes).
    fn string(&mut self) -> Option<std::borrow::Cow<'a, str>> {
        let start = self.pos;
        if !self.skip_string() {
            return None;
        }
        let text: &'a str = self.text;
        let literal = &text[start..self.pos];
        if literal.contains('\\') {
            serde_json::from_str(literal)
                .ok()
                .map(std::borrow::Cow::Owned)
        } else {
            Some(std::borrow::Cow::Borrowed(&literal[1..literal.len() - 1]))
        }
    }

    fn object(&mut self, pointer: &mut String, depth: usize) -> bool {
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b'}') => {
                    self.pos += 1;
                    return true;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'"') => {}
                _ => return false,
            }
            let key_start = self.pos;
            let Some(key) = self.string() else {
                return false;
            };
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return false;
            }
            self.pos += 1;
            self.skip_ws();
            let len = pointer.len();
            pointer.push('/');
            if key.contains(['~', '/']) {
                pointer.push_str(&escape_token(&key));
            } else {
                pointer.push_str(&key);
            }
            let ok = self.member(pointer, key_start, depth + 1);
            pointer.truncate(len);
            if !ok {
                return false;
            }
        }
    }

    fn array(&mut self, pointer: &mut String, depth: usize) -> bool {
        self.pos += 1;
        let mut index = 0usize;
        loop {
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b']') => {
                    self.pos += 1;
                    return true;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
                None => return false,
            }
            let start = self.pos;
            let len = pointer.len();
            pointer.push('/');
            let _ = std::fmt::Write::write_fmt(pointer, format_args!("{index}"));
            let ok = self.member(pointer, start, depth + 1);
            pointer.truncate(len);
            index += 1;
            if !ok {
                return false;
            }
        }
    }
}

/// The text without a leading UTF-8 byte-order mark. Positions are counted after it, by
/// the file source and by whoever positions findings later ([`crate::findings`]).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        assert_eq!(line_starts("a\nb\r\nc\rd"), vec![0, 2, 5, 7]);
        let text = "{\r  \"a\": 1,\r  \"b\": true\r}";
        let idx = JsonIndex::build(text);
        assert_eq!(idx.locate("/b").unwrap().1.line, 3);
    }

    const DOC: &str = r#"{
  "family": "web",
  "containerDefinitions": [
    {
      "name": "app",
      "environment": [
        {"name": "A", "value": "1"},
        {"name": "DB_PASSWORD", "value": "héllo"}
      ]
    }
  ],
  "a/b": {"~x": [1, 2]}
}"#;

    #[test]
    fn members_span_from_key_to_value_end() {
        let idx = JsonIndex::build(DOC);
        let s = idx.get("/family").unwrap();
        assert_eq!((s.line, s.column, s.end_line, s.end_column), (2, 3, 2, 18));
    }

    #[test]
    fn array_elements_are_indexed() {
        let idx = JsonIndex::build(DOC);
        let s = idx.get("/containerDefinitions/0/environment/1").unwrap();
        assert_eq!((s.line, s.column), (8, 9));
        let s = idx
            .get("/containerDefinitions/0/environment/1/value")
            .unwrap();
        assert_eq!((s.line, s.column), (8, 33));
        assert_eq!(
            s.end_column,
            33 + "\"value\": \"héllo\"".chars().count() as u32
        );
    }

    #[test]
    fn escaped_tokens_and_root() {
        let idx = JsonIndex::build(DOC);
        assert!(idx.get("/a~1b/~0x/1").is_some());
        assert_eq!(idx.get("").unwrap().line, 1);
        let tokens: Vec<_> = "/a~1b/~0x/1"
            .split('/')
            .skip(1)
            .map(unescape_token)
            .collect();
        assert_eq!(tokens, vec!["a/b", "~x", "1"]);
    }

    #[test]
    fn missing_pointer_falls_back_to_ancestor() {
        let idx = JsonIndex::build(DOC);
        let (p, s) = idx
            .locate("/containerDefinitions/0/logConfiguration/options")
            .unwrap();
        assert_eq!(p, "/containerDefinitions/0");
        assert_eq!(s.line, 4);
    }

    #[test]
    fn utf16_columns_count_astral_chars_twice() {
        let idx = JsonIndex::build("{\"😀\": 1, \"b\": 2}");
        assert_eq!(idx.get("/b").unwrap().column, 11);
    }

    #[test]
    fn index_for_some_pointers_agrees_with_the_full_index() {
        let full = JsonIndex::build(DOC);
        let wanted = [
            "/containerDefinitions/0/environment/1/value",
            "/containerDefinitions/0/logConfiguration/options",
            "/a~1b/~0x/1",
        ];
        let part = JsonIndex::build_for(DOC, wanted);
        for p in wanted {
            assert_eq!(part.locate(p), full.locate(p), "{p}");
        }
        // Ancestors are there for the fallback; siblings nobody asked for are not.
        assert_eq!(
            part.get("/containerDefinitions/0"),
            full.get("/containerDefinitions/0")
        );
        assert_eq!(part.get(""), full.get(""));
        assert!(part.get("/family").is_none());
        assert!(part.get("/containerDefinitions/0/environment/0").is_none());
    }

    #[test]
    fn escaped_quotes_and_backslashes_end_strings_where_json_does() {
        let text = "{\"a\": \"x\\\"y\\\\\", \"b\": 1}";
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(text).unwrap()["b"],
            1
        );
        let s = JsonIndex::build(text).get("/b").unwrap();
        let col = |needle: &str| text.find(needle).unwrap() as u32 + 1;
        assert_eq!((s.column, s.end_column), (col("\"b\""), col("}")));
        for part in ["", "\\", "\\\""] {
            // A string cut off inside (or right after) an escape: indexed as far as it
            // goes, to the end of the text, no panic.
            let cut = format!("{{\"a\": 1, \"b\": \"x{part}");
            let idx = JsonIndex::build(&cut);
            assert!(idx.get("/a").is_some(), "{cut}");
            let end = idx.get("/b").map(|s| s.end_column);
            assert_eq!(end, Some(cut.len() as u32 + 1), "{cut}");
        }
    }
}
