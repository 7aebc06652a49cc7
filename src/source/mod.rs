//! Where task definitions come from: files on disk (`files`) and, with the `aws` feature,
//! a live account. Every source yields [`TaskDefinitionDoc`]s plus diagnostics.

pub mod cloudformation;
pub mod files;
pub mod iac;
pub mod shape;
pub mod terraform;

pub use crate::graph::input::{InputShape, TaskDefinitionDoc};
