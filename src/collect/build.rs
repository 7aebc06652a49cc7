//! Turn collected AWS data into graph nodes and edges (ids are ARNs; properties keep
//! AWS field names). References to resources that could not be read become nodes with
//! status `unavailable` (or `not_found` when AWS said they do not exist), never gaps.

use super::client::partition_of;
use super::ecs::{family_revision, role_arn};
use super::iam::IamData;
use super::settings::AccountSettings;
use super::{CollectOptions, Region, RegionData};
use crate::graph::{derive_task_definition, image, kind, Graph, Node, NodeSource, Status};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Edge kinds produced by live collection (documented in docs/graph.md).
pub mod edge {
    pub const TASK_ROLE: &str = "task_role";
    pub const EXECUTION_ROLE: &str = "execution_role";
    pub const ATTACHED_POLICY: &str = "attached_policy";
    pub const USES_TASK_DEFINITION: &str = "uses_task_definition";
    pub const IN_CLUSTER: &str = "in_cluster";
    pub const SECURITY_GROUP: &str = "security_group";
    pub const SUBNET: &str = "subnet";
    pub const TARGET_GROUP: &str = "target_group";
    pub const LOAD_BALANCER: &str = "load_balancer";
    pub const IMAGE: &str = "image";
    pub const ACCOUNT_SETTINGS: &str = "account_settings";
    pub const RUNS_TASK_DEFINITION: &str = "runs_task_definition";
    pub const REPOSITORY: &str = "repository";
    pub const CAPACITY_PROVIDER: &str = "capacity_provider";
}

/// Accumulates nodes and edges across regions and accounts.
#[derive(Default)]
pub struct Builder {
    nodes: BTreeMap<String, Node>,
    edges: Vec<(String, String, &'static str)>,
    /// Kind and status for edge targets that were never read.
    placeholders: BTreeMap<String, (&'static str, Status, String, String)>,
    /// account -> reason -> task definitions collected for it.
    scope: BTreeMap<String, BTreeMap<String, usize>>,
    /// Redacts secrets from every node as it is added.
    redactor: crate::graph::secrets::Redactor,
}

fn sg_arn(partition: &str, region: &str, account: &str, id: &str) -> String {
    format!("arn:{partition}:ec2:{region}:{account}:security-group/{id}")
}

fn subnet_arn(partition: &str, region: &str, account: &str, id: &str) -> String {
    format!("arn:{partition}:ec2:{region}:{account}:subnet/{id}")
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

impl Builder {
    /// An empty builder that redacts secrets with `redactor`.
    pub fn new(redactor: crate::graph::secrets::Redactor) -> Self {
        Builder {
            redactor,
            ..Default::default()
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        id: &str,
        kind: &str,
        name: &str,
        identity: &str,
        account: &str,
        region: Option<&str>,
        status: Status,
        mut properties: Value,
        derived: Value,
    ) {
        // Task definitions are redacted before their facts are derived (below).
        if kind != kind::TASK_DEFINITION {
            self.redactor.redact_node(kind, &mut properties);
        }
        self.nodes.insert(
            id.to_string(),
            Node {
                id: id.to_string(),
                kind: kind.to_string(),
                name: name.to_string(),
                identity: identity.to_string(),
                source: NodeSource::Aws {
                    arn: id.starts_with("arn:").then(|| id.to_string()),
                    account: Some(account.to_string()),
                    region: region.map(str::to_string),
                    snapshot: None,
                },
                status,
                properties,
                derived,
                locations: Default::default(),
                unresolved: Vec::new(),
            },
        );
    }

    fn edge(&mut self, from: &str, to: &str, kind: &'static str) {
        self.edges.push((from.to_string(), to.to_string(), kind));
    }

    /// Remember what an edge target is, in case it is never read.
    fn expect(&mut self, id: &str, kind: &'static str, name: &str, account: &str) {
        self.placeholders.entry(id.to_string()).or_insert((
            kind,
            Status::Unavailable,
            name.to_string(),
            account.to_string(),
        ));
    }

    /// A cluster that services and instances run in, in case it could not be described.
    fn expect_cluster(&mut self, arn: &str, account: &str) {
        let name = arn.rsplit('/').next().unwrap_or(arn);
        self.expect(arn, kind::CLUSTER, name, account);
    }

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

    pub fn add_region(&mut self, r: &Region, data: RegionData) {
        let (account, region) = (r.account.as_str(), r.region.as_str());
        let partition = data
            .ecs
            .clusters
            .first()
            .and_then(|c| str_at(c, "clusterArn"))
            .map(partition_of)
            .unwrap_or("aws")
            .to_string();
        let p = partition.as_str();

        for c in &data.ecs.clusters {
            if let Some(arn) = str_at(c, "clusterArn") {
                let name = str_at(c, "clusterName").unwrap_or(arn);
                self.node(
                    arn,
                    kind::CLUSTER,
                    name,
                    arn,
                    account,
                    Some(region),
                    Status::Complete,
                    c.clone(),
                    json!({}),
                );
            }
        }

        self.add_account_settings(r, &data);
        self.add_capacity_providers(r, &data);
        let repositories = self.add_repositories(r, &data.ecr.repositories);

        // Task definitions.
        for td in data.ecs.task_definitions.values() {
            let (family, rev) = family_revision(&td.arn).unwrap_or((td.arn.as_str(), 0));
            let identity = td
                .arn
                .rsplit_once(':')
                .map_or(td.arn.as_str(), |(base, _)| base)
                .to_string();
            for reason in &td.reasons {
                *self
                    .scope
                    .entry(account.to_string())
                    .or_default()
                    .entry(reason.clone())
                    .or_default() += 1;
            }
            let reasons: Vec<&String> = td.reasons.iter().collect();
            match &td.doc {
                Some(doc) => {
                    let mut props = doc.clone();
                    if let Some(o) = props.as_object_mut() {
                        o.entry("tags").or_insert_with(|| td.tags.clone());
                    }
                    self.redactor.redact_task_definition(&mut props);
                    let mut derived = derive_task_definition(&props);
                    derived["collected_because"] = json!(reasons);
                    self.node(
                        &td.arn,
                        kind::TASK_DEFINITION,
                        &format!("{family}:{rev}"),
                        &identity,
                        account,
                        Some(region),
                        Status::Complete,
                        props,
                        derived,
                    );
                    let tpart = partition_of(&td.arn).to_string();
                    for (field, ekind) in [
                        ("taskRoleArn", edge::TASK_ROLE),
                        ("executionRoleArn", edge::EXECUTION_ROLE),
                    ] {
                        if let Some(role) = str_at(doc, field) {
                            let arn = role_arn(role, account, &tpart);
                            let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
                            self.expect(&arn, kind::IAM_ROLE, &name, account);
                            self.edge(&td.arn, &arn, ekind);
                        }
                    }
                    for c in doc
                        .get("containerDefinitions")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let Some(reference) = str_at(c, "image") else {
                            continue;
                        };
                        let parsed = image::parse(reference);
                        let repository = parsed.ecr.as_ref().and_then(|reg| {
                            repositories.get(&(reg.account.clone(), parsed.repository.clone()))
                        });
                        if let Some(repo) = repository {
                            self.edge(&td.arn, repo, edge::REPOSITORY);
                        }
                        if let Some(detail) = data.ecr.images.get(reference) {
                            let Some(reg) = &parsed.ecr else { continue };
                            let digest = str_at(detail, "imageDigest").unwrap_or("unknown");
                            let id = format!(
                                "arn:{p}:ecr:{}:{}:repository/{}@{digest}",
                                reg.region, reg.account, parsed.repository
                            );
                            let name = format!("{}@{digest}", parsed.repository);
                            if let Some(existing) = self.nodes.get_mut(&id) {
                                if let Some(refs) = existing.derived["references"].as_array_mut() {
                                    if !refs.iter().any(|r| r.as_str() == Some(reference)) {
                                        refs.push(json!(reference));
                                    }
                                }
                            } else {
                                self.node(
                                    &id,
                                    kind::IMAGE,
                                    &name,
                                    &id,
                                    &reg.account,
                                    Some(&reg.region),
                                    Status::Complete,
                                    detail.clone(),
                                    json!({"references": [reference]}),
                                );
                            }
                            self.edge(&td.arn, &id, edge::IMAGE);
                            if let Some(repo) = repository {
                                self.edge(&id, repo, edge::REPOSITORY);
                            }
                        }
                    }
                }
                None => {
                    let props = json!({"taskDefinitionArn": td.arn});
                    let mut derived = json!({"collected_because": reasons});
                    if let Some(e) = &td.error {
                        derived["unavailable_reason"] = json!(e.to_string());
                    }
                    self.node(
                        &td.arn,
                        kind::TASK_DEFINITION,
                        &format!("{family}:{rev}"),
                        &identity,
                        account,
                        Some(region),
                        Status::Unavailable,
                        props,
                        derived,
                    );
                }
            }
        }

        // Services.
        for s in &data.ecs.services {
            let Some(arn) = str_at(s, "serviceArn") else {
                continue;
            };
            let name = str_at(s, "serviceName").unwrap_or(arn);
            self.node(
                arn,
                kind::SERVICE,
                name,
                arn,
                account,
                Some(region),
                Status::Complete,
                s.clone(),
                json!({}),
            );
            if let Some(c) = str_at(s, "clusterArn") {
                self.expect_cluster(c, account);
                self.edge(arn, c, edge::IN_CLUSTER);
            }
            let mut tds: Vec<&str> = str_at(s, "taskDefinition").into_iter().collect();
            for d in s
                .get("deployments")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(t) = str_at(d, "taskDefinition") {
                    if !tds.contains(&t) {
                        tds.push(t);
                    }
                }
            }
            for t in tds {
                self.expect(
                    t,
                    kind::TASK_DEFINITION,
                    t.rsplit('/').next().unwrap_or(t),
                    account,
                );
                self.edge(arn, t, edge::USES_TASK_DEFINITION);
            }
            for g in s
                .pointer("/networkConfiguration/awsvpcConfiguration/securityGroups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let id = sg_arn(p, region, account, g);
                self.expect(&id, kind::SECURITY_GROUP, g, account);
                self.edge(arn, &id, edge::SECURITY_GROUP);
            }
            for n in s
                .pointer("/networkConfiguration/awsvpcConfiguration/subnets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let id = subnet_arn(p, region, account, n);
                self.expect(&id, kind::SUBNET, n, account);
                self.edge(arn, &id, edge::SUBNET);
            }
            for lb in s
                .get("loadBalancers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(tg) = str_at(lb, "targetGroupArn") {
                    self.expect(
                        tg,
                        kind::TARGET_GROUP,
                        tg.rsplit('/').nth(1).unwrap_or(tg),
                        account,
                    );
                    self.edge(arn, tg, edge::TARGET_GROUP);
                }
            }
        }

        // Load balancing.
        for tg in &data.elb.target_groups {
            let Some(arn) = str_at(tg, "TargetGroupArn") else {
                continue;
            };
            let name = str_at(tg, "TargetGroupName").unwrap_or(arn);
            self.node(
                arn,
                kind::TARGET_GROUP,
                name,
                arn,
                account,
                Some(region),
                Status::Complete,
                tg.clone(),
                json!({}),
            );
            for lb in tg
                .get("LoadBalancerArns")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                self.expect(lb, kind::LOAD_BALANCER, lb, account);
                self.edge(arn, lb, edge::LOAD_BALANCER);
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
            self.node(
                arn,
                kind::LOAD_BALANCER,
                name,
                arn,
                account,
                Some(region),
                Status::Complete,
                lb.clone(),
                json!({}),
            );
            for g in lb
                .get("SecurityGroups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let id = sg_arn(p, region, account, g);
                self.expect(&id, kind::SECURITY_GROUP, g, account);
                self.edge(arn, &id, edge::SECURITY_GROUP);
            }
            for az in lb
                .get("AvailabilityZones")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(n) = str_at(az, "SubnetId") {
                    let id = subnet_arn(p, region, account, n);
                    self.expect(&id, kind::SUBNET, n, account);
                    self.edge(arn, &id, edge::SUBNET);
                }
            }
        }

        // Container instances with their EC2 instance.
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
            self.node(
                arn,
                kind::CONTAINER_INSTANCE,
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
                self.expect(td, kind::TASK_DEFINITION, name, account);
                self.edge(arn, td, edge::RUNS_TASK_DEFINITION);
            }
            for g in inst
                .and_then(|i| i.get("SecurityGroups"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(gid) = str_at(g, "GroupId") {
                    let id = sg_arn(p, region, account, gid);
                    self.expect(&id, kind::SECURITY_GROUP, gid, account);
                    self.edge(arn, &id, edge::SECURITY_GROUP);
                }
            }
        }

        // Security groups and subnets.
        for g in &data.ec2.security_groups {
            let Some(gid) = str_at(g, "GroupId") else {
                continue;
            };
            let owner = str_at(g, "OwnerId").unwrap_or(account);
            let id = sg_arn(p, region, owner, gid);
            let name = match str_at(g, "GroupName") {
                Some(n) => format!("{gid} ({n})"),
                None => gid.to_string(),
            };
            self.node(
                &id,
                kind::SECURITY_GROUP,
                &name,
                &id,
                owner,
                Some(region),
                Status::Complete,
                g.clone(),
                json!({}),
            );
        }
        for gid in &data.ec2.missing_groups {
            if let Some(ph) = self.placeholders.get_mut(&sg_arn(p, region, account, gid)) {
                ph.1 = Status::NotFound;
            }
        }
        for n in &data.ec2.subnets {
            let Some(sid) = str_at(n, "SubnetId") else {
                continue;
            };
            let id = subnet_arn(p, region, account, sid);
            self.node(
                &id,
                kind::SUBNET,
                sid,
                &id,
                account,
                Some(region),
                Status::Complete,
                n.clone(),
                json!({}),
            );
        }
    }

    pub fn add_iam(&mut self, r: &Region, data: IamData) {
        let account = r.account.as_str();
        for role in data.roles {
            let name = role.properties["RoleName"]
                .as_str()
                .unwrap_or(&role.arn)
                .to_string();
            let status = match &role.error {
                None if role.partial => Status::Unavailable,
                None => Status::Complete,
                Some(e) if e.is_not_found() => Status::NotFound,
                Some(_) => Status::Unavailable,
            };
            let derived = match &role.error {
                Some(e) => json!({"unavailable_reason": e.to_string()}),
                None if role.partial => {
                    json!({"unavailable_reason": "some of its policies could not be read"})
                }
                None => json!({}),
            };
            for p in role.properties["AttachedManagedPolicies"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(parn) = p.get("PolicyArn").and_then(Value::as_str) {
                    self.edge(&role.arn, parn, edge::ATTACHED_POLICY);
                }
            }
            self.node(
                &role.arn,
                kind::IAM_ROLE,
                &name,
                &role.arn,
                account,
                None,
                status,
                role.properties,
                derived,
            );
        }
        for (arn, p) in data.policies {
            let name = p.properties["PolicyName"]
                .as_str()
                .unwrap_or(&arn)
                .to_string();
            let (status, derived) = match &p.error {
                None => (Status::Complete, json!({})),
                Some(e) => (
                    Status::Unavailable,
                    json!({"unavailable_reason": e.to_string()}),
                ),
            };
            self.node(
                &arn,
                kind::IAM_POLICY,
                &name,
                &arn,
                account,
                None,
                status,
                p.properties,
                derived,
            );
        }
    }

    /// Move everything into `graph`: placeholders for unread edge targets, edge index in
    /// `derived.links`, collection scope in each account's source entry.
    pub fn finish(mut self, graph: &mut Graph, opts: &CollectOptions) {
        let placeholders = std::mem::take(&mut self.placeholders);
        for (id, (k, status, name, account)) in placeholders {
            if self.nodes.contains_key(&id) {
                continue;
            }
            let region = id
                .split(':')
                .nth(3)
                .filter(|r| !r.is_empty())
                .map(str::to_string);
            self.node(&id, k, &name, &id, &account, region.as_deref(), status, json!({}), json!({"unavailable_reason": if status == Status::NotFound { "does not exist" } else { "could not be read" }}));
        }
        self.edges.sort();
        self.edges.dedup();
        for (from, to, k) in &self.edges {
            graph.add_edge(from, to, k);
        }
        graph.nodes = std::mem::take(&mut self.nodes);
        graph.index_links();
        let by_account = resources_by_account(graph);
        for src in &mut graph.sources {
            let Some(account) = src
                .get("account")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                continue;
            };
            let reasons = self.scope.get(&account).cloned().unwrap_or_default();
            let by_kind = by_account.get(&account).cloned().unwrap_or_default();
            let count = by_kind.get(kind::TASK_DEFINITION).copied().unwrap_or(0);
            if let Some(o) = src.as_object_mut() {
                o.insert(
                    "collected".into(),
                    json!({
                        "scope": if opts.all_revisions { "all ACTIVE revisions plus revisions in use" } else { "latest ACTIVE revision of each family plus revisions in use" },
                        "task_definitions": count,
                        "task_definitions_by_reason": reasons,
                        "resources_by_kind": by_kind,
                    }),
                );
            }
        }
    }
}

/// Resources per account and kind. An AWS managed policy (one node, the same in every
/// account) counts in each account whose roles attach it, so that an account's counts
/// are the same whether it is audited alone or with others.
fn resources_by_account(graph: &Graph) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let account_of = |n: &crate::graph::Node| match &n.source {
        NodeSource::Aws {
            account: Some(a), ..
        } => Some(a.clone()),
        _ => None,
    };
    let shared = |id: &str| id.contains(":iam::aws:policy/");
    for n in graph.nodes.values() {
        if shared(&n.id) {
            continue;
        }
        if let Some(a) = account_of(n) {
            *out.entry(a).or_default().entry(n.kind.clone()).or_default() += 1;
        }
    }
    let mut users: BTreeSet<(String, &str)> = BTreeSet::new();
    for e in &graph.edges {
        if e.kind == edge::ATTACHED_POLICY && shared(&e.to) && graph.nodes.contains_key(&e.to) {
            if let Some(a) = graph.nodes.get(&e.from).and_then(account_of) {
                users.insert((a, e.to.as_str()));
            }
        }
    }
    for (a, _) in users {
        *out.entry(a)
            .or_default()
            .entry(kind::IAM_POLICY.to_string())
            .or_default() += 1;
    }
    out
}
