//! The account's ECS settings in a region that rules read: `defaultLogDriverMode`, the
//! awslogs delivery mode of every container that sets none.

use super::client::raw_pages;
use super::ecs::EcsData;
use super::Region;
use serde_json::Value;

/// Which ECS settings were read in a region.
#[derive(Debug, Default)]
pub enum AccountSettings {
    /// Not needed: no task definition leaves a setting rules read to the account.
    #[default]
    NotRead,
    /// `ListAccountSettings` (effective settings) as AWS returned them.
    Read(Vec<Value>),
    /// The call failed (named in the region's problems).
    Failed,
}

/// A container logs with awslogs and sets no `mode`: the account's
/// `defaultLogDriverMode` decides whether it blocks.
fn leaves_mode_to_account(td: &Value) -> bool {
    td.get("containerDefinitions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("logConfiguration"))
        .any(|l| {
            l.get("logDriver").and_then(Value::as_str) == Some("awslogs")
                && l.pointer("/options/mode").is_none()
        })
}

/// The effective settings, read only when a task definition of the region needs them
/// (10 a page: two calls today).
pub async fn collect(r: &Region, ecs: &EcsData) -> AccountSettings {
    let needed = ecs
        .task_definitions
        .values()
        .filter_map(|td| td.doc.as_ref())
        .any(leaves_mode_to_account);
    if !needed {
        return AccountSettings::NotRead;
    }
    let read = raw_pages!("ecs:ListAccountSettings", "settings", |token| r
        .ecs
        .list_account_settings()
        .effective_settings(true)
        .set_next_token(token.take()));
    match read {
        Ok(settings) => AccountSettings::Read(settings),
        Err(e) => {
            r.problems.call_failed(
                &e,
                "ECS account settings could not be read; the log delivery mode of containers that set none was not checked",
                Some(&r.arn("ecs", "account-settings")),
            );
            AccountSettings::Failed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_awslogs_without_a_mode_leaves_it_to_the_account() {
        let td = |opts: Value| json!({"containerDefinitions": [{"logConfiguration": {"logDriver": "awslogs", "options": opts}}]});
        assert!(leaves_mode_to_account(&td(json!({"awslogs-group": "g"}))));
        assert!(!leaves_mode_to_account(&td(json!({"mode": "blocking"}))));
        let splunk =
            json!({"containerDefinitions": [{"logConfiguration": {"logDriver": "splunk"}}]});
        assert!(!leaves_mode_to_account(&splunk));
        assert!(!leaves_mode_to_account(
            &json!({"containerDefinitions": [{}]})
        ));
    }
}
