//! Live collection: read AWS accounts (read-only calls) into the graph document.
//!
//! One target per account (the ambient credentials, each `--assume-role`, or every
//! account of an organisation: see `accounts`), audited concurrently; one [`Region`]
//! pass per region; IAM once per account. Every failed call becomes a
//! diagnostic naming the API call, and the resources it concerned are kept in the graph
//! with status `unavailable`, so their checks are reported as not performed, never passed.

mod accounts;
pub mod build;
pub mod capacity;
pub mod client;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
pub mod iam;
pub mod org;
pub mod query;
pub mod repositories;
pub mod settings;

use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use accounts::{audit_account, targets, Progress};
use aws_config::{BehaviorVersion, Region as AwsRegion, SdkConfig};
use client::{CallError, CallLog, Recorder};
use futures::StreamExt;
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
    /// Audit the accounts of the caller's organisation by assuming this role name in
    /// each (the caller's own account with its own credentials).
    pub org_role: Option<String>,
    /// Which accounts of the organisation (with `org_role`).
    pub org_selection: org::Selection,
    /// Accounts audited at once (0 or 1: one after the other).
    pub account_concurrency: usize,
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
    /// The connector EC2's calls go through ([`query`]); by default the SDK's HTTPS
    /// connector, or, when `http_client` is set, one that refuses every call (so a
    /// canned-response test never reaches the network).
    pub ec2_connector: Option<aws_smithy_runtime_api::client::http::SharedHttpConnector>,
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

/// The retry and time bounds of EC2's calls: those of the SDK clients ([`timeouts`]).
fn policy(opts: &CollectOptions) -> query::Policy {
    let budget = opts.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let t = timeouts(budget);
    query::Policy {
        max_attempts: MAX_ATTEMPTS,
        initial_backoff: INITIAL_BACKOFF,
        max_backoff: MAX_BACKOFF,
        budget: t.operation_timeout().unwrap_or(budget),
        attempt: t.operation_attempt_timeout().unwrap_or(budget),
    }
}

/// The connector of EC2's calls: the SDK's default HTTPS connector with the SDK clients'
/// connect and read timeouts, made once per process and budget (it holds the TLS roots
/// and the connection pool).
fn ec2_connector(
    opts: &CollectOptions,
) -> aws_smithy_runtime_api::client::http::SharedHttpConnector {
    use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpConnector};
    use std::collections::HashMap;
    static MADE: Mutex<Option<HashMap<std::time::Duration, SharedHttpConnector>>> =
        Mutex::new(None);
    if let Some(c) = &opts.ec2_connector {
        return c.clone();
    }
    if opts.http_client.is_some() {
        return SharedHttpConnector::new(NoNetwork);
    }
    let budget = opts.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let make = || {
        let t = timeouts(budget);
        let mut settings = HttpConnectorSettings::builder();
        settings
            .set_connect_timeout(t.connect_timeout())
            .set_read_timeout(t.read_timeout());
        let settings = settings.build();
        let sleep = aws_smithy_async::rt::sleep::default_async_sleep();
        aws_smithy_http_client::default_connector(&settings, sleep)
            .unwrap_or_else(|| SharedHttpConnector::new(NoNetwork))
    };
    match MADE.lock() {
        Ok(mut m) => m
            .get_or_insert_with(HashMap::new)
            .entry(budget)
            .or_insert_with(make)
            .clone(),
        Err(_) => make(),
    }
}

/// A connector that sends nothing: every call fails (tests that give their own HTTP
/// client and no EC2 connector).
#[derive(Debug)]
struct NoNetwork;

impl aws_smithy_runtime_api::client::http::HttpConnector for NoNetwork {
    fn call(
        &self,
        _request: aws_smithy_runtime_api::client::orchestrator::HttpRequest,
    ) -> aws_smithy_runtime_api::client::http::HttpConnectorFuture {
        aws_smithy_runtime_api::client::http::HttpConnectorFuture::ready(Err(
            aws_smithy_runtime_api::client::result::ConnectorError::other(
                "no EC2 connector was given with this HTTP client".into(),
                None,
            ),
        ))
    }
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
    pub ec2: query::Ec2Client,
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
            ec2: query::Ec2Client::new(&conf, region, ec2_connector(opts), log, policy(opts)),
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
    let org_log = CallLog::default();
    let (targets, org_source) = targets(opts, &base, &org_log, &problems).await;
    graph.sources.extend(org_source);
    let mut logs: Vec<CallLog> = targets.iter().map(|t| t.log.clone()).collect();
    logs.push(org_log);
    let bar = Progress::new(opts.progress);
    let mut audits = futures::stream::iter(targets)
        .map(|t| audit_account(t, opts, &bar))
        .buffered(opts.account_concurrency.max(1));
    while let Some(a) = audits.next().await {
        for (r, data) in a.regions {
            builder.add_region(&r, data);
        }
        if let Some((r, data)) = a.iam {
            builder.add_iam(&r, data);
        }
        graph.sources.extend(a.source);
        graph.diagnostics.extend(a.problems);
    }
    drop(audits);
    bar.finish();
    builder.finish(&mut graph, opts);
    graph.diagnostics.extend(problems.take());
    let calls = CallLog::default();
    for l in &logs {
        calls.absorb(l);
    }
    Collected { graph, calls }
}

/// Everything read in one region (IAM is read per account, meanwhile).
pub struct RegionData {
    pub ecs: ecs::EcsData,
    pub elb: elbv2::ElbData,
    pub ec2: ec2::Ec2Data,
    pub ecr: ecr::EcrData,
    pub settings: settings::AccountSettings,
    pub capacity_providers: Vec<serde_json::Value>,
}

/// One region's audit; `None` when the region cannot be used at all (its one diagnostic
/// is in `r.problems`). Clusters and task-definition families are listed at once; load
/// balancing and EC2 are read as soon as the services are, while the task definitions
/// still are; ECR once they are, and the account settings as soon as one needs them.
async fn collect_region(
    r: &Region,
    opts: &CollectOptions,
    roles: &ecs::RoleSink,
) -> Option<RegionData> {
    let (clusters, families) =
        futures::join!(ecs::list_clusters(r), ecs::families(r, opts.all_revisions));
    let cluster_arns = match clusters {
        Ok(arns) => arns,
        Err(e) => {
            let mut d = Diagnostic::incomplete(
                "region-not-audited",
                format!(
                    "region {} of account {} was not audited (is the region enabled for the account?): {e}",
                    r.region, r.account
                ),
            );
            d.resource = Some(r.arn("ecs", "*"));
            r.problems.push(d);
            return None;
        }
    };
    families.report(r);
    // The account settings are read as soon as a task definition needs them, meanwhile.
    let (trigger, settings_wanted) = settings::trigger();
    let reads = async move {
        let sinks = ecs::Sinks {
            roles,
            settings: &trigger,
        };
        let network = async {
            let ecs = ecs::clusters(r, &cluster_arns).await;
            let load_balancing = async {
                let elb = elbv2::collect(r, &ecs.target_group_arns()).await;
                let ec2 = ec2::collect(r, &ecs, &elb).await;
                (elb, ec2)
            };
            let ((elb, ec2), providers) =
                futures::join!(load_balancing, capacity::collect(r, &ecs.clusters));
            (ecs, elb, ec2, providers)
        };
        let ((mut ecs, elb, ec2, capacity_providers), latest) =
            futures::join!(network, ecs::latest(r, families, sinks));
        ecs::task_definitions(r, &mut ecs, latest, sinks).await;
        // Every task definition is read: unfired, the trigger says none needs them.
        drop(trigger);
        let ecr = ecr::collect(r, &ecs).await;
        (ecs, elb, ec2, capacity_providers, ecr)
    };
    let ((ecs, elb, ec2, capacity_providers, ecr), settings) =
        futures::join!(reads, settings::collect(r, settings_wanted));
    Some(RegionData {
        ecs,
        elb,
        ec2,
        ecr,
        settings,
        capacity_providers,
    })
}

/// Run [`collect`] on a fresh tokio runtime (the binary is synchronous elsewhere).
pub fn collect_blocking(opts: &CollectOptions) -> Result<Collected, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok(rt.block_on(collect(opts)))
}
