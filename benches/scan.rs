//! Benchmark: generate N task-definition files (a mix of clean and flawed shapes), then
//! run the whole scan (read, parse, graph, evaluate every built-in rule, position
//! findings, render JSON) and report wall time and peak RSS.
//!
//! `cargo bench --bench scan -- 1000 10000`
//! `cargo bench --bench scan -- --per-rule 1000` times what each rule adds, on one core.
//! `cargo bench --bench scan -- --write DIR 10000` only writes the corpus into DIR.
//! `cargo bench --bench scan -- --one-file 2000 8000` scans the task definitions as one
//! JSON array file, minified and pretty-printed (the cost must be the same).
//! The rules run as `scan` runs them by default (the built-in pack on regorus' bytecode
//! VM); `--interpreter` runs them in its interpreter (`scan --engine interpreter`).

use std::time::Instant;

fn task_definition(i: usize) -> String {
    let flawed = i % 3 == 0;
    // Secrets differ per task definition, as they would across real applications (the
    // secret rules classify each distinct value once).
    let env = if flawed {
        format!(
            r#"{{"name": "DB_PASSWORD", "value": "Sup3rS3cret-{i:05}-Passw0rd!"}}, {{"name": "AWS_KEY", "value": "AKIAIOSF{i:08}EXMP"}}"#
        )
    } else {
        r#"{"name": "PASSWORD_MIN_LENGTH", "value": "12"}, {"name": "SECRET_NAME", "value": "prod/db"}"#
            .to_string()
    };
    format!(
        r#"{{
  "family": "svc-{i}",
  "taskRoleArn": "arn:aws:iam::123456789012:role/svc-{i}",
  "executionRoleArn": "arn:aws:iam::123456789012:role/svc-{i}-exec",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "{cpu}",
  "memory": "1024",
  "containerDefinitions": [
    {{
      "name": "app",
      "image": "{image}",
      "essential": true,
      "user": "{user}",
      "readonlyRootFilesystem": {ro},
      "portMappings": [{{"containerPort": 8080}}],
      "environment": [{{"name": "PORT", "value": "8080"}}, {{"name": "LOG_LEVEL", "value": "info"}}, {env}],
      "logConfiguration": {{"logDriver": "awslogs", "options": {{"awslogs-group": "/ecs/svc-{i}", "awslogs-region": "us-east-1"}}}}
    }},
    {{
      "name": "sidecar",
      "image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0",
      "essential": false,
      "memoryReservation": 64,
      "command": ["--config=/etc/otel.yaml"]
    }}
  ]
}}"#,
        cpu = if flawed { "256" } else { "512" },
        image = if flawed {
            "nginx:latest".to_string()
        } else {
            format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/svc-{i}:1.0.{i}")
        },
        user = if flawed { "root" } else { "1000" },
        ro = !flawed,
    )
}

fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// A memory figure from /proc/self/status, in KiB.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// Write `n` generated task definitions into a fresh temporary directory.
fn corpus(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        std::fs::write(
            dir.path().join(format!("td-{i:05}.json")),
            task_definition(i),
        )
        .unwrap();
    }
    dir
}

/// Write the `n` task definitions as one file holding a JSON array: minified (one line,
/// as tools write it) or pretty-printed. A scan must cost the same either way.
fn one_file(n: usize, minified: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<serde_json::Value> = (0..n)
        .map(|i| serde_json::from_str(&task_definition(i)).unwrap())
        .collect();
    let text = if minified {
        serde_json::to_string(&items).unwrap()
    } else {
        serde_json::to_string_pretty(&items).unwrap()
    };
    std::fs::write(dir.path().join("all.json"), text).unwrap();
    dir
}

/// Time every rule alone over an `n`-task-definition graph on one core, slowest first.
fn per_rule(engine: &ecsaudit::policy::engine::PolicyEngine, n: usize) {
    // Evaluation runs its shards on the rayon pool it is called from: give it one thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(|| per_rule_on_this_thread(engine, n));
}

fn per_rule_on_this_thread(engine: &ecsaudit::policy::engine::PolicyEngine, n: usize) {
    let dir = corpus(n);
    let scan = ecsaudit::source::files::scan(&[dir.path().to_path_buf()], &Default::default());
    let graph = ecsaudit::graph::from_files(
        &["bench".into()],
        scan.task_definitions,
        Vec::new(),
        &Default::default(),
    );
    // Best of three: the machine is shared.
    let time = |e: &ecsaudit::policy::engine::PolicyEngine| -> (f64, usize) {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let (findings, _) = e.evaluate(&graph, 1);
                (t.elapsed().as_secs_f64() * 1e3, findings.len())
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap_or_default()
    };
    let (all, found) = time(engine);
    println!(
        "all rules together over {n} task definitions, one core: {all:.0} ms ({found} findings)"
    );
    // What each rule adds to the run of all: helper rules shared with others are paid by
    // whichever rule needs them, so "alone" would count them once per rule.
    let mut times: Vec<(f64, String)> = engine
        .rules()
        .iter()
        .map(|meta| {
            let mut without = engine.clone();
            without.retain_rules(|m| m.id != meta.id);
            let (ms, rest) = time(&without);
            (
                all - ms,
                format!("{} {} ({} findings)", meta.id, meta.package, found - rest),
            )
        })
        .collect();
    times.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = times.iter().map(|t| t.0).sum();
    println!("each rule's share of that (all minus all but it; sum {total:.0} ms):");
    for (ms, what) in times {
        println!("{ms:>9.1} ms  {what}");
    }
}

// The allocator the ecsaudit binary uses (src/main.rs).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // As the ecsaudit binary does.
    ecsaudit::quiet_library_backtraces();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--write") {
        // `--write DIR N`: the corpus as files in DIR, to time the binary on it
        // (`ecsaudit scan DIR -f json -o FILE`) or compare two builds' reports.
        let (Some(dir), Some(Ok(n))) = (args.get(at + 1), args.get(at + 2).map(|n| n.parse()))
        else {
            panic!("usage: --write DIR N");
        };
        std::fs::create_dir_all(dir).unwrap();
        for i in 0..n {
            let path = std::path::Path::new(dir).join(format!("td-{i:05}.json"));
            std::fs::write(path, task_definition(i)).unwrap();
        }
        println!("{n} task definitions written to {dir}");
        return;
    }
    let profile = args.iter().any(|a| a == "--per-rule");
    let interpreter = args.iter().any(|a| a == "--interpreter");
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![1000, 10_000]
    } else {
        sizes
    };
    let (sources, _) = ecsaudit::policy::load_sources(false, &[]);
    let (set, _) = ecsaudit::policy::PolicySet::from_sources(sources);
    let params = ecsaudit::policy::default_params(&set);
    let t = Instant::now();
    let (mut engine, diags) = ecsaudit::policy::engine::PolicyEngine::new(&set, &params);
    assert!(diags.is_empty(), "{diags:?}");
    if interpreter {
        engine.set_backend(ecsaudit::policy::engine::Backend::Interpreter);
    } else {
        assert_eq!(engine.backend(), ecsaudit::policy::engine::Backend::Vm);
    }
    println!(
        "policy load + validation: {:.0} ms ({} rules, {:?})",
        t.elapsed().as_secs_f64() * 1e3,
        engine.rules().len(),
        engine.backend()
    );
    if profile {
        for n in sizes {
            per_rule(&engine, n);
        }
        return;
    }
    let config = ecsaudit::config::Config::default();
    let one = args.iter().any(|a| a == "--one-file");
    let corpora: Vec<(usize, &str)> = sizes
        .iter()
        .flat_map(|&n| {
            if one {
                vec![(n, "minified, one file"), (n, "pretty-printed, one file")]
            } else {
                vec![(n, "files")]
            }
        })
        .collect();
    for (n, layout) in corpora {
        let dir = match layout {
            "files" => corpus(n),
            other => one_file(n, other.starts_with("minified")),
        };
        let threads = rayon::current_num_threads();
        let start = Instant::now();
        // As `scan DIR -f json -o FILE`: files read, evaluated and positioned batch by
        // batch; the report streamed to the file, never held whole in memory.
        let report = ecsaudit::scan::run_files(
            &[dir.path().to_path_buf()],
            &Default::default(),
            &engine,
            &config,
            Vec::new(),
        );
        let t_eval = start.elapsed();
        let out_path = dir.path().join("report.json");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&out_path).unwrap());
        ecsaudit::report::json::write(&report, &mut out).unwrap();
        std::io::Write::flush(&mut out).unwrap();
        let json_len = std::fs::metadata(&out_path).unwrap().len() as usize;
        let total = start.elapsed();
        println!(
            "{n:>6} task definitions ({layout}): total {:.2} s (read+parse+graph+evaluate+locate {:.2} s, render {:.2} s); {} findings, {} KiB JSON, {threads} threads, peak RSS {} MiB",
            total.as_secs_f64(),
            t_eval.as_secs_f64(),
            (total - t_eval).as_secs_f64(),
            report.summary.findings,
            json_len / 1024,
            peak_rss_kib().map_or(0, |k| k / 1024),
        );
    }
}
