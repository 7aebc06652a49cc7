//! The graph as policies see it: a shard converted to the regorus value that is
//! `input`. The same value as parsing the shard's JSON, built directly from the graph's
//! JSON trees: objects are sorted once and built in bulk, and every distinct object key
//! is one shared string (a shard repeats the same few hundred keys thousands of times).

use crate::graph::GraphView;
use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// A shard as `input`: equal to parsing the JSON of the view.
pub fn shard_to_rego(shard: &GraphView) -> anyhow::Result<RegoValue> {
    let mut conv = Converter::default();
    let mut nodes = Vec::with_capacity(shard.nodes.len());
    for (id, node) in &shard.nodes {
        let source = serde_json::to_value(&node.source)?;
        let status = serde_json::to_value(node.status)?;
        let fields: [(&str, RegoValue); 8] = [
            ("derived", conv.value(&node.derived)),
            ("id", RegoValue::from(node.id.as_str())),
            ("identity", RegoValue::from(node.identity.as_str())),
            ("kind", RegoValue::from(node.kind.as_str())),
            ("name", RegoValue::from(node.name.as_str())),
            ("properties", conv.value(&node.properties)),
            ("source", conv.value(&source)),
            ("status", conv.value(&status)),
        ];
        nodes.push((RegoValue::from(*id), conv.sorted_object(fields)));
    }
    let generator = serde_json::to_value(shard.generator)?;
    let edges = serde_json::to_value(&shard.edges)?;
    let doc: [(&str, RegoValue); 6] = [
        ("diagnostics", RegoValue::from(Vec::<RegoValue>::new())),
        ("edges", conv.value(&edges)),
        ("generator", conv.value(&generator)),
        // `shard.nodes` iterates in id order, which is the object's order.
        (
            "nodes",
            RegoValue::from(nodes.into_iter().collect::<BTreeMap<_, _>>()),
        ),
        ("schema_version", RegoValue::from(shard.schema_version)),
        ("sources", conv.array(shard.sources)),
    ];
    Ok(conv.sorted_object(doc))
}

/// JSON to regorus values, sharing one allocation per distinct object key.
#[derive(Default)]
struct Converter {
    keys: foldhash::HashMap<String, RegoValue>,
}

impl Converter {
    fn key(&mut self, k: &str) -> RegoValue {
        if let Some(v) = self.keys.get(k) {
            return v.clone();
        }
        let v = RegoValue::from(k);
        self.keys.insert(k.to_string(), v.clone());
        v
    }

    fn value(&mut self, v: &Value) -> RegoValue {
        match v {
            Value::Null => RegoValue::Null,
            Value::Bool(b) => RegoValue::from(*b),
            // As regorus' own deserializer reads each kind of JSON number.
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => RegoValue::from(u),
                (None, Some(i), _) => RegoValue::from(i),
                (None, None, Some(f)) => RegoValue::from(f),
                (None, None, None) => RegoValue::Undefined,
            },
            Value::String(s) => RegoValue::from(s.as_str()),
            Value::Array(items) => self.array(items),
            Value::Object(map) => {
                let mut entries: Vec<(&str, &Value)> =
                    map.iter().map(|(k, v)| (k.as_str(), v)).collect();
                // In regorus' order (a string key by its bytes, as `str` orders), so the map
                // below is built in one pass.
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let converted: Vec<(&str, RegoValue)> = entries
                    .into_iter()
                    .map(|(k, v)| (k, self.value(v)))
                    .collect();
                self.sorted_object(converted)
            }
        }
    }

    fn array(&mut self, items: &[Value]) -> RegoValue {
        RegoValue::from(items.iter().map(|x| self.value(x)).collect::<Vec<_>>())
    }

    /// An object from entries already in key order with distinct keys (built in bulk).
    fn sorted_object<'k>(
        &mut self,
        entries: impl IntoIterator<Item = (&'k str, RegoValue)>,
    ) -> RegoValue {
        let map: BTreeMap<RegoValue, RegoValue> =
            entries.into_iter().map(|(k, v)| (self.key(k), v)).collect();
        RegoValue::from(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Graph;
    use crate::policy::engine::{sample_graph, to_rego};

    /// Every JSON number kind, key order (bytes, not letters), nesting and empty values
    /// come out as parsing the shard's JSON text gives them.
    #[test]
    fn converts_as_parsing_the_json_text_would() {
        let properties = serde_json::json!({
            "family": "odd",
            "zeta": 1, "Zeta": -1, "éclair": 1.5, "alpha": u64::MAX, "min": i64::MIN,
            "big": 1e300, "tiny": -2.5e-8, "zero": 0, "null": null, "t": true, "f": false,
            "nested": {"b": [1, {"y": [], "x": {}}, "s"], "a": {"": "empty key"}},
            "containerDefinitions": [{"name": "app", "image": "nginx", "environment": []}]
        });
        let doc = crate::graph::input::TaskDefinitionDoc {
            file: "odd.json".into(),
            pointer: String::new(),
            shape: crate::graph::input::InputShape::RegisterInput,
            value: properties,
            tags: None,
        };
        let graph: Graph = crate::graph::from_files(
            &["odd.json".into()],
            vec![doc],
            Vec::new(),
            &Default::default(),
        );
        let view = graph.view();
        let text = serde_json::to_string(&view).unwrap();
        let expected = RegoValue::from_json_str(&text).unwrap();
        assert_eq!(shard_to_rego(&view).unwrap(), expected);
        // The same value serialises to the same JSON (order and number kinds included).
        assert_eq!(
            serde_json::to_string(&shard_to_rego(&view).unwrap()).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
    }

    /// Every shard of the examples, the live-graph fixture and the sample graph converts
    /// as its JSON text would.
    #[test]
    fn shards_convert_as_their_json_would() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let scan = crate::source::files::scan(&[root.join("examples")], &Default::default());
        let files = crate::graph::from_files(
            &["examples".into()],
            scan.task_definitions,
            Vec::new(),
            &Default::default(),
        );
        let live = Graph::from_json(
            &std::fs::read_to_string(root.join("tests/data/live-graph.json")).unwrap(),
            &Default::default(),
        )
        .unwrap();
        for graph in [files, live, sample_graph()] {
            assert!(!graph.nodes.is_empty());
            for shard in graph.shards(3) {
                assert_eq!(shard_to_rego(&shard).unwrap(), to_rego(&shard).unwrap());
            }
        }
    }
}
