//! Output formats. Reporters read a [`Report`] (plain data, [`document`]); they know
//! nothing of Rego or of how the scan was made.

pub mod collected;
pub mod controls;
pub mod document;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

pub use document::{CloudFormationSummary, Report, Summary, TerraformSummary};

/// "" for one, "s" otherwise: `format!("{n} finding{}", plural(n))`.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Output format of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    /// A summary for pull-request comments and job summaries.
    Markdown,
    /// JUnit XML for CI systems.
    Junit,
}
