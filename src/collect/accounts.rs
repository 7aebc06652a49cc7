//! The accounts of a live audit: which to audit and with what credentials (the ambient
//! credentials, each `--assume-role`, or an organisation's accounts), and one account's
//! audit (its identity, its regions, then IAM), with the progress bar over all of them.

use super::client::{self, call_error, CallError, CallLog};
use super::{
    collect_region, iam, org, sts_client, CollectOptions, Problems, Region, RegionData, HOME_REGION,
};
use crate::diagnostics::Diagnostic;
use aws_config::{Region as AwsRegion, SdkConfig};
use serde_json::{json, Value};

/// One account to audit and the credentials to audit it with.
pub(super) struct Target {
    /// How the credentials were obtained: `ambient credentials`, `role ARN`.
    label: String,
    conf: SdkConfig,
    pub(super) log: CallLog,
    /// The account it should reach, when known beforehand (a role ARN, an organisation
    /// member), and its name in the organisation.
    account: Option<String>,
    name: Option<String>,
    /// Credentials of an assumed role: failing to get them leaves that one account not
    /// audited (the ambient credentials failing is an error: nothing can be audited).
    assumed: Option<client::CountedAssumeRole>,
}

impl Target {
    fn ambient(base: &SdkConfig, label: &str) -> Target {
        Target {
            label: label.into(),
            conf: base.clone(),
            log: CallLog::default(),
            account: None,
            name: None,
            assumed: None,
        }
    }

    /// Credentials of `arn`: asked for once, before the account's first call (counted
    /// in this account's log), and kept until shortly before they expire.
    async fn assume(base: &SdkConfig, arn: &str, opts: &CollectOptions) -> Target {
        let log = CallLog::default();
        let mut b = aws_config::sts::AssumeRoleProvider::builder(arn)
            .session_name("ecsaudit")
            .configure(base);
        if let Some(id) = &opts.external_id {
            b = b.external_id(id);
        }
        let provider = client::CountedAssumeRole {
            inner: std::sync::Arc::new(b.build().await),
            log: log.clone(),
            cached: Default::default(),
        };
        let probe = provider.clone();
        let conf = base
            .to_builder()
            .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
                provider,
            ))
            .build();
        Target {
            label: format!("role {arn}"),
            conf,
            log,
            account: arn.split(':').nth(4).map(str::to_string),
            name: None,
            assumed: Some(probe),
        }
    }
}

/// What one account's audit gave, added to the graph in the order the accounts were
/// listed (whatever order they finished in).
pub(super) struct Audited {
    pub(super) source: Option<Value>,
    pub(super) regions: Vec<(Region, RegionData)>,
    pub(super) iam: Option<(Region, iam::IamData)>,
    pub(super) problems: Vec<Diagnostic>,
}

/// The accounts to audit: the ambient credentials' account, each `--assume-role`, or the
/// organisation's accounts (with the organisation's own graph source entry).
pub(super) async fn targets(
    opts: &CollectOptions,
    base: &SdkConfig,
    org_log: &CallLog,
    problems: &Problems,
) -> (Vec<Target>, Option<Value>) {
    let Some(role) = &opts.org_role else {
        if opts.assume_roles.is_empty() {
            return (vec![Target::ambient(base, "ambient credentials")], None);
        }
        let mut out = Vec::new();
        for arn in &opts.assume_roles {
            out.push(Target::assume(base, arn, opts).await);
        }
        return (out, None);
    };
    let caller = match sts_client(base, org_log).get_caller_identity().send().await {
        Ok(out) => out,
        Err(e) => {
            let err = call_error("sts:GetCallerIdentity", &e);
            problems.push(Diagnostic::error(
                "aws-credentials",
                format!("cannot list the organisation's accounts: {err}"),
            ));
            return (Vec::new(), None);
        }
    };
    let own = caller.account().unwrap_or_default().to_string();
    let partition = client::partition_of(caller.arn().unwrap_or_default()).to_string();
    let conf = home_region(base);
    let listing = match org::list(&conf, org_log, &opts.org_selection).await {
        Ok(l) => l,
        Err(e) => {
            let mut d = Diagnostic::error(
                "aws-organization",
                format!(
                    "cannot list the organisation's accounts (run from the management account or a delegated administrator): {e}"
                ),
            );
            d.resource = Some(own);
            problems.push(d);
            return (Vec::new(), None);
        }
    };
    if listing.accounts.is_empty() && listing.missing.is_empty() {
        // Nothing to audit is never a clean audit.
        let mut d = Diagnostic::error(
            "aws-organization",
            "the organisation's listing gave no ACTIVE account to audit (check --ou, --accounts, --exclude-accounts and --shard)",
        );
        d.resource = Some(own.clone());
        problems.push(d);
    }
    for id in &listing.missing {
        let mut d = Diagnostic::incomplete(
            "account-not-audited",
            format!("account {id} was not audited: it is not an ACTIVE account of the organisation (or of the --ou units)"),
        );
        d.resource = Some(id.clone());
        problems.push(d);
    }
    let mut out = Vec::new();
    for a in &listing.accounts {
        let mut t = if a.id == own {
            Target::ambient(base, "own credentials")
        } else {
            let arn = format!("arn:{partition}:iam::{}:role/{role}", a.id);
            Target::assume(base, &arn, opts).await
        };
        t.account = Some(a.id.clone());
        t.name = Some(a.name.clone()).filter(|n| !n.is_empty());
        out.push(t);
    }
    let source = json!({
        "type": "aws_organization",
        "organization": listing.organization,
        "management_account": listing.management_account,
        "listed_by": own,
        "accounts": listing.accounts.len(),
        "inactive_accounts": listing.inactive.iter()
            .map(|(id, state)| json!({"account": id, "state": state}))
            .collect::<Vec<_>>(),
        "api_calls": org_log.total(),
        "retries": org_log.retries(),
    });
    (out, Some(source))
}

/// `base` with a region for global calls (Organizations) when none is configured.
fn home_region(base: &SdkConfig) -> SdkConfig {
    if base.region().is_some() {
        return base.clone();
    }
    base.to_builder()
        .region(AwsRegion::new(HOME_REGION))
        .build()
}

/// Audit one account: its identity, then every region at once and IAM meanwhile.
pub(super) async fn audit_account(t: Target, opts: &CollectOptions, bar: &Progress) -> Audited {
    let problems = Problems::default();
    let mut out = Audited {
        source: None,
        regions: Vec::new(),
        iam: None,
        problems: Vec::new(),
    };
    let identity = match (&t.assumed, &t.account) {
        // An assumed role's account is its ARN's: its credentials are asked for once, up
        // front, and then the audit starts (no sts:GetCallerIdentity round trip).
        (Some(role), Some(id)) => {
            use aws_credential_types::provider::ProvideCredentials;
            role.provide_credentials()
                .await
                .map(|_| id.clone())
                .map_err(|e| client::credentials_error(&e))
        }
        // The organisation's own account: the listing's identity call named it.
        (None, Some(id)) => Ok(id.clone()),
        _ => sts_client(&t.conf, &t.log)
            .get_caller_identity()
            .send()
            .await
            .map(|o| o.account().unwrap_or("unknown").to_string())
            .map_err(|e| call_error("sts:GetCallerIdentity", &e)),
    };
    let account = match identity {
        Ok(account) => account,
        Err(err) => {
            out.problems.push(unreachable(&t, &err));
            out.source = t.account.as_deref().map(|id| {
                let mut s = source(&t, id);
                s["audited"] = false.into();
                s
            });
            return out;
        }
    };
    let Some(regions) = resolve_regions(opts, &t.conf, &account, &t.log, &problems).await else {
        out.problems = problems.take();
        return out;
    };
    bar.add(regions.len() as u64);
    // Every region at once (see `collect_region`). The account's IAM is read meanwhile,
    // each role as soon as a task definition names it (IAM is global: the first region's
    // client serves it).
    let clients: Vec<Region> = regions
        .iter()
        .map(|region| Region::new(&t.conf, &account, region, opts, &t.log, &problems))
        .collect();
    let (roles, named) = futures::channel::mpsc::unbounded::<String>();
    let per_region = futures::future::join_all(clients.iter().map(|r| {
        let roles = roles.clone();
        async move {
            let data = collect_region(r, opts, &roles).await;
            // This region names no more roles.
            drop(roles);
            bar.done(&r.account, &r.region);
            data
        }
    }));
    drop(roles);
    let (per_region, iam) = futures::join!(per_region, iam::collect(&clients[0], named));
    let mut not_audited = Vec::new();
    for (r, data) in clients.iter().zip(per_region) {
        match data {
            Some(data) => out.regions.push((r.clone(), data)),
            None => not_audited.push(r.region.clone()),
        }
    }
    if !out.regions.is_empty() {
        out.iam = Some((clients[0].clone(), iam));
    }
    let mut s = source(&t, &account);
    s["regions"] = regions.into();
    s["regions_not_audited"] = not_audited.into();
    out.source = Some(s);
    out.problems = problems.take();
    out
}

/// The account's graph source entry: who it is, how it was reached, its calls so far.
fn source(t: &Target, account: &str) -> Value {
    json!({
        "type": "aws",
        "account": account,
        "account_name": t.name,
        "credentials": t.label,
        "api_calls": t.log.total(),
        "retries": t.log.retries(),
    })
}

/// The diagnostic for credentials that could not be used: an assumed role's account is
/// not audited (the rest of the audit goes on); the ambient credentials failing is an
/// error.
fn unreachable(t: &Target, err: &CallError) -> Diagnostic {
    let who = match (&t.account, &t.name) {
        (Some(id), Some(name)) => format!("account {id} ({name})"),
        (Some(id), None) => format!("account {id}"),
        _ => "the account".to_string(),
    };
    let mut d = if t.assumed.is_some() {
        Diagnostic::incomplete(
            "account-not-audited",
            format!(
                "{who} was not audited: {} could not be used: {err}",
                t.label
            ),
        )
    } else {
        Diagnostic::error(
            "aws-credentials",
            format!("cannot audit with {}: {err}", t.label),
        )
    };
    d.resource = Some(t.account.clone().unwrap_or_else(|| t.label.clone()));
    d
}

/// One progress bar on stderr (a terminal only) over every account's regions.
pub(super) struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub(super) fn new(enabled: bool) -> Progress {
        use std::io::IsTerminal;
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} collecting {msg} [{bar:30}] {pos}/{len} account regions",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress(Some(pb))
    }

    fn add(&self, regions: u64) {
        if let Some(pb) = &self.0 {
            pb.inc_length(regions);
        }
    }

    fn done(&self, account: &str, region: &str) {
        if let Some(pb) = &self.0 {
            pb.set_message(format!("{account} {region}"));
            pb.inc(1);
        }
    }

    pub(super) fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

/// `--region` values, the enabled regions (`--all-regions`), or the configured default.
async fn resolve_regions(
    opts: &CollectOptions,
    conf: &SdkConfig,
    account: &str,
    log: &CallLog,
    problems: &Problems,
) -> Option<Vec<String>> {
    if opts.all_regions {
        let home = conf
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| HOME_REGION.into());
        let r = Region::new(conf, account, &home, opts, log, problems);
        return match r.ec2.call("DescribeRegions", &[]).await {
            Ok(out) => {
                let v = super::ec2::enabled_regions(&out);
                if v.is_empty() {
                    let mut d = Diagnostic::error(
                        "aws-regions",
                        format!("--all-regions for account {account}: no enabled region listed"),
                    );
                    d.resource = Some(account.to_string());
                    problems.push(d);
                    return None;
                }
                Some(v)
            }
            Err(err) => {
                let mut d = Diagnostic::error(
                    "aws-regions",
                    format!("--all-regions for account {account}: {err}"),
                );
                d.resource = Some(account.to_string());
                problems.push(d);
                None
            }
        };
    }
    if !opts.regions.is_empty() {
        let mut v = opts.regions.clone();
        v.dedup();
        return Some(v);
    }
    match conf.region() {
        Some(r) => Some(vec![r.to_string()]),
        None => {
            problems.push(Diagnostic::error(
                "aws-regions",
                "no region: pass --region, --all-regions, or set AWS_REGION / a profile region",
            ));
            None
        }
    }
}
