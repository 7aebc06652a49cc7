//! ELBv2: the target groups services register with, their load balancers and listeners.
//! Shaped like `aws elbv2 describe-*` output (AWS field names).

use super::client::call_error;
use super::Region;
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub struct ElbData {
    pub target_groups: Vec<Value>,
    /// Load balancers with their `Listeners` added.
    pub load_balancers: Vec<Value>,
    /// Referenced target groups that could not be read (ARN, reason).
    pub unavailable: Vec<(String, String)>,
}

impl ElbData {
    /// Security groups of the load balancers.
    pub fn security_group_ids(&self) -> Vec<String> {
        strings(&self.load_balancers, "SecurityGroups")
    }

    /// Subnets the load balancers live in.
    pub fn subnet_ids(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        for lb in &self.load_balancers {
            for az in lb
                .get("AvailabilityZones")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(s) = az.get("SubnetId").and_then(Value::as_str) {
                    out.insert(s.to_string());
                }
            }
        }
        out.into_iter().collect()
    }
}

/// Every string in the array field `key` of `items`, deduplicated.
pub fn strings(items: &[Value], key: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    for it in items {
        for s in it.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(s) = s.as_str() {
                out.insert(s.to_string());
            }
        }
    }
    out.into_iter().collect()
}

pub async fn collect(r: &Region, target_group_arns: &[String]) -> ElbData {
    let mut data = ElbData::default();
    for chunk in target_group_arns.chunks(20) {
        match r
            .elb
            .describe_target_groups()
            .set_target_group_arns(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => data
                .target_groups
                .extend(o.target_groups().iter().map(target_group)),
            Err(e) => {
                let err = call_error("elasticloadbalancing:DescribeTargetGroups", &e);
                // One missing group fails the batch: ask one at a time to find it.
                for arn in chunk {
                    match r
                        .elb
                        .describe_target_groups()
                        .target_group_arns(arn)
                        .send()
                        .await
                    {
                        Ok(o) => data
                            .target_groups
                            .extend(o.target_groups().iter().map(target_group)),
                        Err(e2) => {
                            let err2 = call_error("elasticloadbalancing:DescribeTargetGroups", &e2);
                            if !err2.is_not_found() {
                                r.problems.call_failed(
                                    &err2,
                                    "target group could not be read; load-balancer checks were not performed",
                                    Some(arn),
                                );
                            }
                            data.unavailable.push((arn.clone(), err2.to_string()));
                        }
                    }
                }
                tracing::debug!(%err, "batch DescribeTargetGroups failed; retried one by one");
            }
        }
    }
    let lb_arns = strings(&data.target_groups, "LoadBalancerArns");
    for chunk in lb_arns.chunks(20) {
        match r
            .elb
            .describe_load_balancers()
            .set_load_balancer_arns(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => data
                .load_balancers
                .extend(o.load_balancers().iter().map(load_balancer)),
            Err(e) => {
                let err = call_error("elasticloadbalancing:DescribeLoadBalancers", &e);
                for arn in chunk {
                    r.problems.call_failed(
                        &err,
                        "load balancer could not be read; its checks were not performed",
                        Some(arn),
                    );
                }
            }
        }
    }
    for lb in &mut data.load_balancers {
        let Some(arn) = lb["LoadBalancerArn"].as_str().map(str::to_string) else {
            continue;
        };
        let mut listeners = Vec::new();
        let mut stream = r
            .elb
            .describe_listeners()
            .load_balancer_arn(&arn)
            .into_paginator()
            .send();
        while let Some(page) = stream.next().await {
            match page {
                Ok(p) => listeners.extend(p.listeners().iter().map(listener)),
                Err(e) => {
                    r.problems.call_failed(
                        &call_error("elasticloadbalancing:DescribeListeners", &e),
                        "listeners could not be read",
                        Some(&arn),
                    );
                    break;
                }
            }
        }
        lb["Listeners"] = Value::Array(listeners);
    }
    data
}

fn target_group(t: &aws_sdk_elasticloadbalancingv2::types::TargetGroup) -> Value {
    json!({
        "TargetGroupArn": t.target_group_arn(),
        "TargetGroupName": t.target_group_name(),
        "Protocol": t.protocol().map(|p| p.as_str()),
        "Port": t.port(),
        "VpcId": t.vpc_id(),
        "TargetType": t.target_type().map(|p| p.as_str()),
        "HealthCheckEnabled": t.health_check_enabled(),
        "HealthCheckProtocol": t.health_check_protocol().map(|p| p.as_str()),
        "HealthCheckPort": t.health_check_port(),
        "HealthCheckPath": t.health_check_path(),
        "Matcher": t.matcher().map(|m| json!({"HttpCode": m.http_code(), "GrpcCode": m.grpc_code()})),
        "LoadBalancerArns": t.load_balancer_arns(),
    })
}

fn load_balancer(l: &aws_sdk_elasticloadbalancingv2::types::LoadBalancer) -> Value {
    json!({
        "LoadBalancerArn": l.load_balancer_arn(),
        "LoadBalancerName": l.load_balancer_name(),
        "DNSName": l.dns_name(),
        "Scheme": l.scheme().map(|s| s.as_str()),
        "Type": l.r#type().map(|s| s.as_str()),
        "VpcId": l.vpc_id(),
        "State": l.state().and_then(|s| s.code()).map(|c| json!({"Code": c.as_str()})),
        "SecurityGroups": l.security_groups(),
        "AvailabilityZones": l.availability_zones().iter().map(|az| json!({
            "ZoneName": az.zone_name(),
            "SubnetId": az.subnet_id(),
        })).collect::<Vec<_>>(),
    })
}

fn listener(l: &aws_sdk_elasticloadbalancingv2::types::Listener) -> Value {
    json!({
        "ListenerArn": l.listener_arn(),
        "Port": l.port(),
        "Protocol": l.protocol().map(|p| p.as_str()),
        "DefaultActions": l.default_actions().iter().map(|a| json!({
            "Type": a.r#type().map(|t| t.as_str()),
            "TargetGroupArn": a.target_group_arn(),
        })).collect::<Vec<_>>(),
    })
}
