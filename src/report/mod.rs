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

/// What a report is rendered with besides its format.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// `--compliance`: text and markdown group findings by this framework's controls.
    pub compliance: Option<crate::compliance::Framework>,
    /// Repository root for SARIF URIs (default: the working directory).
    pub source_root: Option<std::path::PathBuf>,
}

/// Write `report` in `format` to `out` (JSON, the largest, streamed as it renders);
/// returns what the renderer had to say about the output (SARIF's warnings).
pub fn write(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<Vec<String>> {
    let (text, problems) = match format {
        Format::Json => return json::write(report, out).map(|()| Vec::new()),
        Format::Text => match opts.compliance {
            Some(framework) => (text::render_by_control(report, framework), Vec::new()),
            None => (text::render(report), Vec::new()),
        },
        Format::Markdown => (markdown::render(report, opts.compliance), Vec::new()),
        Format::Junit => (junit::render(report), Vec::new()),
        Format::Sarif => sarif::render(
            report,
            &sarif::SarifOptions {
                source_root: opts.source_root.clone(),
            },
        ),
    };
    out.write_all(text.as_bytes())?;
    Ok(problems)
}
