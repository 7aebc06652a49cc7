//! CloudFormation resources as the nodes the live collector makes: the ECS resources
//! renamed by the API model ([`super::names`]), security groups (with the separate
//! ingress and egress resources folded in; task sets folded into their services,
//! capacity provider associations into their clusters), capacity providers, load
//! balancers, target groups (linked to their load balancers through listeners and
//! listener rules), IAM roles and policies.
//! Properties are already evaluated; references are node ids.

use super::names::to_api;
use crate::graph::kind;
use crate::source::iac::{entry, items, list, obj, renamed, string, with_origin, Spanned, Val};

/// Resource types read into nodes, or into the nodes they belong to.
pub const SUPPORTED: &[&str] = &[
    "AWS::ECS::TaskDefinition",
    "AWS::ECS::Service",
    "AWS::ECS::Cluster",
    "AWS::ECS::TaskSet",
    "AWS::ECS::CapacityProvider",
    "AWS::ECS::ClusterCapacityProviderAssociations",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
];

/// The node kind and API properties of resource `rtype` with `props`, when it is a node
/// of its own (the rest fold into other nodes: see [`Fold`]).
pub fn node(rtype: &str, p: &Spanned, id: &str) -> Option<(&'static str, Spanned)> {
    Some(match rtype {
        "AWS::ECS::TaskDefinition" => (kind::TASK_DEFINITION, task_definition(p)),
        "AWS::ECS::Service" => (kind::SERVICE, service(p, id)),
        "AWS::ECS::Cluster" => {
            let mut c = to_api(p, "Cluster");
            push_first(&mut c, "clusterArn", string(id));
            (kind::CLUSTER, c)
        }
        "AWS::ECS::CapacityProvider" => (kind::CAPACITY_PROVIDER, capacity_provider(p, id)),
        "AWS::EC2::SecurityGroup" => (kind::SECURITY_GROUP, security_group(p, id)),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => (kind::LOAD_BALANCER, load_balancer(p, id)),
        "AWS::ElasticLoadBalancingV2::TargetGroup" => (kind::TARGET_GROUP, target_group(p, id)),
        "AWS::IAM::Role" => (kind::IAM_ROLE, iam_role(p, id)),
        "AWS::IAM::ManagedPolicy" => {
            let mut e = vec![("Arn", string(id))];
            e.extend(renamed(
                p,
                &[("ManagedPolicyName", "PolicyName"), ("Path", "Path")],
            ));
            if let Some(doc) = entry(p, "PolicyDocument") {
                e.push(("Document", policy_document(doc)));
            }
            (kind::IAM_POLICY, with_origin(obj(e), p))
        }
        _ => return None,
    })
}

/// What a resource adds to other nodes: (node id, list property, entry).
pub type Fold = (String, &'static str, Spanned);

/// The entries resource `rtype` adds to other nodes. `listener_lb` gives the load
/// balancer of a listener (by node id), for listener rules.
pub fn folds(
    rtype: &str,
    p: &Spanned,
    id: &str,
    listener_lb: &dyn Fn(&str) -> Option<String>,
) -> Vec<Fold> {
    let target = |k: &str| entry(p, k).and_then(|v| v.as_str()).map(str::to_string);
    match rtype {
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            let Some(group) = target("GroupId") else {
                return Vec::new();
            };
            let key = if rtype.ends_with("Ingress") {
                "IpPermissions"
            } else {
                "IpPermissionsEgress"
            };
            vec![(group.clone(), key, permission(p))]
        }
        // A task set is one of its service's `taskSets`, as DescribeServices gives it.
        "AWS::ECS::TaskSet" => {
            let Some(service) = target("Service") else {
                return Vec::new();
            };
            let mut set = to_api(p, "TaskSet");
            push_first(&mut set, "taskSetArn", string(id));
            vec![(service, "taskSets", set)]
        }
        // The providers a cluster uses, as DescribeClusters lists them on the cluster.
        "AWS::ECS::ClusterCapacityProviderAssociations" => {
            let Some(cluster) = target("Cluster") else {
                return Vec::new();
            };
            let api = to_api(p, "Cluster");
            let mut out = Vec::new();
            for key in ["capacityProviders", "defaultCapacityProviderStrategy"] {
                for item in items(&api, key) {
                    out.push((cluster.clone(), key, item.clone()));
                }
            }
            out
        }
        "AWS::ElasticLoadBalancingV2::Listener" => {
            let Some(lb) = target("LoadBalancerArn") else {
                return Vec::new();
            };
            forwarded(p, "DefaultActions")
                .into_iter()
                .map(|tg| (tg, "LoadBalancerArns", string(&lb)))
                .collect()
        }
        "AWS::ElasticLoadBalancingV2::ListenerRule" => {
            let Some(lb) = target("ListenerArn").and_then(|l| listener_lb(&l)) else {
                return Vec::new();
            };
            forwarded(p, "Actions")
                .into_iter()
                .map(|tg| (tg, "LoadBalancerArns", string(&lb)))
                .collect()
        }
        "AWS::IAM::Policy" => {
            let entry = with_origin(
                obj(vec![
                    (
                        "PolicyName",
                        entry(p, "PolicyName")
                            .cloned()
                            .unwrap_or_else(|| string("inline")),
                    ),
                    (
                        "PolicyDocument",
                        entry(p, "PolicyDocument")
                            .map(policy_document)
                            .unwrap_or_else(|| obj(vec![])),
                    ),
                ]),
                p,
            );
            roles(p)
                .into_iter()
                .map(|r| (r, "RolePolicyList", entry.clone()))
                .collect()
        }
        "AWS::IAM::ManagedPolicy" => roles(p)
            .into_iter()
            .map(|r| {
                (
                    r,
                    "AttachedManagedPolicies",
                    obj(vec![("PolicyArn", string(id))]),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn roles(p: &Spanned) -> Vec<String> {
    items(p, "Roles")
        .into_iter()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect()
}

/// Target groups that `actions` (a listener's or rule's) forward to.
fn forwarded(p: &Spanned, actions: &str) -> Vec<String> {
    let mut out = Vec::new();
    for a in items(p, actions) {
        if let Some(tg) = entry(a, "TargetGroupArn").and_then(|v| v.as_str()) {
            out.push(tg.to_string());
        }
        if let Some(f) = entry(a, "ForwardConfig") {
            for t in items(f, "TargetGroups") {
                if let Some(tg) = entry(t, "TargetGroupArn").and_then(|v| v.as_str()) {
                    out.push(tg.to_string());
                }
            }
        }
    }
    out
}

fn push_first(v: &mut Spanned, key: &str, value: Spanned) {
    if let Val::Object { entries, .. } = &mut v.val {
        entries.insert(0, (key.to_string(), value));
    }
}

/// `AWS::ECS::CapacityProvider`: API names; an unset `ManagedTerminationProtection` is
/// the API's default, DISABLED (set where the group provider is, for the finding).
fn capacity_provider(p: &Spanned, id: &str) -> Spanned {
    let mut cp = to_api(p, "CapacityProvider");
    push_first(&mut cp, "capacityProviderArn", string(id));
    if let Some(g) = cp.get_mut("autoScalingGroupProvider") {
        if entry(g, "managedTerminationProtection").is_none() {
            let default = with_origin(string("DISABLED"), g);
            g.push_entry("managedTerminationProtection", default);
        }
    }
    cp
}

/// `AWS::ECS::TaskDefinition`: API names, `Tags` as the API's `tags`.
fn task_definition(p: &Spanned) -> Spanned {
    let mut td = to_api(p, "TaskDefinition");
    if let Val::Object { entries, .. } = &mut td.val {
        if let Some(i) = entries.iter().position(|(k, _)| k == "Tags") {
            let (_, tags) = entries.remove(i);
            let mapped = match &tags.val {
                Val::List(items) => Spanned::new(
                    Val::List(
                        items
                            .iter()
                            .map(|t| {
                                with_origin(
                                    obj(renamed(t, &[("Key", "key"), ("Value", "value")])),
                                    t,
                                )
                            })
                            .collect(),
                    ),
                    tags.origin.clone(),
                ),
                _ => tags,
            };
            entries.push(("tags".into(), mapped));
        }
    }
    td
}

/// `AWS::ECS::Service`: API names; `assignPublicIp` defaults to `DISABLED` as in ECS.
fn service(p: &Spanned, id: &str) -> Spanned {
    let mut s = to_api(p, "Service");
    push_first(&mut s, "serviceArn", string(id));
    let vpc = s
        .get_mut("networkConfiguration")
        .and_then(|n| n.get_mut("awsvpcConfiguration"));
    if let Some(vpc) = vpc {
        if vpc.get("assignPublicIp").is_none() {
            vpc.push_entry("assignPublicIp", string("DISABLED"));
        }
    }
    s
}

/// A permission (`IpPermissions` entry) from an ingress or egress rule.
fn permission(r: &Spanned) -> Spanned {
    let protocol = match entry(r, "IpProtocol") {
        Some(p) => match &p.val {
            Val::Number(n) => with_origin(string(&n.to_string()), p),
            Val::String(s) => with_origin(string(&s.to_lowercase()), p),
            _ => p.clone(),
        },
        None => string("-1"),
    };
    let mut e = vec![("IpProtocol", protocol.clone())];
    if protocol.as_str() != Some("-1") {
        e.extend(renamed(
            r,
            &[("FromPort", "FromPort"), ("ToPort", "ToPort")],
        ));
    }
    let one = |k: &str, key: &'static str| -> Vec<Spanned> {
        entry(r, k)
            .map(|v| vec![with_origin(obj(vec![(key, v.clone())]), v)])
            .unwrap_or_default()
    };
    let mut pairs = one("SourceSecurityGroupId", "GroupId");
    pairs.extend(one("DestinationSecurityGroupId", "GroupId"));
    e.push(("IpRanges", list(one("CidrIp", "CidrIp"))));
    e.push(("Ipv6Ranges", list(one("CidrIpv6", "CidrIpv6"))));
    e.push(("UserIdGroupPairs", list(pairs)));
    with_origin(obj(e), r)
}

/// `AWS::EC2::SecurityGroup` with its inline rules. Without `SecurityGroupEgress` a
/// group gets EC2's default egress rule (all traffic to anywhere), as it does on deploy.
fn security_group(p: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("GroupId", string(id))];
    e.extend(renamed(
        p,
        &[
            ("GroupName", "GroupName"),
            ("GroupDescription", "Description"),
            ("VpcId", "VpcId"),
        ],
    ));
    e.push((
        "IpPermissions",
        list(
            items(p, "SecurityGroupIngress")
                .into_iter()
                .map(permission)
                .collect(),
        ),
    ));
    let egress = match entry(p, "SecurityGroupEgress") {
        Some(_) => items(p, "SecurityGroupEgress")
            .into_iter()
            .map(permission)
            .collect(),
        None => vec![obj(vec![
            ("IpProtocol", string("-1")),
            (
                "IpRanges",
                list(vec![obj(vec![("CidrIp", string("0.0.0.0/0"))])]),
            ),
            ("Ipv6Ranges", list(vec![])),
            ("UserIdGroupPairs", list(vec![])),
        ])],
    };
    e.push(("IpPermissionsEgress", list(egress)));
    with_origin(obj(e), p)
}

fn load_balancer(p: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("LoadBalancerArn", string(id))];
    e.extend(renamed(
        p,
        &[
            ("Name", "LoadBalancerName"),
            ("SecurityGroups", "SecurityGroups"),
        ],
    ));
    e.push((
        "Scheme",
        entry(p, "Scheme")
            .cloned()
            .unwrap_or_else(|| string("internet-facing")),
    ));
    e.push((
        "Type",
        entry(p, "Type")
            .cloned()
            .unwrap_or_else(|| string("application")),
    ));
    with_origin(obj(e), p)
}

fn target_group(p: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("TargetGroupArn", string(id))];
    e.extend(renamed(
        p,
        &[
            ("Name", "TargetGroupName"),
            ("Port", "Port"),
            ("Protocol", "Protocol"),
            ("VpcId", "VpcId"),
            ("HealthCheckPath", "HealthCheckPath"),
            ("HealthCheckProtocol", "HealthCheckProtocol"),
        ],
    ));
    e.push((
        "TargetType",
        entry(p, "TargetType")
            .cloned()
            .unwrap_or_else(|| string("instance")),
    ));
    let port = match entry(p, "HealthCheckPort") {
        Some(v) => match &v.val {
            Val::Number(n) => with_origin(string(&n.to_string()), v),
            _ => v.clone(),
        },
        None => string("traffic-port"),
    };
    e.push(("HealthCheckPort", port));
    with_origin(obj(e), p)
}

/// A policy document: an object, or a JSON string of one.
fn policy_document(doc: &Spanned) -> Spanned {
    match doc.as_str() {
        Some(text) => match crate::source::iac::json_spanned(text, &"".into(), 1, 1) {
            Ok(mut v) => {
                crate::source::iac::set_origins(&mut v, doc.origin.as_ref());
                v
            }
            Err(_) => doc.clone(),
        },
        None => doc.clone(),
    }
}

/// `AWS::IAM::Role` with its inline policies and managed policy ARNs.
fn iam_role(p: &Spanned, id: &str) -> Spanned {
    let mut e = vec![("Arn", string(id))];
    e.extend(renamed(p, &[("RoleName", "RoleName"), ("Path", "Path")]));
    if let Some(doc) = entry(p, "AssumeRolePolicyDocument") {
        e.push(("AssumeRolePolicyDocument", policy_document(doc)));
    }
    let inline = items(p, "Policies")
        .into_iter()
        .map(|pol| {
            let mut policy = renamed(pol, &[("PolicyName", "PolicyName")]);
            if let Some(doc) = entry(pol, "PolicyDocument") {
                policy.push(("PolicyDocument", policy_document(doc)));
            }
            with_origin(obj(policy), pol)
        })
        .collect();
    e.push(("RolePolicyList", list(inline)));
    let managed = items(p, "ManagedPolicyArns")
        .into_iter()
        .map(|a| with_origin(obj(vec![("PolicyArn", a.clone())]), a))
        .collect();
    e.push(("AttachedManagedPolicies", list(managed)));
    with_origin(obj(e), p)
}
