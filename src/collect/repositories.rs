//! ECR repositories of the images task definitions use: each repository as
//! `describe-repositories` gives it, with its policy (`get-repository-policy`, decoded)
//! and, in the audited account's own registry, its effective scanning configuration
//! (`batch-get-repository-scanning-configuration`: registry rules applied).

use super::client::{partition_of, raw_call, raw_pages, CallError};
use super::Region;
use futures::stream::{self, StreamExt};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// (registry account, repository name) of the repositories wanted.
pub type Wanted = BTreeSet<(String, String)>;

/// Every repository of `wanted` that exists, with `policy` (decoded; null when it has
/// none; absent when it could not be read) and `scanningConfiguration` (own registry
/// only).
pub async fn collect(r: &Region, wanted: &Wanted) -> Vec<Value> {
    let mut by_registry: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (account, name) in wanted {
        by_registry.entry(account).or_default().push(name.clone());
    }
    let mut repos = Vec::new();
    for (account, names) in by_registry {
        for chunk in names.chunks(100) {
            repos.extend(describe(r, account, chunk).await);
        }
    }
    let (policies, scanning) = futures::join!(
        stream::iter(repos.iter())
            .map(|repo| policy(r, repo))
            .buffered(r.concurrency)
            .collect::<Vec<Option<Value>>>(),
        scanning(r, &repos)
    );
    for (repo, policy) in repos.iter_mut().zip(policies) {
        let arn = repo["repositoryArn"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let Some(o) = repo.as_object_mut() else {
            continue;
        };
        if let Some(p) = policy {
            o.insert("policy".into(), p);
        }
        if let Some(s) = scanning.get(&arn) {
            o.insert("scanningConfiguration".into(), s.clone());
        }
    }
    repos
}

/// The repositories `names` of registry `account`. One missing name fails the whole
/// call; then the registry is listed once and matched here.
async fn describe(r: &Region, account: &str, names: &[String]) -> Vec<Value> {
    let call = raw_call!(
        "ecr:DescribeRepositories",
        r.ecr
            .describe_repositories()
            .registry_id(account)
            .set_repository_names(Some(names.to_vec()))
    );
    let listed = match call {
        Ok(v) => Ok(v["repositories"].as_array().cloned().unwrap_or_default()),
        Err(e) if e.is_not_found() && names.len() > 1 => list(r, account).await,
        Err(e) => Err(e),
    };
    match listed {
        Ok(all) => all
            .into_iter()
            .filter(|repo| {
                repo["repositoryName"]
                    .as_str()
                    .is_some_and(|n| names.iter().any(|w| w == n))
            })
            .collect(),
        Err(e) => {
            if !e.is_not_found() {
                for name in names {
                    r.problems.call_failed(
                        &e,
                        "ECR repository could not be read; its tag mutability, scanning and policy were not checked",
                        Some(&repository_arn(r, account, name)),
                    );
                }
            }
            Vec::new()
        }
    }
}

/// The ARN of repository `name` in registry `account` of the region.
fn repository_arn(r: &Region, account: &str, name: &str) -> String {
    let partition = partition_of(&r.arn("ecr", "")).to_string();
    format!(
        "arn:{partition}:ecr:{}:{account}:repository/{name}",
        r.region
    )
}

/// Every repository of registry `account` (all pages).
async fn list(r: &Region, account: &str) -> Result<Vec<Value>, CallError> {
    raw_pages!("ecr:DescribeRepositories", "repositories", |token| r
        .ecr
        .describe_repositories()
        .registry_id(account)
        .max_results(1000)
        .set_next_token(token.take()))
}

/// The repository's policy decoded, `null` when it has none, `None` when it could not
/// be read (named in the region's problems).
async fn policy(r: &Region, repo: &Value) -> Option<Value> {
    let (Some(account), Some(name)) =
        (repo["registryId"].as_str(), repo["repositoryName"].as_str())
    else {
        return None;
    };
    let call = raw_call!(
        "ecr:GetRepositoryPolicy",
        r.ecr
            .get_repository_policy()
            .registry_id(account)
            .repository_name(name)
    );
    match call {
        Ok(v) => Some(
            v["policyText"]
                .as_str()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null),
        ),
        Err(e) if e.code.contains("RepositoryPolicyNotFound") => Some(Value::Null),
        Err(e) => {
            r.problems.call_failed(
                &e,
                "ECR repository policy could not be read; who may pull its images was not checked",
                repo["repositoryArn"].as_str(),
            );
            None
        }
    }
}

/// Repository ARN -> effective scanning configuration, for the repositories of the
/// audited account's own registry (the API reads no other), 25 a call.
async fn scanning(r: &Region, repos: &[Value]) -> BTreeMap<String, Value> {
    let own: Vec<String> = repos
        .iter()
        .filter(|repo| repo["registryId"].as_str() == Some(r.account.as_str()))
        .filter_map(|repo| repo["repositoryName"].as_str().map(str::to_string))
        .collect();
    let mut out = BTreeMap::new();
    for chunk in own.chunks(25) {
        let call = raw_call!(
            "ecr:BatchGetRepositoryScanningConfiguration",
            r.ecr
                .batch_get_repository_scanning_configuration()
                .set_repository_names(Some(chunk.to_vec()))
        );
        match call {
            Ok(v) => {
                for c in v["scanningConfigurations"].as_array().into_iter().flatten() {
                    if let Some(arn) = c["repositoryArn"].as_str() {
                        out.insert(arn.to_string(), c.clone());
                    }
                }
            }
            Err(e) => {
                for name in chunk {
                    r.problems.call_failed(
                        &e,
                        "ECR scanning configuration could not be read; scanning on push was not checked",
                        Some(&repository_arn(r, &r.account, name)),
                    );
                }
            }
        }
    }
    out
}
