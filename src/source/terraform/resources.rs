//! Terraform resources around task definitions, as the nodes the live collector makes:
//! `aws_ecs_service`, `aws_ecs_cluster`, security groups and their rules, load
//! balancers, target groups and listeners, IAM roles and policies. Properties use the
//! AWS API's names (ECS camelCase; EC2, ELBv2 and IAM PascalCase); references between
//! resources are node ids, so the relational rules follow them as they do live.

use super::eval::Module;
use super::iam;
use crate::source::iac::{list, with_origin, Spanned, Val};
pub use crate::source::iac::{obj, string};

/// Argument `k` unless it is null.
fn arg<'a>(args: &'a Spanned, k: &str) -> Option<&'a Spanned> {
    args.get(k).filter(|v| !matches!(v.val, Val::Null))
}

/// The first block `k` (Terraform blocks evaluate to lists).
fn block<'a>(args: &'a Spanned, k: &str) -> Option<&'a Spanned> {
    match &arg(args, k)?.val {
        Val::List(items) => items.first(),
        _ => arg(args, k),
    }
}

/// Every block `k`.
fn blocks<'a>(args: &'a Spanned, k: &str) -> Vec<&'a Spanned> {
    match arg(args, k).map(|v| &v.val) {
        Some(Val::List(items)) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// Copy arguments `(terraform, api)` that are set.
fn copy(args: &Spanned, names: &[(&str, &'static str)]) -> Vec<(&'static str, Spanned)> {
    names
        .iter()
        .filter_map(|(tf, api)| arg(args, tf).map(|v| (*api, v.clone())))
        .collect()
}

/// `aws_ecs_service`.
pub fn service(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("serviceArn", string(id))];
    e.extend(copy(
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
    if let Some(n) = block(args, "network_configuration") {
        let mut vpc = copy(
            n,
            &[
                ("subnets", "subnets"),
                ("security_groups", "securityGroups"),
            ],
        );
        let public = match arg(n, "assign_public_ip").map(|v| &v.val) {
            Some(Val::Bool(true)) => Some(string("ENABLED")),
            Some(Val::Bool(false)) | None => Some(string("DISABLED")),
            Some(_) => arg(n, "assign_public_ip").cloned(),
        };
        if let Some(p) = public {
            let p = match arg(n, "assign_public_ip") {
                Some(from) => with_origin(p, from),
                None => p,
            };
            vpc.push(("assignPublicIp", p));
        }
        let inner = with_origin(obj(vpc), n);
        e.push((
            "networkConfiguration",
            with_origin(obj(vec![("awsvpcConfiguration", inner)]), n),
        ));
    }
    let lbs: Vec<Spanned> = blocks(args, "load_balancer")
        .into_iter()
        .map(|b| {
            with_origin(
                obj(copy(
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
    let cps: Vec<Spanned> = blocks(args, "capacity_provider_strategy")
        .into_iter()
        .map(|b| {
            with_origin(
                obj(copy(
                    b,
                    &[
                        ("capacity_provider", "capacityProvider"),
                        ("weight", "weight"),
                        ("base", "base"),
                    ],
                )),
                b,
            )
        })
        .collect();
    if !cps.is_empty() {
        e.push(("capacityProviderStrategy", list(cps)));
    }
    with_origin(obj(e), args)
}

/// `aws_ecs_cluster`.
pub fn cluster(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("clusterArn", string(id))];
    e.extend(copy(args, &[("name", "clusterName")]));
    let settings: Vec<Spanned> = blocks(args, "setting")
        .into_iter()
        .map(|b| with_origin(obj(copy(b, &[("name", "name"), ("value", "value")])), b))
        .collect();
    if !settings.is_empty() {
        e.push(("settings", list(settings)));
    }
    if let Some(c) = block(args, "configuration") {
        if let Some(x) = block(c, "execute_command_configuration") {
            let mut xe = copy(x, &[("kms_key_id", "kmsKeyId"), ("logging", "logging")]);
            if let Some(l) = block(x, "log_configuration") {
                xe.push((
                    "logConfiguration",
                    with_origin(
                        obj(copy(
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
    let protocol = match arg(b, "protocol").or_else(|| arg(b, "ip_protocol")) {
        Some(p) => match p.as_str() {
            Some("all") | Some("-1") => with_origin(string("-1"), p),
            Some(other) => with_origin(string(&other.to_lowercase()), p),
            None => p.clone(),
        },
        None => string("-1"),
    };
    let mut e = vec![("IpProtocol", protocol.clone())];
    if protocol.as_str() != Some("-1") {
        e.extend(copy(b, &[("from_port", "FromPort"), ("to_port", "ToPort")]));
    }
    let cidrs = |k: &str, key: &'static str| -> Vec<Spanned> {
        match arg(b, k) {
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
    if matches!(arg(b, "self").map(|v| &v.val), Some(Val::Bool(true))) {
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
    e.extend(copy(
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
        let perms = blocks(args, tf)
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
    e.extend(copy(
        args,
        &[
            ("name", "LoadBalancerName"),
            ("security_groups", "SecurityGroups"),
        ],
    ));
    let scheme = match arg(args, "internal") {
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
        arg(args, "load_balancer_type")
            .cloned()
            .unwrap_or_else(|| string("application")),
    ));
    with_origin(obj(e), args)
}

/// `aws_lb_target_group` / `aws_alb_target_group`.
pub fn target_group(args: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("TargetGroupArn", string(id))];
    e.extend(copy(
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
        arg(args, "target_type")
            .cloned()
            .unwrap_or_else(|| string("instance")),
    ));
    let hc = block(args, "health_check");
    let port = hc
        .and_then(|h| arg(h, "port"))
        .cloned()
        .unwrap_or_else(|| string("traffic-port"));
    e.push(("HealthCheckPort", port));
    if let Some(h) = hc {
        e.extend(copy(
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
    let lb = arg(args, "load_balancer_arn")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    (lb, action_targets(args, "default_action"))
}

/// Target groups the `action` blocks of a listener or listener rule forward to.
pub fn action_targets(args: &Spanned, action: &str) -> Vec<String> {
    let mut out = Vec::new();
    for a in blocks(args, action) {
        if let Some(tg) = arg(a, "target_group_arn").and_then(|v| v.as_str()) {
            out.push(tg.to_string());
        }
        for f in blocks(a, "forward") {
            for t in blocks(f, "target_group") {
                if let Some(tg) = arg(t, "arn").and_then(|v| v.as_str()) {
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
    e.extend(copy(args, &[("name", "RoleName"), ("path", "Path")]));
    if let Some(doc) = arg(args, "assume_role_policy") {
        e.push(("AssumeRolePolicyDocument", iam::decode_policy(module, doc)));
    }
    let inline: Vec<Spanned> = blocks(args, "inline_policy")
        .into_iter()
        .filter_map(|b| {
            let doc = arg(b, "policy")?;
            let name = arg(b, "name").cloned().unwrap_or_else(|| string("inline"));
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
    let managed: Vec<Spanned> = match arg(args, "managed_policy_arns").map(|v| &v.val) {
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
    e.extend(copy(args, &[("name", "PolicyName"), ("path", "Path")]));
    if let Some(doc) = arg(args, "policy") {
        e.push(("Document", iam::decode_policy(module, doc)));
    }
    with_origin(obj(e), args)
}

/// `aws_iam_role_policy`: (role, inline policy entry).
pub fn role_policy(module: &Module, args: &Spanned) -> Option<(String, Spanned)> {
    let role = arg(args, "role")?.as_str()?.to_string();
    let doc = arg(args, "policy")?;
    let name = arg(args, "name")
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
    let role = arg(args, "role")?.as_str()?.to_string();
    let arn = arg(args, "policy_arn")?;
    Some((
        role,
        with_origin(obj(vec![("PolicyArn", arn.clone())]), args),
    ))
}
