//! `graph` and `collect`: write the graph document of files or of a live account.

use super::args::{CollectArgs, GraphArgs};
use super::inputs::{config_only, file_graph, live_graph};
use super::output::{eprint_problems, write_graph};
use super::Outcome;
use crate::diagnostics::Level;

pub(super) fn cmd_collect(args: CollectArgs) -> Outcome {
    let config = config_only(args.config.as_deref())?;
    let mut graph = live_graph(&args.aws, &config.redactor())?;
    if let Some(dir) = &args.aws.snapshot_dir {
        crate::snapshot::write(&mut graph, dir)?;
    }
    eprint_problems(&graph.diagnostics);
    write_graph(args.output.as_ref(), &graph)?;
    let levels: Vec<Level> = graph.diagnostics.iter().map(|d| d.level).collect();
    Ok(if levels.contains(&Level::Error) {
        2
    } else if levels.contains(&Level::Incomplete) {
        3
    } else {
        0
    })
}

pub(super) fn cmd_graph(args: GraphArgs) -> Outcome {
    let config = config_only(args.config.as_deref())?;
    let opts = args.iac.file_options(args.max_file_size)?;
    let (graph, _) = file_graph(&args.paths, &opts, &config.redactor());
    eprint_problems(&graph.diagnostics);
    write_graph(args.output.as_ref(), &graph)?;
    let failed = graph.diagnostics.iter().any(|d| d.level == Level::Error);
    Ok(if failed { 2 } else { 0 })
}
