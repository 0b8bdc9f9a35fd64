//! `rubric diff OLD NEW`: what changed between two scorecards, per indicator.

use super::{Failure, Outcome, EXIT_DIFFERENT, EXIT_RUN_FAILED};
use crate::output::compare::{differences, read_scorecard, render};
use std::path::Path;

pub(super) fn diff(old: &Path, new: &Path) -> Outcome {
    let (a, b) = match (read_scorecard(old), read_scorecard(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return Err(Failure::message(EXIT_RUN_FAILED, format!("error: {e}\n  = help: give two output folders, or two scorecard.parquet files written by `rubric run`")));
        }
    };
    let diffs = differences(&a, &b);
    if diffs.is_empty() {
        outln!("no differences");
        return Ok(());
    }
    out!("{}", render(&diffs));
    Err(Failure::Reported(EXIT_DIFFERENT))
}
