//! Nested stacks: a local `TemplateURL` followed with the parameters its parent passes,
//! and the templates that are nested stacks of others (read through their parents).

use super::*;

/// A nested stack (`AWS::CloudFormation::Stack`) whose `TemplateURL` is a local path
/// (as `aws cloudformation package` takes it): its template is read with the
/// `Parameters` the parent passes. A remote or computed URL is reported as not followed.
pub(super) fn follow_stack(
    stack: &Stack,
    logical: &str,
    res: &Spanned,
    props: Option<&Spanned>,
    redactor: &Redactor,
    out: &mut LoadedTemplate,
) {
    let url = props
        .and_then(|p| p.get("TemplateURL"))
        .and_then(|u| u.as_str())
        .map(str::to_string);
    let skip = |out: &mut LoadedTemplate, why: String| {
        let mut d = Diagnostic::skipped("stack-not-followed", why);
        if let Some(o) = &res.origin {
            d = d.at(o.location());
        }
        out.diagnostics.push(d);
    };
    let Some(url) = url.filter(|u| nested_path(u)) else {
        return skip(
            out,
            format!("nested stack {logical}: its TemplateURL is not a local file; not followed"),
        );
    };
    if stack.depth >= MAX_STACK_DEPTH {
        return skip(
            out,
            format!("nested stack {logical} is nested too deeply; not followed"),
        );
    }
    let dir = std::path::Path::new(stack.file)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let path = dir.join(&url);
    let shown = crate::source::files::display_path(&path);
    let text = match crate::source::files::read_text_limited(&path, MAX_NESTED_SIZE) {
        Ok(t) => t,
        Err(e) => {
            return skip(
                out,
                format!("nested stack {logical} ({shown}): {e}; not followed"),
            )
        }
    };
    let parsed = if shown.ends_with(".json") {
        crate::source::iac::json_spanned(&text, &shown.as_str().into(), 1, 1)
            .map_err(|e| Diagnostic::malformed_json(&shown, &e))
    } else {
        let (parsed, warnings) = parse_yaml(&shown, &text);
        out.diagnostics.extend(warnings);
        parsed.and_then(|t| {
            t.ok_or_else(|| {
                Diagnostic::warning(
                    "not-a-template",
                    "the nested stack's TemplateURL is not a CloudFormation template",
                )
                .in_file(&shown)
            })
        })
    };
    let child = match parsed {
        Ok(t) => t,
        Err(d) => {
            out.diagnostics.push(d);
            return;
        }
    };
    let given: HashMap<String, Spanned> =
        match props.and_then(|p| p.get("Parameters")).map(|p| &p.val) {
            Some(Val::Object { entries, .. }) => entries.iter().cloned().collect(),
            _ => HashMap::new(),
        };
    let at = Stack {
        file: &shown,
        ids: format!("{}{logical}/", stack.ids),
        addresses: format!("{}{logical}/", stack.addresses),
        depth: stack.depth + 1,
    };
    load_stack(&at, &child, &given, redactor, out);
}

/// A nested stack's template is read up to this size.
pub(super) const MAX_NESTED_SIZE: u64 = 64 * 1024 * 1024;

/// Whether a `TemplateURL` is a local path (not `https://`, `s3://`, ...).
pub(super) fn nested_path(url: &str) -> bool {
    !url.contains("://") && !url.starts_with('/') && !url.contains("${")
}

/// The templates other templates under `candidates` use as local nested stacks (read
/// through their parents, with the parameters they pass, not as stacks of their own).
/// Only files that can hold templates and mention `AWS::CloudFormation::Stack` are read.
pub fn nested_templates(
    candidates: &[std::path::PathBuf],
) -> std::collections::HashSet<std::path::PathBuf> {
    let mut out = std::collections::HashSet::new();
    for c in candidates {
        let name = c.to_string_lossy().to_ascii_lowercase();
        let may_nest = [".yaml", ".yml", ".template", ".template.json"]
            .iter()
            .any(|s| name.ends_with(s));
        if !may_nest {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(c) else {
            continue;
        };
        if !text.contains("AWS::CloudFormation::Stack") {
            continue;
        }
        for line in text.lines() {
            let Some(at) = line.find("TemplateURL") else {
                continue;
            };
            let rest = line[at + "TemplateURL".len()..]
                .trim_start_matches(['"', '\''])
                .trim_start();
            let Some(v) = rest.strip_prefix(':') else {
                continue;
            };
            let v = v
                .trim()
                .trim_end_matches(',')
                .trim()
                .trim_matches(['"', '\'']);
            if nested_path(v) && !v.is_empty() {
                if let Some(p) = c
                    .parent()
                    .map(|d| d.join(v))
                    .and_then(|p| p.canonicalize().ok())
                {
                    out.insert(p);
                }
            }
        }
    }
    out
}
