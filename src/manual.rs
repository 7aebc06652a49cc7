//! Man pages and shell completions, generated from the command-line definition (clap), so
//! they cannot drift from `--help`: `ecsaudit docs` writes them into the repository and
//! `ecsaudit docs --check` fails when they are stale; `ecsaudit completions SHELL` prints
//! a shell's script directly.

use clap_complete::Shell;

/// The shells completions are generated for, with the file each is kept in.
pub const SHELLS: [(Shell, &str); 4] = [
    (Shell::Bash, "ecsaudit.bash"),
    (Shell::Zsh, "_ecsaudit"),
    (Shell::Fish, "ecsaudit.fish"),
    (Shell::PowerShell, "_ecsaudit.ps1"),
];

/// One man page per command: `ecsaudit.1`, `ecsaudit-scan.1`, ... as (file name, roff).
pub fn man_pages(cmd: clap::Command) -> std::io::Result<Vec<(String, String)>> {
    fn add(cmd: clap::Command, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            add(sub, out)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((
            man.get_filename(),
            String::from_utf8_lossy(&page).into_owned(),
        ));
        Ok(())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    add(cmd, &mut out)?;
    out.sort();
    Ok(out)
}

/// The completion script of `shell` for `cmd`.
pub fn completion(mut cmd: clap::Command, shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ecsaudit", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Every shell's completion script, as (file name, script).
pub fn completions(cmd: &clap::Command) -> Vec<(String, String)> {
    SHELLS
        .iter()
        .map(|(shell, file)| (file.to_string(), completion(cmd.clone(), *shell)))
        .collect()
}
