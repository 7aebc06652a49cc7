//! The AWS Security Hub controls for Amazon ECS (as of 2026) and which built-in rules
//! cover each (their METADATA `security_hub`): the "Coming from Security Hub" page and
//! `--compliance security-hub`.

use crate::policy::metadata::{RuleMeta, FRAMEWORKS};

/// A framework whose controls the rules map to (`--compliance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Framework {
    /// AWS Security Hub's controls for Amazon ECS (ECS.1 to ECS.21).
    SecurityHub,
}

impl Framework {
    pub fn title(self) -> &'static str {
        match self {
            Framework::SecurityHub => "AWS Security Hub",
        }
    }

    /// Its controls, in its order.
    pub fn controls(self) -> &'static [Control] {
        match self {
            Framework::SecurityHub => SECURITY_HUB,
        }
    }

    /// The rules of `metas` covering control `id`, in id order.
    pub fn rules_for<'a>(self, id: &str, metas: &[&'a RuleMeta]) -> Vec<&'a RuleMeta> {
        match self {
            Framework::SecurityHub => rules_for(id, metas),
        }
    }

    /// A finding of a rule covering control `id` belongs under it: its rule covers all
    /// its findings unless the finding names its `controls` (ECS.1, retired, holds what
    /// its successors hold).
    pub fn finding_under(self, id: &str, controls: Option<&[String]>) -> bool {
        let Some(named) = controls else {
            return true;
        };
        match self {
            Framework::SecurityHub if id == "ECS.1" => {
                named.iter().any(|c| ECS_1.contains(&c.as_str()))
            }
            Framework::SecurityHub => named.iter().any(|c| c == id),
        }
    }

    /// The rule checks one of its controls (`--compliance` runs only those).
    pub fn covers(self, m: &RuleMeta) -> bool {
        self.controls()
            .iter()
            .any(|c| !self.rules_for(c.id, &[m]).is_empty())
    }
}

/// One Security Hub control: its id, its title, and why no rule of ours covers it when
/// none does.
pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
    pub not_covered: Option<&'static str>,
}

const fn control(id: &'static str, title: &'static str) -> Control {
    Control {
        id,
        title,
        not_covered: None,
    }
}

const TAGS: &str = "Tagging is governance, not a property of the workload's security, and in \
IaC the tags a resource ends up with are often unknown before deploy (Terraform's provider \
`default_tags`, CloudFormation stack tags). Enforce them with AWS Organizations tag policies \
or a rule of your own (`lib.tag_value`).";

/// Security Hub's ECS controls. ECS.6, ECS.7 and ECS.11 do not exist.
pub const SECURITY_HUB: &[Control] = &[
    control(
        "ECS.1",
        "Task definitions should have secure networking modes and user definitions (retired March 2026)",
    ),
    control(
        "ECS.2",
        "Services should not have public IP addresses assigned to them automatically",
    ),
    control(
        "ECS.3",
        "Task definitions should not share the host's process namespace",
    ),
    control("ECS.4", "Containers should run as non-privileged"),
    control(
        "ECS.5",
        "Containers should be limited to read-only access to root filesystems",
    ),
    control(
        "ECS.8",
        "Secrets should not be passed as container environment variables",
    ),
    control("ECS.9", "Task definitions should have a logging configuration"),
    control(
        "ECS.10",
        "Fargate services should run on the latest Fargate platform version",
    ),
    control("ECS.12", "Clusters should use Container Insights"),
    Control {
        id: "ECS.13",
        title: "Services should be tagged",
        not_covered: Some(TAGS),
    },
    Control {
        id: "ECS.14",
        title: "Clusters should be tagged",
        not_covered: Some(TAGS),
    },
    Control {
        id: "ECS.15",
        title: "Task definitions should be tagged",
        not_covered: Some(TAGS),
    },
    control(
        "ECS.16",
        "Task sets should not automatically assign public IP addresses",
    ),
    control("ECS.17", "Task definitions should not use host network mode"),
    control(
        "ECS.18",
        "Task definitions should use in-transit encryption for EFS volumes",
    ),
    control(
        "ECS.19",
        "Capacity providers should have managed termination protection enabled",
    ),
    control(
        "ECS.20",
        "Task definitions should configure non-root users in Linux container definitions",
    ),
    control(
        "ECS.21",
        "Task definitions should configure non-administrator users in Windows container definitions",
    ),
];

/// Rules that ECS.1 (retired) was split into: privileged, host network, user.
const ECS_1: &[&str] = &["ECS.4", "ECS.17", "ECS.20", "ECS.21"];

/// The Security Hub controls a rule's METADATA names (`controls.security_hub`).
pub fn security_hub_controls(m: &RuleMeta) -> Vec<&str> {
    m.controls
        .get("security_hub")
        .map(|c| c.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The rules covering control `id`, in id order.
pub fn rules_for<'a>(id: &str, metas: &[&'a RuleMeta]) -> Vec<&'a RuleMeta> {
    let wanted: Vec<&str> = if id == "ECS.1" {
        ECS_1.to_vec()
    } else {
        vec![id]
    };
    let mut out: Vec<&RuleMeta> = metas
        .iter()
        .copied()
        .filter(|m| security_hub_controls(m).iter().any(|c| wanted.contains(c)))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}

/// Rules as links to their pages, one a line in a table cell.
fn rule_links(rules: &[&RuleMeta]) -> String {
    rules
        .iter()
        .map(|m| format!("[{}]({}.md) {}", m.id, m.id, m.title))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// docs/rules/security-hub.md: each control, the rules that cover it, or why none does.
pub fn security_hub_page(metas: &[&RuleMeta]) -> String {
    let mut s = String::from(
        "# Coming from AWS Security Hub\n\nGenerated by `ecsaudit docs` from each rule's METADATA (`security_hub`); do not edit by hand.\n\nEvery Security Hub control for Amazon ECS and the ecsaudit rules that check the same thing. The rules also run before deploy, on task-definition files, Terraform and CloudFormation, where Security Hub sees only what is deployed.\n\n| control | title | ecsaudit |\n| --- | --- | --- |\n",
    );
    for c in SECURITY_HUB {
        let rules = rules_for(c.id, metas);
        let ours = match c.not_covered {
            Some(why) => format!("not covered: {why}"),
            None => rule_links(&rules),
        };
        s.push_str(&format!("| {} | {} | {} |\n", c.id, c.title, ours));
    }
    s
}

/// A rule's equivalent controls for docs and `explain`: `AWS Security Hub ECS.12; Checkov
/// CKV_AWS_65`.
pub fn equivalents(m: &RuleMeta) -> String {
    FRAMEWORKS
        .iter()
        .filter_map(|(key, name)| {
            let ids = m.controls.get(*key).filter(|ids| !ids.is_empty())?;
            Some(format!("{name} {}", ids.join(", ")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// SARIF tags of a rule's equivalent controls: `security-hub/ECS.12`, `checkov/CKV_AWS_65`.
pub fn control_tags(m: &RuleMeta) -> Vec<String> {
    FRAMEWORKS
        .iter()
        .flat_map(|(key, _)| {
            m.controls
                .get(*key)
                .into_iter()
                .flatten()
                .map(move |id| format!("{}/{id}", key.replace('_', "-")))
        })
        .collect()
}

/// docs/rules/coming-from.md: for each framework other than Security Hub (its own page),
/// its ids and the rules that check the same thing.
pub fn coming_from_page(metas: &[&RuleMeta]) -> String {
    let mut s = String::from(
        "# Coming from another tool\n\nGenerated by `ecsaudit docs` from each rule's METADATA (`controls`); do not edit by hand. AWS Security Hub has [a page of its own](security-hub.md), with every control.\n",
    );
    for (key, name) in FRAMEWORKS.iter().filter(|(k, _)| *k != "security_hub") {
        let mut ids: Vec<(&str, Vec<&RuleMeta>)> = Vec::new();
        for m in metas {
            for id in m.controls.get(*key).into_iter().flatten() {
                match ids.iter_mut().find(|(i, _)| *i == id.as_str()) {
                    Some((_, rules)) => rules.push(m),
                    None => ids.push((id, vec![m])),
                }
            }
        }
        if ids.is_empty() {
            continue;
        }
        ids.sort_by(|a, b| a.0.cmp(b.0));
        s.push_str(&format!(
            "\n## {name}\n\n| {name} | ecsaudit |\n| --- | --- |\n"
        ));
        for (id, mut rules) in ids {
            rules.sort_by(|a, b| a.id.cmp(&b.id));
            s.push_str(&format!("| {id} | {} |\n", rule_links(&rules)));
        }
    }
    s
}
