//! Input variable values: `--var`, `--var-file`, `terraform.tfvars` and `*.auto.tfvars`.

use super::*;

/// A `--var` value: HCL when it parses as a literal list, object, number or bool, else
/// the string.
pub(super) fn var_value(text: &str) -> Val {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        if !v.is_string() {
            return crate::source::iac::json_spanned(text, &"--var".into(), 1, 1)
                .map(|s| s.val)
                .unwrap_or(Val::String(text.to_string()));
        }
    }
    Val::String(text.to_string())
}

/// `terraform.tfvars`, `*.auto.tfvars` (in name order; their `.json` forms after
/// each), then `--var-file` files: the values they set, in the order they apply.
pub(super) fn tfvars(
    dir: &Path,
    opts: &TerraformOptions,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Spanned)> {
    let mut paths = Vec::new();
    for main in ["terraform.tfvars", "terraform.tfvars.json"] {
        if dir.join(main).is_file() {
            paths.push(dir.join(main));
        }
    }
    paths.extend(tf_files(dir, &[".auto.tfvars"]));
    paths.extend(tf_files(dir, &[".auto.tfvars.json"]));
    paths.extend(opts.var_files.iter().cloned());
    let mut out = Vec::new();
    for p in paths {
        let shown = crate::source::files::display_path(&p);
        let text = match crate::source::files::read_text_limited(&p, opts.max_file_size) {
            Ok(text) => text,
            Err(e) => {
                diags.push(Diagnostic::error("io-error", e).in_file(&shown));
                continue;
            }
        };
        if shown.ends_with(".json") {
            match crate::source::iac::json_spanned(&text, &shown.as_str().into(), 1, 1) {
                Ok(Spanned {
                    val: Val::Object { entries, .. },
                    ..
                }) => out.extend(entries),
                Ok(_) => diags.push(
                    Diagnostic::error(
                        "parse-error",
                        "a .tfvars.json file must hold a JSON object of variable values",
                    )
                    .in_file(&shown),
                ),
                Err(e) => diags.push(Diagnostic::malformed_json(&shown, &e)),
            }
            continue;
        }
        let f = SourceFile::new(&shown, text);
        match parse(&f) {
            Ok(body) => {
                let files = std::slice::from_ref(&f);
                let values =
                    Module::new(dir.to_path_buf(), String::new(), files, opts.max_file_size);
                for a in body.attributes() {
                    let v = Scope::new(&values, 0).eval(&a.value);
                    out.push((a.key.value().as_str().to_string(), v));
                }
            }
            Err(d) => diags.push(d),
        }
    }
    out
}
