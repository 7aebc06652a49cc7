//! The controls of the services and tools security teams compare ecsaudit with (Security
//! Hub, Control Tower, Config, Prowler, Checkov, KICS, Trivy), from `catalogue.toml`, and
//! which built-in rules cover each (their METADATA `custom.controls`): the generated
//! "Coming from" pages and `--compliance FRAMEWORK`.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::policy::metadata::{RuleMeta, FRAMEWORKS};

/// A framework whose controls the rules map to (`--compliance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Framework {
    /// AWS Security Hub's controls for Amazon ECS (ECS.1 to ECS.21).
    SecurityHub,
    /// AWS Control Tower's proactive controls for ECS and ECR (CT.ECS.PR.x, CT.ECR.PR.x).
    ControlTower,
    /// AWS Config's managed rules for ECS and ECR (ecs-containers-nonprivileged, ...).
    Config,
    /// Prowler's ecs and ecr checks.
    Prowler,
    /// Checkov's ECS and ECR checks (CKV_AWS_x).
    Checkov,
    /// KICS's ECS, ECR and EFS-volume queries (by query id).
    Kics,
    /// Trivy's AWS ECS and ECR checks (AVD-AWS-x).
    Trivy,
}

impl Framework {
    /// Every framework, in the order the docs list them.
    pub const ALL: [Framework; 7] = [
        Framework::SecurityHub,
        Framework::ControlTower,
        Framework::Config,
        Framework::Prowler,
        Framework::Checkov,
        Framework::Kics,
        Framework::Trivy,
    ];

    /// Its key in METADATA `custom.controls` (`security_hub`).
    pub fn key(self) -> &'static str {
        FRAMEWORKS[self as usize].0
    }

    /// How the docs and reports name it (`AWS Security Hub`).
    pub fn title(self) -> &'static str {
        FRAMEWORKS[self as usize].1
    }

    fn catalogue(self) -> &'static Catalogue {
        CATALOGUES
            .iter()
            .find(|c| c.key == self.key())
            .expect("catalogue.toml lists every framework (tested)")
    }

    /// What its list holds, in a sentence.
    pub fn scope(self) -> &'static str {
        &self.catalogue().scope
    }

    /// Its controls, in its order.
    pub fn controls(self) -> &'static [Control] {
        &self.catalogue().controls
    }

    /// The ids of this framework that rule `m` names in its METADATA.
    pub fn named_by(self, m: &RuleMeta) -> Vec<&str> {
        m.controls
            .get(self.key())
            .map(|c| c.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The ids that stand for control `id`: itself and what it includes.
    fn ids_of(self, id: &str) -> Vec<&str> {
        let mut ids = vec![id];
        if let Some(c) = self.controls().iter().find(|c| c.id == id) {
            ids.extend(c.includes.iter().map(String::as_str));
        }
        ids
    }

    /// The rules of `metas` covering control `id`, in id order.
    pub fn rules_for<'a>(self, id: &str, metas: &[&'a RuleMeta]) -> Vec<&'a RuleMeta> {
        let wanted = self.ids_of(id);
        let mut out: Vec<&RuleMeta> = metas
            .iter()
            .copied()
            .filter(|m| self.named_by(m).iter().any(|c| wanted.contains(c)))
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.dedup_by(|a, b| a.id == b.id);
        out
    }

    /// A finding of a rule covering control `id` belongs under it: its rule covers all
    /// its findings unless the finding names its `controls` (ids of any framework).
    pub fn finding_under(self, id: &str, controls: Option<&[String]>) -> bool {
        let Some(named) = controls else {
            return true;
        };
        let wanted = self.ids_of(id);
        named.iter().any(|c| wanted.contains(&c.as_str()))
    }

    /// The rule checks one of its controls (`--compliance` runs only those).
    pub fn covers(self, m: &RuleMeta) -> bool {
        let named = self.named_by(m);
        self.controls()
            .iter()
            .any(|c| named.contains(&c.id.as_str()))
    }
}

/// One control: its id, its owner's title, why no rule of ours covers it when none does,
/// and the controls of the same framework it holds (a retired control's successors).
#[derive(Debug)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub not_covered: Option<String>,
    pub includes: Vec<String>,
}

/// One framework's list (`[[framework]]` of catalogue.toml).
#[derive(Debug)]
struct Catalogue {
    key: String,
    scope: String,
    controls: Vec<Control>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    reasons: std::collections::BTreeMap<String, String>,
    framework: Vec<FrameworkEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkEntry {
    key: String,
    scope: String,
    control: Vec<ControlEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlEntry {
    id: String,
    title: String,
    not_covered: Option<String>,
    #[serde(default)]
    includes: Vec<String>,
}

/// catalogue.toml, parsed once; its shape, its reason keys and its frameworks are held
/// by the tests below.
static CATALOGUES: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    parse_catalogue(include_str!("catalogue.toml")).expect("catalogue.toml is valid (tested)")
});

fn parse_catalogue(text: &str) -> Result<Vec<Catalogue>, String> {
    let file: CatalogueFile = toml::from_str(text).map_err(|e| e.to_string())?;
    file.framework
        .into_iter()
        .map(|f| {
            let controls = f
                .control
                .into_iter()
                .map(|c| {
                    let not_covered = match c.not_covered {
                        Some(key) => Some(
                            file.reasons
                                .get(&key)
                                .cloned()
                                .ok_or(format!("{}: no reason `{key}`", c.id))?,
                        ),
                        None => None,
                    };
                    Ok(Control {
                        id: c.id,
                        title: c.title,
                        not_covered,
                        includes: c.includes,
                    })
                })
                .collect::<Result<_, String>>()?;
            Ok(Catalogue {
                key: f.key,
                scope: f.scope,
                controls,
            })
        })
        .collect()
}

/// Rules as links to their pages, one a line in a table cell.
fn rule_links(rules: &[&RuleMeta]) -> String {
    rules
        .iter()
        .map(|m| format!("[{}]({}.md) {}", m.id, m.id, m.title))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// One framework's table: each control, the rules that cover it, or why none does.
fn framework_table(framework: Framework, metas: &[&RuleMeta]) -> String {
    let mut s = format!(
        "{}\n\n| {} | title | ecsaudit |\n| --- | --- | --- |\n",
        framework.scope(),
        framework.title()
    );
    for c in framework.controls() {
        let ours = match &c.not_covered {
            Some(why) => format!("not covered: {why}"),
            None => rule_links(&framework.rules_for(&c.id, metas)),
        };
        s.push_str(&format!("| {} | {} | {} |\n", c.id, c.title, ours));
    }
    s
}

/// docs/rules/security-hub.md: each Security Hub control and the rules that cover it.
pub fn security_hub_page(metas: &[&RuleMeta]) -> String {
    format!(
        "# Coming from AWS Security Hub\n\nGenerated by `ecsaudit docs` from each rule's METADATA (`controls`) and src/compliance/catalogue.toml; do not edit by hand.\n\nEvery Security Hub control for Amazon ECS and the ecsaudit rules that check the same thing. The rules also run before deploy, on task-definition files, Terraform and CloudFormation, where Security Hub sees only what is deployed. `ecsaudit scan --compliance security-hub` reports control by control.\n\n{}",
        framework_table(Framework::SecurityHub, metas)
    )
}

/// docs/rules/coming-from.md: for each framework other than Security Hub (its own page),
/// each of its controls and the rules that check the same thing, or why we have none.
pub fn coming_from_page(metas: &[&RuleMeta]) -> String {
    let mut s = String::from(
        "# Coming from another tool\n\nGenerated by `ecsaudit docs` from each rule's METADATA (`controls`) and src/compliance/catalogue.toml; do not edit by hand. AWS Security Hub has [a page of its own](security-hub.md).\n\nFor each framework, every one of its ECS and ECR controls: the ecsaudit rules that check the same thing, or why ecsaudit deliberately has none. `ecsaudit scan --compliance FRAMEWORK` (control-tower, config, prowler, checkov, kics, trivy) runs just those rules and reports control by control; SARIF results carry the ids as tags (`checkov/CKV_AWS_65`).\n",
    );
    for framework in Framework::ALL
        .into_iter()
        .filter(|f| *f != Framework::SecurityHub)
    {
        s.push_str(&format!(
            "\n## {}\n\n{}",
            framework.title(),
            framework_table(framework, metas)
        ));
    }
    s
}

/// A rule's equivalent controls for docs and `explain`: `AWS Security Hub ECS.12; Checkov
/// CKV_AWS_65`. KICS's ids are opaque, so their titles follow them.
pub fn equivalents(m: &RuleMeta) -> String {
    Framework::ALL
        .iter()
        .filter_map(|f| {
            let ids = f.named_by(m);
            if ids.is_empty() {
                return None;
            }
            let shown: Vec<String> = ids
                .iter()
                .map(|id| match f.controls().iter().find(|c| c.id == *id) {
                    Some(c) if *f == Framework::Kics => format!("{id} ({})", c.title),
                    _ => id.to_string(),
                })
                .collect();
            Some(format!("{} {}", f.title(), shown.join(", ")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_lists_every_framework_once_in_order() {
        let keys: Vec<&str> = CATALOGUES.iter().map(|c| c.key.as_str()).collect();
        let known: Vec<&str> = FRAMEWORKS.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, known);
        for f in Framework::ALL {
            assert_eq!(f.catalogue().key, f.key());
            let mut ids: Vec<&str> = f.controls().iter().map(|c| c.id.as_str()).collect();
            let n = ids.len();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), n, "{}: a control listed twice", f.key());
            for c in f.controls() {
                for inc in &c.includes {
                    assert!(ids.contains(&inc.as_str()), "{}: includes {inc}", c.id);
                }
            }
        }
    }

    #[test]
    fn a_reason_key_that_does_not_exist_is_an_error() {
        let text = "[reasons]\nx = \"y\"\n[[framework]]\nkey = \"k\"\nscope = \"s\"\ncontrol = [{ id = \"A\", title = \"t\", not_covered = \"nope\" }]\n";
        assert_eq!(parse_catalogue(text).err().unwrap(), "A: no reason `nope`");
        let typo = "[reasons]\n[[framework]]\nkey = \"k\"\nscope = \"s\"\ncontrol = [{ id = \"A\", titel = \"t\" }]\n";
        assert!(parse_catalogue(typo).unwrap_err().contains("titel"));
    }

    #[test]
    fn a_finding_that_names_its_controls_is_only_under_those() {
        let f = Framework::SecurityHub;
        let pid = vec!["ECS.3".to_string(), "CT.ECS.PR.10".to_string()];
        assert!(f.finding_under("ECS.3", Some(&pid)));
        assert!(!f.finding_under("ECS.17", Some(&pid)));
        assert!(f.finding_under("ECS.17", None));
        // ECS.1 (retired) holds what its successors hold.
        let net = vec!["ECS.17".to_string()];
        assert!(f.finding_under("ECS.1", Some(&net)));
        assert!(Framework::ControlTower.finding_under("CT.ECS.PR.10", Some(&pid)));
    }
}
