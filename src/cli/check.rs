//! `rubric check`: compile and validate everything, write nothing.

use super::{report, EXIT_PROBLEMS};
use crate::diagnostic::Diagnostic;
use crate::measure::period::period_label;
use crate::model::{compile_project, Project};
use crate::scorecard;
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
    let warnings = match &result {
        Ok(p) => commentary_warnings(p),
        Err(_) => Vec::new(),
    };
    match format {
        Format::Json => {
            let (problems, summary) = match &result {
                Ok(p) => (
                    Vec::new(),
                    json!({ "indicators": p.indicators.len(), "rule_sets": p.rule_sets.len(), "sources": p.sources.by_name.len() }),
                ),
                Err(f) => (f.problems.iter().map(record).collect(), json!(null)),
            };
            let warnings: Vec<_> = warnings.iter().map(record).collect();
            let doc = json!({ "ok": result.is_ok(), "count": problems.len(), "problems": problems, "warnings": warnings, "checked": summary });
            println!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
        }
        Format::Text => match &result {
            Ok(p) => {
                for w in &warnings {
                    eprint!("{}", w.render_warning(&p.texts));
                    eprintln!();
                }
                println!(
                    "ok: {} indicators, {} rule sets, {} sources checked{}",
                    p.indicators.len(),
                    p.rule_sets.len(),
                    p.sources.by_name.len(),
                    match warnings.len() {
                        0 => String::new(),
                        1 => "; 1 warning".to_string(),
                        n => format!("; {n} warnings"),
                    }
                )
            }
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

/// Indicators rated red in their latest period with no commentary for it:
/// a board will ask why, so the scorecard should say. When the data cannot
/// be evaluated the reason is the one warning (`run` reports it in full).
fn commentary_warnings(p: &Project) -> Vec<Diagnostic> {
    let card = match scorecard::build(p, None) {
        Ok(card) => card,
        Err(e) => {
            return vec![Diagnostic::new(
                "data",
                crate::diagnostic::Place::WHOLE_FILE,
                format!(
                    "commentary was not checked: the run fails ({})",
                    e.0.message
                ),
            )
            .help("run `rubric run` to see the failure in full")]
        }
    };
    red_without_commentary(p, &card)
}

/// The warnings of a scorecard: indicators red in their latest period
/// with no commentary for it.
pub(super) fn red_without_commentary(p: &Project, card: &scorecard::Scorecard) -> Vec<Diagnostic> {
    scorecard::latest_whole_rows(card)
        .into_values()
        .filter(|r| r.rag.outcome() == Some("red") && r.commentary.is_none())
        .map(|r| {
            let ind = &p.indicators[r.indicator];
            let period = period_label(r.period, ind.frequency);
            Diagnostic::new(
                &ind.file,
                ind.place,
                format!("{} is red in {period} and has no commentary for it", ind.id),
            )
            .subject(format!("indicator {}", ind.id))
            .help(format!(
                "add `commentary: {{ {}: ... }}` saying why, and what is being done{}",
                r.period,
                r.rag
                    .note()
                    .map_or(String::new(), |why| format!(" (the rating: {why})"))
            ))
        })
        .collect()
}
