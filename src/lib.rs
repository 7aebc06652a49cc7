//! ecsaudit: policy-as-code security and best-practice auditor for Amazon ECS task
//! definitions. `source -> graph -> policy engine -> findings -> report`.

pub mod baseline;
pub mod cli;
#[cfg(feature = "aws")]
pub mod collect;
pub mod config;
pub mod diagnostics;
pub mod docs;
pub mod findings;
pub mod graph;
pub mod policy;
pub mod report;
pub mod scan;
pub mod snapshot;
pub mod source;
