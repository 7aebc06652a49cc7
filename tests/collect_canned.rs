//! Collector paths the moto stand-in cannot serve, driven by canned HTTP responses (the
//! SDK's real deserialisers and our raw-response capture run on them): paginated ECS
//! list calls, the latest revision described by family name, a throttled call that is
//! retried, `enableExecuteCommand`, capacity providers, short role names, URL-encoded
//! trust policies, ECR image sizes, scan findings summaries and repositories.
#![cfg(feature = "aws")]

use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;
use ecsaudit::collect::{collect, CollectOptions};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const ACCOUNT: &str = "123456789012";
const C1: &str = "arn:aws:ecs:us-east-1:123456789012:cluster/one";
const C2: &str = "arn:aws:ecs:us-east-1:123456789012:cluster/two";
const S1: &str = "arn:aws:ecs:us-east-1:123456789012:service/one/api";
const S2: &str = "arn:aws:ecs:us-east-1:123456789012:service/one/worker";
const TD: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";
const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.0";

fn xml(body: String) -> http::Response<SdkBody> {
    http::Response::builder()
        .status(200)
        .header("content-type", "text/xml")
        .body(SdkBody::from(body))
        .unwrap()
}

fn json_response(status: u16, body: Value) -> http::Response<SdkBody> {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.1")
        .body(SdkBody::from(body.to_string()))
        .unwrap()
}

fn service(arn: &str, name: &str, exec: bool) -> Value {
    json!({
        "serviceArn": arn, "serviceName": name, "clusterArn": C1, "taskDefinition": TD,
        "enableExecuteCommand": exec, "platformVersion": "1.3.0",
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        "deployments": [{"taskDefinition": TD, "status": "PRIMARY"}],
    })
}

/// A fake AWS: routes on the JSON target header or the query `Action`.
fn fake_aws(
    calls: Arc<Mutex<Vec<String>>>,
    throttled: Arc<AtomicUsize>,
) -> impl Fn(http::Request<SdkBody>) -> http::Response<SdkBody> {
    move |req: http::Request<SdkBody>| {
        let body: Value = req
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        let form = req
            .body()
            .bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let op = match req.headers().get("x-amz-target") {
            Some(t) => t.to_str().unwrap().rsplit('.').next().unwrap().to_string(),
            None => form
                .split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .unwrap_or("Unknown")
                .to_string(),
        };
        calls.lock().unwrap().push(op.clone());
        let token = body.get("nextToken").and_then(Value::as_str);
        match op.as_str() {
            "GetCallerIdentity" => xml(format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/auditor</Arn><UserId>AIDA</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            )),
            "ListClusters" => match token {
                None => json_response(200, json!({"clusterArns": [C1], "nextToken": "page2"})),
                Some(_) => json_response(200, json!({"clusterArns": [C2]})),
            },
            "DescribeClusters" => json_response(200, json!({"clusters": body["clusters"].as_array().unwrap().iter().map(|c| json!({"clusterArn": c, "clusterName": c.as_str().unwrap().rsplit('/').next()})).collect::<Vec<_>>()})),
            "ListServices" => match (body["cluster"].as_str(), token) {
                (Some(C1), None) => json_response(200, json!({"serviceArns": [S1], "nextToken": "more"})),
                (Some(C1), Some(_)) => json_response(200, json!({"serviceArns": [S2]})),
                _ => json_response(200, json!({"serviceArns": []})),
            },
            "DescribeServices" => json_response(200, json!({"services": body["services"].as_array().unwrap().iter().map(|s| {
                if s == S1 { service(S1, "api", true) } else { service(S2, "worker", false) }
            }).collect::<Vec<_>>(), "failures": []})),
            "ListContainerInstances" => json_response(200, json!({"containerInstanceArns": []})),
            "ListTasks" => json_response(200, json!({"taskArns": []})),
            "ListTaskDefinitionFamilies" => json_response(200, json!({"families": ["web"]})),
            // Asked by family or by ARN, the one ACTIVE revision the account has (web:1 is
            // INACTIVE): the family's latest is described once, not again for the service.
            "DescribeTaskDefinition" => {
                assert!(
                    matches!(body["taskDefinition"].as_str(), Some("web") | Some(TD)),
                    "{body}"
                );
                if throttled.fetch_add(1, Ordering::SeqCst) == 0 {
                    return json_response(400, json!({"__type": "ThrottlingException", "message": "Rate exceeded"}));
                }
                json_response(200, json!({
                    "taskDefinition": {
                        "taskDefinitionArn": TD, "family": "web", "revision": 2, "status": "ACTIVE",
                        "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                        "taskRoleArn": "web-task",
                        "containerDefinitions": [{"name": "web", "image": IMAGE, "essential": true}],
                    },
                    "tags": [{"key": "team", "value": "payments"}],
                }))
            }
            "GetRole" => {
                let trust = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
                xml(format!("<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult><Role><Path>/</Path><RoleName>web-task</RoleName><RoleId>AROA1</RoleId><Arn>arn:aws:iam::{ACCOUNT}:role/web-task</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>{trust}</AssumeRolePolicyDocument></Role></GetRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetRoleResponse>"))
            }
            "ListRolePolicies" => xml("<ListRolePoliciesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListRolePoliciesResult><PolicyNames/><IsTruncated>false</IsTruncated></ListRolePoliciesResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListRolePoliciesResponse>".into()),
            "ListAttachedRolePolicies" => xml("<ListAttachedRolePoliciesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListAttachedRolePoliciesResult><AttachedPolicies/><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListAttachedRolePoliciesResponse>".into()),
            "DescribeImages" => json_response(200, json!({"imageDetails": [{
                "registryId": ACCOUNT, "repositoryName": "web", "imageDigest": "sha256:0123",
                "imageTags": ["2.0"], "imageSizeInBytes": 2147483648u64, "imagePushedAt": 1700000000.0,
                "imageScanStatus": {"status": "COMPLETE"},
                "imageScanFindingsSummary": {"findingSeverityCounts": {"CRITICAL": 1, "HIGH": 3, "LOW": 7}},
            }]})),
            "DescribeRepositories" => json_response(200, json!({"repositories": [{
                "repositoryArn": format!("arn:aws:ecr:us-east-1:{ACCOUNT}:repository/web"),
                "registryId": ACCOUNT, "repositoryName": "web", "imageTagMutability": "MUTABLE",
                "imageScanningConfiguration": {"scanOnPush": true},
            }]})),
            "GetRepositoryPolicy" => json_response(400, json!({
                "__type": "RepositoryPolicyNotFoundException",
                "message": "Repository policy does not exist for the repository with name 'web'",
            })),
            "BatchGetRepositoryScanningConfiguration" => json_response(200, json!({"scanningConfigurations": [{
                "repositoryArn": format!("arn:aws:ecr:us-east-1:{ACCOUNT}:repository/web"),
                "repositoryName": "web", "scanOnPush": true, "scanFrequency": "SCAN_ON_PUSH", "appliedScanFilters": [],
            }], "failures": []})),
            other => panic!("unexpected call {other}: {form}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canned_account_covers_what_moto_cannot() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let throttled = Arc::new(AtomicUsize::new(0));
    let opts = CollectOptions {
        regions: vec!["us-east-1".into()],
        concurrency: 4,
        http_client: Some(infallible_client_fn(fake_aws(
            calls.clone(),
            throttled.clone(),
        ))),
        credentials: Some(aws_sdk_sts::config::SharedCredentialsProvider::new(
            aws_sdk_sts::config::Credentials::new("AKIDTEST", "secret", None, None, "test"),
        )),
        ..Default::default()
    };
    let collected = collect(&opts).await;
    let g = &collected.graph;
    assert!(g.diagnostics.is_empty(), "{:#?}", g.diagnostics);

    // Both pages of clusters and services were read.
    assert_eq!(g.count_kind("cluster"), 2);
    assert_eq!(g.count_kind("service"), 2);
    // Only web:2, the latest ACTIVE revision, which the service also uses.
    let tds: Vec<&String> = g
        .nodes
        .values()
        .filter(|n| n.kind == "task_definition")
        .map(|n| &n.id)
        .collect();
    assert_eq!(tds, vec![TD]);
    let td = &g.nodes[TD];
    assert_eq!(
        td.status,
        ecsaudit::graph::Status::Complete,
        "throttled call was retried"
    );
    assert_eq!(throttled.load(Ordering::SeqCst), 2);
    assert_eq!(td.properties["tags"][0]["value"], "payments");
    assert_eq!(
        td.derived["collected_because"],
        json!(["latest ACTIVE revision", "used by a service"])
    );
    // The short role name was completed to an ARN, and its trust policy decoded.
    let role = &g.nodes["arn:aws:iam::123456789012:role/web-task"];
    assert_eq!(
        role.properties["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com"
    );
    // The ECR image size arrived.
    let image = g
        .nodes
        .values()
        .find(|n| n.kind == "image")
        .expect("image node");
    assert_eq!(image.properties["imageSizeInBytes"], 2147483648u64);

    // Each execution is logged once (retries are not extra calls); the IAM role is read once.
    let log = collected.calls.snapshot();
    assert_eq!(log["ecs:ListClusters"], 2);
    assert_eq!(log["ecs:DescribeTaskDefinition"], 1);
    assert_eq!(log["iam:GetRole"], 1);
    assert_eq!(
        calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| *c == "DescribeTaskDefinition")
            .count(),
        2
    );

    // The rules see what moto drops: ECS Exec, capacity providers, image sizes.
    let (sources, _) = ecsaudit::policy::load_sources(false, &[]);
    let (set, _) = ecsaudit::policy::PolicySet::from_sources(sources);
    let params = ecsaudit::policy::default_params(&set);
    let (engine, diags) = ecsaudit::policy::engine::PolicyEngine::new(&set, &params);
    assert!(diags.is_empty(), "{diags:#?}");
    let report = ecsaudit::scan::run(
        g,
        &engine,
        &ecsaudit::config::Config::default(),
        Vec::new(),
        0,
        2,
    );
    let hits = |rule: &str, resource: &str| {
        report
            .findings
            .iter()
            .filter(|f| *f.rule_id == *rule && *f.resource == *resource)
            .count()
    };
    assert_eq!(hits("EA809", S1), 1, "ECS Exec without ssmmessages");
    assert_eq!(hits("EA809", S2), 0, "ECS Exec off");
    assert_eq!(
        hits("EA902", S1),
        1,
        "FARGATE_SPOT capacity provider on 1.3.0"
    );
    assert_eq!(hits("EA204", TD), 1, "2 GiB image");
    // ECR as moto does not give it: the scan summary, an old push date; a repository
    // with mutable tags that scans on push and has no policy.
    assert_eq!(hits("EA207", TD), 1, "1 CRITICAL, 3 HIGH");
    assert_eq!(hits("EA208", TD), 1, "pushed in November 2023");
    assert_eq!(hits("EA205", TD), 1, "tag 2.0 in a MUTABLE repository");
    let repo = format!("arn:aws:ecr:us-east-1:{ACCOUNT}:repository/web");
    assert_eq!(hits("EA206", &repo), 0, "scans on push");
    assert_eq!(hits("EA209", &repo), 0, "no policy");
    assert!(g.nodes[&repo].properties["policy"].is_null());
    // ECS Exec on a service of a cluster whose sessions use no KMS key.
    assert_eq!(hits("EA953", C1), 1);
    assert_eq!(hits("EA804", "arn:aws:iam::123456789012:role/web-task"), 1);
}
