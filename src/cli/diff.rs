//! `rubric diff OLD NEW`: what changed between two scorecards, per indicator.

use super::EXIT_DIFFERENT;
use crate::output::compare::{differences, read_scorecard, render};
use std::path::Path;

pub(super) fn diff(old: &Path, new: &Path) -> u8 {
    let (a, b) = match (read_scorecard(old), read_scorecard(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            errln!("error: {e}\n  = help: give two output folders, or two scorecard.parquet files written by `rubric run`");
            return super::EXIT_RUN_FAILED;
        }
    };
    let diffs = differences(&a, &b);
    if diffs.is_empty() {
        outln!("no differences");
        return 0;
    }
    out!("{}", render(&diffs));
    EXIT_DIFFERENT
}
