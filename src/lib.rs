//! ecsaudit: policy-as-code security and best-practice auditor for Amazon ECS task
//! definitions. `source -> graph -> policy engine -> findings -> report`.

pub mod baseline;
pub mod cli;
#[cfg(feature = "aws")]
pub mod collect;
pub mod compliance;
pub mod config;
pub mod diagnostics;
pub mod docs;
pub mod findings;
pub mod fuzzing;
pub mod graph;
pub mod json_index;
pub mod manual;
pub mod merge;
pub mod policy;
pub mod report;
pub mod scan;
pub mod snapshot;
pub mod source;
pub mod suppress;

/// Turn off backtrace capture for library errors (`RUST_LIB_BACKTRACE=0`) unless the
/// user set it. regorus' parser builds (and drops) an anyhow error per alternative it
/// tries; with `RUST_BACKTRACE` set each would capture a backtrace (~30 ms per policy
/// load). Library error backtraces are never shown; panics still honour RUST_BACKTRACE.
/// Call before any thread starts.
pub fn quiet_library_backtraces() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
}
