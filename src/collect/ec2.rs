//! EC2: security groups referenced by services, load balancers and container instances;
//! the container instances' EC2 instances and their root volumes; the load balancers'
//! subnets. Read with [`super::query`] and shaped like `aws ec2 describe-*` output (AWS
//! field names).

use super::ecs::EcsData;
use super::elbv2::ElbData;
use super::query::Element;
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
        match r
            .ec2
            .pages("DescribeInstances", &ids("InstanceId", chunk))
            .await
        {
            Ok(pages) => {
                for page in &pages {
                    for res in page.items("reservationSet") {
                        instances.extend(res.items("instancesSet").map(instance));
                    }
                }
            }
            Err(err) => {
                for id in chunk {
                    r.problems.call_failed(
                        &err,
                        "EC2 instance could not be read; its security groups were not checked",
                        Some(id),
                    );
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
    let volume_ids: Vec<String> = instances
        .iter()
        .filter_map(root_volume_id)
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in volume_ids.chunks(200) {
        match r
            .ec2
            .pages("DescribeVolumes", &ids("VolumeId", chunk))
            .await
        {
            Ok(pages) => {
                for v in pages.iter().flat_map(|p| p.items("volumeSet")) {
                    if let Some(id) = v.text("volumeId") {
                        out.insert(id.to_string(), volume(v));
                    }
                }
            }
            Err(err) => {
                for i in instances {
                    if root_volume_id(i).is_some_and(|v| chunk.iter().any(|c| c == v)) {
                        r.problems.call_failed(
                            &err,
                            "EC2 instance's root volume could not be read; its encryption was not checked",
                            i.get("InstanceId").and_then(Value::as_str),
                        );
                    }
                }
            }
        }
    }
    out
}

fn volume(v: &Element) -> Value {
    json!({
        "VolumeId": v.text("volumeId"),
        "Encrypted": boolean(v, "encrypted"),
        "KmsKeyId": v.text("kmsKeyId"),
        "Size": number(v, "size"),
        "VolumeType": v.text("volumeType"),
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
            .call("DescribeSecurityGroups", &ids("GroupId", chunk))
            .await
        {
            Ok(o) => data
                .security_groups
                .extend(o.items("securityGroupInfo").map(security_group)),
            Err(err) => {
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
                    let one = ids("GroupId", std::slice::from_ref(id));
                    match r.ec2.call("DescribeSecurityGroups", &one).await {
                        Ok(o) => data
                            .security_groups
                            .extend(o.items("securityGroupInfo").map(security_group)),
                        Err(err) if err.is_not_found() => data.missing_groups.push(id.clone()),
                        Err(err) => r.problems.call_failed(
                            &err,
                            "security group could not be read; its checks were not performed",
                            Some(id),
                        ),
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
        match r.ec2.call("DescribeSubnets", &ids("SubnetId", chunk)).await {
            Ok(o) => subnets.extend(o.items("subnetSet").map(|s| {
                json!({
                    "SubnetId": s.text("subnetId"),
                    "VpcId": s.text("vpcId"),
                    "CidrBlock": s.text("cidrBlock"),
                    "AvailabilityZone": s.text("availabilityZone"),
                    "MapPublicIpOnLaunch": boolean(s, "mapPublicIpOnLaunch"),
                })
            })),
            Err(err) => {
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

/// Query parameters naming `values` (`InstanceId.1`, `InstanceId.2`, ...).
fn ids(name: &str, values: &[String]) -> Vec<(String, String)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("{name}.{}", i + 1), v.clone()))
        .collect()
}

fn boolean(e: &Element, name: &str) -> Option<bool> {
    e.text(name).and_then(|t| t.parse().ok())
}

fn number(e: &Element, name: &str) -> Option<i64> {
    e.text(name).and_then(|t| t.parse().ok())
}

/// An object's child `name` as `f` shapes it, or `null` when it has none.
fn nested(e: &Element, name: &str, f: impl Fn(&Element) -> Value) -> Value {
    e.child(name).map_or(Value::Null, f)
}

fn instance(i: &Element) -> Value {
    json!({
        "InstanceId": i.text("instanceId"),
        "SubnetId": i.text("subnetId"),
        "VpcId": i.text("vpcId"),
        "PrivateIpAddress": i.text("privateIpAddress"),
        "PublicIpAddress": i.text("ipAddress"),
        "SecurityGroups": i.items("groupSet").map(|g| json!({
            "GroupId": g.text("groupId"),
            "GroupName": g.text("groupName"),
        })).collect::<Vec<_>>(),
        "IamInstanceProfile": nested(i, "iamInstanceProfile", |p| json!({"Arn": p.text("arn"), "Id": p.text("id")})),
        "MetadataOptions": nested(i, "metadataOptions", |m| json!({
            "State": m.text("state"),
            "HttpTokens": m.text("httpTokens"),
            "HttpPutResponseHopLimit": number(m, "httpPutResponseHopLimit"),
            "HttpEndpoint": m.text("httpEndpoint"),
        })),
        "RootDeviceName": i.text("rootDeviceName"),
        "BlockDeviceMappings": i.items("blockDeviceMapping").map(|b| json!({
            "DeviceName": b.text("deviceName"),
            "Ebs": nested(b, "ebs", |e| json!({"VolumeId": e.text("volumeId")})),
        })).collect::<Vec<_>>(),
    })
}

fn permission(p: &Element) -> Value {
    json!({
        "IpProtocol": p.text("ipProtocol"),
        "FromPort": number(p, "fromPort"),
        "ToPort": number(p, "toPort"),
        "IpRanges": p.items("ipRanges").map(|r| json!({"CidrIp": r.text("cidrIp"), "Description": r.text("description")})).collect::<Vec<_>>(),
        "Ipv6Ranges": p.items("ipv6Ranges").map(|r| json!({"CidrIpv6": r.text("cidrIpv6"), "Description": r.text("description")})).collect::<Vec<_>>(),
        "UserIdGroupPairs": p.items("groups").map(|g| json!({"GroupId": g.text("groupId"), "UserId": g.text("userId"), "VpcId": g.text("vpcId")})).collect::<Vec<_>>(),
        "PrefixListIds": p.items("prefixListIds").map(|l| json!({"PrefixListId": l.text("prefixListId")})).collect::<Vec<_>>(),
    })
}

fn security_group(g: &Element) -> Value {
    json!({
        "GroupId": g.text("groupId"),
        "GroupName": g.text("groupName"),
        "Description": g.text("groupDescription"),
        "VpcId": g.text("vpcId"),
        "OwnerId": g.text("ownerId"),
        "IpPermissions": g.items("ipPermissions").map(permission).collect::<Vec<_>>(),
        "IpPermissionsEgress": g.items("ipPermissionsEgress").map(permission).collect::<Vec<_>>(),
    })
}

/// The names of the regions an account has enabled (`DescribeRegions`).
pub fn enabled_regions(root: &Element) -> Vec<String> {
    let mut v: Vec<String> = root
        .items("regionInfo")
        .filter(|x| x.text("optInStatus") != Some("not-opted-in"))
        .filter_map(|x| x.text("regionName").map(str::to_string))
        .collect();
    v.sort();
    v
}
