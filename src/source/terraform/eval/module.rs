//! A module as evaluation sees it: its source files, what it defines (variables,
//! locals, resources), the values it was called with, and its problems.

use super::*;

/// Most values one local may hold (list and object entries, all levels): locals that
/// double each other grow exponentially; past this a local is left unresolved.
const MAX_LOCAL_VALUES: usize = 100_000;

/// `v` holds more than `limit` values (counted until the limit is passed).
fn larger_than(v: &Spanned, limit: usize) -> bool {
    fn count(v: &Spanned, left: &mut usize) -> bool {
        if *left == 0 {
            return true;
        }
        *left -= 1;
        match &v.val {
            Val::List(items) => items.iter().any(|i| count(i, left)),
            Val::Object { entries, .. } => entries.iter().any(|(_, x)| count(x, left)),
            _ => false,
        }
    }
    let mut left = limit;
    count(v, &mut left)
}

/// One parsed `.tf` file of a module.
pub struct SourceFile {
    /// Display path.
    pub path: Arc<str>,
    /// HCL text (for a `.tf.json` file, the HCL it stands for).
    pub text: String,
    pub lines: LineIndex,
    /// A `.tf.json` file: its JSON text, lines and the offset map of `text` into it.
    pub json: Option<(
        String,
        LineIndex,
        crate::source::terraform::json_syntax::Transcoded,
    )>,
}

impl SourceFile {
    pub fn new(path: &str, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceFile {
            path: path.into(),
            text,
            lines,
            json: None,
        }
    }

    /// A `.tf.json` file (Terraform's JSON syntax), read as the HCL it stands for.
    pub fn from_json(path: &str, json: String) -> Result<Self, (String, usize, usize)> {
        let mut t = crate::source::terraform::json_syntax::transcode(&json)?;
        let mut f = SourceFile::new(path, std::mem::take(&mut t.hcl));
        let lines = LineIndex::new(&json);
        f.json = Some((json, lines, t));
        Ok(f)
    }

    /// Where byte range `span` sits.
    pub fn origin(&self, span: Option<std::ops::Range<usize>>) -> Option<Origin> {
        let r = span?;
        Some(match &self.json {
            Some((json, lines, t)) => {
                let start = t.json_offset(r.start);
                let end = t.json_offset(r.end).max(start);
                lines.origin(&self.path, json, start..end)
            }
            None => self.lines.origin(&self.path, &self.text, r),
        })
    }

    /// The text of byte range `span`, trimmed.
    pub fn slice(&self, span: Option<std::ops::Range<usize>>) -> String {
        span.and_then(|r| self.text.get(r))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| "?".into())
    }
}

/// A named expression of the module (a local value) and the file it is in.
pub struct Defined<'m> {
    pub expr: &'m Expression,
    pub file: usize,
}

/// What expressions of one module are evaluated against.
pub struct Module<'m> {
    /// Directory of the module, as `path.module` gives it.
    pub dir: PathBuf,
    pub dir_shown: String,
    /// The root module's directory, as node ids name it.
    pub root_shown: String,
    /// `module.NAME.` for each module call from the root down to this module.
    pub prefix: String,
    pub files: &'m [SourceFile],
    /// Input variables: their value (default, tfvars, `--var`), or unknown.
    pub vars: HashMap<String, Spanned>,
    pub locals: HashMap<String, Defined<'m>>,
    /// Resource blocks by `type.name`: the block, its file, and whether it has
    /// instances (`count` / `for_each`).
    pub resources: HashMap<String, (&'m hcl_edit::structure::Block, usize, bool)>,
    /// `data "aws_iam_policy_document"` blocks by name, with their file.
    pub policy_documents: HashMap<String, (&'m hcl_edit::structure::Block, usize)>,
    /// `data "template_file"` blocks: `template` and `vars` expressions.
    pub template_files: HashMap<String, (Option<Defined<'m>>, Option<Defined<'m>>)>,
    /// Outputs of the modules this one calls, by call name: an object of outputs (a
    /// list of them for `count`, an object by key for `for_each`).
    pub module_outputs: HashMap<String, Spanned>,
    /// Limit on the size of files read with `file()` / `templatefile()`.
    pub max_file_size: u64,
    cache: RefCell<HashMap<String, Spanned>>,
    in_progress: RefCell<HashSet<String>>,
    /// JSON text `jsonencode`, `templatefile` or `file` produced -> the value with its
    /// origins, so decoding it again (`container_definitions`) keeps its lines.
    json: RefCell<HashMap<String, Spanned>>,
    /// Text read with `file()` -> the file's display path.
    texts: RefCell<HashMap<String, String>>,
    /// Problems met while evaluating (an unreadable `file()`, a cycle), with where.
    pub problems: RefCell<Vec<(String, Option<Origin>)>>,
}

impl<'m> Module<'m> {
    pub fn new(
        dir: PathBuf,
        dir_shown: String,
        files: &'m [SourceFile],
        max_file_size: u64,
    ) -> Self {
        Module {
            dir,
            root_shown: dir_shown.clone(),
            prefix: String::new(),
            dir_shown,
            files,
            vars: HashMap::new(),
            locals: HashMap::new(),
            resources: HashMap::new(),
            policy_documents: HashMap::new(),
            template_files: HashMap::new(),
            module_outputs: HashMap::new(),
            max_file_size,
            cache: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(HashSet::new()),
            json: RefCell::new(HashMap::new()),
            texts: RefCell::new(HashMap::new()),
            problems: RefCell::new(Vec::new()),
        }
    }

    /// Forget the local values computed so far (a module's outputs became known since).
    pub fn forget_locals(&self) {
        self.cache.borrow_mut().clear();
    }

    pub(super) fn local(&self, name: &str, depth: usize) -> Option<Spanned> {
        let key = format!("local.{name}");
        if let Some(v) = self.cache.borrow().get(&key) {
            return Some(v.clone());
        }
        let def = self.locals.get(name)?;
        if !self.in_progress.borrow_mut().insert(key.clone()) {
            let file = &self.files[def.file];
            self.problem(
                format!("local.{name} refers to itself"),
                file.origin(def.expr.span()),
            );
            return Some(Spanned::unknown(&key, None));
        }
        let mut v = Scope::new(self, def.file).eval_at(def.expr, depth + 1);
        if larger_than(&v, MAX_LOCAL_VALUES) {
            let file = &self.files[def.file];
            self.problem(
                format!("local.{name} holds more than {MAX_LOCAL_VALUES} values; left unresolved"),
                file.origin(def.expr.span()),
            );
            v = Spanned::unknown(&key, file.origin(def.expr.span()));
        }
        self.in_progress.borrow_mut().remove(&key);
        self.cache.borrow_mut().insert(key, v.clone());
        Some(v)
    }

    /// The graph node id of resource instance `address` of this module (in a child
    /// module: `module.NAME.` prefixed, under the root module's directory).
    pub fn node_id(&self, address: &str) -> String {
        format!("terraform:{}#{}{address}", self.root_shown, self.prefix)
    }

    /// Remember the value JSON text was made from (or parsed into, with origins).
    pub fn remember_json(&self, text: &str, value: Spanned) {
        self.json.borrow_mut().insert(text.to_string(), value);
    }

    /// The value behind JSON text this module produced or read, with its origins.
    pub fn recall_json(&self, text: &str) -> Option<Spanned> {
        self.json.borrow().get(text).cloned()
    }

    /// The file a `file()` call read `text` from.
    pub fn file_of_text(&self, text: &str) -> Option<String> {
        self.texts.borrow().get(text).cloned()
    }

    /// `file(path)`: the text, its JSON (with origins in that file) remembered.
    pub fn read_file(&self, path: &str, origin: Option<Origin>) -> Option<String> {
        let (shown, text) = self.read_file_shown(path, origin)?;
        if let Ok(v) = crate::source::iac::json_spanned(&text, &shown.as_str().into(), 1, 1) {
            self.remember_json(&text, v);
        }
        Some(text)
    }

    /// Read a file a module names (relative to the working directory as Terraform runs,
    /// or else to the module), within the size limit; problems are recorded.
    pub fn read_file_shown(&self, path: &str, origin: Option<Origin>) -> Option<(String, String)> {
        let direct = std::path::Path::new(path);
        let candidates = [direct.to_path_buf(), self.dir.join(path)];
        let Some(found) = candidates.iter().find(|p| p.is_file()) else {
            self.problem(
                format!("file `{path}` not found; its content is left unresolved"),
                origin,
            );
            return None;
        };
        let shown = crate::source::files::display_path(found);
        match crate::source::files::read_text_limited(found, self.max_file_size) {
            Ok(text) => {
                self.texts.borrow_mut().insert(text.clone(), shown.clone());
                Some((shown, text))
            }
            Err(e) => {
                self.problem(format!("`{shown}`: {e}"), origin);
                None
            }
        }
    }

    /// Record a problem once (a block evaluated for several instances meets it again).
    pub fn problem(&self, message: String, origin: Option<Origin>) {
        let mut problems = self.problems.borrow_mut();
        if !problems.iter().any(|(m, o)| *m == message && *o == origin) {
            problems.push((message, origin));
        }
    }
}
