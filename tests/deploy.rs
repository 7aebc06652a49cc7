//! The container image and its scheduled-audit examples (deploy/): the example task
//! definition passes ecsaudit cleanly, the examples run the image with arguments ecsaudit
//! accepts, and the Dockerfile copies everything the build reads. (scripts/test lints the
//! Dockerfile with hadolint.)

use assert_cmd::Command;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap()
}

#[test]
fn the_example_task_definition_passes_ecsaudit_cleanly() {
    let out = Command::cargo_bin("ecsaudit")
        .unwrap()
        .args(["scan", "deploy/ecs-task-definition.json", "-f", "json"])
        .current_dir(ROOT)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{:#}", report["findings"]);
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["task_definitions"], 1);
}

/// `args` as `ecsaudit` would get them: every flag is one `scan --help` lists.
fn assert_scan_args(args: &[String], what: &str) {
    assert_eq!(args.first().map(String::as_str), Some("scan"), "{what}");
    let help = Command::cargo_bin("ecsaudit")
        .unwrap()
        .args(["scan", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in args.iter().filter(|a| a.starts_with("--")) {
        assert!(help.contains(flag.as_str()), "{what}: unknown flag {flag}");
    }
}

#[test]
fn the_scheduled_examples_run_the_image_with_real_arguments() {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let td: Value = serde_json::from_str(&read("deploy/ecs-task-definition.json")).unwrap();
    assert_scan_args(
        &strings(&td["containerDefinitions"][0]["command"]),
        "ECS task",
    );
    let batch: Value = serde_json::from_str(&read("deploy/batch-job-definition.json")).unwrap();
    assert_scan_args(
        &strings(&batch["containerProperties"]["command"]),
        "Batch job",
    );
    let cron: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&read("deploy/kubernetes-cronjob.yaml")).unwrap();
    assert_eq!(cron["kind"].as_str(), Some("CronJob"));
    let container = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
    let args: Vec<String> = container["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_scan_args(&args, "CronJob");
    // The organisation's shards: as many as the array or indexed job has members.
    let batch: Value =
        serde_json::from_str(&read("deploy/batch-job-definition-organization.json")).unwrap();
    let command = strings(&batch["containerProperties"]["command"]);
    assert_scan_args(&command, "Batch array job");
    assert!(
        command.windows(2).any(|w| w == ["--shard", "array/10"]),
        "{command:?}"
    );
    let indexed: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&read("deploy/kubernetes-cronjob-organization.yaml")).unwrap();
    let job = &indexed["spec"]["jobTemplate"]["spec"];
    assert_eq!(job["completionMode"].as_str(), Some("Indexed"));
    let count = job["completions"].as_u64().unwrap();
    let args: Vec<String> = job["template"]["spec"]["containers"][0]["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_scan_args(&args, "Indexed Job");
    let shard = format!("$(JOB_COMPLETION_INDEX)/{count}");
    assert!(
        args.windows(2).any(|w| w[0] == "--shard" && w[1] == shard),
        "{args:?}"
    );
    // The image's user is the one the examples run as.
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.contains("USER 65532:65532"));
    assert_eq!(td["containerDefinitions"][0]["user"], "65532:65532");
}

#[test]
fn the_dockerfile_copies_everything_the_build_reads() {
    let dockerfile = read("Dockerfile");
    let copied: Vec<&str> = dockerfile
        .lines()
        .filter_map(|l| l.strip_prefix("COPY "))
        .filter(|l| !l.starts_with("--from"))
        .flat_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            parts[..parts.len() - 1].to_vec()
        })
        .collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src",
        "policies",
        "schema",
        "benches",
    ] {
        assert!(
            copied.contains(&needed),
            "the Dockerfile does not copy {needed}"
        );
    }
    // Every file compiled in with include_str!/include_dir! lies under a copied path.
    let mut stack = vec![std::path::PathBuf::from(format!("{ROOT}/src"))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for rest in text.split("include_str!(\"").skip(1) {
                let target = rest.split('"').next().unwrap();
                let full = path.parent().unwrap().join(target).canonicalize().unwrap();
                let rel = full.strip_prefix(ROOT).unwrap();
                let top = rel
                    .components()
                    .next()
                    .unwrap()
                    .as_os_str()
                    .to_str()
                    .unwrap();
                assert!(
                    copied.contains(&top),
                    "{} reads {target} from {top}",
                    path.display()
                );
            }
        }
    }
}
