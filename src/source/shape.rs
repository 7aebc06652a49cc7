//! Recognise task definitions among JSON documents and check the types of the fields
//! policies rely on, so a wrong shape is a positioned error rather than a silent miss.

use super::InputShape;
use serde_json::Value;

/// What one JSON value turned out to be.
#[derive(Debug)]
pub enum Classified<'a> {
    /// Task definitions found: (pointer of the object, object, tags, shape).
    TaskDefinitions(Vec<Found<'a>>, Vec<(String, String)>),
    /// Not a task definition; the reason says what it looks like instead.
    NotTaskDefinition(String),
}

/// A task-definition object located inside a document.
#[derive(Debug)]
pub struct Found<'a> {
    pub pointer: String,
    pub value: &'a Value,
    pub tags: Option<&'a Value>,
    pub shape: InputShape,
}

fn is_task_definition(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("containerDefinitions"))
}

fn looks_like_container_definition(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        !o.contains_key("containerDefinitions")
            && (o.contains_key("image")
                || (o.contains_key("name")
                    && ["portMappings", "essential", "environment", "memory", "cpu"]
                        .iter()
                        .any(|k| o.contains_key(*k))))
    })
}

/// Classify one top-level document (or array element) found at `pointer`.
fn classify_one<'a>(v: &'a Value, pointer: &str) -> Result<Found<'a>, String> {
    if is_task_definition(v) {
        return Ok(Found {
            pointer: pointer.to_string(),
            value: v,
            tags: None,
            shape: InputShape::RegisterInput,
        });
    }
    if let Some(inner) = v.get("taskDefinition") {
        if is_task_definition(inner) {
            return Ok(Found {
                pointer: format!("{pointer}/taskDefinition"),
                value: inner,
                tags: v.get("tags"),
                shape: InputShape::DescribeOutput,
            });
        }
        return Err("has a `taskDefinition` key but it holds no `containerDefinitions`".into());
    }
    if looks_like_container_definition(v) {
        return Err("is a container definition, not a task definition".into());
    }
    Err(match v {
        Value::Object(_) => {
            "is a JSON object without `containerDefinitions` or `taskDefinition`".into()
        }
        Value::Array(_) => "is a nested array".into(),
        _ => format!("is a JSON {}", kind_name(v)),
    })
}

/// Decide whether a parsed document holds task definitions.
pub fn classify(doc: &Value) -> Classified<'_> {
    match doc {
        Value::Array(items) => {
            if items.is_empty() {
                return Classified::NotTaskDefinition("is an empty JSON array".into());
            }
            if items.iter().all(looks_like_container_definition) {
                return Classified::NotTaskDefinition(
                    "is a bare `containerDefinitions` list, not a task definition: wrap it as \
                     {\"family\": ..., \"containerDefinitions\": [...]} to scan it"
                        .into(),
                );
            }
            let mut found = Vec::new();
            let mut rejected = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = format!("/{i}");
                match classify_one(item, &p) {
                    Ok(f) => found.push(f),
                    Err(why) => rejected.push((p, why)),
                }
            }
            if found.is_empty() {
                Classified::NotTaskDefinition(
                    "is an array whose elements are not task definitions".into(),
                )
            } else {
                Classified::TaskDefinitions(found, rejected)
            }
        }
        _ => match classify_one(doc, "") {
            Ok(f) => Classified::TaskDefinitions(vec![f], Vec::new()),
            Err(why) => Classified::NotTaskDefinition(why),
        },
    }
}

/// JSON type name for messages.
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Expected JSON type of a field.
#[derive(Clone, Copy)]
enum Want {
    Str,
    Int,
    StrOrInt,
    Bool,
    Obj,
    Arr,
}

impl Want {
    fn accepts(self, v: &Value) -> bool {
        match self {
            Want::Str => v.is_string(),
            Want::Int => v.is_i64() || v.is_u64(),
            Want::StrOrInt => v.is_string() || v.is_i64() || v.is_u64(),
            Want::Bool => v.is_boolean(),
            Want::Obj => v.is_object(),
            Want::Arr => v.is_array(),
        }
    }
    fn describe(self) -> &'static str {
        match self {
            Want::Str => "a string",
            Want::Int => "an integer",
            Want::StrOrInt => "a string or an integer",
            Want::Bool => "a boolean",
            Want::Obj => "an object",
            Want::Arr => "an array",
        }
    }
}

const TASK_FIELDS: &[(&str, Want)] = &[
    ("family", Want::Str),
    ("containerDefinitions", Want::Arr),
    ("taskRoleArn", Want::Str),
    ("executionRoleArn", Want::Str),
    ("networkMode", Want::Str),
    ("cpu", Want::StrOrInt),
    ("memory", Want::StrOrInt),
    ("pidMode", Want::Str),
    ("ipcMode", Want::Str),
    ("requiresCompatibilities", Want::Arr),
    ("volumes", Want::Arr),
    ("tags", Want::Arr),
];

const CONTAINER_FIELDS: &[(&str, Want)] = &[
    ("name", Want::Str),
    ("image", Want::Str),
    ("cpu", Want::Int),
    ("memory", Want::Int),
    ("memoryReservation", Want::Int),
    ("essential", Want::Bool),
    ("privileged", Want::Bool),
    ("readonlyRootFilesystem", Want::Bool),
    ("user", Want::Str),
    ("environment", Want::Arr),
    ("secrets", Want::Arr),
    ("portMappings", Want::Arr),
    ("mountPoints", Want::Arr),
    ("command", Want::Arr),
    ("entryPoint", Want::Arr),
    ("dockerLabels", Want::Obj),
    ("logConfiguration", Want::Obj),
    ("healthCheck", Want::Obj),
    ("linuxParameters", Want::Obj),
];

/// A field of the wrong type: (pointer relative to the task definition, message).
pub type ShapeError = (String, String);

fn check_fields(
    obj: &serde_json::Map<String, Value>,
    base: &str,
    fields: &[(&str, Want)],
    out: &mut Vec<ShapeError>,
) {
    // Nearly every object is fine: one pass over its entries says so without a lookup per
    // field; the ordered check below runs only when one is wrong.
    let fine = obj.iter().all(|(k, v)| {
        fields
            .iter()
            .find(|(name, _)| name == k)
            .is_none_or(|(_, want)| want.accepts(v))
    });
    if fine {
        return;
    }
    for (name, want) in fields {
        if let Some(v) = obj.get(*name) {
            if !want.accepts(v) {
                out.push((
                    format!("{base}/{name}"),
                    format!(
                        "`{name}` should be {}, found {}",
                        want.describe(),
                        kind_name(v)
                    ),
                ));
            }
        }
    }
}

fn check_name_value_list(list: &Value, base: &str, value_key: &str, out: &mut Vec<ShapeError>) {
    let Some(items) = list.as_array() else {
        return;
    };
    for (j, item) in items.iter().enumerate() {
        let p = || format!("{base}/{j}");
        let Some(o) = item.as_object() else {
            out.push((
                p(),
                format!("entry should be an object, found {}", kind_name(item)),
            ));
            continue;
        };
        for key in ["name", value_key] {
            match o.get(key) {
                Some(v) if !v.is_string() => out.push((
                    format!("{}/{key}", p()),
                    format!("`{key}` should be a string, found {}", kind_name(v)),
                )),
                None => out.push((p(), format!("entry has no `{key}`"))),
                _ => {}
            }
        }
    }
}

/// Remove every object entry whose value is `null`, at any depth: a `null` field is an
/// absent one (ECS and the deploy action ignore them), never a value of its own.
pub fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, item| !item.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Most container definitions a task definition may hold to be checked (ECS registers
/// at most 10), and most entries of any other list in it (environment, secrets, port
/// mappings...): beyond these a file is not a task definition ECS would take, and
/// checking it would cost memory out of all proportion (100,000 containers: 1.2 GB).
pub const MAX_CONTAINERS: usize = 1_000;
pub const MAX_LIST: usize = 10_000;

/// The first list of `td` longer than its limit: (pointer, length, limit).
pub fn too_large(td: &Value) -> Option<(String, usize, usize)> {
    fn walk(v: &Value, pointer: &mut String, out: &mut Option<(String, usize, usize)>) {
        match v {
            Value::Array(items) => {
                let limit = if pointer == "/containerDefinitions" {
                    MAX_CONTAINERS
                } else {
                    MAX_LIST
                };
                if items.len() > limit {
                    *out = Some((pointer.clone(), items.len(), limit));
                    return;
                }
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    walk(item, pointer, out);
                    pointer.truncate(len);
                    if out.is_some() {
                        return;
                    }
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    walk(item, pointer, out);
                    pointer.truncate(len);
                    if out.is_some() {
                        return;
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = None;
    walk(td, &mut String::new(), &mut out);
    out
}

/// Check the fields policies read; returns every type mismatch found.
pub fn validate(td: &Value) -> Vec<ShapeError> {
    let mut out = Vec::new();
    let Some(obj) = td.as_object() else {
        return vec![(String::new(), "task definition should be an object".into())];
    };
    if !obj.contains_key("family") {
        out.push((String::new(), "task definition has no `family`".into()));
    }
    check_fields(obj, "", TASK_FIELDS, &mut out);
    let Some(containers) = obj.get("containerDefinitions").and_then(Value::as_array) else {
        return out;
    };
    if containers.is_empty() {
        out.push((
            "/containerDefinitions".into(),
            "`containerDefinitions` is empty".into(),
        ));
    }
    for (i, c) in containers.iter().enumerate() {
        let base = format!("/containerDefinitions/{i}");
        let Some(co) = c.as_object() else {
            out.push((
                base,
                format!(
                    "container definition should be an object, found {}",
                    kind_name(c)
                ),
            ));
            continue;
        };
        for required in ["name", "image"] {
            if !co.contains_key(required) {
                out.push((base.clone(), format!("container has no `{required}`")));
            }
        }
        check_fields(co, &base, CONTAINER_FIELDS, &mut out);
        if let Some(env) = co.get("environment") {
            check_name_value_list(env, &format!("{base}/environment"), "value", &mut out);
        }
        if let Some(secrets) = co.get("secrets") {
            check_name_value_list(secrets, &format!("{base}/secrets"), "valueFrom", &mut out);
        }
        if let Some(ports) = co.get("portMappings").and_then(Value::as_array) {
            for (j, pm) in ports.iter().enumerate() {
                let p = format!("{base}/portMappings/{j}");
                match pm.as_object() {
                    Some(pmo) => check_fields(
                        pmo,
                        &p,
                        &[("containerPort", Want::Int), ("hostPort", Want::Int)],
                        &mut out,
                    ),
                    None => out.push((p, "port mapping should be an object".into())),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn register_input_and_describe_output() {
        let reg = json!({"family": "a", "containerDefinitions": []});
        assert!(
            matches!(classify(&reg), Classified::TaskDefinitions(ref f, _) if f[0].pointer.is_empty())
        );
        let desc =
            json!({"taskDefinition": {"family": "a", "containerDefinitions": []}, "tags": []});
        match classify(&desc) {
            Classified::TaskDefinitions(f, _) => {
                assert_eq!(f[0].pointer, "/taskDefinition");
                assert_eq!(f[0].shape, InputShape::DescribeOutput);
                assert!(f[0].tags.is_some());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bare_container_list_is_not_a_task_definition() {
        let list = json!([{"name": "app", "image": "nginx"}]);
        match classify(&list) {
            Classified::NotTaskDefinition(why) => {
                assert!(why.contains("bare `containerDefinitions`"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn arrays_keep_pointers_and_reject_odd_elements() {
        let arr = json!([{"family": "a", "containerDefinitions": []}, 3, {"taskDefinition": {"containerDefinitions": []}}]);
        match classify(&arr) {
            Classified::TaskDefinitions(f, rejected) => {
                assert_eq!(f.len(), 2);
                assert_eq!(f[1].pointer, "/2/taskDefinition");
                assert_eq!(
                    rejected,
                    vec![("/1".to_string(), "is a JSON number".to_string())]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn package_json_is_not_a_task_definition() {
        assert!(matches!(
            classify(&json!({"name": "x", "dependencies": {}})),
            Classified::NotTaskDefinition(_)
        ));
    }

    #[test]
    fn validate_reports_wrong_types_with_pointers() {
        let td = json!({
            "family": "a",
            "containerDefinitions": [
                {"name": "app", "image": "x", "privileged": "yes",
                 "environment": [{"name": "A", "value": 3}, "oops"]},
                7
            ]
        });
        let errs = validate(&td);
        let pointers: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            vec![
                "/containerDefinitions/0/privileged",
                "/containerDefinitions/0/environment/0/value",
                "/containerDefinitions/0/environment/1",
                "/containerDefinitions/1"
            ]
        );
    }
}
