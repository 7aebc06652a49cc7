//! The account's ECS settings in a region that rules read: `defaultLogDriverMode`, the
//! awslogs delivery mode of every container that sets none.

use super::client::raw_pages;
use super::Region;
use futures::channel::oneshot;
use serde_json::Value;
use std::sync::Mutex;

/// Which ECS settings were read in a region.
#[derive(Debug)]
pub enum AccountSettings {
    /// Not needed: no task definition leaves a setting rules read to the account.
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

/// Fired by the first task definition described that leaves a setting to the account,
/// so that the settings are read while the other task definitions still are.
pub struct Trigger(Mutex<Option<oneshot::Sender<()>>>);

impl Trigger {
    /// Fire when `td` (a `taskDefinition` object) needs the account's settings.
    pub fn check(&self, td: &Value) {
        if !leaves_mode_to_account(td) {
            return;
        }
        if let Some(tx) = self.0.lock().ok().and_then(|mut s| s.take()) {
            let _ = tx.send(());
        }
    }
}

/// A trigger, and what [`collect`] waits on: fired, or dropped unfired once every task
/// definition of the region is read.
pub fn trigger() -> (Trigger, oneshot::Receiver<()>) {
    let (tx, rx) = oneshot::channel();
    (Trigger(Mutex::new(Some(tx))), rx)
}

/// The effective settings, read as soon as a task definition of the region needs them
/// (10 a page: two calls today); not read when none does.
pub async fn collect(r: &Region, wanted: oneshot::Receiver<()>) -> AccountSettings {
    if wanted.await.is_err() {
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
    fn the_trigger_fires_once_and_only_for_a_task_definition_that_needs_it() {
        let (t, mut rx) = trigger();
        t.check(&json!({"containerDefinitions": [{"logConfiguration": {"logDriver": "splunk"}}]}));
        assert_eq!(rx.try_recv(), Ok(None));
        let needs =
            json!({"containerDefinitions": [{"logConfiguration": {"logDriver": "awslogs"}}]});
        t.check(&needs);
        t.check(&needs);
        assert_eq!(rx.try_recv(), Ok(Some(())));
        let (t, mut rx) = trigger();
        drop(t);
        assert!(rx.try_recv().is_err(), "dropped unfired: not needed");
    }

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
