//! AWS Organizations: the ACTIVE member accounts to audit with `--org-role`, the whole
//! organisation or the accounts under organisational units (recursively), narrowed by
//! `--accounts` / `--exclude-accounts`.

use super::client::{list_all, CallError, CallLog, Recorder};
use aws_config::SdkConfig;
use aws_sdk_organizations::types::{Account as OrgAccount, AccountState, AccountStatus};
use std::collections::{BTreeMap, BTreeSet};

/// One member account of the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
}

/// Which accounts of the organisation to audit.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these account ids (empty: all).
    pub accounts: Vec<String>,
    /// Never these account ids.
    pub exclude: Vec<String>,
    /// Only the accounts under these organisational units or roots, recursively.
    pub ous: Vec<String>,
    /// Only the accounts of shard `index` of `count` (account id modulo `count`): the
    /// same accounts in every run, whatever else the organisation holds.
    pub shard: Option<(u64, u64)>,
}

/// Whether account `id` is in shard `index` of `count`.
pub fn in_shard(id: &str, (index, count): (u64, u64)) -> bool {
    id.parse::<u64>()
        .map_or(index == 0, |n| n % count.max(1) == index)
}

/// What the organisation's listing gave: the accounts to audit, in id order, and what
/// was left out and why.
#[derive(Debug, Default)]
pub struct Listing {
    pub accounts: Vec<Account>,
    /// The organisation id (`o-...`) and its management account, read off account ARNs.
    pub organization: Option<String>,
    pub management_account: Option<String>,
    /// Accounts listed but not ACTIVE (suspended, closing): (id, state).
    pub inactive: Vec<(String, String)>,
    /// `--accounts` ids that are not ACTIVE accounts of the selection.
    pub missing: Vec<String>,
}

fn client(conf: &SdkConfig, log: &CallLog) -> aws_sdk_organizations::Client {
    aws_sdk_organizations::Client::from_conf(
        aws_sdk_organizations::config::Builder::from(conf)
            .interceptor(Recorder {
                prefix: "organizations",
                log: log.clone(),
            })
            .build(),
    )
}

/// `ACTIVE`, `SUSPENDED`, ...: the account's `State`, or its older `Status`.
fn state(a: &OrgAccount) -> String {
    match (a.state(), a.status()) {
        (Some(s), _) => s.as_str().to_string(),
        (None, Some(s)) => s.as_str().to_string(),
        (None, None) => "UNKNOWN".into(),
    }
}

fn is_active(a: &OrgAccount) -> bool {
    match (a.state(), a.status()) {
        (Some(s), _) => *s == AccountState::Active,
        (None, Some(s)) => *s == AccountStatus::Active,
        (None, None) => false,
    }
}

/// List the accounts `sel` chooses. Fails with the call that failed when the
/// organisation cannot be read (not its management account or delegated administrator,
/// access denied): then nothing is audited.
pub async fn list(conf: &SdkConfig, log: &CallLog, sel: &Selection) -> Result<Listing, CallError> {
    let c = client(conf, log);
    let listed = if sel.ous.is_empty() {
        let (accounts, failed) = list_all!(
            "organizations:ListAccounts",
            c.list_accounts(),
            |p: &aws_sdk_organizations::operation::list_accounts::ListAccountsOutput| p
                .accounts()
                .to_vec()
        );
        if let Some(e) = failed {
            return Err(e);
        }
        accounts
    } else {
        under(&c, &sel.ous).await?
    };
    Ok(select(listed, sel))
}

/// Every account under the organisational units (or roots) `ous`, depth first.
async fn under(
    c: &aws_sdk_organizations::Client,
    ous: &[String],
) -> Result<Vec<OrgAccount>, CallError> {
    let mut out = Vec::new();
    let mut pending: Vec<String> = ous.to_vec();
    let mut seen = BTreeSet::new();
    while let Some(parent) = pending.pop() {
        if !seen.insert(parent.clone()) {
            continue;
        }
        let (accounts, failed) = list_all!(
            "organizations:ListAccountsForParent",
            c.list_accounts_for_parent().parent_id(&parent),
            |p: &aws_sdk_organizations::operation::list_accounts_for_parent::ListAccountsForParentOutput| p
                .accounts()
                .to_vec()
        );
        if let Some(e) = failed {
            return Err(named(e, &parent));
        }
        out.extend(accounts);
        let (children, failed) = list_all!(
            "organizations:ListOrganizationalUnitsForParent",
            c.list_organizational_units_for_parent().parent_id(&parent),
            |p: &aws_sdk_organizations::operation::list_organizational_units_for_parent::ListOrganizationalUnitsForParentOutput| p
                .organizational_units()
                .iter()
                .filter_map(|u| u.id().map(str::to_string))
                .collect::<Vec<_>>()
        );
        if let Some(e) = failed {
            return Err(named(e, &parent));
        }
        pending.extend(children);
    }
    Ok(out)
}

/// Say which organisational unit a failed call was about.
fn named(mut e: CallError, parent: &str) -> CallError {
    e.message = format!("{} (parent {parent})", e.message);
    e
}

/// Apply the selection to the listed accounts.
fn select(listed: Vec<OrgAccount>, sel: &Selection) -> Listing {
    let mut out = Listing::default();
    let only: BTreeSet<&str> = sel.accounts.iter().map(String::as_str).collect();
    let exclude: BTreeSet<&str> = sel.exclude.iter().map(String::as_str).collect();
    let mut chosen: BTreeMap<String, Account> = BTreeMap::new();
    for a in &listed {
        let Some(id) = a.id() else { continue };
        if out.organization.is_none() {
            // arn:aws:organizations::MANAGEMENT:account/o-ORG/ID
            if let Some((mgmt, rest)) = a
                .arn()
                .and_then(|arn| arn.split(':').nth(4).zip(arn.split(':').nth(5)))
            {
                out.management_account = Some(mgmt.to_string());
                out.organization = rest.split('/').nth(1).map(str::to_string);
            }
        }
        if exclude.contains(id)
            || (!only.is_empty() && !only.contains(id))
            || sel.shard.is_some_and(|s| !in_shard(id, s))
        {
            continue;
        }
        if !is_active(a) {
            out.inactive.push((id.to_string(), state(a)));
            continue;
        }
        chosen.insert(
            id.to_string(),
            Account {
                id: id.to_string(),
                name: a.name().unwrap_or_default().to_string(),
            },
        );
    }
    out.missing = only
        .iter()
        .filter(|id| !chosen.contains_key(**id) && !exclude.contains(**id))
        .filter(|id| sel.shard.is_none_or(|s| in_shard(id, s)))
        .filter(|id| !out.inactive.iter().any(|(i, _)| i == *id))
        .map(|id| id.to_string())
        .collect();
    out.inactive.sort();
    out.inactive.dedup();
    out.accounts = chosen.into_values().collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(id: &str, name: &str, state: AccountState) -> OrgAccount {
        OrgAccount::builder()
            .id(id)
            .name(name)
            .arn(format!(
                "arn:aws:organizations::111111111111:account/o-abc123/{id}"
            ))
            .state(state)
            .build()
    }

    fn listed() -> Vec<OrgAccount> {
        vec![
            acct("222222222222", "prod", AccountState::Active),
            acct("111111111111", "management", AccountState::Active),
            acct("333333333333", "old", AccountState::Suspended),
            acct("444444444444", "dev", AccountState::Active),
        ]
    }

    #[test]
    fn the_whole_organisation_is_its_active_accounts_in_id_order() {
        let l = select(listed(), &Selection::default());
        let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["111111111111", "222222222222", "444444444444"]);
        assert_eq!(l.accounts[1].name, "prod");
        assert_eq!(l.inactive, [("333333333333".into(), "SUSPENDED".into())]);
        assert_eq!(l.organization.as_deref(), Some("o-abc123"));
        assert_eq!(l.management_account.as_deref(), Some("111111111111"));
        assert!(l.missing.is_empty());
    }

    #[test]
    fn accounts_and_exclusions_narrow_it_and_unknown_ids_are_named() {
        let sel = Selection {
            accounts: vec![
                "222222222222".into(),
                "444444444444".into(),
                "999999999999".into(),
            ],
            exclude: vec!["444444444444".into()],
            ous: vec![],
            shard: None,
        };
        let l = select(listed(), &sel);
        let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["222222222222"]);
        assert_eq!(l.missing, ["999999999999"]);
        assert!(l.inactive.is_empty(), "{:?}", l.inactive);
    }

    #[test]
    fn shards_split_the_accounts_and_together_are_all_of_them() {
        let all = select(listed(), &Selection::default()).accounts;
        let mut seen = Vec::new();
        for i in 0..3 {
            let sel = Selection {
                shard: Some((i, 3)),
                ..Selection::default()
            };
            let part = select(listed(), &sel).accounts;
            for a in &part {
                assert!(in_shard(&a.id, (i, 3)));
            }
            seen.extend(part);
        }
        seen.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(seen, all);
    }
}
