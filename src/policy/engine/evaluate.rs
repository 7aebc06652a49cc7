//! Evaluating the rules over a graph: shards on every core, the VM or the interpreter,
//! a failing rule retried on smaller parts of its shard, findings read back.

use super::*;

impl PolicyEngine {
    /// Evaluate every rule over `graph`, split into `threads` shards. A rule that overruns
    /// its budget on a shard is stopped there and not run on the shards after it.
    pub fn evaluate(&self, graph: &Graph, threads: usize) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        if self.rules.is_empty() || graph.nodes.is_empty() {
            return (Vec::new(), Vec::new());
        }
        // Workers that may be abandoned own what they use.
        let this = Arc::new(self.clone());
        // Many small shards rather than one per thread: the regorus copy of the input and
        // the evaluation state of a shard live only while it runs, which bounds memory.
        let shards = graph.shards(threads.max(graph.nodes.len() / SHARD_NODES));
        let results: Vec<(Vec<RawFinding>, Vec<Diagnostic>)> = shards
            .par_iter()
            .map(|shard| this.evaluate_shard(shard))
            .collect();
        let mut findings = Vec::new();
        let mut diags = Vec::new();
        for (f, d) in results {
            findings.extend(f);
            diags.extend(d);
        }
        sort_evaluation_diagnostics(&mut diags);
        (findings, diags)
    }

    /// Evaluate the rules not stopped on one shard.
    fn evaluate_shard(self: &Arc<Self>, shard: &GraphView) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let input = match shard_to_rego(shard) {
            Ok(v) => v,
            Err(e) => {
                return (
                    Vec::new(),
                    vec![Diagnostic::error(
                        "policy-input",
                        format!("cannot convert graph: {e}"),
                    )],
                )
            }
        };
        let stopped_now = self.stopped.lock().map(|s| s.clone()).unwrap_or_default();
        let running = |m: &&RuleMeta| !stopped_now.contains_key(&m.id);
        // The VM's rules first; when it fails or overruns on this shard, the interpreter
        // runs them too and isolates the rule at fault.
        let mut vm_done = None;
        if let Some(program) = &self.program {
            if self.rules_where(true).all(|m| running(&m)) {
                let (program, data, vm_input) = (program.clone(), self.data.clone(), input.clone());
                if let Step::Done(Some(value)) =
                    budget::run_within(self.budget, move || run_vm(program, data, vm_input))
                {
                    vm_done = Some(self.collect(shard, &value));
                }
            }
        }
        let rules: Vec<&RuleMeta> = match &vm_done {
            Some(_) => self.rules_where(false).filter(running).collect(),
            None => self.rules.iter().filter(running).collect(),
        };
        let (mut findings, mut diags) = vm_done.unwrap_or_default();
        diags.extend(stopped_now.into_values());
        if rules.is_empty() {
            return (findings, diags);
        }
        let mut engine = self.engine.clone();
        engine.set_input(input);
        let query = findings_object(rules.iter().copied());
        let mut all = engine.clone();
        let outcome = budget::run_within(self.budget, move || {
            all.eval_query(query, false).map(|results| {
                results
                    .result
                    .first()
                    .and_then(|r| r.expressions.first())
                    .map(|e| e.value.clone())
            })
        });
        match outcome {
            Step::Done(Ok(value)) => {
                if let Some(v) = value {
                    let (f, d) = self.collect(shard, &v);
                    findings.extend(f);
                    diags.extend(d);
                }
            }
            // A rule failed or overran: evaluate rule by rule so the others still report.
            _ => {
                let (f, d) = self.evaluate_rules_apart(&rules, &engine, shard);
                findings.extend(f);
                diags.extend(d);
            }
        }
        (findings, diags)
    }

    /// Evaluate `rules` one by one on `shard` (already `engine`'s input), each within the
    /// budget. A rule that overruns is stopped for the rest of the scan; one that fails is
    /// narrowed down to the resources it failed on.
    fn evaluate_rules_apart(
        &self,
        rules: &[&RuleMeta],
        engine: &regorus::Engine,
        shard: &GraphView,
    ) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let queries: Vec<String> = rules.iter().map(|m| deny_of(m)).collect();
        let (outcomes, _) = budget::run_steps(
            rules.len(),
            self.budget,
            || engine.clone(),
            move |engine, i| engine.eval_rule(queries[i].clone()),
        );
        let mut findings = Vec::new();
        let mut diags = Vec::new();
        for (meta, outcome) in rules.iter().zip(outcomes) {
            let (f, d) = match outcome {
                Step::Done(Ok(set)) => self.collect_rule(meta, shard, set),
                Step::Done(Err(_)) => self.evaluate_rule_isolated(meta, engine, shard),
                other => {
                    let d = over_budget(meta, &other, self.budget, "on one part of the graph");
                    if let (Ok(mut stopped), Some(d)) = (self.stopped.lock(), &d) {
                        stopped.insert(meta.id.clone(), d.clone());
                    }
                    (Vec::new(), d.into_iter().collect())
                }
            };
            findings.extend(f);
            diags.extend(d);
        }
        (findings, diags)
    }

    /// Evaluate one rule on `shard` (already `engine`'s input). When it fails, split the
    /// shard into its connected parts and retry each, so one odd resource costs the rule
    /// only that resource, which the diagnostic names.
    fn evaluate_rule_isolated(
        &self,
        meta: &RuleMeta,
        engine: &regorus::Engine,
        shard: &GraphView,
    ) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let mut e = engine.clone();
        let err = match e.eval_rule(deny_of(meta)) {
            Ok(set) => return self.collect_rule(meta, shard, set),
            Err(err) => err,
        };
        let parts = shard.shards(2);
        if parts.len() < 2 {
            let resource = shard
                .nodes
                .values()
                .find(|n| n.kind == crate::graph::kind::TASK_DEFINITION)
                .or_else(|| shard.nodes.values().next())
                .map(|n| n.id.clone());
            let mut d = rule_eval_error(
                meta,
                &err,
                "could not be evaluated on this resource, its checks were not performed on it",
            );
            if let Some(id) = &resource {
                d.message = format!("{} (resource {id})", d.message);
            }
            d.resource = resource;
            return (Vec::new(), vec![d]);
        }
        let mut findings = Vec::new();
        let mut diags = Vec::new();
        for part in &parts {
            let mut sub = self.engine.clone();
            match shard_to_rego(part) {
                Ok(input) => sub.set_input(input),
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "policy-input",
                        format!("cannot convert graph: {e}"),
                    ));
                    continue;
                }
            }
            let (f, d) = self.evaluate_rule_isolated(meta, &sub, part);
            findings.extend(f);
            diags.extend(d);
        }
        (findings, diags)
    }

    /// Read one rule's `deny` set into raw findings, as [`Self::collect`] does.
    fn collect_rule(
        &self,
        meta: &RuleMeta,
        shard: &GraphView,
        set: RegoValue,
    ) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let by_rule = BTreeMap::from([(RegoValue::from(meta.id.as_str()), set)]);
        self.collect(shard, &RegoValue::from(by_rule))
    }

    /// Read `{rule_id: set of findings}` into raw findings, checking their shape.
    fn collect(&self, shard: &GraphView, value: &RegoValue) -> (Vec<RawFinding>, Vec<Diagnostic>) {
        let mut findings = Vec::new();
        let mut diags = Vec::new();
        // Read straight from regorus' values (sorted, as their JSON would list them).
        let RegoValue::Object(by_rule) = value else {
            return (findings, diags);
        };
        for (rule_id, set) in by_rule.iter_sorted() {
            let RegoValue::String(rule_id) = rule_id else {
                continue;
            };
            let meta = self.rules.iter().find(|m| *m.id == **rule_id);
            let file = meta.map(|m| m.file.clone()).unwrap_or_default();
            let items: Box<dyn Iterator<Item = &RegoValue>> = match set {
                RegoValue::Set(s) => Box::new(s.iter_sorted()),
                RegoValue::Array(a) => Box::new(a.iter()),
                _ => continue,
            };
            for item in items {
                match parse_finding(rule_id, item, shard) {
                    Ok(f) => findings.push(f),
                    Err(why) => diags.push(
                        Diagnostic::error(
                            "policy-bad-finding",
                            format!(
                                "rule {rule_id} produced an unusable finding ({why}): {}",
                                serde_json::to_string(item).unwrap_or_default()
                            ),
                        )
                        .in_file(&file),
                    ),
                }
            }
        }
        (findings, diags)
    }
}

/// Run the VM's entry point on `input`: every VM rule's findings, or `None` on an error.
pub(super) fn run_vm(
    program: Arc<Program>,
    data: RegoValue,
    input: RegoValue,
) -> Option<RegoValue> {
    let mut vm = RegoVM::new();
    vm.load_program(program);
    vm.set_max_instructions(usize::MAX);
    vm.set_strict_builtin_errors(false);
    vm.set_data(data).ok()?;
    vm.set_input(input);
    vm.execute_entry_point_by_name(ENTRY_POINT).ok()
}

/// A rule's finding object as a [`RawFinding`], or why it is not one.
pub(super) fn parse_finding(
    rule_id: &str,
    item: &RegoValue,
    shard: &GraphView,
) -> Result<RawFinding, String> {
    let RegoValue::Object(obj) = item else {
        return Err("a finding must be an object".into());
    };
    // One pass over the object's few entries instead of a key value built per lookup.
    const FIELDS: [&str; 6] = [
        "resource", "message", "pointer", "related", "severity", "controls",
    ];
    let mut found: [Option<&RegoValue>; FIELDS.len()] = [None; FIELDS.len()];
    for (key, value) in obj.iter_sorted() {
        if let RegoValue::String(key) = key {
            if let Some(i) = FIELDS.iter().position(|f| **f == **key) {
                found[i] = Some(value);
            }
        }
    }
    let [resource, message, pointer, related, severity, controls] = found;
    // `String::from(&str)`: `to_string` on regorus' `Rc<str>` would go through `Display`.
    let string = |v: &RegoValue| match v {
        RegoValue::String(s) => Some(String::from(&**s)),
        _ => None,
    };
    let resource = resource
        .and_then(string)
        .ok_or("`resource` must be a node id string")?;
    if !shard.nodes.contains_key(resource.as_str()) {
        return Err(format!("`resource` {resource} is not a node of the graph"));
    }
    let message = message
        .and_then(string)
        .ok_or("`message` must be a string")?;
    let pointer = match pointer {
        None | Some(RegoValue::Null) => None,
        Some(RegoValue::String(p)) if p.is_empty() || p.starts_with('/') => {
            Some(String::from(&**p))
        }
        Some(_) => return Err("`pointer` must be a JSON pointer string".into()),
    };
    let related = match related {
        None => Vec::new(),
        Some(RegoValue::Array(a)) => a
            .iter()
            .map(|v| string(v).ok_or("`related` must hold node ids"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`related` must be an array of node ids".into()),
    };
    let severity = match severity {
        None => None,
        Some(v) => Some(
            string(v)
                .as_deref()
                .and_then(Severity::parse)
                .ok_or("`severity` must be critical, high, medium, low or info")?,
        ),
    };
    let controls = match controls {
        None => None,
        Some(RegoValue::Array(a)) => Some(
            a.iter()
                .map(|v| string(v).ok_or("`controls` must hold control ids"))
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err("`controls` must be an array of control ids".into()),
    };
    Ok(RawFinding {
        rule_id: rule_id.to_string(),
        resource,
        pointer,
        message,
        related,
        severity,
        controls,
    })
}
