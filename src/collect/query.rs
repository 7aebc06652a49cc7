//! A small client for the EC2 Query API: the five read calls the collector makes
//! (DescribeInstances, DescribeSecurityGroups, DescribeSubnets, DescribeVolumes,
//! DescribeRegions), SigV4-signed with the account's credentials and sent through the
//! SDK's own HTTPS connector, with the SDK clients' retry and timeout policy. It stands
//! in for `aws-sdk-ec2`, a crate of all of EC2 that took 3.5 of the 13 minutes of a cold
//! build. Responses are parsed into a plain [`Element`] tree; `ec2.rs` maps them to the
//! shapes `aws ec2 describe-*` prints.

use super::client::{credentials_error, CallError, CallLog};
use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::http::{HttpConnector, SharedHttpConnector};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use std::time::Duration;

/// The EC2 API version these calls are made in.
const VERSION: &str = "2016-11-15";

/// One EC2 endpoint of one account and region.
#[derive(Clone)]
pub struct Ec2Client {
    region: String,
    endpoint: String,
    conf: SdkConfig,
    connector: SharedHttpConnector,
    log: CallLog,
    policy: Policy,
}

/// How calls are retried and bounded (the SDK clients' settings, `base_config`).
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The whole call, its retries included.
    pub budget: Duration,
    /// One attempt.
    pub attempt: Duration,
}

impl Ec2Client {
    /// A client for `region` with the configuration's credentials and endpoint (an
    /// `endpoint_url` override, `AWS_ENDPOINT_URL_EC2`, or the regional one, FIPS or
    /// dual-stack as configured), sending through `connector`.
    pub fn new(
        conf: &SdkConfig,
        region: &str,
        connector: SharedHttpConnector,
        log: &CallLog,
        policy: Policy,
    ) -> Self {
        Ec2Client {
            region: region.to_string(),
            endpoint: endpoint(conf, region),
            conf: conf.clone(),
            connector,
            log: log.clone(),
            policy,
        }
    }

    /// Call `action` with query `params` (`InstanceId.1=i-1`), following `NextToken`
    /// pages; returns each page's root element.
    pub async fn pages(
        &self,
        action: &'static str,
        params: &[(String, String)],
    ) -> Result<Vec<Element>, CallError> {
        let mut pages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut p = params.to_vec();
            if let Some(t) = &token {
                p.push(("NextToken".into(), t.clone()));
            }
            let page = self.call(action, &p).await?;
            token = page
                .text("nextToken")
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            pages.push(page);
            // A token that does not move would loop forever.
            if token.is_none() || pages.len() >= 1000 {
                return Ok(pages);
            }
        }
    }

    /// One call (its retries included): the response's root element, or the error.
    pub async fn call(
        &self,
        action: &'static str,
        params: &[(String, String)],
    ) -> Result<Element, CallError> {
        let name = format!("ec2:{action}");
        let fail = |code: &str, message: String| CallError {
            action: name.clone(),
            code: code.to_string(),
            message,
        };
        let body = form(action, params);
        let credentials = match self.conf.credentials_provider() {
            Some(p) => {
                use aws_credential_types::provider::ProvideCredentials;
                p.provide_credentials()
                    .await
                    .map_err(|e| credentials_error(&e))?
            }
            None => {
                return Err(fail(
                    "CredentialsError",
                    "no credentials are configured".into(),
                ))
            }
        };
        let work = async {
            let mut attempt = 1;
            loop {
                if attempt == 1 {
                    tracing::debug!(action = %name, "AWS call");
                    self.log.record(name.clone());
                } else {
                    tracing::debug!(action = %name, attempt, "AWS call retried");
                    self.log.count_retry();
                }
                let sent =
                    tokio::time::timeout(self.policy.attempt, self.attempt(&body, &credentials))
                        .await;
                let outcome = match sent {
                    Ok(Ok((status, text))) => Outcome::of(status, &text),
                    Ok(Err(transport)) => Outcome::Retry("DispatchFailure".into(), transport),
                    Err(_) => Outcome::Retry("Timeout".into(), "the attempt timed out".into()),
                };
                match outcome {
                    Outcome::Done(root) => return Ok(root),
                    Outcome::Fail(code, message) => return Err(fail(&code, message)),
                    Outcome::Retry(code, message) if attempt >= self.policy.max_attempts => {
                        return Err(fail(&code, message))
                    }
                    Outcome::Retry(..) => {
                        tokio::time::sleep(self.backoff(attempt)).await;
                        attempt += 1;
                    }
                }
            }
        };
        match tokio::time::timeout(self.policy.budget, work).await {
            Ok(r) => r,
            Err(_) => Err(fail("Timeout", "the call timed out".into())),
        }
    }

    /// Full jitter: a random wait up to `initial * 2^(attempt-1)`, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .policy
            .initial_backoff
            .saturating_mul(1 << attempt.min(16).saturating_sub(1))
            .min(self.policy.max_backoff);
        cap.mul_f64(fastrand::f64())
    }

    /// Sign and send one attempt: its HTTP status and body, or a transport failure.
    async fn attempt(
        &self,
        body: &str,
        credentials: &aws_credential_types::Credentials,
    ) -> Result<(u16, String), String> {
        let mut req = http::Request::builder()
            .method("POST")
            .uri(&self.endpoint)
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(SdkBody::from(body.to_string()))
            .map_err(|e| e.to_string())?;
        sign(&mut req, body, credentials, &self.region)?;
        let req = HttpRequest::try_from(req).map_err(|e| e.to_string())?;
        let resp = self.connector.call(req).await.map_err(|e| {
            format!(
                "{}",
                aws_smithy_types::error::display::DisplayErrorContext(&e)
            )
        })?;
        let status = resp.status().as_u16();
        let bytes = aws_smithy_types::byte_stream::ByteStream::new(resp.into_body())
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .into_bytes();
        Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
    }
}

/// What one attempt came to.
enum Outcome {
    Done(Element),
    /// Not worth retrying: (code, message).
    Fail(String, String),
    /// Throttled, a server error, or no answer: (code, message).
    Retry(String, String),
}

impl Outcome {
    fn of(status: u16, text: &str) -> Outcome {
        let root = match parse(text) {
            Ok(root) => root,
            Err(e) if status >= 500 => return Outcome::Retry(format!("HTTP {status}"), e),
            Err(e) => return Outcome::Fail(format!("HTTP {status}"), e),
        };
        if status < 300 {
            return Outcome::Done(root);
        }
        // <Response><Errors><Error><Code>..</Code><Message>..</Message></Error></Errors>
        let error = root
            .child("Errors")
            .and_then(|e| e.child("Error"))
            .or_else(|| root.child("Error"));
        let code = error
            .and_then(|e| e.text("Code"))
            .map_or_else(|| format!("HTTP {status}"), str::to_string);
        let message = error
            .and_then(|e| e.text("Message"))
            .unwrap_or_default()
            .to_string();
        if status >= 500 || retryable(&code) {
            Outcome::Retry(code, message)
        } else {
            Outcome::Fail(code, message)
        }
    }
}

/// Throttling and transient error codes the SDK's standard retry mode retries.
fn retryable(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "RequestThrottled"
            | "RequestLimitExceeded"
            | "BandwidthLimitExceeded"
            | "LimitExceededException"
            | "SlowDown"
            | "PriorRequestNotComplete"
            | "EC2ThrottledException"
            | "RequestTimeout"
            | "RequestTimeoutException"
            | "InternalError"
            | "InternalFailure"
            | "ServiceUnavailable"
    )
}

/// The request body: `Action`, `Version` and the parameters, form-encoded.
fn form(action: &str, params: &[(String, String)]) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    f.append_pair("Action", action)
        .append_pair("Version", VERSION);
    for (k, v) in params {
        f.append_pair(k, v);
    }
    f.finish()
}

/// Sign `req` (its body is `body`) with SigV4 for EC2 in `region`.
fn sign(
    req: &mut http::Request<SdkBody>,
    body: &str,
    credentials: &aws_credential_types::Credentials,
    region: &str,
) -> Result<(), String> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings};
    let identity = credentials.clone().into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("ec2")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let headers: Vec<(&str, &str)> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    let uri = req.uri().to_string();
    let signable = SignableRequest::new(
        req.method().as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _) = aws_sigv4::http_request::sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    instructions.apply_to_request_http1x(req);
    Ok(())
}

/// The EC2 endpoint of `region`: an override first, as the SDK clients resolve it.
fn endpoint(conf: &SdkConfig, region: &str) -> String {
    if let Some(url) = std::env::var("AWS_ENDPOINT_URL_EC2")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| conf.endpoint_url().map(str::to_string))
    {
        return url;
    }
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    match (
        conf.use_fips().unwrap_or(false),
        conf.use_dual_stack().unwrap_or(false),
    ) {
        (false, false) => format!("https://ec2.{region}.{suffix}"),
        (true, false) => format!("https://ec2-fips.{region}.{suffix}"),
        (false, true) => format!("https://ec2.{region}.api.aws"),
        (true, true) => format!("https://ec2-fips.{region}.api.aws"),
    }
}

/// An XML element: its local name, its text (for a leaf) and its child elements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of child `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// The `<item>`s of list child `name` (EC2 wraps each list so).
    pub fn items<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Element> {
        self.child(name)
            .into_iter()
            .flat_map(|c| c.children.iter().filter(|i| i.name == "item"))
    }
}

/// Parse an XML document into its root [`Element`] (names without their prefix, text
/// unescaped, attributes and comments dropped). Nesting is bounded: EC2 answers are a
/// few levels deep, and a hostile body must not exhaust the stack.
pub fn parse(text: &str) -> Result<Element, String> {
    use xmlparser::{ElementEnd, Token};
    const MAX_DEPTH: usize = 64;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    for token in xmlparser::Tokenizer::from(text) {
        match token.map_err(|e| format!("the response is not XML: {e}"))? {
            Token::ElementStart { local, .. } => {
                if stack.len() >= MAX_DEPTH {
                    return Err("the response nests too deeply".into());
                }
                stack.push(Element {
                    name: local.as_str().to_string(),
                    ..Element::default()
                });
            }
            Token::ElementEnd { end, .. } => {
                if matches!(end, ElementEnd::Open) {
                    continue;
                }
                let done = stack.pop().ok_or("the response closes an element twice")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Token::Text { text } => {
                if let Some(e) = stack.last_mut() {
                    e.text.push_str(&unescape(text.as_str()));
                }
            }
            Token::Cdata { text, .. } => {
                if let Some(e) = stack.last_mut() {
                    e.text.push_str(text.as_str());
                }
            }
            _ => {}
        }
    }
    let mut root = root.ok_or("the response has no XML element")?;
    trim(&mut root);
    Ok(root)
}

/// Text around child elements is layout, not data.
fn trim(e: &mut Element) {
    if !e.children.is_empty() {
        e.text.clear();
        e.children.iter_mut().for_each(trim);
    }
}

/// XML's five named entities and numeric character references.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else {
            break;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ec2_answers_and_errors() {
        let ok = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>7a62c49f</requestId>
    <subnetSet>
        <item><subnetId>subnet-1</subnetId><cidrBlock>10.0.1.0/24</cidrBlock>
        <tagSet/></item>
        <item><subnetId>subnet-2</subnetId><description>a &amp; b &#x41;&#66;</description></item>
    </subnetSet>
</DescribeSubnetsResponse>"#;
        let root = parse(ok).unwrap();
        assert_eq!(root.name, "DescribeSubnetsResponse");
        let items: Vec<&Element> = root.items("subnetSet").collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].text("cidrBlock"), Some("10.0.1.0/24"));
        assert_eq!(items[0].text("subnetId"), Some("subnet-1"));
        assert_eq!(items[1].text("description"), Some("a & b AB"));
        assert!(matches!(Outcome::of(200, ok), Outcome::Done(_)));

        let denied = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized</Message></Error></Errors><RequestID>1</RequestID></Response>";
        match Outcome::of(403, denied) {
            Outcome::Fail(code, message) => {
                assert_eq!(code, "UnauthorizedOperation");
                assert_eq!(message, "You are not authorized");
            }
            _ => panic!("a denial is final"),
        }
        let throttled = denied.replace("UnauthorizedOperation", "RequestLimitExceeded");
        assert!(matches!(Outcome::of(503, &throttled), Outcome::Retry(..)));
        assert!(matches!(Outcome::of(400, &throttled), Outcome::Retry(..)));
        assert!(matches!(
            Outcome::of(502, "<html>bad gateway"),
            Outcome::Retry(..)
        ));
        assert!(matches!(
            Outcome::of(200, "not xml at all"),
            Outcome::Fail(..)
        ));
    }

    #[test]
    fn hostile_bodies_are_errors_not_crashes() {
        let deep = "<a>".repeat(100_000);
        assert!(parse(&deep).unwrap_err().contains("nests too deeply"));
        assert!(parse("").is_err());
        assert!(parse("</a>").is_err());
        assert_eq!(unescape("&bogus; &#xZZ; &"), "&bogus; &#xZZ; &");
    }

    #[test]
    fn the_body_is_the_action_version_and_parameters() {
        let b = form(
            "DescribeInstances",
            &[("InstanceId.1".into(), "i-1 2".into())],
        );
        assert_eq!(
            b,
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1+2"
        );
    }

    /// A connector answering from a script: one (status, body) per attempt, then hangs.
    #[derive(Debug)]
    struct Script(std::sync::Mutex<Vec<(u16, &'static str)>>);

    impl HttpConnector for Script {
        fn call(
            &self,
            _: HttpRequest,
        ) -> aws_smithy_runtime_api::client::http::HttpConnectorFuture {
            let next = self.0.lock().unwrap().pop();
            aws_smithy_runtime_api::client::http::HttpConnectorFuture::new(async move {
                let Some((status, body)) = next else {
                    std::future::pending::<()>().await;
                    unreachable!()
                };
                let resp = http::Response::builder()
                    .status(status)
                    .body(SdkBody::from(body))
                    .unwrap();
                Ok(resp.try_into().unwrap())
            })
        }
    }

    fn client(script: Vec<(u16, &'static str)>, budget_ms: u64) -> (Ec2Client, CallLog) {
        let creds = aws_credential_types::Credentials::new("AKIDTEST", "secret", None, None, "t");
        let conf = SdkConfig::builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(creds),
            )
            .build();
        let log = CallLog::default();
        let mut script = script;
        script.reverse();
        let policy = Policy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            budget: Duration::from_millis(budget_ms),
            attempt: Duration::from_millis(budget_ms / 2),
        };
        let connector = SharedHttpConnector::new(Script(std::sync::Mutex::new(script)));
        (
            Ec2Client::new(&conf, "us-east-1", connector, &log, policy),
            log,
        )
    }

    const THROTTLED: &str = "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow down</Message></Error></Errors></Response>";
    const DENIED: &str = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors></Response>";
    const REGIONS: &str = "<DescribeRegionsResponse><regionInfo><item><regionName>eu-west-1</regionName><optInStatus>opt-in-not-required</optInStatus></item><item><regionName>af-south-1</regionName><optInStatus>not-opted-in</optInStatus></item></regionInfo></DescribeRegionsResponse>";

    #[tokio::test]
    async fn throttling_is_retried_and_counted_apart() {
        let (c, log) = client(vec![(503, THROTTLED), (200, REGIONS)], 2000);
        let root = c.call("DescribeRegions", &[]).await.unwrap();
        assert_eq!(super::super::ec2::enabled_regions(&root), ["eu-west-1"]);
        assert_eq!(log.total(), 1);
        assert_eq!(log.retries(), 1);
        assert_eq!(log.snapshot().keys().next().unwrap(), "ec2:DescribeRegions");
    }

    #[tokio::test]
    async fn a_denial_is_final_and_named() {
        let (c, log) = client(vec![(403, DENIED), (200, REGIONS)], 2000);
        let e = c.call("DescribeRegions", &[]).await.unwrap_err();
        assert_eq!(e.action, "ec2:DescribeRegions");
        assert!(e.is_access_denied(), "{e}");
        assert_eq!((log.total(), log.retries()), (1, 0));
        // Throttled on every attempt: the last error, after max_attempts.
        let (c, log) = client(vec![(503, THROTTLED); 3], 2000);
        let e = c.call("DescribeRegions", &[]).await.unwrap_err();
        assert_eq!(e.code, "RequestLimitExceeded");
        assert_eq!((log.total(), log.retries()), (1, 2));
    }

    #[tokio::test]
    async fn a_hung_endpoint_times_out_within_the_budget() {
        let (c, _) = client(vec![], 300);
        let started = std::time::Instant::now();
        let e = c.call("DescribeRegions", &[]).await.unwrap_err();
        assert_eq!(e.code, "Timeout");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn endpoints_follow_the_configuration() {
        let conf = SdkConfig::builder().build();
        assert_eq!(
            endpoint(&conf, "eu-west-1"),
            "https://ec2.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            endpoint(&conf, "cn-north-1"),
            "https://ec2.cn-north-1.amazonaws.com.cn"
        );
        let fips = SdkConfig::builder().use_fips(true).build();
        assert_eq!(
            endpoint(&fips, "us-east-1"),
            "https://ec2-fips.us-east-1.amazonaws.com"
        );
        let local = SdkConfig::builder()
            .endpoint_url("http://127.0.0.1:5000")
            .build();
        assert_eq!(endpoint(&local, "us-east-1"), "http://127.0.0.1:5000");
    }
}
