//! The command line's definitions (clap): commands, their arguments, and the value
//! parsers of ids and shards. What each command does is in [`super`].

use crate::diagnostics::Diagnostic;
use crate::policy::engine::Backend;
use crate::policy::metadata::Threshold;
use crate::report::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Policy-as-code security and best-practice auditor for Amazon ECS task definitions.
#[derive(Debug, Parser)]
#[command(name = "ecsaudit", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan task-definition files (or a saved graph) and report findings.
    Scan(Box<ScanArgs>),
    /// Build the graph document from task-definition files and write it.
    Graph(GraphArgs),
    /// Collect a live AWS account into a graph document (re-evaluate later with
    /// `scan --graph`).
    Collect(CollectArgs),
    /// Combine the JSON reports of shards (one `scan -f json` per account, OU or
    /// directory) into one report, in any output format.
    Merge(MergeArgs),
    /// Print the JSON Schema of the graph document.
    Schema,
    /// List every rule with its metadata.
    Rules(RulesArgs),
    /// Print one rule's full documentation.
    Explain {
        /// Rule id, e.g. EA101.
        id: String,
        #[command(flatten)]
        policies: PolicyArgs,
    },
    /// Run Rego policy tests (`test_*` rules in `*_test.rego`), like `opa test`.
    Test(TestArgs),
    /// Evaluate an ad-hoc Rego query against a saved graph.
    Eval(EvalArgs),
    /// Scaffold a new rule and its test in a policy directory.
    NewRule(NewRuleArgs),
    /// Write the generated documentation: rule pages (docs/rules/*.md, from METADATA), man
    /// pages (docs/man/*.1) and shell completions (docs/completions/), from this CLI.
    Docs {
        /// Directory of the rule pages.
        #[arg(long, default_value = "docs/rules")]
        out: PathBuf,
        /// Directory of the man pages.
        #[arg(long, default_value = "docs/man")]
        man: PathBuf,
        /// Directory of the shell completions.
        #[arg(long, default_value = "docs/completions")]
        completions: PathBuf,
        /// Exit 1 if the files on disk differ from what would be written (write nothing).
        #[arg(long)]
        check: bool,
    },
    /// Print the shell completion script for SHELL (e.g. `ecsaudit completions bash >
    /// /etc/bash_completion.d/ecsaudit`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Where policies come from.
#[derive(Debug, Args, Clone, Default)]
pub struct PolicyArgs {
    /// Extra policy directory or file (repeatable); loaded beside the built-in pack.
    #[arg(long = "policy", value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Run only the policies given with --policy (the helper library stays available).
    #[arg(long)]
    pub no_builtin: bool,
    /// Config file (default: ./ecsaudit.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// How long one rule may run.
#[derive(Debug, Args, Clone, Copy)]
pub struct BudgetArgs {
    /// Wall time one rule may take on one part of the graph (up to 256 resources), or
    /// one policy test or query; a rule that overruns is stopped and reported, and the
    /// rest of the scan goes on.
    #[arg(long = "rule-timeout", default_value_t = crate::policy::budget::DEFAULT.as_secs(), value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub rule_timeout: u64,
}

impl Default for BudgetArgs {
    fn default() -> Self {
        BudgetArgs {
            rule_timeout: crate::policy::budget::DEFAULT.as_secs(),
        }
    }
}

impl BudgetArgs {
    pub fn budget(self) -> std::time::Duration {
        std::time::Duration::from_secs(self.rule_timeout)
    }
}

/// Which AWS account(s) and regions to read, and how.
#[derive(Debug, Args, Clone, Default)]
pub struct AwsArgs {
    /// Named profile from the shared AWS config (default: the standard credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region to audit (repeatable; default: the configured region).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Audit every region enabled in the account.
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Assume this role and audit its account (repeatable: one account each).
    #[arg(long = "assume-role", value_name = "ARN")]
    pub assume_roles: Vec<String>,
    /// External id for --assume-role and --org-role.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Audit every ACTIVE account of the organisation by assuming this role name in each
    /// (run from the management account or a delegated administrator; the caller's own
    /// account is audited with its own credentials).
    #[arg(long, value_name = "NAME", conflicts_with = "assume_roles")]
    pub org_role: Option<String>,
    /// With --org-role: only these accounts (comma-separated or repeated).
    #[arg(long, value_name = "ID,...", value_delimiter = ',', requires = "org_role",
          value_parser = parse_account_id)]
    pub accounts: Vec<String>,
    /// With --org-role: never these accounts (comma-separated or repeated).
    #[arg(long, value_name = "ID,...", value_delimiter = ',', requires = "org_role",
          value_parser = parse_account_id)]
    pub exclude_accounts: Vec<String>,
    /// With --org-role: only the accounts under this organisational unit (or root),
    /// recursively (comma-separated or repeated).
    #[arg(long = "ou", value_name = "OU,...", value_delimiter = ',', requires = "org_role",
          value_parser = parse_parent_id)]
    pub ous: Vec<String>,
    /// With --org-role: only shard INDEX of COUNT of the accounts (account id modulo
    /// COUNT, the same accounts every run). INDEX `array` takes the index of the array
    /// job this runs in (AWS_BATCH_JOB_ARRAY_INDEX, or a Kubernetes indexed Job's
    /// JOB_COMPLETION_INDEX).
    #[arg(long, value_name = "INDEX/COUNT", requires = "org_role", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Accounts audited at once.
    #[arg(long, default_value_t = 8, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=256))]
    pub account_concurrency: u64,
    /// Send every AWS call to this endpoint (a local stand-in such as moto).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Every ACTIVE revision of every family, not only the latest and those in use.
    #[arg(long)]
    pub all_revisions: bool,
    /// Concurrent API calls per service and region.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// How long one API call may take, retries included (at most 3 attempts, each a
    /// third of it); a call that takes longer makes its resource incomplete.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Write one canonical JSON file per collected resource under DIR and point findings
    /// (and SARIF results) at their lines there.
    #[arg(long, value_name = "DIR")]
    pub snapshot_dir: Option<PathBuf>,
    /// Log AWS calls on stderr (-vv: also SDK internals).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Output file for the graph document (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Config file (default: ./ecsaudit.toml when present); EA101's
    /// `extra_name_tokens` there name more secrets to redact.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan (directories recursively, *.json).
    pub paths: Vec<PathBuf>,
    /// Evaluate a saved graph document instead of scanning files.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "aws"])]
    pub graph: Option<PathBuf>,
    /// Audit a live AWS account (see the AWS options) instead of files.
    #[arg(long, conflicts_with = "paths")]
    pub aws: bool,
    #[command(flatten)]
    pub aws_options: AwsArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Files larger than this many bytes are reported, not read.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,
    /// How rules run: `auto` (the built-in rules on regorus' bytecode VM, several times
    /// faster; your own rules in its reference interpreter), `vm` (every rule on the VM)
    /// or `interpreter` (every rule in the interpreter). See docs/performance.md.
    #[arg(long, value_enum, default_value_t = Backend::Auto)]
    pub engine: Backend,
    #[command(flatten)]
    pub iac: IacArgs,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

/// How a report is written and judged (`scan`, `merge`).
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity remains (none: never; default:
    /// `fail_on` of the config, else low).
    #[arg(long, value_name = "SEVERITY", value_enum, ignore_case = true)]
    pub fail_on: Option<Threshold>,
    /// Report only findings new since this earlier report (SARIF or JSON from ecsaudit),
    /// matched by fingerprint; the summary counts new, unchanged and fixed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Repository root for SARIF URIs (default: working directory).
    #[arg(long, value_name = "DIR")]
    pub source_root: Option<PathBuf>,
    /// Run only the rules that check a control of this framework, and show the text and
    /// markdown reports control by control (findings, no findings, not checked, not
    /// covered).
    #[arg(long, value_enum, value_name = "FRAMEWORK")]
    pub compliance: Option<crate::compliance::Framework>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports (`scan --format json`) of the shards.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// The rules the shards ran (their metadata fills SARIF and the rule counts).
    #[command(flatten)]
    pub policies: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Files and directories to read.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output file (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Config file (default: ./ecsaudit.toml when present); EA101's
    /// `extra_name_tokens` there name more secrets to redact.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub iac: IacArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `text` (a table) or `json` (full metadata).
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy directories with rules and *_test.rego files (default: the built-in pack).
    pub dirs: Vec<PathBuf>,
    /// Run only tests whose `file::name` contains this text.
    #[arg(long, value_name = "TEXT")]
    pub run: Option<String>,
    /// Show every test and the output of `print` calls.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Show line coverage of rule files.
    #[arg(long)]
    pub coverage: bool,
    /// Print results as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub budget: BudgetArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Rego query, e.g. `data.ecsaudit.lib.task_definitions`.
    pub query: String,
    /// Graph document to use as `input`.
    #[arg(long, value_name = "FILE")]
    pub graph: PathBuf,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct NewRuleArgs {
    /// Rule id, e.g. ACME001.
    pub id: String,
    /// Directory to write into.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Package name (snake_case); default derived from the id.
    #[arg(long)]
    pub name: Option<String>,
}

/// Input values of IaC sources: Terraform's (`--var`, `--var-file`) as Terraform takes
/// them, CloudFormation's (`--parameter`, `--parameters-file`) as `aws cloudformation`
/// does.
#[derive(Debug, Args, Clone, Default)]
pub struct IacArgs {
    /// Set a Terraform input variable (repeatable), as `terraform plan -var` does.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Read Terraform variable values from a `.tfvars` file (repeatable); applied after
    /// `terraform.tfvars` and `*.auto.tfvars`, before `--var`.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Set a CloudFormation template parameter (repeatable; `AWS::Region` and
    /// `AWS::AccountId` too), over its `Default`.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_var)]
    pub parameters: Vec<(String, String)>,
    /// Read CloudFormation parameter values from a JSON file (repeatable): the
    /// `create-stack` form, `deploy --parameter-overrides` `["Key=Value"]`, or
    /// CodePipeline's `{"Parameters": {...}}`; applied before `--parameter`.
    #[arg(long = "parameters-file", value_name = "FILE")]
    pub parameter_files: Vec<PathBuf>,
}

impl IacArgs {
    /// File-scan options with these values (parameter files read here: a bad one is a
    /// usage error naming the file).
    pub fn file_options(
        &self,
        max_file_size: u64,
    ) -> Result<crate::source::files::FileOptions, Diagnostic> {
        let mut parameters = Vec::new();
        for f in &self.parameter_files {
            let shown = crate::source::files::display_path(f);
            let text = crate::source::files::read_text_limited(f, crate::config::MAX_CONFIG_SIZE)
                .map_err(|e| Diagnostic::error("usage", e).in_file(&shown))?;
            let values = crate::source::cloudformation::parameters_file(&text).map_err(|e| {
                Diagnostic::error("usage", format!("parameters file: {e}")).in_file(&shown)
            })?;
            parameters.extend(values);
        }
        parameters.extend(self.parameters.iter().cloned());
        Ok(crate::source::files::FileOptions {
            max_file_size,
            terraform_vars: self.vars.clone(),
            terraform_var_files: self.var_files.clone(),
            cloudformation_parameters: parameters,
        })
    }
}

/// A 12-digit account id (the `--accounts` / `--exclude-accounts` value parser).
pub fn parse_account_id(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(format!("`{s}` is not an AWS account id (12 digits)"))
    }
}

/// An organisational unit (`ou-...`) or root (`r-...`) id (the `--ou` value parser).
pub fn parse_parent_id(s: &str) -> Result<String, String> {
    let s = s.trim();
    let ok = (s.starts_with("ou-") || s.starts_with("r-"))
        && s.len() > 3
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not an organisational unit id (ou-...) or root id (r-...)"
        ))
    }
}

/// `--shard INDEX/COUNT` (INDEX below COUNT; `array`: the array job's index).
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (index, count) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}`: use INDEX/COUNT, e.g. 0/4"))?;
    let count: u64 = count
        .trim()
        .parse()
        .ok()
        .filter(|c| *c > 0)
        .ok_or_else(|| format!("`{s}`: COUNT must be a number above 0"))?;
    let index: u64 = if index.trim() == "array" {
        let var = ["AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX"]
            .into_iter()
            .find_map(|v| std::env::var(v).ok())
            .ok_or("`array`: neither AWS_BATCH_JOB_ARRAY_INDEX nor JOB_COMPLETION_INDEX is set")?;
        var.trim()
            .parse()
            .map_err(|_| format!("`array`: the array index `{var}` is not a number"))?
    } else {
        index
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: INDEX must be a number or `array`"))?
    };
    if index >= count {
        return Err(format!(
            "`{s}`: INDEX must be below COUNT (0 to {})",
            count - 1
        ));
    }
    Ok((index, count))
}

pub(crate) fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}`: use NAME=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_and_unit_ids_are_checked() {
        assert!(parse_account_id("123456789012").is_ok());
        assert!(parse_account_id("12345678901").is_err());
        assert!(parse_account_id("12345678901x").is_err());
        assert!(parse_parent_id("ou-ab12-cd34ef56").is_ok());
        assert!(parse_parent_id("r-ab12").is_ok());
        assert!(parse_parent_id("o-ab12").is_err());
        assert!(parse_parent_id("ou-").is_err());
    }

    #[test]
    fn shards_are_index_over_count() {
        assert_eq!(parse_shard("2/5"), Ok((2, 5)));
        assert!(parse_shard("5/5").is_err());
        assert!(parse_shard("1/0").is_err());
        assert!(parse_shard("x/3").is_err());
        assert!(parse_shard("3").is_err());
    }
}
