//! A task definition collected live: its node (redacted, its facts derived), its roles,
//! and the ECR repositories and images it runs.

use super::{edge, str_at, Builder};
use crate::collect::client::partition_of;
use crate::collect::ecs::{family_revision, role_arn, TaskDef};
use crate::collect::{Region, RegionData};
use crate::graph::{derive_task_definition, image, kind, Status};
use serde_json::{json, Value};
use std::collections::BTreeMap;

impl Builder {
    /// A task definition, its roles, repositories and images; or, when it could not be
    /// described, an unavailable node with the reason.
    pub(super) fn add_task_definition(
        &mut self,
        r: &Region,
        td: &TaskDef,
        data: &RegionData,
        repositories: &BTreeMap<(String, String), String>,
        partition: &str,
    ) {
        let (account, region) = (r.account.as_str(), r.region.as_str());
        let (family, rev) = family_revision(&td.arn).unwrap_or((td.arn.as_str(), 0));
        let identity = td
            .arn
            .rsplit_once(':')
            .map_or(td.arn.as_str(), |(base, _)| base)
            .to_string();
        for reason in &td.reasons {
            let counts = self.scope.entry(account.to_string()).or_default();
            *counts.entry(reason.clone()).or_default() += 1;
        }
        let reasons: Vec<&String> = td.reasons.iter().collect();
        let name = format!("{family}:{rev}");
        let (status, props, derived) = match &td.doc {
            Some(doc) => {
                let mut props = doc.clone();
                if let Some(o) = props.as_object_mut() {
                    o.entry("tags").or_insert_with(|| td.tags.clone());
                }
                self.redactor.redact_task_definition(&mut props);
                let mut derived = derive_task_definition(&props);
                derived["collected_because"] = json!(reasons);
                (Status::Complete, props, derived)
            }
            None => {
                let mut derived = json!({"collected_because": reasons});
                if let Some(e) = &td.error {
                    derived["unavailable_reason"] = json!(e.to_string());
                }
                let props = json!({"taskDefinitionArn": td.arn});
                (Status::Unavailable, props, derived)
            }
        };
        let node_kind = kind::TASK_DEFINITION;
        let region = Some(region);
        self.node(
            &td.arn, node_kind, &name, &identity, account, region, status, props, derived,
        );
        let Some(doc) = &td.doc else {
            return;
        };
        let role_partition = partition_of(&td.arn).to_string();
        for (field, edge) in [
            ("taskRoleArn", edge::TASK_ROLE),
            ("executionRoleArn", edge::EXECUTION_ROLE),
        ] {
            if let Some(role) = str_at(doc, field) {
                let arn = role_arn(role, account, &role_partition);
                let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
                self.link(account, &td.arn, (&arn, kind::IAM_ROLE, &name), edge);
            }
        }
        let containers = doc.get("containerDefinitions").and_then(Value::as_array);
        for reference in containers
            .into_iter()
            .flatten()
            .filter_map(|c| str_at(c, "image"))
        {
            self.add_image(&td.arn, reference, data, repositories, partition);
        }
    }

    /// Edges from a task definition to the ECR repository of an image it runs and to
    /// the image (a node per digest, naming every reference that resolved to it).
    fn add_image(
        &mut self,
        td: &str,
        reference: &str,
        data: &RegionData,
        repositories: &BTreeMap<(String, String), String>,
        partition: &str,
    ) {
        let parsed = image::parse(reference);
        let Some(reg) = &parsed.ecr else { return };
        let repository = repositories
            .get(&(reg.account.clone(), parsed.repository.clone()))
            .cloned();
        if let Some(repo) = &repository {
            self.edge(td, repo, edge::REPOSITORY);
        }
        let Some(detail) = data.ecr.images.get(reference) else {
            return;
        };
        let digest = str_at(detail, "imageDigest").unwrap_or("unknown");
        let id = format!(
            "arn:{partition}:ecr:{}:{}:repository/{}@{digest}",
            reg.region, reg.account, parsed.repository
        );
        match self.nodes.get_mut(&id) {
            Some(existing) => {
                if let Some(refs) = existing.derived["references"].as_array_mut() {
                    if !refs.iter().any(|r| r.as_str() == Some(reference)) {
                        refs.push(json!(reference));
                    }
                }
            }
            None => {
                let name = format!("{}@{digest}", parsed.repository);
                let derived = json!({"references": [reference]});
                let (account, region) = (reg.account.as_str(), reg.region.as_str());
                let status = Status::Complete;
                self.node(
                    &id,
                    kind::IMAGE,
                    &name,
                    &id,
                    account,
                    Some(region),
                    status,
                    detail.clone(),
                    derived,
                );
            }
        }
        self.edge(td, &id, edge::IMAGE);
        if let Some(repo) = &repository {
            self.edge(&id, repo, edge::REPOSITORY);
        }
    }
}
