//! IAM: the task and execution roles referenced, with their trust policy, inline policies
//! and attached managed policies (default version documents, fetched once per account).

use super::client::{call_error, CallError};
use super::Region;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A role as collected: `properties` shaped like `get-account-authorization-details`.
#[derive(Debug, Clone)]
pub struct RoleData {
    pub arn: String,
    pub properties: Value,
    /// Set when the role could not be read, or does not exist (`NoSuchEntity`).
    pub error: Option<CallError>,
    /// Problems with parts of the role (inline or attached policies not readable).
    pub partial: bool,
}

/// A managed policy with its default version document.
#[derive(Debug, Clone)]
pub struct PolicyData {
    pub arn: String,
    pub properties: Value,
    pub error: Option<CallError>,
}

#[derive(Debug, Default)]
pub struct IamData {
    pub roles: Vec<RoleData>,
    pub policies: BTreeMap<String, PolicyData>,
}

/// Decode an IAM policy document: URL-encoded (how IAM returns it) or plain JSON (how
/// some stand-ins return managed-policy versions).
pub fn decode_document(raw: &str) -> Result<Value, String> {
    let trimmed = raw.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(v) = serde_json::from_str(trimmed) {
            return Ok(v);
        }
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|e| format!("policy document is not UTF-8 after URL decoding: {e}"))?;
    serde_json::from_str(&decoded).map_err(|e| format!("policy document is not JSON: {e}"))
}

fn document(raw: Option<&str>) -> Value {
    match raw.map(decode_document) {
        Some(Ok(v)) => v,
        Some(Err(e)) => json!({"_undecodable": e}),
        None => Value::Null,
    }
}

fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The roles `role_arns` names (each once, however often it is named), read as they
/// come, then the managed policies they attach (each once).
pub async fn collect(r: &Region, role_arns: impl futures::Stream<Item = String>) -> IamData {
    let mut seen = BTreeSet::new();
    let roles: Vec<(RoleData, Vec<String>)> = role_arns
        .filter(|arn| futures::future::ready(seen.insert(arn.clone())))
        .map(|arn| async move { role(r, &arn).await })
        .buffer_unordered(r.concurrency)
        .collect()
        .await;
    let mut wanted = BTreeSet::new();
    let mut data = IamData::default();
    for (role, attached) in roles {
        wanted.extend(attached);
        data.roles.push(role);
    }
    data.roles.sort_by(|a, b| a.arn.cmp(&b.arn));
    let policies: Vec<PolicyData> = stream::iter(wanted.iter())
        .map(|arn| policy(r, arn))
        .buffer_unordered(r.concurrency)
        .collect()
        .await;
    for p in policies {
        data.policies.insert(p.arn.clone(), p);
    }
    data
}

async fn role(r: &Region, arn: &str) -> (RoleData, Vec<String>) {
    let name = role_name(arn);
    let got = match r.iam.get_role().role_name(name).send().await {
        Ok(o) => o,
        Err(e) => {
            let err = call_error("iam:GetRole", &e);
            if !err.is_not_found() {
                r.problems.call_failed(
                    &err,
                    "role could not be read; its checks were not performed",
                    Some(arn),
                );
            }
            return (
                RoleData {
                    arn: arn.to_string(),
                    properties: json!({"Arn": arn, "RoleName": name}),
                    error: Some(err),
                    partial: false,
                },
                Vec::new(),
            );
        }
    };
    let Some(role) = got.role() else {
        return (
            RoleData {
                arn: arn.to_string(),
                properties: json!({"Arn": arn, "RoleName": name}),
                error: Some(CallError {
                    action: "iam:GetRole".into(),
                    code: "InvalidResponse".into(),
                    message: "no role in the response".into(),
                }),
                partial: false,
            },
            Vec::new(),
        );
    };

    // Inline and attached policies, both lists at once.
    let ((inline, inline_partial), (attached, attached_partial)) = futures::join!(
        inline_policies(r, name, arn),
        attached_policies(r, name, arn)
    );
    let partial = inline_partial || attached_partial;
    let policy_arns: Vec<String> = attached
        .iter()
        .filter_map(|p| {
            p.get("PolicyArn")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    let mut properties = json!({
        "RoleName": role.role_name(),
        "RoleId": role.role_id(),
        "Arn": role.arn(),
        "Path": role.path(),
        "AssumeRolePolicyDocument": document(role.assume_role_policy_document()),
        "RolePolicyList": inline,
        "AttachedManagedPolicies": attached,
    });
    if let Some(b) = role.permissions_boundary() {
        properties["PermissionsBoundary"] = json!({
            "PermissionsBoundaryArn": b.permissions_boundary_arn(),
            "PermissionsBoundaryType": b.permissions_boundary_type().map(|t| t.as_str()),
        });
    }
    (
        RoleData {
            arn: role.arn().to_string(),
            properties,
            error: None,
            partial,
        },
        policy_arns,
    )
}

/// The role's inline policies with their documents (each read at once), and whether some
/// could not be read.
async fn inline_policies(r: &Region, name: &str, arn: &str) -> (Vec<Value>, bool) {
    let mut partial = false;
    let mut names = Vec::new();
    let mut marker = None;
    loop {
        match r
            .iam
            .list_role_policies()
            .role_name(name)
            .set_marker(marker.clone())
            .send()
            .await
        {
            Ok(o) => {
                names.extend(o.policy_names().iter().cloned());
                if o.is_truncated() && o.marker().is_some() {
                    marker = o.marker().map(str::to_string);
                } else {
                    break;
                }
            }
            Err(e) => {
                partial = true;
                r.problems.call_failed(
                    &call_error("iam:ListRolePolicies", &e),
                    "inline policies could not be listed; permission checks were not performed",
                    Some(arn),
                );
                break;
            }
        }
    }
    let read: Vec<Option<Value>> = stream::iter(names)
        .map(|pname| async move {
            match r
                .iam
                .get_role_policy()
                .role_name(name)
                .policy_name(&pname)
                .send()
                .await
            {
                Ok(o) => Some(json!({
                    "PolicyName": pname,
                    "PolicyDocument": document(Some(o.policy_document())),
                })),
                Err(e) => {
                    r.problems.call_failed(
                        &call_error("iam:GetRolePolicy", &e),
                        &format!("inline policy {pname} could not be read"),
                        Some(arn),
                    );
                    None
                }
            }
        })
        .buffered(r.concurrency)
        .collect()
        .await;
    partial |= read.iter().any(Option::is_none);
    (read.into_iter().flatten().collect(), partial)
}

/// The role's attached managed policies (name and ARN), and whether the list is partial.
async fn attached_policies(r: &Region, name: &str, arn: &str) -> (Vec<Value>, bool) {
    let mut attached = Vec::new();
    let mut marker = None;
    loop {
        match r
            .iam
            .list_attached_role_policies()
            .role_name(name)
            .set_marker(marker.clone())
            .send()
            .await
        {
            Ok(o) => {
                attached.extend(
                    o.attached_policies().iter().map(
                        |p| json!({"PolicyName": p.policy_name(), "PolicyArn": p.policy_arn()}),
                    ),
                );
                if o.is_truncated() && o.marker().is_some() {
                    marker = o.marker().map(str::to_string);
                } else {
                    return (attached, false);
                }
            }
            Err(e) => {
                r.problems.call_failed(
                    &call_error("iam:ListAttachedRolePolicies", &e),
                    "attached policies could not be listed; permission checks were not performed",
                    Some(arn),
                );
                return (attached, true);
            }
        }
    }
}

async fn policy(r: &Region, arn: &str) -> PolicyData {
    let fail = |err: CallError| {
        r.problems.call_failed(
            &err,
            "managed policy could not be read; permission checks of roles using it were not performed",
            Some(arn),
        );
        PolicyData {
            arn: arn.to_string(),
            properties: json!({"Arn": arn}),
            error: Some(err),
        }
    };
    let p = match r.iam.get_policy().policy_arn(arn).send().await {
        Ok(o) => o,
        Err(e) => return fail(call_error("iam:GetPolicy", &e)),
    };
    let Some(p) = p.policy() else {
        return fail(CallError {
            action: "iam:GetPolicy".into(),
            code: "InvalidResponse".into(),
            message: "no policy in the response".into(),
        });
    };
    let version = p.default_version_id().unwrap_or("v1").to_string();
    let doc = match r
        .iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(&version)
        .send()
        .await
    {
        Ok(o) => document(o.policy_version().and_then(|v| v.document())),
        Err(e) => return fail(call_error("iam:GetPolicyVersion", &e)),
    };
    PolicyData {
        arn: arn.to_string(),
        properties: json!({
            "PolicyName": p.policy_name(),
            "PolicyId": p.policy_id(),
            "Arn": p.arn(),
            "Path": p.path(),
            "DefaultVersionId": version,
            "AttachmentCount": p.attachment_count(),
            "Document": doc,
        }),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::decode_document;

    #[test]
    fn decodes_url_encoded_and_plain_documents() {
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        assert_eq!(
            decode_document(plain).unwrap(),
            decode_document(encoded).unwrap()
        );
        assert_eq!(
            decode_document(encoded).unwrap()["Statement"][0]["Action"],
            "s3:*"
        );
        assert!(decode_document("%7Bnot json").is_err());
    }
}
