//! SDK plumbing shared by every collector: configuration per account and region, a
//! recorder of every API call made (for the call count and the IAM-policy test), raw
//! response capture for JSON-protocol services, and error classification.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Every API call made, as `service:Operation` (IAM action spelling) -> count, and the
/// retries they took (attempts after the first), counted apart.
#[derive(Debug, Clone, Default)]
pub struct CallLog(
    Arc<Mutex<BTreeMap<String, u64>>>,
    Arc<std::sync::atomic::AtomicU64>,
);

impl CallLog {
    /// Retries made so far (not counted in [`Self::total`]).
    pub fn retries(&self) -> u64 {
        self.1.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Calls made so far, sorted by action.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }

    /// Count one retry (an attempt after a call's first).
    pub(crate) fn count_retry(&self) {
        self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn record(&self, action: String) {
        if let Ok(mut m) = self.0.lock() {
            *m.entry(action).or_default() += 1;
        }
    }

    /// Add `other`'s calls and retries to this log.
    pub fn absorb(&self, other: &CallLog) {
        let calls = other.snapshot();
        if let Ok(mut m) = self.0.lock() {
            for (action, n) in calls {
                *m.entry(action).or_default() += n;
            }
        }
        self.1
            .fetch_add(other.retries(), std::sync::atomic::Ordering::Relaxed);
    }
}

/// Assumed-role credentials that count each `sts:AssumeRole` they make in the audited
/// account's log (the SDK's provider makes the call with a client of its own), and keep
/// them until five minutes before they expire: the audit asks for them once up front
/// (a role that cannot be assumed fails there, once) and every client reuses them.
#[derive(Debug, Clone)]
pub struct CountedAssumeRole {
    pub inner: Arc<aws_config::sts::AssumeRoleProvider>,
    pub log: CallLog,
    pub cached: Arc<Mutex<Option<aws_credential_types::Credentials>>>,
}

impl CountedAssumeRole {
    fn fresh(&self) -> Option<aws_credential_types::Credentials> {
        let cached = self.cached.lock().ok()?.clone()?;
        let margin = std::time::Duration::from_secs(300);
        match cached.expiry() {
            Some(t) if t <= std::time::SystemTime::now() + margin => None,
            _ => Some(cached),
        }
    }
}

impl aws_credential_types::provider::ProvideCredentials for CountedAssumeRole {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::new(async move {
            if let Some(c) = self.fresh() {
                return Ok(c);
            }
            self.log.record("sts:AssumeRole".into());
            let c = self.inner.provide_credentials().await?;
            if let Ok(mut slot) = self.cached.lock() {
                *slot = Some(c.clone());
            }
            Ok(c)
        })
    }
}

/// The `sts:AssumeRole` failure behind a credentials error, named as a failed call.
pub fn credentials_error(e: &aws_credential_types::provider::error::CredentialsError) -> CallError {
    assume_role_failure(e).unwrap_or_else(|| CallError {
        action: "sts:AssumeRole".into(),
        code: "CredentialsError".into(),
        message: format!(
            "{}",
            aws_smithy_types::error::display::DisplayErrorContext(e)
        ),
    })
}

/// Interceptor that records each execution (not each retry) in a [`CallLog`], under the
/// IAM action prefix of its client.
#[derive(Debug, Clone)]
pub struct Recorder {
    pub prefix: &'static str,
    pub log: CallLog,
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "ecsaudit-call-recorder"
    }

    // Just before each attempt is sent, so that a call that never leaves (its
    // credentials could not be loaded) is not counted; the first attempt is the call,
    // later ones its retries.
    fn read_before_transmit(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let action = format!(
            "{}:{}",
            self.prefix,
            cfg.load::<Metadata>().map_or("Unknown", |m| m.name())
        );
        let attempt = cfg
            .load::<aws_smithy_runtime_api::client::retries::RequestAttempts>()
            .map_or(1, |a| a.attempts());
        if attempt > 1 {
            tracing::debug!(%action, attempt, "AWS call retried");
            self.log
                .1
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        } else {
            tracing::debug!(%action, "AWS call");
            self.log.record(action);
        }
        Ok(())
    }
}

/// Interceptor that keeps the raw body of a JSON-protocol response, so ECS objects land in
/// the graph exactly as AWS sent them (every field, AWS spelling), like the CLI prints them.
#[derive(Debug, Clone, Default)]
pub struct Capture(Arc<Mutex<Option<Vec<u8>>>>);

impl Capture {
    /// The captured body parsed as JSON (after a successful call).
    pub fn json(&self) -> Result<Value, String> {
        let body = self
            .0
            .lock()
            .map_err(|_| "response capture poisoned".to_string())?
            .take()
            .ok_or_else(|| "no response body captured".to_string())?;
        serde_json::from_slice(&body).map_err(|e| format!("response is not JSON: {e}"))
    }
}

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "ecsaudit-raw-capture"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            if let Ok(mut slot) = self.0.lock() {
                *slot = Some(bytes.to_vec());
            }
        }
        Ok(())
    }
}

/// A failed API call, classified for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// IAM action spelling, e.g. `iam:GetRole`.
    pub action: String,
    /// AWS error code (`AccessDenied`, `NoSuchEntity`, `Throttling`...) or a transport label.
    pub code: String,
    pub message: String,
}

impl CallError {
    /// Access was refused (the audit continues, the affected checks are not performed).
    pub fn is_access_denied(&self) -> bool {
        let c = self.code.to_ascii_lowercase();
        c.contains("accessdenied")
            || c.contains("unauthorized")
            || c == "authfailure"
            || c.contains("notauthorized")
    }

    /// The credentials are not valid in the region at all (a region not enabled for the
    /// account answers every call so): nothing in that region can be read.
    pub fn is_region_unusable(&self) -> bool {
        matches!(
            self.code.as_str(),
            "UnrecognizedClientException" | "InvalidClientTokenId" | "OptInRequired"
        )
    }

    /// The resource does not exist (a fact for the graph, not a collection failure).
    pub fn is_not_found(&self) -> bool {
        let c = self.code.to_ascii_lowercase();
        c.contains("nosuchentity") || c.contains("notfound") || c.contains("not_found")
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed: {}", self.action, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

/// Turn any SDK error into a [`CallError`] naming the API call.
pub fn call_error<E, R>(
    action: &str,
    err: &aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> CallError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_smithy_runtime_api::client::result::SdkError;
    if let SdkError::DispatchFailure(d) = err {
        if let Some(e) = assume_role_failure(d_err(d)) {
            return e;
        }
        if let Some(e) = credentials_failure(action, d_err(d)) {
            return e;
        }
    }
    let (code, message) = match err {
        SdkError::ServiceError(se) => (
            se.err().code().unwrap_or("ServiceError").to_string(),
            se.err().message().unwrap_or_default().to_string(),
        ),
        SdkError::TimeoutError(_) => ("Timeout".to_string(), "the call timed out".to_string()),
        SdkError::DispatchFailure(d) => (
            "DispatchFailure".to_string(),
            format!(
                "{}",
                aws_smithy_types::error::display::DisplayErrorContext(d_err(d))
            ),
        ),
        other => (
            "Error".to_string(),
            format!(
                "{}",
                aws_smithy_types::error::display::DisplayErrorContext(other)
            ),
        ),
    };
    CallError {
        action: action.to_string(),
        code,
        message,
    }
}

/// The `sts:AssumeRole` call that failed while credentials were loaded, if that is what
/// failed (its code and message, not the whole error chain's debug dump).
fn assume_role_failure(err: &(dyn std::error::Error + 'static)) -> Option<CallError> {
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::client::result::SdkError;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(se) = e.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>() {
            return Some(call_error("sts:AssumeRole", se));
        }
        cur = e.source();
    }
    None
}

/// No credentials could be loaded for the call: say so and what to set, with the
/// provider's own reason in a line, instead of the whole error chain.
fn credentials_failure(action: &str, err: &(dyn std::error::Error + 'static)) -> Option<CallError> {
    use aws_credential_types::provider::error::CredentialsError;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(ce) = e.downcast_ref::<CredentialsError>() {
            let mut reason = ce.to_string();
            if let Some(source) = std::error::Error::source(ce) {
                reason = format!("{reason}: {source}");
            }
            // The chain lists every provider it tried on further lines: the first says it.
            let first = reason.lines().next().unwrap_or_default();
            let first = first.split(". Attempted").next().unwrap_or(first);
            let reason: String = first.chars().take(200).collect();
            return Some(CallError {
                action: action.to_string(),
                code: "NoCredentials".to_string(),
                message: format!(
                    "no usable AWS credentials ({reason}); set AWS_PROFILE, or \
                     AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile, or run \
                     where a role's credentials are provided (an instance profile, an ECS \
                     task role)"
                ),
            });
        }
        cur = e.source();
    }
    None
}

fn d_err(
    d: &aws_smithy_runtime_api::client::result::DispatchFailure,
) -> &(dyn std::error::Error + 'static) {
    d.as_connector_error()
        .map(|c| c as &(dyn std::error::Error + 'static))
        .unwrap_or(&NoDetail)
}

#[derive(Debug)]
struct NoDetail;
impl std::fmt::Display for NoDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection failed")
    }
}
impl std::error::Error for NoDetail {}

/// Send a request with a [`Capture`] and return the raw JSON body, or the classified error.
macro_rules! raw_call {
    ($action:expr, $req:expr) => {{
        let cap = $crate::collect::client::Capture::default();
        match $req.customize().interceptor(cap.clone()).send().await {
            Ok(_) => cap.json().map_err(|m| $crate::collect::client::CallError {
                action: $action.to_string(),
                code: "InvalidResponse".to_string(),
                message: m,
            }),
            Err(e) => Err($crate::collect::client::call_error($action, &e)),
        }
    }};
}
pub(crate) use raw_call;

/// Every page of a call paginated by `nextToken`, as raw JSON: the items under `$key` of
/// all pages, or the first page's error. `$req` builds one page's request from `$token`
/// (an `Option<String>`: `.set_next_token($token.take())`).
macro_rules! raw_pages {
    ($action:expr, $key:expr, |$token:ident| $req:expr) => {
        async {
            let mut items: Vec<serde_json::Value> = Vec::new();
            let mut $token: Option<String> = None;
            loop {
                let page = $crate::collect::client::raw_call!($action, $req)?;
                items.extend(page[$key].as_array().into_iter().flatten().cloned());
                match page["nextToken"].as_str() {
                    Some(t) if !t.is_empty() => $token = Some(t.to_string()),
                    _ => return Ok::<_, $crate::collect::client::CallError>(items),
                }
            }
        }
        .await
    };
}
pub(crate) use raw_pages;

/// Drain a paginator into a list with `$items` (a closure from page to an iterator of
/// items). Returns the items and the first error, if a page failed.
macro_rules! list_all {
    ($action:expr, $req:expr, $items:expr) => {{
        let mut out = Vec::new();
        let mut failed: Option<$crate::collect::client::CallError> = None;
        let mut stream = $req.into_paginator().send();
        while let Some(page) = stream.next().await {
            match page {
                Ok(p) => out.extend(($items)(&p)),
                Err(e) => {
                    failed = Some($crate::collect::client::call_error($action, &e));
                    break;
                }
            }
        }
        (out, failed)
    }};
}
pub(crate) use list_all;

/// Split an ARN's partition (`aws`, `aws-cn`, `aws-us-gov`); `aws` when unknown.
pub fn partition_of(arn: &str) -> &str {
    arn.split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}
