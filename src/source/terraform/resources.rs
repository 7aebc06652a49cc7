//! Terraform resources around task definitions, as the nodes the live collector makes:
//! `aws_ecs_service` (with its `aws_ecs_task_set`s), `aws_ecs_cluster` (with its
//! `aws_ecs_cluster_capacity_providers`), capacity providers, account setting defaults,
//! security groups and their rules, load balancers, target groups and listeners, IAM
//! roles and policies. Properties use the
//! AWS API's names (ECS camelCase; EC2, ELBv2 and IAM PascalCase); references between
//! resources are node ids, so the relational rules follow them as they do live.

use super::eval::Module;
use super::iam;
use crate::source::iac::{entry, items, list, renamed, with_origin, Spanned, Val};
pub use crate::source::iac::{obj, string};

/// The first block `k` (Terraform blocks evaluate to lists).
fn block<'a>(args: &'a Spanned, k: &str) -> Option<&'a Spanned> {
    match &entry(args, k)?.val {
        Val::List(items) => items.first(),
        _ => entry(args, k),
    }
}

/// `network_configuration` as the API's `networkConfiguration.awsvpcConfiguration`
/// (`assign_public_ip` true/false as ENABLED/DISABLED).
fn network_configuration(args: &Spanned) -> Option<Spanned> {
    let n = block(args, "network_configuration")?;
    let mut vpc = renamed(
        n,
        &[
            ("subnets", "subnets"),
            ("security_groups", "securityGroups"),
        ],
    );
    let public = match entry(n, "assign_public_ip").map(|v| &v.val) {
        Some(Val::Bool(true)) => Some(string("ENABLED")),
        Some(Val::Bool(false)) | None => Some(string("DISABLED")),
        Some(_) => entry(n, "assign_public_ip").cloned(),
    };
    if let Some(p) = public {
        let p = match entry(n, "assign_public_ip") {
            Some(from) => with_origin(p, from),
            None => p,
        };
        vpc.push(("assignPublicIp", p));
    }
    let inner = with_origin(obj(vpc), n);
    Some(with_origin(obj(vec![("awsvpcConfiguration", inner)]), n))
}

/// `aws_ecs_task_set`: one of its service's `taskSets`, as DescribeServices gives it.
pub fn task_set(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("taskSetArn", string(id))];
    e.extend(renamed(
        args,
        &[
            ("service", "serviceArn"),
            ("cluster", "clusterArn"),
            ("task_definition", "taskDefinition"),
            ("launch_type", "launchType"),
            ("platform_version", "platformVersion"),
            ("external_id", "externalId"),
        ],
    ));
    if let Some(n) = network_configuration(args) {
        e.push(("networkConfiguration", n));
    }
    with_origin(obj(e), args)
}

/// `aws_ecs_service`.
pub fn service(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("serviceArn", string(id))];
    e.extend(renamed(
        args,
        &[
            ("name", "serviceName"),
            ("cluster", "clusterArn"),
            ("task_definition", "taskDefinition"),
            ("desired_count", "desiredCount"),
            ("launch_type", "launchType"),
            ("platform_version", "platformVersion"),
            ("enable_execute_command", "enableExecuteCommand"),
            ("propagate_tags", "propagateTags"),
        ],
    ));
    if let Some(n) = network_configuration(args) {
        e.push(("networkConfiguration", n));
    }
    let lbs: Vec<Spanned> = items(args, "load_balancer")
        .into_iter()
        .map(|b| {
            with_origin(
                obj(renamed(
                    b,
                    &[
                        ("target_group_arn", "targetGroupArn"),
                        ("container_name", "containerName"),
                        ("container_port", "containerPort"),
                    ],
                )),
                b,
            )
        })
        .collect();
    if !lbs.is_empty() {
        e.push(("loadBalancers", list(lbs)));
    }
    if let Some(cps) = strategy(args, "capacity_provider_strategy") {
        e.push(("capacityProviderStrategy", cps));
    }
    with_origin(obj(e), args)
}

/// A capacity provider strategy (blocks `k`), as the API's list; `None` without one.
fn strategy(args: &Spanned, k: &str) -> Option<Spanned> {
    let names = [
        ("capacity_provider", "capacityProvider"),
        ("weight", "weight"),
        ("base", "base"),
    ];
    let cps: Vec<Spanned> = items(args, k)
        .into_iter()
        .map(|b| with_origin(obj(renamed(b, &names)), b))
        .collect();
    (!cps.is_empty()).then(|| list(cps))
}

/// The capacity providers and default strategy of `aws_ecs_cluster_capacity_providers`
/// (or the cluster's own pre-v5 `capacity_providers` argument), as DescribeClusters
/// names them.
pub fn cluster_capacity_providers(args: &Spanned) -> Vec<(&'static str, Spanned)> {
    let mut e = renamed(args, &[("capacity_providers", "capacityProviders")]);
    if let Some(cps) = strategy(args, "default_capacity_provider_strategy") {
        e.push(("defaultCapacityProviderStrategy", cps));
    }
    e
}

/// `aws_ecs_capacity_provider`, as DescribeCapacityProviders gives it. An unset
/// `managed_termination_protection` is the API's default, DISABLED (set where the block
/// is, so a finding points at it).
pub fn capacity_provider(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("capacityProviderArn", string(id))];
    e.extend(renamed(args, &[("name", "name")]));
    if let Some(g) = block(args, "auto_scaling_group_provider") {
        let mut ge = renamed(
            g,
            &[
                ("auto_scaling_group_arn", "autoScalingGroupArn"),
                (
                    "managed_termination_protection",
                    "managedTerminationProtection",
                ),
                ("managed_draining", "managedDraining"),
            ],
        );
        if entry(g, "managed_termination_protection").is_none() {
            let default = with_origin(string("DISABLED"), g);
            ge.push(("managedTerminationProtection", default));
        }
        if let Some(m) = block(g, "managed_scaling") {
            let names = [
                ("status", "status"),
                ("target_capacity", "targetCapacity"),
                ("minimum_scaling_step_size", "minimumScalingStepSize"),
                ("maximum_scaling_step_size", "maximumScalingStepSize"),
                ("instance_warmup_period", "instanceWarmupPeriod"),
            ];
            ge.push(("managedScaling", with_origin(obj(renamed(m, &names)), m)));
        }
        e.push(("autoScalingGroupProvider", with_origin(obj(ge), g)));
    }
    with_origin(obj(e), args)
}

/// `aws_ecs_account_setting_default`: the account setting it sets, in the shape of
/// ListAccountSettings' `settings`.
pub fn account_setting_default(args: &Spanned) -> Spanned {
    let setting = with_origin(
        obj(renamed(args, &[("name", "name"), ("value", "value")])),
        args,
    );
    with_origin(obj(vec![("settings", list(vec![setting]))]), args)
}

/// `aws_ecs_cluster`.
pub fn cluster(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("clusterArn", string(id))];
    e.extend(renamed(args, &[("name", "clusterName")]));
    e.extend(cluster_capacity_providers(args));
    let settings: Vec<Spanned> = items(args, "setting")
        .into_iter()
        .map(|b| with_origin(obj(renamed(b, &[("name", "name"), ("value", "value")])), b))
        .collect();
    if !settings.is_empty() {
        e.push(("settings", list(settings)));
    }
    if let Some(c) = block(args, "configuration") {
        if let Some(x) = block(c, "execute_command_configuration") {
            let mut xe = renamed(x, &[("kms_key_id", "kmsKeyId"), ("logging", "logging")]);
            if let Some(l) = block(x, "log_configuration") {
                xe.push((
                    "logConfiguration",
                    with_origin(
                        obj(renamed(
                            l,
                            &[
                                (
                                    "cloud_watch_encryption_enabled",
                                    "cloudWatchEncryptionEnabled",
                                ),
                                ("cloud_watch_log_group_name", "cloudWatchLogGroupName"),
                                ("s3_bucket_name", "s3BucketName"),
                                ("s3_bucket_encryption_enabled", "s3EncryptionEnabled"),
                                ("s3_key_prefix", "s3KeyPrefix"),
                            ],
                        )),
                        l,
                    ),
                ));
            }
            let inner = with_origin(obj(xe), x);
            e.push((
                "configuration",
                with_origin(obj(vec![("executeCommandConfiguration", inner)]), c),
            ));
        }
    }
    with_origin(obj(e), args)
}

/// A permission (`IpPermissions` entry) from an inline `ingress`/`egress` block or an
/// `aws_security_group_rule`: `group` is the group it belongs to (for `self`).
pub fn permission(b: &Spanned, group: &str) -> Spanned {
    let protocol = match entry(b, "protocol").or_else(|| entry(b, "ip_protocol")) {
        Some(p) => match p.as_str() {
            Some("all") | Some("-1") => with_origin(string("-1"), p),
            Some(other) => with_origin(string(&other.to_lowercase()), p),
            None => p.clone(),
        },
        None => string("-1"),
    };
    let mut e = vec![("IpProtocol", protocol.clone())];
    if protocol.as_str() != Some("-1") {
        e.extend(renamed(
            b,
            &[("from_port", "FromPort"), ("to_port", "ToPort")],
        ));
    }
    let cidrs = |k: &str, key: &'static str| -> Vec<Spanned> {
        match entry(b, k) {
            Some(Spanned {
                val: Val::List(items),
                ..
            }) => items
                .iter()
                .map(|c| with_origin(obj(vec![(key, c.clone())]), c))
                .collect(),
            Some(
                one @ Spanned {
                    val: Val::String(_),
                    ..
                },
            ) => {
                vec![with_origin(obj(vec![(key, one.clone())]), one)]
            }
            Some(unknown) => vec![with_origin(obj(vec![(key, unknown.clone())]), unknown)],
            None => Vec::new(),
        }
    };
    let mut v4 = cidrs("cidr_blocks", "CidrIp");
    v4.extend(cidrs("cidr_ipv4", "CidrIp"));
    let mut v6 = cidrs("ipv6_cidr_blocks", "CidrIpv6");
    v6.extend(cidrs("cidr_ipv6", "CidrIpv6"));
    let mut pairs = cidrs("security_groups", "GroupId");
    pairs.extend(cidrs("source_security_group_id", "GroupId"));
    pairs.extend(cidrs("referenced_security_group_id", "GroupId"));
    if matches!(entry(b, "self").map(|v| &v.val), Some(Val::Bool(true))) {
        pairs.push(obj(vec![("GroupId", string(group))]));
    }
    e.push(("IpRanges", list(v4)));
    e.push(("Ipv6Ranges", list(v6)));
    e.push(("UserIdGroupPairs", list(pairs)));
    with_origin(obj(e), b)
}

/// `aws_security_group` with its inline rules.
pub fn security_group(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("GroupId", string(id))];
    e.extend(renamed(
        args,
        &[
            ("name", "GroupName"),
            ("description", "Description"),
            ("vpc_id", "VpcId"),
        ],
    ));
    for (tf, api) in [
        ("ingress", "IpPermissions"),
        ("egress", "IpPermissionsEgress"),
    ] {
        let perms = items(args, tf)
            .into_iter()
            .map(|b| permission(b, id))
            .collect();
        e.push((api, list(perms)));
    }
    with_origin(obj(e), args)
}

/// `aws_lb` / `aws_alb`.
pub fn load_balancer(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("LoadBalancerArn", string(id))];
    e.extend(renamed(
        args,
        &[
            ("name", "LoadBalancerName"),
            ("security_groups", "SecurityGroups"),
        ],
    ));
    let scheme = match entry(args, "internal") {
        Some(
            v @ Spanned {
                val: Val::Bool(true),
                ..
            },
        ) => with_origin(string("internal"), v),
        Some(
            v @ Spanned {
                val: Val::Bool(false),
                ..
            },
        ) => with_origin(string("internet-facing"), v),
        Some(unknown) => unknown.clone(),
        None => string("internet-facing"),
    };
    e.push(("Scheme", scheme));
    e.push((
        "Type",
        entry(args, "load_balancer_type")
            .cloned()
            .unwrap_or_else(|| string("application")),
    ));
    with_origin(obj(e), args)
}

/// `aws_lb_target_group` / `aws_alb_target_group`.
pub fn target_group(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("TargetGroupArn", string(id))];
    e.extend(renamed(
        args,
        &[
            ("name", "TargetGroupName"),
            ("port", "Port"),
            ("protocol", "Protocol"),
            ("vpc_id", "VpcId"),
        ],
    ));
    e.push((
        "TargetType",
        entry(args, "target_type")
            .cloned()
            .unwrap_or_else(|| string("instance")),
    ));
    let hc = block(args, "health_check");
    let port = hc
        .and_then(|h| entry(h, "port"))
        .cloned()
        .unwrap_or_else(|| string("traffic-port"));
    e.push(("HealthCheckPort", port));
    if let Some(h) = hc {
        e.extend(renamed(
            h,
            &[
                ("path", "HealthCheckPath"),
                ("protocol", "HealthCheckProtocol"),
            ],
        ));
    }
    with_origin(obj(e), args)
}

/// `aws_lb_listener`: its load balancer, and the target groups its default actions
/// forward to (`forward` blocks included).
pub fn listener_targets(args: &Spanned) -> (Option<String>, Vec<String>) {
    let lb = entry(args, "load_balancer_arn")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    (lb, action_targets(args, "default_action"))
}

/// Target groups the `action` blocks of a listener or listener rule forward to.
pub fn action_targets(args: &Spanned, action: &str) -> Vec<String> {
    let mut out = Vec::new();
    for a in items(args, action) {
        if let Some(tg) = entry(a, "target_group_arn").and_then(|v| v.as_str()) {
            out.push(tg.to_string());
        }
        for f in items(a, "forward") {
            for t in items(f, "target_group") {
                if let Some(tg) = entry(t, "arn").and_then(|v| v.as_str()) {
                    out.push(tg.to_string());
                }
            }
        }
    }
    out
}

/// `aws_iam_role` with its inline policies and attached policy ARNs.
pub fn iam_role(module: &Module, args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("Arn", string(id))];
    e.extend(renamed(args, &[("name", "RoleName"), ("path", "Path")]));
    if let Some(doc) = entry(args, "assume_role_policy") {
        e.push(("AssumeRolePolicyDocument", iam::decode_policy(module, doc)));
    }
    let inline: Vec<Spanned> = items(args, "inline_policy")
        .into_iter()
        .filter_map(|b| {
            let doc = entry(b, "policy")?;
            let name = entry(b, "name")
                .cloned()
                .unwrap_or_else(|| string("inline"));
            Some(with_origin(
                obj(vec![
                    ("PolicyName", name),
                    ("PolicyDocument", iam::decode_policy(module, doc)),
                ]),
                b,
            ))
        })
        .collect();
    e.push(("RolePolicyList", list(inline)));
    let managed: Vec<Spanned> = match entry(args, "managed_policy_arns").map(|v| &v.val) {
        Some(Val::List(items)) => items
            .iter()
            .map(|a| with_origin(obj(vec![("PolicyArn", a.clone())]), a))
            .collect(),
        _ => Vec::new(),
    };
    e.push(("AttachedManagedPolicies", list(managed)));
    with_origin(obj(e), args)
}

/// `aws_iam_policy`.
pub fn iam_policy(module: &Module, args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("Arn", string(id))];
    e.extend(renamed(args, &[("name", "PolicyName"), ("path", "Path")]));
    if let Some(doc) = entry(args, "policy") {
        e.push(("Document", iam::decode_policy(module, doc)));
    }
    with_origin(obj(e), args)
}

/// `aws_iam_role_policy`: (role, inline policy entry).
pub fn role_policy(module: &Module, args: &Spanned) -> Option<(String, Spanned)> {
    let role = entry(args, "role")?.as_str()?.to_string();
    let doc = entry(args, "policy")?;
    let name = entry(args, "name")
        .cloned()
        .unwrap_or_else(|| string("inline"));
    Some((
        role,
        with_origin(
            obj(vec![
                ("PolicyName", name),
                ("PolicyDocument", iam::decode_policy(module, doc)),
            ]),
            args,
        ),
    ))
}

/// `aws_iam_role_policy_attachment`: (role, policy ARN entry).
pub fn role_policy_attachment(args: &Spanned) -> Option<(String, Spanned)> {
    let role = entry(args, "role")?.as_str()?.to_string();
    let arn = entry(args, "policy_arn")?;
    Some((
        role,
        with_origin(obj(vec![("PolicyArn", arn.clone())]), args),
    ))
}
