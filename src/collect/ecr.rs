//! ECR: the private ECR images task definitions reference (images in this region's
//! registries; raw `describe-images` details: size, push date, scan findings summary)
//! and their repositories.

use super::client::{raw_call, raw_pages, CallError};
use super::ecs::EcsData;
use super::repositories;
use super::Region;
use crate::graph::image;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub struct EcrData {
    /// Image reference as written in the task definition -> ECR image detail.
    pub images: BTreeMap<String, Value>,
    /// The repositories of those images (see [`repositories::collect`]).
    pub repositories: Vec<Value>,
    /// References that could not be sized (reference, reason).
    pub unavailable: Vec<(String, String)>,
}

/// One image id for DescribeImages: by digest when pinned, else by tag.
fn image_id(r: &image::ImageRef) -> aws_sdk_ecr::types::ImageIdentifier {
    let b = aws_sdk_ecr::types::ImageIdentifier::builder();
    match (&r.digest, &r.tag) {
        (Some(d), _) => b.image_digest(d),
        (None, Some(t)) => b.image_tag(t),
        (None, None) => b.image_tag("latest"),
    }
    .build()
}

/// True when `detail` is the image `r` names.
fn matches(detail: &Value, r: &image::ImageRef) -> bool {
    if let Some(d) = &r.digest {
        return detail.get("imageDigest").and_then(Value::as_str) == Some(d);
    }
    let tag = r.tag.as_deref().unwrap_or("latest");
    detail
        .get("imageTags")
        .and_then(Value::as_array)
        .is_some_and(|ts| ts.iter().any(|t| t.as_str() == Some(tag)))
}

pub async fn collect(r: &Region, ecs: &EcsData) -> EcrData {
    let mut data = EcrData::default();
    // (registry account, repository) -> references.
    let mut wanted: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for td in ecs.task_definitions.values() {
        let Some(doc) = &td.doc else { continue };
        for c in doc
            .get("containerDefinitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(reference) = c.get("image").and_then(Value::as_str) else {
                continue;
            };
            let parsed = image::parse(reference);
            match &parsed.ecr {
                Some(reg) if reg.region == r.region && !parsed.unresolved => {
                    wanted
                        .entry((reg.account.clone(), parsed.repository.clone()))
                        .or_default()
                        .insert(reference.to_string());
                }
                _ => {}
            }
        }
    }
    let repos: repositories::Wanted = wanted.keys().cloned().collect();
    let (_, repos) = futures::join!(
        images(r, &mut data, wanted),
        repositories::collect(r, &repos)
    );
    data.repositories = repos;
    data
}

/// The image details of the references wanted, one batch per repository.
async fn images(
    r: &Region,
    data: &mut EcrData,
    wanted: BTreeMap<(String, String), BTreeSet<String>>,
) {
    for ((account, repo), refs) in wanted {
        let refs: Vec<String> = refs.into_iter().collect();
        for chunk in refs.chunks(100) {
            let parsed: Vec<image::ImageRef> = chunk.iter().map(|s| image::parse(s)).collect();
            let ids: Vec<_> = parsed.iter().map(image_id).collect();
            let batch = raw_call!(
                "ecr:DescribeImages",
                r.ecr
                    .describe_images()
                    .registry_id(&account)
                    .repository_name(&repo)
                    .set_image_ids(Some(ids))
            );
            match batch {
                Ok(v) => record(data, chunk, &parsed, &v),
                // One missing image fails the whole batch (a batch of one: that image
                // is missing). Otherwise list the repository once and match locally,
                // rather than one call per image.
                Err(e) => {
                    let listed = if e.is_not_found() && chunk.len() > 1 {
                        list_repository(r, &account, &repo).await
                    } else {
                        Err(e)
                    };
                    match listed {
                        Ok(v) => record(data, chunk, &parsed, &v),
                        Err(e) => {
                            for reference in chunk {
                                unavailable(r, data, reference, &e);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A reference whose image could not be read: named as not checked unless it simply
/// does not exist.
fn unavailable(r: &Region, data: &mut EcrData, reference: &str, e: &CallError) {
    if !e.is_not_found() {
        r.problems.call_failed(
            e,
            "image size could not be read; the size check was not performed",
            Some(reference),
        );
    }
    data.unavailable
        .push((reference.to_string(), e.to_string()));
}

/// Every image of one repository (`imageDetails` of all pages).
async fn list_repository(r: &Region, account: &str, repo: &str) -> Result<Value, CallError> {
    let details = raw_pages!("ecr:DescribeImages", "imageDetails", |token| r
        .ecr
        .describe_images()
        .registry_id(account)
        .repository_name(repo)
        .max_results(1000)
        .set_next_token(token.take()))?;
    Ok(serde_json::json!({ "imageDetails": details }))
}

fn record(data: &mut EcrData, refs: &[String], parsed: &[image::ImageRef], v: &Value) {
    let details = v
        .get("imageDetails")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (reference, p) in refs.iter().zip(parsed) {
        if let Some(d) = details.iter().find(|d| matches(d, p)) {
            data.images.insert(reference.clone(), d.clone());
        }
    }
}
