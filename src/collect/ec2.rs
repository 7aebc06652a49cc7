//! EC2: security groups referenced by services, load balancers and container instances;
//! the container instances' EC2 instances; the load balancers' subnets. Shaped like
//! `aws ec2 describe-*` output (AWS field names).

use super::client::call_error;
use super::ecs::EcsData;
use super::elbv2::ElbData;
use super::Region;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub struct Ec2Data {
    pub security_groups: Vec<Value>,
    pub instances: Vec<Value>,
    pub subnets: Vec<Value>,
    /// Referenced security groups that do not exist.
    pub missing_groups: Vec<String>,
}

pub async fn collect(r: &Region, ecs: &EcsData, elb: &ElbData) -> Ec2Data {
    // The instances' groups are among those to read; the subnets are read meanwhile.
    let groups_of_all = async {
        let mut instances = instances(r, ecs).await;
        let (data, volumes) = futures::join!(
            security_groups(r, ecs, elb, &instances),
            root_volumes(r, &instances)
        );
        for i in &mut instances {
            let volume = root_volume_id(i).and_then(|v| volumes.get(v)).cloned();
            if let (Some(o), Some(v)) = (i.as_object_mut(), volume) {
                o.insert("RootVolume".into(), v);
            }
        }
        (instances, data)
    };
    let ((instances, mut data), subnets) = futures::join!(groups_of_all, subnets(r, ecs, elb));
    data.instances = instances;
    data.subnets = subnets;
    data
}

/// The EC2 instances of the container instances.
async fn instances(r: &Region, ecs: &EcsData) -> Vec<Value> {
    let mut instances = Vec::new();
    let instance_ids: Vec<String> = ecs
        .container_instances
        .iter()
        .filter_map(|(_, ci)| ci.get("ec2InstanceId").and_then(Value::as_str))
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in instance_ids.chunks(100) {
        let mut stream = r
            .ec2
            .describe_instances()
            .set_instance_ids(Some(chunk.to_vec()))
            .into_paginator()
            .send();
        while let Some(page) = stream.next().await {
            match page {
                Ok(p) => {
                    for res in p.reservations() {
                        instances.extend(res.instances().iter().map(instance));
                    }
                }
                Err(e) => {
                    let err = call_error("ec2:DescribeInstances", &e);
                    for id in chunk {
                        r.problems.call_failed(
                            &err,
                            "EC2 instance could not be read; its security groups were not checked",
                            Some(id),
                        );
                    }
                    break;
                }
            }
        }
    }

    instances
}

/// The EBS volume an instance boots from (its block device named `RootDeviceName`).
fn root_volume_id(instance: &Value) -> Option<&str> {
    let root = instance.get("RootDeviceName")?.as_str()?;
    instance
        .get("BlockDeviceMappings")?
        .as_array()?
        .iter()
        .find(|m| m.get("DeviceName").and_then(Value::as_str) == Some(root))?
        .pointer("/Ebs/VolumeId")?
        .as_str()
}

/// The instances' root volumes by id (`Encrypted`, `KmsKeyId`, ...); an instance whose
/// volume could not be read is named, and its encryption is not checked.
async fn root_volumes(r: &Region, instances: &[Value]) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let ids: Vec<String> = instances
        .iter()
        .filter_map(root_volume_id)
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in ids.chunks(200) {
        let mut stream = r
            .ec2
            .describe_volumes()
            .set_volume_ids(Some(chunk.to_vec()))
            .into_paginator()
            .send();
        while let Some(page) = stream.next().await {
            match page {
                Ok(p) => {
                    for v in p.volumes() {
                        if let Some(id) = v.volume_id() {
                            out.insert(id.to_string(), volume(v));
                        }
                    }
                }
                Err(e) => {
                    let err = call_error("ec2:DescribeVolumes", &e);
                    for i in instances {
                        if root_volume_id(i).is_some_and(|v| chunk.iter().any(|c| c == v)) {
                            r.problems.call_failed(
                                &err,
                                "EC2 instance's root volume could not be read; its encryption was not checked",
                                i.get("InstanceId").and_then(Value::as_str),
                            );
                        }
                    }
                    break;
                }
            }
        }
    }
    out
}

fn volume(v: &aws_sdk_ec2::types::Volume) -> Value {
    json!({
        "VolumeId": v.volume_id(),
        "Encrypted": v.encrypted(),
        "KmsKeyId": v.kms_key_id(),
        "Size": v.size(),
        "VolumeType": v.volume_type().map(|t| t.as_str()),
    })
}

/// The security groups of services, load balancers and instances (missing ones listed in
/// `missing_groups`).
async fn security_groups(r: &Region, ecs: &EcsData, elb: &ElbData, instances: &[Value]) -> Ec2Data {
    let mut data = Ec2Data::default();
    let mut group_ids: BTreeSet<String> = BTreeSet::new();
    for s in &ecs.services {
        for g in s
            .pointer("/networkConfiguration/awsvpcConfiguration/securityGroups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(g) = g.as_str() {
                group_ids.insert(g.to_string());
            }
        }
    }
    group_ids.extend(elb.security_group_ids());
    for i in instances {
        for g in i
            .get("SecurityGroups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = g.get("GroupId").and_then(Value::as_str) {
                group_ids.insert(id.to_string());
            }
        }
    }
    let group_ids: Vec<String> = group_ids.into_iter().collect();
    for chunk in group_ids.chunks(200) {
        match r
            .ec2
            .describe_security_groups()
            .set_group_ids(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => data
                .security_groups
                .extend(o.security_groups().iter().map(security_group)),
            Err(e) => {
                let err = call_error("ec2:DescribeSecurityGroups", &e);
                if !err.is_not_found() {
                    for id in chunk {
                        r.problems.call_failed(
                            &err,
                            "security group could not be read; its checks were not performed",
                            Some(id),
                        );
                    }
                    continue;
                }
                // A missing group fails the whole batch: ask one at a time.
                for id in chunk {
                    match r.ec2.describe_security_groups().group_ids(id).send().await {
                        Ok(o) => data
                            .security_groups
                            .extend(o.security_groups().iter().map(security_group)),
                        Err(e) => {
                            let err = call_error("ec2:DescribeSecurityGroups", &e);
                            if err.is_not_found() {
                                data.missing_groups.push(id.clone());
                            } else {
                                r.problems.call_failed(
                                    &err,
                                    "security group could not be read; its checks were not performed",
                                    Some(id),
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    data
}

/// The subnets of services and load balancers.
async fn subnets(r: &Region, ecs: &EcsData, elb: &ElbData) -> Vec<Value> {
    let mut subnets = Vec::new();
    let mut subnet_ids: BTreeSet<String> = elb.subnet_ids().into_iter().collect();
    for s in &ecs.services {
        for g in s
            .pointer("/networkConfiguration/awsvpcConfiguration/subnets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(g) = g.as_str() {
                subnet_ids.insert(g.to_string());
            }
        }
    }
    let subnet_ids: Vec<String> = subnet_ids.into_iter().collect();
    for chunk in subnet_ids.chunks(200) {
        match r
            .ec2
            .describe_subnets()
            .set_subnet_ids(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => subnets.extend(o.subnets().iter().map(|s| {
                json!({
                    "SubnetId": s.subnet_id(),
                    "VpcId": s.vpc_id(),
                    "CidrBlock": s.cidr_block(),
                    "AvailabilityZone": s.availability_zone(),
                    "MapPublicIpOnLaunch": s.map_public_ip_on_launch(),
                })
            })),
            Err(e) => {
                let err = call_error("ec2:DescribeSubnets", &e);
                for id in chunk {
                    r.problems.call_failed(
                        &err,
                        "subnet could not be read; checks that need its CIDR were not performed",
                        Some(id),
                    );
                }
            }
        }
    }
    subnets
}

fn instance(i: &aws_sdk_ec2::types::Instance) -> Value {
    json!({
        "InstanceId": i.instance_id(),
        "SubnetId": i.subnet_id(),
        "VpcId": i.vpc_id(),
        "PrivateIpAddress": i.private_ip_address(),
        "PublicIpAddress": i.public_ip_address(),
        "SecurityGroups": i.security_groups().iter().map(|g| json!({
            "GroupId": g.group_id(),
            "GroupName": g.group_name(),
        })).collect::<Vec<_>>(),
        "IamInstanceProfile": i.iam_instance_profile().map(|p| json!({"Arn": p.arn(), "Id": p.id()})),
        "MetadataOptions": i.metadata_options().map(|m| json!({
            "State": m.state().map(|x| x.as_str()),
            "HttpTokens": m.http_tokens().map(|x| x.as_str()),
            "HttpPutResponseHopLimit": m.http_put_response_hop_limit(),
            "HttpEndpoint": m.http_endpoint().map(|x| x.as_str()),
        })),
        "RootDeviceName": i.root_device_name(),
        "BlockDeviceMappings": i.block_device_mappings().iter().map(|b| json!({
            "DeviceName": b.device_name(),
            "Ebs": b.ebs().map(|e| json!({"VolumeId": e.volume_id()})),
        })).collect::<Vec<_>>(),
    })
}

fn permission(p: &aws_sdk_ec2::types::IpPermission) -> Value {
    json!({
        "IpProtocol": p.ip_protocol(),
        "FromPort": p.from_port(),
        "ToPort": p.to_port(),
        "IpRanges": p.ip_ranges().iter().map(|r| json!({"CidrIp": r.cidr_ip(), "Description": r.description()})).collect::<Vec<_>>(),
        "Ipv6Ranges": p.ipv6_ranges().iter().map(|r| json!({"CidrIpv6": r.cidr_ipv6(), "Description": r.description()})).collect::<Vec<_>>(),
        "UserIdGroupPairs": p.user_id_group_pairs().iter().map(|g| json!({"GroupId": g.group_id(), "UserId": g.user_id(), "VpcId": g.vpc_id()})).collect::<Vec<_>>(),
        "PrefixListIds": p.prefix_list_ids().iter().map(|l| json!({"PrefixListId": l.prefix_list_id()})).collect::<Vec<_>>(),
    })
}

fn security_group(g: &aws_sdk_ec2::types::SecurityGroup) -> Value {
    json!({
        "GroupId": g.group_id(),
        "GroupName": g.group_name(),
        "Description": g.description(),
        "VpcId": g.vpc_id(),
        "OwnerId": g.owner_id(),
        "IpPermissions": g.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
        "IpPermissionsEgress": g.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
    })
}
