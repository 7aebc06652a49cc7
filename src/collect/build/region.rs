//! One region of one account: clusters, account settings, capacity providers, ECR,
//! task definitions and their images, services, load balancing, container instances and
//! the network they use.

use super::{edge, str_at, Builder};
use crate::collect::client::partition_of;
use crate::collect::settings::AccountSettings;
use crate::collect::{Region, RegionData};
use crate::graph::{kind, Status};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn sg_arn(partition: &str, region: &str, account: &str, id: &str) -> String {
    format!("arn:{partition}:ec2:{region}:{account}:security-group/{id}")
}

fn subnet_arn(partition: &str, region: &str, account: &str, id: &str) -> String {
    format!("arn:{partition}:ec2:{region}:{account}:subnet/{id}")
}

/// The strings of the array at `pointer` in `v` (none when it is absent or not an array).
fn strings<'a>(v: &'a Value, pointer: &str) -> impl Iterator<Item = &'a str> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

impl Builder {
    /// The region's ECS account settings, when they were read (or the read failed), and
    /// an edge to them from each task definition of the region.
    fn add_account_settings(&mut self, r: &Region, data: &RegionData) {
        let settings = &data.settings;
        let (status, props) = match settings {
            AccountSettings::NotRead => return,
            AccountSettings::Read(s) => (Status::Complete, json!({ "settings": s })),
            AccountSettings::Failed => (Status::Unavailable, json!({})),
        };
        let id = r.arn("ecs", "account-settings");
        let name = format!("ECS account settings ({})", r.region);
        self.node(
            &id,
            kind::ACCOUNT_SETTINGS,
            &name,
            &id,
            &r.account,
            Some(&r.region),
            status,
            props,
            json!({}),
        );
        for td in data.ecs.task_definitions.keys() {
            self.edge(td, &id, edge::ACCOUNT_SETTINGS);
        }
    }

    /// The clusters' capacity providers, and an edge to each from the clusters using it.
    fn add_capacity_providers(&mut self, r: &Region, data: &RegionData) {
        let mut by_name = BTreeMap::new();
        for p in &data.capacity_providers {
            let (Some(arn), Some(name)) = (str_at(p, "capacityProviderArn"), str_at(p, "name"))
            else {
                continue;
            };
            self.node(
                arn,
                kind::CAPACITY_PROVIDER,
                name,
                arn,
                &r.account,
                Some(&r.region),
                Status::Complete,
                p.clone(),
                json!({}),
            );
            by_name.insert(name.to_string(), arn.to_string());
        }
        for c in &data.ecs.clusters {
            let Some(cluster) = str_at(c, "clusterArn") else {
                continue;
            };
            for name in c
                .get("capacityProviders")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if let Some(arn) = by_name.get(name) {
                    self.edge(cluster, arn, edge::CAPACITY_PROVIDER);
                }
            }
        }
    }

    /// The ECR repositories of the images in use; returns (registry, name) -> ARN.
    fn add_repositories(
        &mut self,
        r: &Region,
        repos: &[Value],
    ) -> BTreeMap<(String, String), String> {
        let mut ids = BTreeMap::new();
        for repo in repos {
            let (Some(arn), Some(account), Some(name)) = (
                str_at(repo, "repositoryArn"),
                str_at(repo, "registryId"),
                str_at(repo, "repositoryName"),
            ) else {
                continue;
            };
            self.node(
                arn,
                kind::ECR_REPOSITORY,
                name,
                arn,
                account,
                Some(&r.region),
                Status::Complete,
                repo.clone(),
                json!({}),
            );
            ids.insert((account.to_string(), name.to_string()), arn.to_string());
        }
        ids
    }

    /// Every resource read in one region of one account, with the edges between them.
    pub fn add_region(&mut self, r: &Region, data: RegionData) {
        let partition = data
            .ecs
            .clusters
            .first()
            .and_then(|c| str_at(c, "clusterArn"))
            .map(partition_of)
            .unwrap_or("aws")
            .to_string();
        for c in &data.ecs.clusters {
            if let Some(arn) = str_at(c, "clusterArn") {
                let name = str_at(c, "clusterName").unwrap_or(arn);
                self.resource(r, arn, kind::CLUSTER, name, c.clone());
            }
        }
        self.add_account_settings(r, &data);
        self.add_capacity_providers(r, &data);
        let repositories = self.add_repositories(r, &data.ecr.repositories);
        for td in data.ecs.task_definitions.values() {
            self.add_task_definition(r, td, &data, &repositories, &partition);
        }
        for s in &data.ecs.services {
            self.add_service(r, s, &partition);
        }
        self.add_load_balancing(r, &data, &partition);
        self.add_container_instances(r, &data, &partition);
        self.add_network(r, &data, &partition);
    }

    /// A resource of the region as AWS describes it (id its ARN, read completely).
    fn resource(&mut self, r: &Region, id: &str, kind: &str, name: &str, properties: Value) {
        let (account, region) = (r.account.as_str(), r.region.as_str());
        self.node(
            id,
            kind,
            name,
            id,
            account,
            Some(region),
            Status::Complete,
            properties,
            json!({}),
        );
    }

    /// An edge from `from` to a resource of `account` that may never be read (then it
    /// is a placeholder node of `kind` named `name`).
    pub(super) fn link(
        &mut self,
        account: &str,
        from: &str,
        (to, kind, name): (&str, &'static str, &str),
        edge: &'static str,
    ) {
        self.expect(to, kind, name, account);
        self.edge(from, to, edge);
    }

    /// An edge from `from` to security group `id` of the region's account.
    fn link_group(&mut self, r: &Region, partition: &str, from: &str, id: &str) {
        let arn = sg_arn(partition, &r.region, &r.account, id);
        let target = (arn.as_str(), kind::SECURITY_GROUP, id);
        self.link(&r.account, from, target, edge::SECURITY_GROUP);
    }

    /// An edge from `from` to subnet `id` of the region's account.
    fn link_subnet(&mut self, r: &Region, partition: &str, from: &str, id: &str) {
        let arn = subnet_arn(partition, &r.region, &r.account, id);
        self.link(
            &r.account,
            from,
            (arn.as_str(), kind::SUBNET, id),
            edge::SUBNET,
        );
    }

    /// A service: its cluster, the task definitions it runs (current and in
    /// deployment), its security groups, subnets and target groups.
    fn add_service(&mut self, r: &Region, s: &Value, partition: &str) {
        let Some(arn) = str_at(s, "serviceArn") else {
            return;
        };
        let account = r.account.as_str();
        self.resource(
            r,
            arn,
            kind::SERVICE,
            str_at(s, "serviceName").unwrap_or(arn),
            s.clone(),
        );
        if let Some(c) = str_at(s, "clusterArn") {
            self.expect_cluster(c, account);
            self.edge(arn, c, edge::IN_CLUSTER);
        }
        let mut tds: Vec<&str> = str_at(s, "taskDefinition").into_iter().collect();
        let deployments = s.get("deployments").and_then(Value::as_array);
        for t in deployments
            .into_iter()
            .flatten()
            .filter_map(|d| str_at(d, "taskDefinition"))
        {
            if !tds.contains(&t) {
                tds.push(t);
            }
        }
        for t in tds {
            let name = t.rsplit('/').next().unwrap_or(t);
            self.link(
                account,
                arn,
                (t, kind::TASK_DEFINITION, name),
                edge::USES_TASK_DEFINITION,
            );
        }
        let vpc = "/networkConfiguration/awsvpcConfiguration";
        for g in strings(s, &format!("{vpc}/securityGroups")) {
            self.link_group(r, partition, arn, g);
        }
        for n in strings(s, &format!("{vpc}/subnets")) {
            self.link_subnet(r, partition, arn, n);
        }
        let lbs = s.get("loadBalancers").and_then(Value::as_array);
        for tg in lbs
            .into_iter()
            .flatten()
            .filter_map(|lb| str_at(lb, "targetGroupArn"))
        {
            let name = tg.rsplit('/').nth(1).unwrap_or(tg);
            self.link(
                account,
                arn,
                (tg, kind::TARGET_GROUP, name),
                edge::TARGET_GROUP,
            );
        }
    }

    /// Target groups (with their load balancers) and load balancers (with their
    /// security groups and subnets).
    fn add_load_balancing(&mut self, r: &Region, data: &RegionData, partition: &str) {
        let account = r.account.as_str();
        for tg in &data.elb.target_groups {
            let Some(arn) = str_at(tg, "TargetGroupArn") else {
                continue;
            };
            let name = str_at(tg, "TargetGroupName").unwrap_or(arn);
            self.resource(r, arn, kind::TARGET_GROUP, name, tg.clone());
            for lb in strings(tg, "/LoadBalancerArns") {
                self.link(
                    account,
                    arn,
                    (lb, kind::LOAD_BALANCER, lb),
                    edge::LOAD_BALANCER,
                );
            }
        }
        for (arn, _) in &data.elb.unavailable {
            if let Some(ph) = self.placeholders.get_mut(arn) {
                ph.1 = Status::NotFound;
            }
        }
        for lb in &data.elb.load_balancers {
            let Some(arn) = str_at(lb, "LoadBalancerArn") else {
                continue;
            };
            let name = str_at(lb, "LoadBalancerName").unwrap_or(arn);
            self.resource(r, arn, kind::LOAD_BALANCER, name, lb.clone());
            for g in strings(lb, "/SecurityGroups") {
                self.link_group(r, partition, arn, g);
            }
            let zones = lb.get("AvailabilityZones").and_then(Value::as_array);
            for n in zones
                .into_iter()
                .flatten()
                .filter_map(|az| str_at(az, "SubnetId"))
            {
                self.link_subnet(r, partition, arn, n);
            }
        }
    }

    /// Container instances with their EC2 instance (unavailable when it could not be
    /// read), their cluster, the task definitions running on them and their security
    /// groups.
    fn add_container_instances(&mut self, r: &Region, data: &RegionData, partition: &str) {
        let (account, region) = (r.account.as_str(), r.region.as_str());
        let instances: BTreeMap<&str, &Value> = data
            .ec2
            .instances
            .iter()
            .filter_map(|i| str_at(i, "InstanceId").map(|id| (id, i)))
            .collect();
        for (cluster, ci) in &data.ecs.container_instances {
            let Some(arn) = str_at(ci, "containerInstanceArn") else {
                continue;
            };
            let mut props = ci.clone();
            let ec2_id = str_at(ci, "ec2InstanceId");
            let name = ec2_id.unwrap_or(arn).to_string();
            let inst = ec2_id.and_then(|i| instances.get(i).copied());
            if let (Some(o), Some(i)) = (props.as_object_mut(), inst) {
                o.insert("Ec2Instance".into(), i.clone());
            }
            let status = if ec2_id.is_some() && inst.is_none() {
                Status::Unavailable
            } else {
                Status::Complete
            };
            let kind = kind::CONTAINER_INSTANCE;
            self.node(
                arn,
                kind,
                &name,
                arn,
                account,
                Some(region),
                status,
                props,
                json!({}),
            );
            self.expect_cluster(cluster, account);
            self.edge(arn, cluster, edge::IN_CLUSTER);
            for td in data.ecs.running_on.get(arn).into_iter().flatten() {
                let name = td.rsplit('/').next().unwrap_or(td);
                self.link(
                    account,
                    arn,
                    (td, kind::TASK_DEFINITION, name),
                    edge::RUNS_TASK_DEFINITION,
                );
            }
            let groups = inst
                .and_then(|i| i.get("SecurityGroups"))
                .and_then(Value::as_array);
            for gid in groups
                .into_iter()
                .flatten()
                .filter_map(|g| str_at(g, "GroupId"))
            {
                self.link_group(r, partition, arn, gid);
            }
        }
    }

    /// Security groups (in their owner's account) and subnets; groups AWS said do not
    /// exist are `not_found`.
    fn add_network(&mut self, r: &Region, data: &RegionData, partition: &str) {
        let (account, region) = (r.account.as_str(), r.region.as_str());
        for g in &data.ec2.security_groups {
            let Some(gid) = str_at(g, "GroupId") else {
                continue;
            };
            let owner = str_at(g, "OwnerId").unwrap_or(account);
            let id = sg_arn(partition, region, owner, gid);
            let name = match str_at(g, "GroupName") {
                Some(n) => format!("{gid} ({n})"),
                None => gid.to_string(),
            };
            let (kind, status) = (kind::SECURITY_GROUP, Status::Complete);
            self.node(
                &id,
                kind,
                &name,
                &id,
                owner,
                Some(region),
                status,
                g.clone(),
                json!({}),
            );
        }
        for gid in &data.ec2.missing_groups {
            let id = sg_arn(partition, region, account, gid);
            if let Some(ph) = self.placeholders.get_mut(&id) {
                ph.1 = Status::NotFound;
            }
        }
        for n in &data.ec2.subnets {
            if let Some(sid) = str_at(n, "SubnetId") {
                let id = subnet_arn(partition, region, account, sid);
                self.resource(r, &id, kind::SUBNET, sid, n.clone());
            }
        }
    }
}
