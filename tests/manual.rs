//! The generated man pages and shell completions: what `ecsaudit completions` prints is
//! what the repository keeps, bash's script really completes, and every man page renders
//! without a warning. (`ecsaudit docs --check` in the test script holds the files to the
//! CLI as it is.)

use assert_cmd::Command;
use std::path::Path;

fn ecsaudit() -> Command {
    Command::cargo_bin("ecsaudit").unwrap()
}

#[test]
fn completions_print_what_the_repository_keeps() {
    for (shell, file) in [
        ("bash", "ecsaudit.bash"),
        ("zsh", "_ecsaudit"),
        ("fish", "ecsaudit.fish"),
        ("powershell", "_ecsaudit.ps1"),
    ] {
        let out = ecsaudit().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let kept = std::fs::read(Path::new("docs/completions").join(file)).unwrap();
        assert_eq!(out.stdout, kept, "{shell}: run `ecsaudit docs`");
    }
    ecsaudit()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("possible values"));
}

/// What bash offers after `ecsaudit WORDS...` with the cursor on the last word.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cur = words.last().unwrap();
    let prev = words[words.len() - 2];
    let script = format!(
        "source docs/completions/ecsaudit.bash\nCOMP_WORDS=({})\nCOMP_CWORD={}\n\
         _ecsaudit ecsaudit '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words.len() - 1
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_options_and_values() {
    assert_eq!(bash_completes(&["ecsaudit", "sc"]), ["scan", "schema"]);
    assert_eq!(
        bash_completes(&["ecsaudit", "scan", "--rule-t"]),
        ["--rule-timeout"]
    );
    assert_eq!(
        bash_completes(&["ecsaudit", "scan", "--format", ""]),
        ["text", "json", "sarif", "markdown", "junit"]
    );
}

#[test]
fn every_man_page_renders_without_warnings() {
    let pages: Vec<_> = std::fs::read_dir("docs/man")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(pages.len() >= 12, "{pages:?}");
    for page in pages {
        let out = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-P-c", "-P-b", "-P-o", "-P-u"])
            .arg(&page)
            .output()
            .expect("groff (Debian's groff-base) renders man pages");
        assert!(out.status.success(), "{}", page.display());
        assert!(
            out.stderr.is_empty(),
            "{}: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("NAME") && text.contains("ecsaudit"),
            "{}",
            page.display()
        );
    }
    let scan = std::fs::read_to_string("docs/man/ecsaudit-scan.1").unwrap();
    assert!(
        scan.contains("rule\\-timeout"),
        "the scan page lists its options"
    );
}
