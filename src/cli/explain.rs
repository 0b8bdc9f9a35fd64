//! `rubric explain ID [--period YYYY-MM] [--breakdown VALUE]`: why one
//! figure is what it is.

use super::failure::Outcome;
use super::figure::figure;
use crate::calendar::period::Month;
use crate::output::explain;
use std::path::Path;

pub(super) fn explain(
    project: &Path,
    id: &str,
    period: Option<Month>,
    breakdown: Option<&str>,
) -> Outcome {
    let f = figure(project, id, period, breakdown)?;
    out!(
        "{}",
        crate::text::visible(&explain::render(&f.project, f.row()), true)
    );
    Ok(())
}
