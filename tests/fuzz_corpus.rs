//! The fuzz targets' inputs replayed on stable Rust through the same entry points
//! (`ecsaudit::fuzzing`): each target's seeds (from `examples/`, `tests/data/`,
//! `fuzz/seeds/` and `../shared/corpus/`), every crash input kept under
//! `fuzz/regressions/TARGET/`, and hostile inputs made here. A panic fails the test;
//! `scripts/fuzz` runs the same targets under libFuzzer.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files under `dirs` whose name matches `wanted`.
fn files(dirs: &[PathBuf], wanted: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in dirs {
        for e in ignore::WalkBuilder::new(d).hidden(false).build().flatten() {
            let name = e.file_name().to_string_lossy();
            if e.path().is_file() && wanted(&name) {
                out.push(e.into_path());
            }
        }
    }
    out
}

fn seeds(target: &str) -> Vec<PathBuf> {
    let r = root();
    let shared = r.join("../shared/corpus");
    let ours = [r.join("examples"), r.join("tests/data")];
    let mut out = match target {
        "task_definition_file" | "baseline" | "graph" => {
            let mut dirs = ours.to_vec();
            dirs.push(shared.join("realworld"));
            files(&dirs, &|n| n.ends_with(".json") && !n.ends_with(".tf.json"))
        }
        "config" => files(&[r.join("fuzz/seeds/config")], &|n| n.ends_with(".toml")),
        "terraform_hcl" => {
            let mut dirs = ours.to_vec();
            dirs.push(shared.join("iac"));
            files(&dirs, &|n| n.ends_with(".tf") || n.ends_with(".tfvars"))
        }
        "terraform_json" => files(&ours, &|n| n.ends_with(".tf.json")),
        "terraform_plan" => files(
            &[r.join("tests/data/terraform"), shared.join("iac")],
            &|n| n.ends_with(".json"),
        ),
        "cloudformation_yaml" => {
            let mut dirs = ours.to_vec();
            dirs.push(shared.join("iac"));
            files(&dirs, &|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        }
        "cloudformation_json" => {
            let mut dirs = ours.to_vec();
            dirs.push(shared.join("iac"));
            files(&dirs, &|n| n.ends_with(".json") && !n.ends_with(".tf.json"))
        }
        other => panic!("no seeds for {other}"),
    };
    out.extend(files(&[r.join("fuzz/regressions").join(target)], &|_| true));
    out
}

#[test]
fn every_target_has_seeds_and_reads_them_without_a_panic() {
    for (name, target) in ecsaudit::fuzzing::TARGETS {
        let seeds = seeds(name);
        assert!(!seeds.is_empty(), "{name} has no seeds");
        for s in seeds {
            let bytes = std::fs::read(&s).unwrap();
            target(&bytes);
        }
    }
}

/// Deep nesting, long strings, many entries, duplicate keys, bytes that are not text:
/// every target returns.
#[test]
fn hostile_inputs_reach_every_target_without_a_panic() {
    let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let containers = format!(
        "{{\"family\":\"f\",\"containerDefinitions\":[{}]}}",
        vec![r#"{"name":"c","image":"i"}"#; 20_000].join(",")
    );
    let env = format!(
        "{{\"family\":\"f\",\"containerDefinitions\":[{{\"name\":\"c\",\"image\":\"i\",\"environment\":[{}]}}]}}",
        (0..50_000)
            .map(|i| format!(r#"{{"name":"V{i}","value":"x"}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    // YAML aliases that double 30 times ("billion laughs").
    let mut laughs = String::from("Resources: {}\na0: &a0 [x, x]\n");
    for i in 1..30 {
        laughs.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
    }
    let inputs: Vec<Vec<u8>> = vec![
        laughs.into_bytes(),
        deep("!Ref [", "]", 50_000).into_bytes(),
        deep("[", "]", 100_000).into_bytes(),
        deep("{\"a\":", "}", 50_000).into_bytes(),
        format!("{{\"family\":\"{}\"}}", "x".repeat(900_000)).into_bytes(),
        containers.into_bytes(),
        env.into_bytes(),
        br#"{"family":"a","family":"b","containerDefinitions":[],"containerDefinitions":[{}]}"#
            .to_vec(),
        vec![0xff, 0xfe, b'{', 0, b'}', 0],
        b"{\"family\":\"a\0b\"}\0\0".to_vec(),
        vec![0x80; 1000],
        deep("a = [", "]", 50_000).into_bytes(),
        deep("locals { a = ", " }", 10_000).into_bytes(),
        deep(
            "resource \"aws_ecs_task_definition\" \"x\" { family = \"${",
            "}\" }",
            5_000,
        )
        .into_bytes(),
        b"variable \"v\" { default = \"${var.v}\" }\nlocals { a = local.a }".to_vec(),
        b"[rules]\ndisable = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
            .to_vec(),
        format!(
            "[[suppressions]]\nrule = \"*\"\nresource = \"{}\"\nreason = \"r\"",
            "*".repeat(200_000)
        )
        .into_bytes(),
    ];
    for (name, target) in ecsaudit::fuzzing::TARGETS {
        for (i, input) in inputs.iter().enumerate() {
            let started = std::time::Instant::now();
            target(input);
            // Not a speed check: a guard that no input sends a loader into a long loop.
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "{name} took {:?} on hostile input {i}",
                started.elapsed()
            );
        }
    }
}

#[test]
fn the_fuzz_crate_names_every_target() {
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    for (name, _) in ecsaudit::fuzzing::TARGETS {
        assert!(manifest.contains(&format!("name = \"{name}\"")), "{name}");
        let path = root().join(format!("fuzz/fuzz_targets/{name}.rs"));
        let body = std::fs::read_to_string(&path).unwrap();
        assert!(
            body.contains(&format!("ecsaudit::fuzzing::{name}(")),
            "{}",
            path.display()
        );
    }
}
