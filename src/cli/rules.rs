//! The rule commands: `rules`, `explain`, `test`, `eval`, `new-rule` and `docs`.

use super::args::{Cli, EvalArgs, NewRuleArgs, PolicyArgs, RulesArgs, TestArgs};
use super::inputs::{load_policies, read_graph};
use super::output::{eprint_diag, eprint_problems, write_output};
use super::Outcome;
use crate::diagnostics::{Diagnostic, Level};
use crate::policy::{self, testing, PolicySet};
use std::io::Write;
use std::path::Path;

pub(super) fn cmd_rules(args: RulesArgs) -> Outcome {
    let loaded = load_policies(&args.policies)?;
    loaded.diagnostics.iter().for_each(eprint_diag);
    let mut metas: Vec<_> = loaded.set.metas().collect();
    metas.sort_by(|a, b| a.id.cmp(&b.id));
    let text = if args.format == "json" {
        serde_json::to_string_pretty(&metas).unwrap_or_default() + "\n"
    } else {
        let mut s = String::new();
        for m in &metas {
            s.push_str(&format!(
                "{:<7} {:<9} {}\n",
                m.id,
                m.severity.as_str(),
                m.title
            ));
        }
        s
    };
    let _ = write_output(None, &text);
    Ok(i32::from(loaded.diagnostics.iter().any(|d| d.level == Level::Error)) * 2)
}

pub(super) fn cmd_explain(id: String, policies: PolicyArgs) -> Outcome {
    let loaded = load_policies(&policies)?;
    let meta = loaded.set.rule(&id).ok_or_else(|| {
        Diagnostic::error(
            "usage",
            format!("no rule with id `{id}` (see `ecsaudit rules`)"),
        )
    })?;
    let _ = write_output(None, &crate::docs::explain_text(meta));
    Ok(0)
}

pub(super) fn cmd_test(args: TestArgs) -> Outcome {
    // No directories: the built-in pack; otherwise those directories (with the helper library).
    let (sources, mut diags) = policy::load_sources(!args.dirs.is_empty(), &args.dirs);
    let (set, set_diags) = PolicySet::from_sources(sources);
    diags.extend(set_diags);
    let params = policy::default_params(&set);
    let run = testing::run(&set, &params, args.run.as_deref(), args.budget.budget());
    diags.extend(run.diagnostics.iter().cloned());
    let mut out = anstream::stdout();
    if args.json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&run).unwrap_or_default()
        );
    } else {
        let green = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into()));
        let red = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Red.into()))
            .bold();
        for r in &run.results {
            match &r.outcome {
                testing::Outcome::Pass if args.verbose => {
                    let _ = writeln!(
                        out,
                        "{green}PASS{green:#} {}:{}: {}",
                        r.file, r.line, r.name
                    );
                }
                testing::Outcome::Pass => {}
                testing::Outcome::Fail(why) | testing::Outcome::Error(why) => {
                    let word = if matches!(r.outcome, testing::Outcome::Fail(_)) {
                        "FAIL"
                    } else {
                        "ERROR"
                    };
                    let _ = writeln!(
                        out,
                        "{red}{word}{red:#} {}:{}: {} ({why})",
                        r.file, r.line, r.name
                    );
                }
            }
            if args.verbose || r.outcome != testing::Outcome::Pass {
                for p in &r.prints {
                    let _ = writeln!(out, "    print: {p}");
                }
            }
        }
        if args.coverage {
            // Of the rule files: the helper library is only partly used by any one pack.
            let rule_files: std::collections::BTreeSet<&str> =
                set.rules.iter().map(|(_, src)| src.path.as_str()).collect();
            let _ = writeln!(out, "\ncoverage:");
            for c in run
                .coverage
                .iter()
                .filter(|c| rule_files.contains(c.file.as_str()))
            {
                let _ = writeln!(
                    out,
                    "  {:>5.1}%  {}  (not covered: {:?})",
                    c.percent(),
                    c.file,
                    c.not_covered
                );
            }
        }
        let _ = writeln!(out, "{} passed, {} failed", run.passed(), run.failed());
    }
    eprint_problems(&diags);
    if run.results.is_empty() {
        return Err(Diagnostic::error("no-tests", "no test_* rules found").into());
    }
    Ok(if diags.iter().any(|d| d.level == Level::Error) {
        2
    } else {
        i32::from(run.failed() > 0)
    })
}

pub(super) fn cmd_eval(args: EvalArgs) -> Outcome {
    let loaded = load_policies(&args.policies)?;
    loaded.diagnostics.iter().for_each(eprint_diag);
    let graph = read_graph(&args.graph, &loaded.config.redactor())?;
    let mut values = loaded
        .engine
        .query(&graph, &args.query)
        .map_err(|e| Diagnostic::error("eval-error", e.to_string()))?;
    let out = if values.len() == 1 {
        values.remove(0)
    } else {
        serde_json::Value::Array(values)
    };
    let text = serde_json::to_string_pretty(&out).unwrap_or_default() + "\n";
    let _ = write_output(None, &text);
    Ok(0)
}

/// Write the generated docs (rule pages, man pages, completions), or with `check` say
/// which are stale (exit 1).
pub(super) fn cmd_docs(rules: &Path, man: &Path, completions: &Path, check: bool) -> Outcome {
    let (set, diags) = PolicySet::from_sources(policy::builtin_sources());
    if !diags.is_empty() {
        return Err(diags.into());
    }
    let cli = <Cli as clap::CommandFactory>::command();
    let pages = crate::manual::man_pages(cli.clone())
        .map_err(|e| Diagnostic::error("docs", format!("cannot render man pages: {e}")))?;
    let sets = [
        (rules, crate::docs::rule_docs(&set)),
        (man, pages),
        (completions, crate::manual::completions(&cli)),
    ];
    let mut stale = Vec::new();
    for (dir, files) in &sets {
        for (name, text) in files {
            let path = dir.join(name);
            if check {
                if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                    stale.push(path.display().to_string());
                }
                continue;
            }
            std::fs::create_dir_all(dir)
                .and_then(|_| std::fs::write(&path, text))
                .map_err(|e| {
                    let message = format!("cannot write {}: {e}", path.display());
                    Diagnostic::error("io-error", message)
                })?;
        }
    }
    if check && !stale.is_empty() {
        eprint_diag(&Diagnostic::error(
            "docs-stale",
            format!(
                "generated docs are stale, run `ecsaudit docs`: {}",
                stale.join(", ")
            ),
        ));
        return Ok(1);
    }
    Ok(0)
}

pub(super) fn cmd_new_rule(args: NewRuleArgs) -> Outcome {
    let paths = crate::docs::scaffold_rule(&args.id, args.name.as_deref(), &args.dir)?;
    for p in paths {
        println!("wrote {}", p.display());
    }
    Ok(0)
}
