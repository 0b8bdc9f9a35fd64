//! The validated project: indicators with compiled measures and rule sets
//! with compiled expressions. Nothing downstream sees a raw YAML document.

pub(crate) mod benchmark;
pub mod compile;
pub mod indicator;
pub mod measure;
pub(crate) mod page;
pub(crate) mod rule_set;

pub use compile::{
    compile_project, compile_project_with, CompileFailure, Policy, Project, Quality,
};
