//! Live collection: read an AWS account (read-only calls) into the graph document.
//!
//! One [`Target`] per account (the ambient credentials, or each `--assume-role`), one
//! [`Region`] pass per region; IAM once per account. Every failed call becomes a
//! diagnostic naming the API call, and the resources it concerned are kept in the graph
//! with status `unavailable`, so their checks are reported as not performed, never passed.

pub mod build;
pub mod client;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
pub mod iam;

use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use aws_config::{BehaviorVersion, Region as AwsRegion, SdkConfig};
use client::{call_error, CallError, CallLog, Recorder};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// What to collect and how.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    pub profile: Option<String>,
    /// Regions to audit; empty means the configured default region.
    pub regions: Vec<String>,
    /// Audit every region enabled in the account.
    pub all_regions: bool,
    /// Roles to assume, one audited account each (empty: the ambient credentials).
    pub assume_roles: Vec<String>,
    pub external_id: Option<String>,
    /// Send every call here (a local stand-in such as moto).
    pub endpoint_url: Option<String>,
    /// Every ACTIVE revision instead of latest + in use.
    pub all_revisions: bool,
    /// Concurrent calls per service and region.
    pub concurrency: usize,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Use this HTTP client instead of the default one (embedding, canned-response tests).
    pub http_client: Option<aws_smithy_runtime_api::client::http::SharedHttpClient>,
    /// What counts as a secret to redact (the config's extra secret names).
    pub redactor: crate::graph::secrets::Redactor,
    /// Use these credentials instead of the standard chain.
    pub credentials: Option<aws_sdk_sts::config::SharedCredentialsProvider>,
    /// How long one API call may take, its retries included (default
    /// [`DEFAULT_TIMEOUT`]); a call that takes longer is an incomplete resource.
    pub timeout: Option<std::time::Duration>,
}

/// How long one API call may take by default, retries included.
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Attempts per call (the first and five retries) for throttling, 5xx and connection
/// errors, after a backoff of up to 100 ms, 200 ms, 400 ms... (full jitter) capped at
/// `MAX_BACKOFF`: a 30% fault rate loses about one call in a thousand, and a call's
/// retries add a second or two at worst, not the SDK default's 1 s-based backoff.
const MAX_ATTEMPTS: u32 = 6;
const INITIAL_BACKOFF: std::time::Duration = std::time::Duration::from_millis(100);
const MAX_BACKOFF: std::time::Duration = std::time::Duration::from_secs(5);

/// Timeouts of every call: connecting takes at most 5 s (or the whole budget if it is
/// shorter), one attempt at most a third of the budget, the call with its retries at
/// most the budget. Nothing waits forever on an endpoint that does not answer.
fn timeouts(budget: std::time::Duration) -> aws_config::timeout::TimeoutConfig {
    let attempt = (budget / 3).max(std::time::Duration::from_millis(500));
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(budget.min(std::time::Duration::from_secs(5)))
        .read_timeout(attempt)
        .operation_attempt_timeout(attempt)
        .operation_timeout(budget)
        .build()
}

/// The collected graph, the calls made and the problems met.
pub struct Collected {
    pub graph: Graph,
    pub calls: CallLog,
}

/// Clients for one account and region, with the shared call log and problem sink.
#[derive(Clone)]
pub struct Region {
    pub account: String,
    pub region: String,
    pub ecs: aws_sdk_ecs::Client,
    pub iam: aws_sdk_iam::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub concurrency: usize,
    pub problems: Problems,
}

/// Shared sink for diagnostics met while collecting.
#[derive(Clone, Default)]
pub struct Problems(Arc<Mutex<Vec<Diagnostic>>>);

impl Problems {
    /// A call failed: the audit of `what` is incomplete.
    pub fn call_failed(&self, err: &CallError, what: &str, resource: Option<&str>) {
        let code = if err.is_access_denied() {
            "access-denied"
        } else {
            "not-collected"
        };
        let mut d = Diagnostic::incomplete(code, format!("{what}: {err}"));
        d.resource = resource.map(str::to_string);
        self.push(d);
    }

    pub fn push(&self, d: Diagnostic) {
        if let Ok(mut v) = self.0.lock() {
            v.push(d);
        }
    }

    pub fn take(&self) -> Vec<Diagnostic> {
        self.0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

impl Region {
    /// The ARN of `resource` (`cluster/*`, `task-definition/web:*`) of `service` in this
    /// region: what an incomplete entry names when a whole listing could not be read.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        let partition = if self.region.starts_with("cn-") {
            "aws-cn"
        } else if self.region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        };
        format!(
            "arn:{partition}:{service}:{}:{}:{resource}",
            self.region, self.account
        )
    }

    fn new(
        conf: &SdkConfig,
        account: &str,
        region: &str,
        opts: &CollectOptions,
        log: &CallLog,
        problems: &Problems,
    ) -> Self {
        let rec = |prefix: &'static str| Recorder {
            prefix,
            log: log.clone(),
        };
        let conf = conf
            .to_builder()
            .region(AwsRegion::new(region.to_string()))
            .build();
        Region {
            account: account.to_string(),
            region: region.to_string(),
            ecs: aws_sdk_ecs::Client::from_conf(
                aws_sdk_ecs::config::Builder::from(&conf)
                    .interceptor(rec("ecs"))
                    .build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(&conf)
                    .interceptor(rec("iam"))
                    .build(),
            ),
            ec2: aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(&conf)
                    .interceptor(rec("ec2"))
                    .build(),
            ),
            elb: aws_sdk_elasticloadbalancingv2::Client::from_conf(
                aws_sdk_elasticloadbalancingv2::config::Builder::from(&conf)
                    .interceptor(rec("elasticloadbalancing"))
                    .build(),
            ),
            ecr: aws_sdk_ecr::Client::from_conf(
                aws_sdk_ecr::config::Builder::from(&conf)
                    .interceptor(rec("ecr"))
                    .build(),
            ),
            concurrency: opts.concurrency.max(1),
            problems: problems.clone(),
        }
    }
}

/// Base SDK configuration from the standard credential chain and the options.
async fn base_config(opts: &CollectOptions) -> SdkConfig {
    // Standard retries, bounded per call: adaptive mode's client-side rate limiter would
    // let one throttled API slow every other.
    let retry = aws_config::retry::RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(INITIAL_BACKOFF)
        .with_max_backoff(MAX_BACKOFF);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts(opts.timeout.unwrap_or(DEFAULT_TIMEOUT)));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = opts.regions.first() {
        loader = loader.region(AwsRegion::new(r.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(c) = &opts.http_client {
        loader = loader.http_client(c.clone());
    }
    if let Some(c) = &opts.credentials {
        loader = loader.credentials_provider(c.clone());
    }
    let conf = loader.load().await;
    // --all-regions without a configured region: the account's own calls (STS, the
    // region list) go to a home region instead of failing to sign.
    if conf.region().is_none() && opts.all_regions {
        return conf
            .into_builder()
            .region(AwsRegion::new(HOME_REGION))
            .build();
    }
    conf
}

/// Where `--all-regions` asks for the region list when no region is configured.
const HOME_REGION: &str = "us-east-1";

fn sts_client(conf: &SdkConfig, log: &CallLog) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(conf)
            .interceptor(Recorder {
                prefix: "sts",
                log: log.clone(),
            })
            .build(),
    )
}

/// Collect every target account and region into one graph.
pub async fn collect(opts: &CollectOptions) -> Collected {
    let problems = Problems::default();
    let base = base_config(opts).await;
    let mut graph = Graph::new(Vec::new());
    let mut builder = build::Builder::new(opts.redactor.clone());

    // One configuration per audited account, and the log of its calls.
    let mut targets: Vec<(String, SdkConfig, CallLog)> = Vec::new();
    if opts.assume_roles.is_empty() {
        targets.push((
            "ambient credentials".into(),
            base.clone(),
            CallLog::default(),
        ));
    } else {
        for arn in &opts.assume_roles {
            let account_log = CallLog::default();
            let mut b = aws_config::sts::AssumeRoleProvider::builder(arn)
                .session_name("ecsaudit")
                .configure(&base);
            if let Some(id) = &opts.external_id {
                b = b.external_id(id);
            }
            let provider = client::CountedAssumeRole {
                inner: b.build().await,
                log: account_log.clone(),
            };
            let conf = base
                .to_builder()
                .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
                    provider,
                ))
                .build();
            targets.push((format!("role {arn}"), conf, account_log));
        }
    }

    let account_logs: Vec<CallLog> = targets.iter().map(|t| t.2.clone()).collect();
    for (label, conf, log) in targets {
        let sts = sts_client(&conf, &log);
        let account = match sts.get_caller_identity().send().await {
            Ok(out) => out.account().unwrap_or("unknown").to_string(),
            Err(e) => {
                let err = call_error("sts:GetCallerIdentity", &e);
                let mut d = Diagnostic::error(
                    "aws-credentials",
                    format!("cannot audit with {label}: {err}"),
                );
                d.resource = Some(label.clone());
                problems.push(d);
                continue;
            }
        };
        let regions = match resolve_regions(opts, &conf, &account, &log, &problems).await {
            Some(r) => r,
            None => continue,
        };
        let mut pb = progress(opts.progress, regions.len() as u64, &account);
        let mut account_roles = Vec::new();
        let mut iam_region = None;
        for region in &regions {
            let r = Region::new(&conf, &account, region, opts, &log, &problems);
            if let Some(pb) = &mut pb {
                pb.set_message(format!("{account} {region}"));
            }
            let data = collect_region(&r, opts).await;
            account_roles.extend(data.ecs.role_arns(&account));
            builder.add_region(&r, data);
            if let Some(pb) = &pb {
                pb.inc(1);
            }
            iam_region.get_or_insert(r);
        }
        if let Some(r) = iam_region {
            account_roles.sort();
            account_roles.dedup();
            let iam = iam::collect(&r, &account_roles).await;
            builder.add_iam(&r, iam);
        }
        if let Some(pb) = pb {
            pb.finish_and_clear();
        }
        graph.sources.push(json!({
            "type": "aws",
            "account": account,
            "regions": regions,
            "credentials": label,
            "api_calls": log.total(),
            "retries": log.retries(),
        }));
    }
    builder.finish(&mut graph, opts);
    graph.diagnostics.extend(problems.take());
    let calls = CallLog::default();
    for l in &account_logs {
        calls.absorb(l);
    }
    Collected { graph, calls }
}

fn progress(enabled: bool, len: u64, account: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new(len);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} collecting {msg} [{bar:30}] {pos}/{len} regions",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    pb.set_message(account.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(pb)
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
        return match r.ec2.describe_regions().send().await {
            Ok(out) => {
                let mut v: Vec<String> = out
                    .regions()
                    .iter()
                    .filter(|x| x.opt_in_status() != Some("not-opted-in"))
                    .filter_map(|x| x.region_name().map(str::to_string))
                    .collect();
                v.sort();
                Some(v)
            }
            Err(e) => {
                let err = call_error("ec2:DescribeRegions", &e);
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

/// Everything read in one region (IAM is read per account afterwards).
pub struct RegionData {
    pub ecs: ecs::EcsData,
    pub elb: elbv2::ElbData,
    pub ec2: ec2::Ec2Data,
    pub ecr: ecr::EcrData,
}

async fn collect_region(r: &Region, opts: &CollectOptions) -> RegionData {
    let ecs = ecs::collect(r, opts.all_revisions).await;
    let elb = elbv2::collect(r, &ecs.target_group_arns()).await;
    let ec2 = ec2::collect(r, &ecs, &elb).await;
    let ecr = ecr::collect(r, &ecs).await;
    RegionData { ecs, elb, ec2, ecr }
}

/// Run [`collect`] on a fresh tokio runtime (the binary is synchronous elsewhere).
pub fn collect_blocking(opts: &CollectOptions) -> Result<Collected, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok(rt.block_on(collect(opts)))
}
