//! `rubric check`: compile and validate everything, write nothing.

use super::{report, EXIT_PROBLEMS};
use crate::diagnostic::Diagnostic;
use crate::model::compile_project;
use clap::ValueEnum;
use serde_json::json;
use std::path::Path;

/// How `check` prints what it finds.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Format {
    /// Messages with an excerpt and a caret, for people.
    #[default]
    Text,
    /// One JSON document (see schemas/check-output.schema.json), for editors and CI.
    Json,
}

pub fn check(project: &Path, format: Format) -> u8 {
    let result = compile_project(project);
    match format {
        Format::Json => {
            let (problems, summary) = match &result {
                Ok(p) => (
                    Vec::new(),
                    json!({ "indicators": p.indicators.len(), "rule_sets": p.rule_sets.len(), "sources": p.sources.by_name.len() }),
                ),
                Err(f) => (f.problems.iter().map(record).collect(), json!(null)),
            };
            let doc = json!({ "ok": result.is_ok(), "count": problems.len(), "problems": problems, "checked": summary });
            println!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
        }
        Format::Text => match &result {
            Ok(p) => println!(
                "ok: {} indicators, {} rule sets, {} sources checked",
                p.indicators.len(),
                p.rule_sets.len(),
                p.sources.by_name.len()
            ),
            Err(failure) => report(&failure.problems, &failure.texts),
        },
    }
    if result.is_ok() {
        0
    } else {
        EXIT_PROBLEMS
    }
}

/// One problem as a JSON record; line and column are 0 for the whole file.
fn record(d: &Diagnostic) -> serde_json::Value {
    json!({
        "file": d.file.display().to_string().replace('\\', "/"),
        "line": d.place.line,
        "column": d.place.column,
        "subject": d.subject,
        "message": d.message,
        "help": d.help,
    })
}
