//! The capacity providers clusters use, as `describe-capacity-providers` gives them
//! (Auto Scaling group providers: managed scaling and termination protection). The
//! Fargate providers are AWS's and are not described.

use super::client::raw_call;
use super::Region;
use serde_json::Value;
use std::collections::BTreeSet;

/// The providers the clusters name (`capacityProviders`), 100 a call.
pub async fn collect(r: &Region, clusters: &[Value]) -> Vec<Value> {
    let names: Vec<String> = clusters
        .iter()
        .filter_map(|c| c.get("capacityProviders").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .filter(|n| !matches!(*n, "FARGATE" | "FARGATE_SPOT"))
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for chunk in names.chunks(100) {
        let call = raw_call!(
            "ecs:DescribeCapacityProviders",
            r.ecs
                .describe_capacity_providers()
                .set_capacity_providers(Some(chunk.to_vec()))
        );
        match call {
            Ok(v) => out.extend(
                v["capacityProviders"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            ),
            Err(e) => {
                for name in chunk {
                    r.problems.call_failed(
                        &e,
                        "capacity provider could not be described; its termination protection was not checked",
                        Some(&r.arn("ecs", &format!("capacity-provider/{name}"))),
                    );
                }
            }
        }
    }
    out
}
