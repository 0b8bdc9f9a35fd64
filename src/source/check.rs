//! A source's expectations judged over rows already in memory (a source
//! read whole, or `rubric expect` listing every failing row), through the
//! same judges as a streamed read.

use super::expect::{stop_or_warn, Expectation, Failing, Finding};
use super::judge::Judge;
use crate::calendar::period::Month;
use crate::diagnostic::Diagnostic;
use arrow_array::RecordBatch;
use std::collections::HashMap;

/// Checks a source's expectations on the rows just read: the first
/// failing `error` stops the run, placed where it is declared; warnings
/// are returned.
pub(crate) fn check_source(
    source: &super::Source,
    batches: &[RecordBatch],
    reporting: Month,
    extracted: Option<i32>,
) -> Result<Vec<Finding>, Diagnostic> {
    let found = evaluate(
        &source.name,
        &source.expectations,
        batches,
        reporting,
        extracted,
    );
    stop_or_warn(source, found.into_iter().map(|f| f.0))
}

/// Checks every expectation of a source over its rows (read with at least
/// the expectations' columns). `reporting`: the reporting month.
pub(crate) fn evaluate(
    source: &str,
    expectations: &[Expectation],
    batches: &[RecordBatch],
    reporting: Month,
    extracted: Option<i32>,
) -> Vec<(Finding, Failing)> {
    let mut out = Vec::new();
    for (i, e) in expectations.iter().enumerate() {
        let (failing, message) = whole(e, batches, reporting, extracted);
        if let Some(message) = message {
            out.push((
                Finding {
                    source: source.to_string(),
                    expectation: i,
                    severity: e.severity,
                    failing: failing.len().max(1) as u64,
                    message,
                },
                failing,
            ));
        }
    }
    out
}

/// One expectation judged over a whole table: every failing row.
fn whole(
    e: &Expectation,
    batches: &[RecordBatch],
    reporting: Month,
    extracted: Option<i32>,
) -> (Failing, Option<String>) {
    let mut judge = Judge::new(e, reporting, extracted, false);
    for b in batches {
        judge.feed(b);
    }
    let (failing, message, _) = judge
        .finish(Some(batches), &mut |_| Ok(HashMap::new()))
        .expect("nothing is read again for a whole table");
    (failing, message)
}
