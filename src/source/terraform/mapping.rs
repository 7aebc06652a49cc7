//! Terraform resource arguments (snake_case, blocks as lists) onto the AWS API objects
//! the graph holds (camelCase, as the live collector stores them).

use super::eval::Module;
use crate::source::iac::{json_spanned, Origin, Spanned, Val};

/// How one argument of a resource maps: its Terraform name, its API name and how the
/// value converts.
enum Arg {
    /// Copied as it is.
    Same(&'static str, &'static str),
    /// A number or string, as the API's string.
    Text(&'static str, &'static str),
    /// The first (only) nested block, mapped with its own table.
    Block(&'static str, &'static str, &'static [Arg]),
    /// Every nested block, as a list mapped with its own table.
    Blocks(&'static str, &'static str, &'static [Arg]),
    /// A map, as a list of `{key, value}`.
    Tags(&'static str, &'static str),
    /// A map, as a list of `{name, value}`.
    NameValues(&'static str, &'static str),
}

const AUTHORIZATION: &[Arg] = &[
    Arg::Same("access_point_id", "accessPointId"),
    Arg::Same("iam", "iam"),
];

const EFS: &[Arg] = &[
    Arg::Same("file_system_id", "fileSystemId"),
    Arg::Same("root_directory", "rootDirectory"),
    Arg::Same("transit_encryption", "transitEncryption"),
    Arg::Same("transit_encryption_port", "transitEncryptionPort"),
    Arg::Block("authorization_config", "authorizationConfig", AUTHORIZATION),
];

const DOCKER_VOLUME: &[Arg] = &[
    Arg::Same("scope", "scope"),
    Arg::Same("autoprovision", "autoprovision"),
    Arg::Same("driver", "driver"),
    Arg::Same("driver_opts", "driverOpts"),
    Arg::Same("labels", "labels"),
];

const VOLUME: &[Arg] = &[
    Arg::Same("name", "name"),
    Arg::Same("configure_at_launch", "configuredAtLaunch"),
    Arg::Block("efs_volume_configuration", "efsVolumeConfiguration", EFS),
    Arg::Block(
        "docker_volume_configuration",
        "dockerVolumeConfiguration",
        DOCKER_VOLUME,
    ),
];

const RUNTIME_PLATFORM: &[Arg] = &[
    Arg::Same("operating_system_family", "operatingSystemFamily"),
    Arg::Same("cpu_architecture", "cpuArchitecture"),
];

const EPHEMERAL_STORAGE: &[Arg] = &[Arg::Same("size_in_gib", "sizeInGiB")];

const PLACEMENT: &[Arg] = &[
    Arg::Same("type", "type"),
    Arg::Same("expression", "expression"),
];

const PROXY: &[Arg] = &[
    Arg::Same("type", "type"),
    Arg::Same("container_name", "containerName"),
    Arg::NameValues("properties", "properties"),
];

/// `aws_ecs_task_definition` (container_definitions is decoded separately).
const TASK_DEFINITION: &[Arg] = &[
    Arg::Same("family", "family"),
    Arg::Same("task_role_arn", "taskRoleArn"),
    Arg::Same("execution_role_arn", "executionRoleArn"),
    Arg::Same("network_mode", "networkMode"),
    Arg::Same("ipc_mode", "ipcMode"),
    Arg::Same("pid_mode", "pidMode"),
    Arg::Text("cpu", "cpu"),
    Arg::Text("memory", "memory"),
    Arg::Same("requires_compatibilities", "requiresCompatibilities"),
    Arg::Block("runtime_platform", "runtimePlatform", RUNTIME_PLATFORM),
    Arg::Block("ephemeral_storage", "ephemeralStorage", EPHEMERAL_STORAGE),
    Arg::Blocks("volume", "volumes", VOLUME),
    Arg::Blocks("placement_constraints", "placementConstraints", PLACEMENT),
    Arg::Block("proxy_configuration", "proxyConfiguration", PROXY),
    Arg::Tags("tags", "tags"),
];

/// The API object of an `aws_ecs_task_definition` whose arguments are `args`.
/// `container_definitions` is the decoded value of that argument.
pub fn task_definition(args: &Spanned, container_definitions: Option<Spanned>) -> Spanned {
    let mut out = map_object(args, TASK_DEFINITION);
    if let (Some(defs), Val::Object { entries, .. }) = (container_definitions, &mut out.val) {
        entries.insert(1.min(entries.len()), ("containerDefinitions".into(), defs));
    }
    out
}

fn map_object(args: &Spanned, table: &[Arg]) -> Spanned {
    let (entries, open) = match &args.val {
        Val::Object { open, .. } => (map_entries(args, table), *open),
        Val::Unknown { .. } => return args.clone(),
        _ => (Vec::new(), false),
    };
    Spanned::new(Val::Object { entries, open }, args.origin.clone())
}

fn map_entries(args: &Spanned, table: &[Arg]) -> Vec<(String, Spanned)> {
    let mut out = Vec::new();
    for arg in table {
        let (from, to) = match arg {
            Arg::Same(f, t)
            | Arg::Text(f, t)
            | Arg::Block(f, t, _)
            | Arg::Blocks(f, t, _)
            | Arg::Tags(f, t)
            | Arg::NameValues(f, t) => (*f, *t),
        };
        let Some(v) = args.get(from) else { continue };
        if matches!(v.val, Val::Null) {
            continue; // an argument set to null is not set
        }
        let mapped = match arg {
            Arg::Same(..) => v.clone(),
            Arg::Text(..) => match &v.val {
                Val::Number(n) => Spanned::new(Val::String(n.to_string()), v.origin.clone()),
                _ => v.clone(),
            },
            Arg::Block(_, _, t) => match &v.val {
                Val::List(items) => match items.first() {
                    Some(first) => map_object(first, t),
                    None => continue,
                },
                _ => map_object(v, t),
            },
            Arg::Blocks(_, _, t) => match &v.val {
                Val::List(items) => Spanned::new(
                    Val::List(items.iter().map(|i| map_volume_like(i, t)).collect()),
                    v.origin.clone(),
                ),
                _ => v.clone(),
            },
            Arg::Tags(..) => pairs(v, "key"),
            Arg::NameValues(..) => pairs(v, "name"),
        };
        out.push((to.to_string(), mapped));
    }
    out
}

/// A volume block: its table, and `host_path` as `host.sourcePath`.
fn map_volume_like(v: &Spanned, table: &[Arg]) -> Spanned {
    let mut out = map_object(v, table);
    if let (Some(host), Val::Object { entries, .. }) = (v.get("host_path"), &mut out.val) {
        if !matches!(host.val, Val::Null) {
            let inner = Spanned::new(
                Val::Object {
                    entries: vec![("sourcePath".into(), host.clone())],
                    open: false,
                },
                host.origin.clone(),
            );
            entries.push(("host".into(), inner));
        }
    }
    out
}

/// A map as a list of `{<name_key>: k, value: v}` entries.
fn pairs(v: &Spanned, name_key: &str) -> Spanned {
    match &v.val {
        Val::Object { entries, open } => {
            let items = entries
                .iter()
                .map(|(k, x)| {
                    Spanned::new(
                        Val::Object {
                            entries: vec![
                                (
                                    name_key.into(),
                                    Spanned::new(Val::String(k.clone()), x.origin.clone()),
                                ),
                                ("value".into(), x.clone()),
                            ],
                            open: false,
                        },
                        x.origin.clone(),
                    )
                })
                .collect();
            if *open {
                Spanned::new(
                    Val::Unknown {
                        shown: "${tags}".into(),
                    },
                    v.origin.clone(),
                )
            } else {
                Spanned::new(Val::List(items), v.origin.clone())
            }
        }
        _ => v.clone(),
    }
}

/// Decode `container_definitions`: the value `jsonencode` was given (with its HCL
/// lines), JSON a `file()` or `templatefile()` read (its lines in that file), a heredoc
/// (its lines in the `.tf` file: `heredoc` is where its text starts and how far it was
/// dedented), or JSON text without lines of its own (all at the argument).
pub fn container_definitions(
    module: &Module,
    value: &Spanned,
    heredoc: Option<(Origin, u32)>,
) -> Spanned {
    // Text with unknown parts (`${...}`) still parses when they sit inside strings.
    let (text, templated) = match &value.val {
        Val::String(s) => (s.clone(), heredoc.is_some()),
        Val::Unknown { shown } => match module.recall_json(shown) {
            Some(v) => return v,
            None => (shown.clone(), true),
        },
        _ => return value.clone(),
    };
    if let Some(v) = module.recall_json(&text) {
        return v;
    }
    let parsed = match &heredoc {
        Some((start, indent)) => {
            json_spanned(&text, &start.file, start.line, start.column + indent).map(|mut v| {
                shift_columns(&mut v, start.line, *indent);
                v
            })
        }
        None => json_spanned(&text, &"?".into(), 1, 1).map(|mut v| {
            crate::source::iac::set_origins(&mut v, value.origin.as_ref());
            v
        }),
    };
    match parsed {
        Ok(mut v) => {
            if templated {
                mark_templated(&mut v);
            }
            v
        }
        Err(_) if templated => value.clone(),
        Err(e) => {
            module.problem(
                format!("container_definitions is not valid JSON: {e}"),
                value.origin.clone(),
            );
            Spanned::new(
                Val::Unknown {
                    shown: "${container_definitions}".into(),
                },
                value.origin.clone(),
            )
        }
    }
}

/// Lines after the first of a dedented heredoc lost `indent` columns.
fn shift_columns(v: &mut Spanned, first_line: u32, indent: u32) {
    if let Some(o) = &mut v.origin {
        if o.line > first_line {
            o.column += indent;
        }
        if o.end_line > first_line {
            o.end_column += indent;
        }
    }
    match &mut v.val {
        Val::List(items) => items
            .iter_mut()
            .for_each(|i| shift_columns(i, first_line, indent)),
        Val::Object { entries, .. } => entries
            .iter_mut()
            .for_each(|(_, x)| shift_columns(x, first_line, indent)),
        _ => {}
    }
}

/// In text Terraform rendered, `${...}` is what it could not: unknown.
fn mark_templated(v: &mut Spanned) {
    match &mut v.val {
        Val::String(s) if s.contains("${") => {
            v.val = Val::Unknown { shown: s.clone() };
        }
        Val::List(items) => items.iter_mut().for_each(mark_templated),
        Val::Object { entries, .. } => entries.iter_mut().for_each(|(_, x)| mark_templated(x)),
        _ => {}
    }
}
