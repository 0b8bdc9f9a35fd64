//! The validated project: indicators with compiled measures and rule sets
//! with compiled expressions. Nothing downstream sees a raw YAML document.

pub mod compile;
pub mod indicator;
pub mod measure;
pub mod rule_set;

pub use compile::{compile_project, compile_project_with, CompileFailure, Project, Quality};
