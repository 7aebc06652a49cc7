//! Policies: the built-in pack embedded from `policies/` at build time, plus user
//! directories. A `.rego` file is a *rule* when it has a `# METADATA` block or a `deny`
//! rule, a *test* when it ends in `_test.rego`, and a *library* otherwise.

pub mod budget;
pub mod engine;
pub mod input;
pub mod metadata;
mod nesting;
mod recursion;
pub mod testing;

use crate::diagnostics::{Diagnostic, Location};
use include_dir::{include_dir, Dir};
use metadata::RuleMeta;
use std::collections::BTreeMap;
use std::path::Path;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/policies");

/// One policy file's text and where it came from.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// `policies/...` for built-in files, the path as given for user files.
    pub path: String,
    pub text: String,
    pub builtin: bool,
}

impl PolicySource {
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }

    /// Defines a `deny` rule (at the start of a line, as rules are written).
    fn defines_deny(&self) -> bool {
        self.text.lines().any(|l| {
            l.starts_with("deny contains")
                || l.starts_with("deny[")
                || l.starts_with("deny if")
                || l.starts_with("deny :=")
        })
    }

    pub fn is_rule(&self) -> bool {
        !self.is_test() && (metadata::has_metadata(&self.text) || self.defines_deny())
    }
}

/// Every built-in policy file (rules, libraries and their tests), sorted by path.
pub fn builtin_sources() -> Vec<PolicySource> {
    fn walk(dir: &Dir<'static>, out: &mut Vec<PolicySource>) {
        for f in dir.files() {
            if f.path().extension().is_some_and(|e| e == "rego") {
                out.push(PolicySource {
                    path: format!("policies/{}", f.path().to_string_lossy()),
                    text: f.contents_utf8().unwrap_or_default().to_string(),
                    builtin: true,
                });
            }
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&BUILTIN, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Read every `.rego` file under `dir` (recursively, sorted). Unreadable files become
/// diagnostics naming them.
pub fn read_dir(dir: &Path) -> (Vec<PolicySource>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let display = crate::diagnostics::display_path(dir);
    if dir.is_file() {
        match std::fs::read_to_string(dir) {
            Ok(text) => out.push(PolicySource {
                path: display,
                text,
                builtin: false,
            }),
            Err(e) => diags.push(
                Diagnostic::error("policy-io-error", format!("cannot read policy: {e}"))
                    .in_file(&display),
            ),
        }
        return (out, diags);
    }
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error("policy-io-error", "policy directory does not exist")
                .in_file(&display),
        );
        return (out, diags);
    }
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.path().extension().is_some_and(|x| x == "rego") => {
                let path = crate::diagnostics::display_path(e.path());
                match std::fs::read_to_string(e.path()) {
                    Ok(text) => out.push(PolicySource {
                        path,
                        text,
                        builtin: false,
                    }),
                    Err(err) => diags.push(
                        Diagnostic::error("policy-io-error", format!("cannot read policy: {err}"))
                            .in_file(&path),
                    ),
                }
            }
            Ok(_) => {}
            Err(err) => diags.push(
                Diagnostic::error("policy-io-error", format!("cannot read: {err}"))
                    .in_file(&display),
            ),
        }
    }
    (out, diags)
}

/// Policy files sorted into rules (with parsed metadata), libraries and tests.
#[derive(Debug, Default, Clone)]
pub struct PolicySet {
    pub rules: Vec<(RuleMeta, PolicySource)>,
    pub libraries: Vec<PolicySource>,
    pub tests: Vec<PolicySource>,
}

impl PolicySet {
    /// Sort `sources` and parse rule METADATA. Rules with bad or duplicate metadata are
    /// left out and reported (file:line:col, how to fix); the others still load.
    pub fn from_sources(sources: Vec<PolicySource>) -> (Self, Vec<Diagnostic>) {
        let mut set = PolicySet::default();
        let mut diags = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for src in sources {
            if src.is_test() {
                set.tests.push(src);
            } else if src.is_rule() {
                match metadata::parse(&src.text, &src.path, src.builtin) {
                    Ok(meta) => {
                        if let Some(first) = seen.get(&meta.id) {
                            diags.push(
                                Diagnostic::error(
                                    "policy-duplicate-id",
                                    format!(
                                        "rule id {} is already used by {first}: give this rule a \
                                         unique custom.id",
                                        meta.id
                                    ),
                                )
                                .at(meta.location()),
                            );
                            continue;
                        }
                        if !src.defines_deny() {
                            diags.push(
                                Diagnostic::error(
                                    "policy-no-deny",
                                    format!(
                                        "rule {} defines no `deny contains finding if {{ ... }}`: \
                                         findings are read from `deny`",
                                        meta.id
                                    ),
                                )
                                .at(meta.location()),
                            );
                            continue;
                        }
                        seen.insert(meta.id.clone(), src.path.clone());
                        set.rules.push((meta, src));
                    }
                    Err(e) => diags.push(Diagnostic::error("policy-metadata", e.message).at(
                        Location {
                            file: src.path.clone(),
                            line: Some(e.line),
                            column: Some(e.column),
                            ..Location::default()
                        },
                    )),
                }
            } else {
                set.libraries.push(src);
            }
        }
        (set, diags)
    }

    /// Rule metadata by id.
    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules
            .iter()
            .map(|(m, _)| m)
            .find(|m| m.id.eq_ignore_ascii_case(id))
    }

    pub fn metas(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter().map(|(m, _)| m)
    }
}

/// Load the built-in pack (unless `no_builtin`) plus every user directory.
pub fn load_sources(
    no_builtin: bool,
    dirs: &[std::path::PathBuf],
) -> (Vec<PolicySource>, Vec<Diagnostic>) {
    let mut sources = if no_builtin {
        // User rules may still import the helper library.
        builtin_sources()
            .into_iter()
            .filter(|s| s.path.starts_with("policies/lib/") && !s.is_test())
            .collect()
    } else {
        builtin_sources()
    };
    let mut diags = Vec::new();
    let mut user = Vec::new();
    for d in dirs {
        let (s, dg) = read_dir(d);
        user.extend(s);
        diags.extend(dg);
    }
    // A directory's own `lib/<name>.rego` replaces the built-in one (so a checkout of
    // this repository's `policies/` is tested as written, not merged with the copy
    // compiled into the binary).
    let shadowed: Vec<String> = user.iter().filter_map(|s| lib_file_name(&s.path)).collect();
    sources.retain(|s| lib_file_name(&s.path).is_none_or(|n| !shadowed.contains(&n)));
    sources.extend(user);
    (sources, diags)
}

/// `X.rego` for a path ending in `lib/X.rego`.
fn lib_file_name(path: &str) -> Option<String> {
    let p = path.replace('\\', "/");
    let mut parts = p.rsplit('/');
    let name = parts.next()?;
    (parts.next()? == "lib").then(|| name.to_string())
}

/// Default parameters of every rule: `{rule_id: {param: default}}`, the shape of
/// `data.ecsaudit.params`.
pub fn default_params(set: &PolicySet) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for meta in set.metas() {
        let params: serde_json::Map<String, serde_json::Value> = meta
            .parameters
            .iter()
            .map(|(k, p)| (k.clone(), p.default.clone()))
            .collect();
        out.insert(meta.id.clone(), serde_json::Value::Object(params));
    }
    serde_json::Value::Object(out)
}
