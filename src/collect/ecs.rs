//! ECS: clusters, services, running tasks, container instances and the task definitions
//! in scope. Describe calls keep AWS's raw JSON (every field, AWS spelling).

use super::client::{list_all, partition_of, raw_call, CallError};
use super::Region;
use aws_sdk_ecs::types::ClusterField;
use futures::stream::{self, StreamExt};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Why a task-definition revision was collected.
pub mod reason {
    pub const LATEST: &str = "latest ACTIVE revision";
    pub const SERVICE: &str = "used by a service";
    pub const RUNNING: &str = "used by a running task";
    pub const ALL: &str = "--all-revisions";
}

/// One task-definition revision in scope.
#[derive(Debug, Clone)]
pub struct TaskDef {
    pub arn: String,
    /// The `taskDefinition` object as AWS returned it; `None` when it could not be read.
    pub doc: Option<Value>,
    pub tags: Value,
    pub reasons: BTreeSet<String>,
    /// The error that kept it from being read.
    pub error: Option<CallError>,
}

/// What ECS holds in one region.
#[derive(Debug, Default)]
pub struct EcsData {
    pub clusters: Vec<Value>,
    pub services: Vec<Value>,
    /// (cluster ARN, container instance).
    pub container_instances: Vec<(String, Value)>,
    pub task_definitions: BTreeMap<String, TaskDef>,
    /// Container instance ARN -> the revisions of the tasks running on it.
    pub running_on: BTreeMap<String, BTreeSet<String>>,
    /// Revisions services and running tasks use, and why (until task definitions are
    /// read).
    in_use: BTreeMap<String, BTreeSet<String>>,
}

/// Where the roles task definitions name are sent as soon as each is described, so
/// that IAM is read while ECS still is.
pub type RoleSink = futures::channel::mpsc::UnboundedSender<String>;

/// What is told, as soon as each task definition is described, to the reads that need
/// it: the roles it names (IAM) and whether it leaves a setting to the account.
#[derive(Clone, Copy)]
pub struct Sinks<'a> {
    pub roles: &'a RoleSink,
    pub settings: &'a super::settings::Trigger,
}

impl TaskDef {
    /// The task and execution roles it names, as ARNs (short names are completed).
    pub fn role_arns(&self, account: &str) -> Vec<String> {
        let Some(doc) = &self.doc else {
            return Vec::new();
        };
        ["taskRoleArn", "executionRoleArn"]
            .into_iter()
            .filter_map(|field| doc.get(field).and_then(Value::as_str))
            .map(|r| role_arn(r, account, partition_of(&self.arn)))
            .collect()
    }
}

impl EcsData {
    /// Target groups referenced by services.
    pub fn target_group_arns(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        for s in &self.services {
            for lb in s
                .get("loadBalancers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(a) = lb.get("targetGroupArn").and_then(Value::as_str) {
                    out.insert(a.to_string());
                }
            }
        }
        out.into_iter().collect()
    }
}

/// A role reference as an ARN: task definitions may hold a bare role name.
pub fn role_arn(reference: &str, account: &str, partition: &str) -> String {
    if reference.starts_with("arn:") {
        reference.to_string()
    } else {
        format!("arn:{partition}:iam::{account}:role/{reference}")
    }
}

/// Family of a task-definition ARN (`.../family:rev`), and its revision.
pub fn family_revision(arn: &str) -> Option<(&str, i64)> {
    let tail = arn.rsplit('/').next()?;
    let (family, rev) = tail.rsplit_once(':')?;
    Some((family, rev.parse().ok()?))
}

/// The region's clusters. Fails only when the region cannot be used at all (the call
/// was refused as in a region not enabled for the account); another failure is a
/// problem named in `r.problems`, and the audit goes on with what was listed.
pub async fn list_clusters(r: &Region) -> Result<Vec<String>, CallError> {
    let (cluster_arns, failed) = list_all!(
        "ecs:ListClusters",
        r.ecs.list_clusters(),
        |p: &aws_sdk_ecs::operation::list_clusters::ListClustersOutput| p.cluster_arns().to_vec()
    );
    match failed {
        Some(e) if e.is_region_unusable() => return Err(e),
        Some(e) => r.problems.call_failed(
            &e,
            &format!("clusters in {} could not be listed", r.region),
            Some(&r.arn("ecs", "cluster/*")),
        ),
        None => {}
    }
    Ok(cluster_arns)
}

/// The clusters (described) and their services, container instances and the revisions
/// in use, read at once; task definitions come later ([`task_definitions`]).
pub async fn clusters(r: &Region, cluster_arns: &[String]) -> EcsData {
    let mut data = EcsData::default();
    let (clusters, per_cluster) = futures::join!(
        describe_clusters(r, cluster_arns),
        stream::iter(cluster_arns.iter())
            .map(|c| cluster(r, c))
            .buffer_unordered(r.concurrency)
            .collect::<Vec<ClusterData>>()
    );
    data.clusters = clusters;
    for cd in per_cluster {
        for s in &cd.services {
            for arn in service_task_definitions(s) {
                data.in_use
                    .entry(arn)
                    .or_default()
                    .insert(reason::SERVICE.into());
            }
        }
        for (arn, instance) in cd.running {
            if let Some(ci) = instance {
                data.running_on.entry(ci).or_default().insert(arn.clone());
            }
            data.in_use
                .entry(arn)
                .or_default()
                .insert(reason::RUNNING.into());
        }
        data.services.extend(cd.services);
        data.container_instances.extend(cd.container_instances);
    }
    data
}

/// The task definitions in scope: `latest` (read meanwhile, see [`latest`]) and every
/// other revision in use, each with why it is in scope.
pub async fn task_definitions(r: &Region, data: &mut EcsData, latest: Latest, sinks: Sinks<'_>) {
    let Latest { all, mut described } = latest;
    let mut scope = std::mem::take(&mut data.in_use);
    for arn in all {
        scope.entry(arn).or_default().insert(reason::ALL.into());
    }
    for td in &mut described {
        if let Some(more) = scope.remove(&td.arn) {
            td.reasons.extend(more);
        }
    }
    let rest: Vec<TaskDef> = stream::iter(scope)
        .map(|(arn, reasons)| describe_task_definition(r, arn, reasons, &sinks))
        .buffer_unordered(r.concurrency)
        .collect()
        .await;
    for td in described.into_iter().chain(rest) {
        data.task_definitions.insert(td.arn.clone(), td);
    }
}

/// Each cluster described (100 a call) with its settings (Container Insights), its
/// configuration (ECS Exec) and its tags; a cluster that could not be is named, and its
/// services and container instances are still read and still link to it.
async fn describe_clusters(r: &Region, arns: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    for chunk in arns.chunks(100) {
        match raw_call!(
            "ecs:DescribeClusters",
            r.ecs
                .describe_clusters()
                .set_clusters(Some(chunk.to_vec()))
                .include(ClusterField::Settings)
                .include(ClusterField::Configurations)
                .include(ClusterField::Tags)
        ) {
            Ok(v) => out.extend(array(&v, "clusters")),
            Err(e) => {
                for arn in chunk {
                    r.problems.call_failed(
                        &e,
                        "cluster could not be described; its checks were not performed",
                        Some(arn),
                    );
                }
            }
        }
    }
    out
}

/// The revisions in scope beyond those in use.
pub struct Latest {
    /// `--all-revisions`: every ACTIVE revision's ARN (described with those in use).
    all: Vec<String>,
    /// Otherwise each family's latest ACTIVE revision, described.
    described: Vec<TaskDef>,
}

/// The revisions in scope beyond those in use: with `--all-revisions` every ACTIVE
/// revision's ARN; otherwise each family's latest ACTIVE revision, described here by
/// family name (one call a family, not a listing and then a call).
pub async fn latest(r: &Region, families: Families, sinks: Sinks<'_>) -> Latest {
    match families.scope {
        Scope::Revisions(arns) => Latest {
            all: arns,
            described: Vec::new(),
        },
        Scope::Families(fams) => {
            let mut described: Vec<TaskDef> = stream::iter(fams)
                .map(|family| {
                    describe_task_definition(r, family, [reason::LATEST.into()].into(), &sinks)
                })
                .buffer_unordered(r.concurrency)
                .collect()
                .await;
            described.retain(|td| td.doc.is_some());
            Latest {
                all: Vec::new(),
                described,
            }
        }
    }
}

/// What `--all-revisions` or the default scope asks to describe beyond the revisions in
/// use.
enum Scope {
    /// Every ACTIVE revision, by ARN.
    Revisions(Vec<String>),
    /// The latest ACTIVE revision of each family, by family name.
    Families(Vec<String>),
}

fn array(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The task definition a service runs, and those of its deployments in flight.
fn service_task_definitions(s: &Value) -> Vec<String> {
    let mut out: Vec<String> = s
        .get("taskDefinition")
        .and_then(Value::as_str)
        .map(str::to_string)
        .into_iter()
        .collect();
    for d in s
        .get("deployments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(a) = d.get("taskDefinition").and_then(Value::as_str) {
            out.push(a.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

struct ClusterData {
    services: Vec<Value>,
    container_instances: Vec<(String, Value)>,
    running: Vec<(String, Option<String>)>,
}

/// One cluster's services, container instances and running tasks' revisions, the three
/// read at once.
async fn cluster(r: &Region, cluster: &str) -> ClusterData {
    let (services, container_instances, running) = futures::join!(
        services(r, cluster),
        container_instances(r, cluster),
        running(r, cluster)
    );
    ClusterData {
        services,
        container_instances,
        running,
    }
}

async fn services(r: &Region, cluster: &str) -> Vec<Value> {
    let mut services = Vec::new();
    let (arns, failed) = list_all!(
        "ecs:ListServices",
        r.ecs.list_services().cluster(cluster),
        |p: &aws_sdk_ecs::operation::list_services::ListServicesOutput| p.service_arns().to_vec()
    );
    if let Some(e) = failed {
        r.problems.call_failed(
            &e,
            "services could not be listed; their task definitions may be missing from the audit",
            Some(cluster),
        );
    }
    for chunk in arns.chunks(10) {
        match raw_call!(
            "ecs:DescribeServices",
            r.ecs
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk.to_vec()))
                .include(aws_sdk_ecs::types::ServiceField::Tags)
        ) {
            Ok(v) => services.extend(array(&v, "services")),
            Err(e) => {
                for arn in chunk {
                    r.problems
                        .call_failed(&e, "service could not be described", Some(arn));
                }
            }
        }
    }

    services
}

async fn container_instances(r: &Region, cluster: &str) -> Vec<(String, Value)> {
    let mut instances = Vec::new();
    let (ci_arns, failed) = list_all!(
        "ecs:ListContainerInstances",
        r.ecs.list_container_instances().cluster(cluster),
        |p: &aws_sdk_ecs::operation::list_container_instances::ListContainerInstancesOutput| p
            .container_instance_arns()
            .to_vec()
    );
    if let Some(e) = failed {
        r.problems
            .call_failed(&e, "container instances could not be listed", Some(cluster));
    }
    for chunk in ci_arns.chunks(100) {
        match raw_call!(
            "ecs:DescribeContainerInstances",
            r.ecs
                .describe_container_instances()
                .cluster(cluster)
                .set_container_instances(Some(chunk.to_vec()))
        ) {
            Ok(v) => instances.extend(
                array(&v, "containerInstances")
                    .into_iter()
                    .map(|ci| (cluster.to_string(), ci)),
            ),
            Err(e) => {
                for arn in chunk {
                    r.problems.call_failed(
                        &e,
                        "container instance could not be described",
                        Some(arn),
                    );
                }
            }
        }
    }

    instances
}

/// The cluster's running tasks: (revision, container instance ARN on EC2).
async fn running(r: &Region, cluster: &str) -> Vec<(String, Option<String>)> {
    let mut running = Vec::new();
    let (task_arns, failed) = list_all!(
        "ecs:ListTasks",
        r.ecs
            .list_tasks()
            .cluster(cluster)
            .desired_status(aws_sdk_ecs::types::DesiredStatus::Running),
        |p: &aws_sdk_ecs::operation::list_tasks::ListTasksOutput| p.task_arns().to_vec()
    );
    if let Some(e) = failed {
        r.problems.call_failed(
            &e,
            "running tasks could not be listed; revisions they use may be missing from the audit",
            Some(cluster),
        );
    }
    for chunk in task_arns.chunks(100) {
        match r
            .ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => running.extend(o.tasks().iter().filter_map(|t| {
                let td = t.task_definition_arn()?.to_string();
                Some((td, t.container_instance_arn().map(str::to_string)))
            })),
            Err(e) => r.problems.call_failed(
                &super::client::call_error("ecs:DescribeTasks", &e),
                "running tasks could not be described",
                Some(cluster),
            ),
        }
    }
    running.sort();
    running.dedup();
    running
}

/// The revisions listed beyond those in use, and the listing's failure (reported with
/// [`Families::report`] once the region is known to be usable: listed at the same time
/// as the clusters, it fails with them in a region not enabled).
pub struct Families {
    scope: Scope,
    failed: Option<(CallError, &'static str)>,
}

impl Families {
    /// Name a failed listing as not checked.
    pub fn report(&self, r: &Region) {
        if let Some((e, what)) = &self.failed {
            r.problems
                .call_failed(e, what, Some(&r.arn("ecs", "task-definition/*")));
        }
    }
}

/// List every ACTIVE family (default scope) or every ACTIVE revision (`--all-revisions`).
pub async fn families(r: &Region, all_revisions: bool) -> Families {
    use aws_sdk_ecs::types::{TaskDefinitionFamilyStatus, TaskDefinitionStatus};
    if all_revisions {
        let (arns, failed) = list_all!(
            "ecs:ListTaskDefinitions",
            r.ecs
                .list_task_definitions()
                .status(TaskDefinitionStatus::Active),
            |p: &aws_sdk_ecs::operation::list_task_definitions::ListTaskDefinitionsOutput| p
                .task_definition_arns()
                .to_vec()
        );
        return Families {
            scope: Scope::Revisions(arns),
            failed: failed.map(|e| (e, "task definitions could not be listed")),
        };
    }
    let (fams, failed) = list_all!(
        "ecs:ListTaskDefinitionFamilies",
        r.ecs
            .list_task_definition_families()
            .status(TaskDefinitionFamilyStatus::Active),
        |p: &aws_sdk_ecs::operation::list_task_definition_families::ListTaskDefinitionFamiliesOutput| p
            .families()
            .to_vec()
    );
    Families {
        scope: Scope::Families(fams),
        failed: failed.map(|e| {
            (
                e,
                "task-definition families could not be listed; only revisions in use are audited",
            )
        }),
    }
}

/// One task definition (by ARN, or by family name: its latest ACTIVE revision); the
/// roles it names go to `roles` at once.
async fn describe_task_definition(
    r: &Region,
    arn: String,
    reasons: BTreeSet<String>,
    sinks: &Sinks<'_>,
) -> TaskDef {
    let td = describe(r, arn, reasons).await;
    for role in td.role_arns(&r.account) {
        // Closed only once every region's ECS is read.
        let _ = sinks.roles.unbounded_send(role);
    }
    if let Some(doc) = &td.doc {
        sinks.settings.check(doc);
    }
    td
}

async fn describe(r: &Region, arn: String, reasons: BTreeSet<String>) -> TaskDef {
    match raw_call!(
        "ecs:DescribeTaskDefinition",
        r.ecs
            .describe_task_definition()
            .task_definition(&arn)
            .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
    ) {
        Ok(v) => TaskDef {
            // Asked by family name, the answer says which revision it is.
            arn: v
                .pointer("/taskDefinition/taskDefinitionArn")
                .and_then(Value::as_str)
                .map_or(arn, str::to_string),
            doc: v.get("taskDefinition").cloned(),
            tags: v.get("tags").cloned().unwrap_or(Value::Array(Vec::new())),
            reasons,
            error: None,
        },
        Err(e) => {
            // A family name (no ARN yet) is named as the scope of its revisions.
            let about = if arn.starts_with("arn:") {
                arn.clone()
            } else {
                r.arn("ecs", &format!("task-definition/{arn}:*"))
            };
            r.problems
                .call_failed(&e, "task definition could not be described", Some(&about));
            TaskDef {
                arn,
                doc: None,
                tags: Value::Array(Vec::new()),
                reasons,
                error: Some(e),
            }
        }
    }
}
