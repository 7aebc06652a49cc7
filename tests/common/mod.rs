//! Helpers shared by integration tests.

use ecsaudit::policy::engine::PolicyEngine;
use ecsaudit::policy::{self, PolicySet};

/// The built-in pack, loaded as `scan` loads it (no diagnostics allowed).
pub fn builtin_engine() -> PolicyEngine {
    let (set, diags) = PolicySet::from_sources(policy::builtin_sources());
    assert!(diags.is_empty(), "{diags:#?}");
    let (engine, diags) = PolicyEngine::new(&set, &policy::default_params(&set));
    assert!(diags.is_empty(), "{diags:#?}");
    engine
}
