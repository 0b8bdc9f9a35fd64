//! `rubric check`: compile and validate everything, write nothing.

use super::{report, EXIT_PROBLEMS};
use crate::model::compile_project;
use std::path::Path;

pub fn check(project: &Path) -> u8 {
    match compile_project(project) {
        Ok(p) => {
            println!(
                "ok: {} indicators, {} rule sets, {} sources checked",
                p.indicators.len(),
                p.rule_sets.len(),
                p.sources.by_name.len()
            );
            0
        }
        Err(failure) => {
            report(&failure.problems, &failure.texts);
            EXIT_PROBLEMS
        }
    }
}
