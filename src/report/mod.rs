//! Output formats. Reporters read a [`crate::scan::Report`]; they know nothing of Rego.

pub mod collected;
pub mod controls;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

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
