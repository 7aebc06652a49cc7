//! What the file source hands the graph: a task definition read from a file, the shape
//! it was written in and where it sits in that file.

use serde_json::Value;

/// Which on-disk shape a task definition was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputShape {
    /// `aws ecs register-task-definition --cli-input-json` input (the bare object).
    RegisterInput,
    /// `aws ecs describe-task-definition` output (`{"taskDefinition": {...}, "tags": [...]}`).
    DescribeOutput,
}

/// One task definition read from a file, with where it sits in that file.
#[derive(Debug, Clone)]
pub struct TaskDefinitionDoc {
    /// Path as scanned (relative when the argument was relative).
    pub file: String,
    /// JSON pointer of the task-definition object inside the file.
    pub pointer: String,
    pub shape: InputShape,
    /// The task-definition object, AWS field names untouched.
    pub value: Value,
    /// Top-level `tags` of describe output, merged into the node's `tags`.
    pub tags: Option<Value>,
}
