//! Output formats. Reporters read a [`crate::scan::Report`]; they know nothing of Rego.

pub mod collected;
pub mod controls;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

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
