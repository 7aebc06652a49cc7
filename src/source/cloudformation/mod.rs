//! CloudFormation templates (YAML or JSON; CDK's `cdk.out` output too) as a source.

pub mod eval;
pub mod yaml;
