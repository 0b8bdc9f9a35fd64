//! `rubric check`: compile and validate everything, write nothing.

use super::failure::{Failure, Outcome};
use super::EXIT_PROBLEMS;
use crate::config::document::Tone;
use crate::diagnostic::Diagnostic;
use crate::format::period_label;
use crate::model::{compile_project, Project};
use crate::rules::scorecard;
use crate::run;
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

pub(super) fn check(
    project: &Path,
    format: Format,
    period: Option<crate::calendar::period::Month>,
) -> Outcome {
    let result = compile_project(project, &crate::output::formats());
    // A project that compiles is run too: whatever would make `run` fail
    // (a rule returning something that is not an outcome, a bad date in
    // the data) is a problem `check` reports, not a warning.
    let (problems, warnings) = match &result {
        // With no indicators there is nothing to evaluate.
        Ok(p) if p.indicators.is_empty() => (Vec::new(), Vec::new()),
        Ok(p) => match run::run(
            p,
            run::RunOptions {
                period,
                ..run::RunOptions::new(p)
            },
        ) {
            Ok(card) => (Vec::new(), warnings_of(p, &card)),
            Err(e) => (vec![e.0], Vec::new()),
        },
        Err(f) => (f.problems.clone(), Vec::new()),
    };
    let texts = match &result {
        Ok(p) => &p.texts,
        Err(f) => &f.texts,
    };
    let ok = problems.is_empty();
    match format {
        Format::Json => {
            let summary = match &result {
                Ok(p) if ok => {
                    json!({ "indicators": p.indicators.len(), "rule_sets": p.rule_sets.len(), "sources": p.sources.by_name.len() })
                }
                _ => json!(null),
            };
            let problems: Vec<_> = problems.iter().map(record).collect();
            let warnings: Vec<_> = warnings.iter().map(record).collect();
            let doc = json!({ "ok": ok, "count": problems.len(), "problems": problems, "warnings": warnings, "checked": summary });
            outln!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
        }
        Format::Text => match &result {
            Ok(p) if ok => {
                for w in &warnings {
                    err!("{}", w.render_warning(texts));
                    errln!();
                }
                outln!(
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
            _ => return Err(Failure::problems(problems, texts)),
        },
    }
    if ok {
        Ok(())
    } else {
        Err(Failure::Reported(EXIT_PROBLEMS))
    }
}

/// One problem as a JSON record; line and column are 0 for the whole file.
fn record(d: &Diagnostic) -> serde_json::Value {
    json!({
        "file": crate::text::slashed(&d.file),
        "line": d.place.line,
        "column": d.place.column,
        "subject": d.subject,
        "message": d.message,
        "help": d.help,
    })
}

/// The warnings of a run: the sources' expectations that failed as
/// warnings, numbers implausible for their unit, then the bad ratings
/// without commentary.
pub(super) fn warnings_of(p: &Project, card: &scorecard::Scorecard) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = card
        .findings
        .iter()
        .map(|f| {
            let source = &p.sources.by_name[&f.source];
            let e = &source.expectations[f.expectation];
            Diagnostic::new(&e.file, e.place, format!("source `{}`: {}", f.source, f.message))
                .subject(format!("source {}", f.source))
                .help(format!(
                    "fix the data at its origin; `rubric expect {} --out rows.csv` lists every failing row",
                    f.source
                ))
        })
        .collect();
    out.extend(sources_ending_early(p, card));
    out.extend(crate::rules::plausible::implausible_numbers(p, card));
    out.extend(red_without_commentary(p, card));
    out.extend(card.read_here.iter().map(|(i, why)| {
        let ind = &p.indicators[*i];
        Diagnostic::new(
            &ind.file,
            ind.place,
            format!(
                "{} reads a source marked `pushdown`, but its measures ran here, reading the rows: {why}",
                ind.id
            ),
        )
        .subject(format!("indicator {}", ind.id))
        .help("write the part SQL cannot say another way (a filter the vectorised plan covers, `working_days_between` instead of `add_working_days`), or keep all its sources on one pushed-down connection")
    }));
    out
}

/// Sources whose latest dated row is before the reporting month, with no
/// extraction day declared: their months since count nothing from them,
/// which is true only if nothing happened.
fn sources_ending_early(p: &Project, card: &scorecard::Scorecard) -> Vec<Diagnostic> {
    card.source_ends
        .iter()
        .filter(|(source, end)| {
            **end < card.reporting
                && p.sources.by_name.get(*source).is_some_and(|s| s.extracted.is_none())
        })
        .map(|(source, end)| {
            let s = &p.sources.by_name[source];
            Diagnostic::new(
                &s.file,
                crate::diagnostic::Place::WHOLE_FILE,
                format!(
                    "source `{source}` has no dated row after {end}, but the reporting month is {}: its figures for {} to {} count nothing from it",
                    card.reporting,
                    end.offset(1),
                    card.reporting
                ),
            )
            .subject(format!("source {source}"))
            .help(format!(
                "if its extract stops there, declare the day it was extracted (`extracted: {}` in its declaration) so those months say there is no data; or set `reporting_month: common` in rubric.yaml to report the last month every source reaches; if nothing happened since, nothing is wrong",
                end.last_day()
            ))
        })
        .collect()
}

/// The warnings of a scorecard: indicators whose latest rating has a bad
/// tone (red, in the shipped rules) and no commentary for it: a board will
/// ask why, so the scorecard should say.
fn red_without_commentary(p: &Project, card: &scorecard::Scorecard) -> Vec<Diagnostic> {
    scorecard::latest_whole_rows(card)
        .into_values()
        .filter(|r| r.commentary.is_none())
        .filter_map(|r| {
            let ind = &p.indicators[r.indicator];
            let shown = crate::layout::Shown::of(p, ind.rag_at(r.period), &r.rag);
            match shown {
                crate::layout::Shown::Outcome {
                    tone: Tone::Bad,
                    name,
                    ..
                } => Some((r, ind, name.to_string())),
                _ => None,
            }
        })
        .map(|(r, ind, name)| {
            let period = period_label(r.period, ind.frequency);
            Diagnostic::new(
                &ind.file,
                ind.place,
                format!(
                    "{} is {name} in {period} and has no commentary for it",
                    ind.id
                ),
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
