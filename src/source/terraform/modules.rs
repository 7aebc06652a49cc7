//! Module calls: a `module` block's local or fetched source loaded with the values it
//! passes, and the directories other modules call (scanned through their callers).

use super::*;

/// How a module is called: from the root (no inputs: defaults and tfvars apply), or
/// by a `module` block of its parent, with the values it passes.
pub(super) struct Call {
    pub(super) root_shown: String,
    pub(super) prefix: String,
    pub(super) inputs: Option<Vec<(String, Spanned)>>,
    pub(super) depth: usize,
}

/// Module calls are followed this deep at most.
pub(super) const MAX_MODULE_DEPTH: usize = 8;

/// The directories that other modules under `dirs` call as local modules
/// (`source = "./..."`): scanned through their callers, not as roots.
pub fn called_modules(dirs: &[PathBuf]) -> std::collections::HashSet<PathBuf> {
    let mut out = std::collections::HashSet::new();
    for d in dirs {
        for f in configuration_files(d) {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            // `source = "./x"`, or `"source": "./x"` in the JSON syntax.
            for line in text.lines() {
                let t = line.trim().trim_start_matches('"');
                let Some(rest) = t.strip_prefix("source") else {
                    continue;
                };
                let rest = rest.trim_start_matches('"').trim_start();
                let Some(v) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else {
                    continue;
                };
                let v = v.trim().trim_end_matches(',').trim().trim_matches('"');
                if v.starts_with("./") || v.starts_with("../") {
                    if let Ok(c) = d.join(v).canonicalize() {
                        out.insert(c);
                    }
                }
            }
        }
    }
    out
}

/// Load the module a `module` block calls (each instance, for `count` / `for_each`),
/// with the values it passes, into `out`: a local `source`, or a remote one
/// `terraform init` fetched (`.terraform/modules`). Anything else is reported as not
/// followed. Returns the call's outputs (`None` when they are not known).
#[allow(clippy::too_many_arguments)]
pub(super) fn follow_module(
    module: &Module,
    name: &str,
    block: &Block,
    fi: usize,
    opts: &TerraformOptions,
    redactor: &Redactor,
    call: &Call,
    out: &mut LoadedModule,
) -> Option<Spanned> {
    let scope = Scope::new(module, fi);
    let origin = scope.source().origin(block.span());
    let skip = |out: &mut LoadedModule, why: String| {
        let mut d = Diagnostic::skipped("module-not-followed", why);
        if let Some(o) = &origin {
            d = d.at(o.location());
        }
        out.diagnostics.push(d);
        None
    };
    let source = block
        .body
        .get_attribute("source")
        .map(|a| scope.eval(&a.value))
        .and_then(|v| v.as_str().map(str::to_string));
    let Some(source) = source else {
        return skip(
            out,
            format!("module \"{name}\" has no literal `source`; not followed"),
        );
    };
    let dir = if source.starts_with("./") || source.starts_with("../") {
        Some(joined(&module.dir, &source))
    } else {
        fetched_module(&module.dir, &call.prefix, name)
    };
    let Some(dir) = dir.filter(|d| d.is_dir()) else {
        return skip(
            out,
            format!("module \"{name}\" (source {source:?}) is not followed: a remote module is read only once `terraform init` has put it under .terraform/modules"),
        );
    };
    if call.depth >= MAX_MODULE_DEPTH {
        return skip(
            out,
            format!("module \"{name}\" is nested too deeply; not followed"),
        );
    }
    let reserved = [
        "source",
        "version",
        "count",
        "for_each",
        "providers",
        "depends_on",
    ];
    let base = format!("module.{name}");
    // Each instance's outputs, by its key: none (no count / for_each, or an unknown
    // one), an index, or a for_each key.
    let mut instance_outputs: Vec<(Option<serde_json::Value>, Spanned)> = Vec::new();
    for (local, scope) in instances(module, block, fi, "module", name) {
        let inputs: Vec<(String, Spanned)> = block
            .body
            .attributes()
            .filter(|a| !reserved.contains(&a.key.value().as_str()))
            .map(|a| (a.key.value().as_str().to_string(), scope.eval(&a.value)))
            .collect();
        let child = Call {
            root_shown: call.root_shown.clone(),
            prefix: format!("{}{local}.", call.prefix),
            inputs: Some(inputs),
            depth: call.depth + 1,
        };
        let loaded = load_dir(&dir, opts, redactor, &child);
        out.nodes.extend(loaded.nodes);
        out.diagnostics.extend(loaded.diagnostics);
        out.files_read += loaded.files_read;
        out.resources += loaded.resources;
        let key = local
            .strip_prefix(&base)
            .and_then(|k| k.strip_prefix('[')?.strip_suffix(']'))
            .and_then(|k| serde_json::from_str(k).ok());
        let outputs = Val::Object {
            entries: loaded.outputs,
            open: false,
        };
        instance_outputs.push((key, Spanned::new(outputs, None)));
    }
    let counted = block.body.has_attribute("count");
    if !counted && !block.body.has_attribute("for_each") {
        return instance_outputs.pop().map(|(_, v)| v);
    }
    // An unknown count or for_each: which instances exist is not known.
    if instance_outputs.iter().any(|(k, _)| k.is_none()) {
        return None;
    }
    let val = if counted {
        Val::List(instance_outputs.into_iter().map(|(_, v)| v).collect())
    } else {
        let entries = instance_outputs
            .into_iter()
            .filter_map(|(k, v)| Some((k?.as_str()?.to_string(), v)))
            .collect();
        Val::Object {
            entries,
            open: false,
        }
    };
    Some(Spanned::new(val, None))
}

/// `base` joined with relative `rel`, `.` and `..` folded (`infra/./modules/web` ->
/// `infra/modules/web`), so reports name the path as a person would.
pub(super) fn joined(base: &Path, rel: &str) -> PathBuf {
    use std::path::Component;
    let mut out = base.to_path_buf();
    for c in Path::new(rel).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() || out.as_os_str().is_empty() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The directory `terraform init` fetched module `name` into (its `modules.json`).
pub(super) fn fetched_module(root: &Path, prefix: &str, name: &str) -> Option<PathBuf> {
    let manifest = root.join(".terraform/modules/modules.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    // Keys name the call path without instance keys: `ecs`, `ecs.sidecar`.
    let mut path = String::new();
    let mut depth = 0;
    for c in prefix.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => path.push(c),
            _ => {}
        }
    }
    let key = format!("{}{name}", path.replace("module.", ""));
    v.get("Modules")?
        .as_array()?
        .iter()
        .find(|m| m.get("Key").and_then(|k| k.as_str()) == Some(key.as_str()))
        .and_then(|m| m.get("Dir")?.as_str())
        .map(|d| root.join(d))
}
