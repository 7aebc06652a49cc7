//! Task definitions read from files as graph nodes: their ids, their redaction and the
//! facts derived from their properties (`derived`), shared with IaC and live sources.

use super::*;

/// Id of a task definition read from a file.
pub fn file_node_id(file: &str, pointer: &str) -> String {
    format!("file:{file}#{pointer}")
}

/// How messages name container `i`: `container "web"` (the name quoted as JSON quotes
/// it), or `container #2` when it has no name. Rules read it as
/// `derived.containers[i].label`; `lib.container_label` in Rego gives the same text.
fn container_label(name: Option<&str>, i: usize) -> String {
    match name {
        Some(n) => format!("container {}", Value::from(n)),
        None => format!("container #{i}"),
    }
}

/// Derived facts for a task definition: parsed images and normalised cpu/memory.
pub fn derive_task_definition(td: &Value) -> Value {
    // Objects are built field by field (not with `json!`, which would copy the
    // containers by serialising them): this runs for every task definition scanned.
    let containers: Vec<Value> = td
        .get("containerDefinitions")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .enumerate()
                .map(|(i, c)| {
                    let name = c.get("name").and_then(Value::as_str);
                    let image = c.get("image").and_then(Value::as_str).map(image::parse);
                    let mut m = Map::with_capacity(3);
                    m.insert("name".into(), name.into());
                    m.insert("label".into(), container_label(name, i).into());
                    m.insert("image".into(), image.into());
                    Value::Object(m)
                })
                .collect()
        })
        .unwrap_or_default();
    let fargate = td
        .get("requiresCompatibilities")
        .and_then(Value::as_array)
        .is_some_and(|c| c.iter().any(|c| c.as_str() == Some("FARGATE")));
    let network_mode = td.get("networkMode").and_then(Value::as_str);
    let mut d = Map::with_capacity(6);
    d.insert("containers".into(), Value::Array(containers));
    d.insert(
        "cpu_units".into(),
        td.get("cpu").and_then(units::cpu_units).into(),
    );
    d.insert(
        "memory_mib".into(),
        td.get("memory").and_then(units::memory_mib).into(),
    );
    d.insert("fargate".into(), fargate.into());
    d.insert("secrets".into(), secrets::found(td));
    let default_mode = if fargate { "awsvpc" } else { "bridge" };
    d.insert(
        "network_mode".into(),
        network_mode.unwrap_or(default_mode).into(),
    );
    Value::Object(d)
}

/// Node for a task definition read from a file, its secrets redacted. Describe-output
/// tags are merged into `properties.tags` (the register-input field name).
pub fn task_definition_node(doc: TaskDefinitionDoc, redactor: &secrets::Redactor) -> Node {
    let TaskDefinitionDoc {
        file,
        pointer,
        shape,
        value: mut properties,
        tags,
    } = doc;
    if let (Some(tags), Some(obj)) = (tags, properties.as_object_mut()) {
        if !obj.contains_key("tags") {
            obj.insert("tags".into(), tags);
        }
    }
    redactor.redact_task_definition(&mut properties);
    let family = properties.get("family").and_then(Value::as_str);
    let revision = properties.get("revision").and_then(Value::as_i64);
    let name = match (family, revision) {
        (Some(f), Some(r)) => format!("{f}:{r}"),
        (Some(f), None) => f.to_string(),
        (None, _) => format!("{file}#{pointer}"),
    };
    let identity = match family {
        Some(f) => format!("file:{file}#family={f}"),
        None => file_node_id(&file, &pointer),
    };
    Node {
        id: file_node_id(&file, &pointer),
        kind: kind::TASK_DEFINITION.to_string(),
        name,
        identity,
        source: NodeSource::File {
            file,
            pointer,
            shape,
        },
        status: Status::Complete,
        derived: derive_task_definition(&properties),
        properties,
        locations: BTreeMap::new(),
        unresolved: Vec::new(),
    }
}

/// Build the graph of a file scan; the documents move into it (no copy is kept), their
/// secrets redacted.
pub fn from_files(
    paths: &[String],
    docs: Vec<TaskDefinitionDoc>,
    diagnostics: Vec<Diagnostic>,
    redactor: &secrets::Redactor,
) -> Graph {
    let mut g = Graph::new(vec![json!({"type": "files", "paths": paths})]);
    for doc in docs {
        g.add_node(task_definition_node(doc, redactor));
    }
    g.diagnostics = diagnostics;
    g
}
