//! The one figure `explain` and `drill` are about: an indicator, a
//! breakdown value or the whole, in its latest period as of a month.

use super::{compiled, indicator_index, report, EXIT_RUN_FAILED, EXIT_USAGE};
use crate::calendar::period::Month;
use crate::model::Project;
use crate::scorecard::{self, Row, Scorecard};
use std::path::Path;

pub struct Figure {
    pub project: Project,
    pub card: Scorecard,
    /// Index into `project.indicators`.
    pub indicator: usize,
    /// Index into `card.rows`.
    row: usize,
}

impl Figure {
    pub fn row(&self) -> &Row {
        &self.card.rows[self.row]
    }
}

/// Finds the figure, or the exit code after saying why there is none.
/// `breakdown` is `team=North` or just `North`.
pub fn figure(
    project: &Path,
    id: &str,
    period: Option<Month>,
    breakdown: Option<&str>,
) -> Result<Figure, u8> {
    let p = compiled(project)?;
    let index = indicator_index(&p, id)?;
    let group = breakdown.map(|b| b.split_once('=').map_or(b, |(_, v)| v).to_string());
    if group.is_some() && p.indicators[index].breakdown.is_none() {
        errln!(
            "error: {id} has no breakdown\n  = help: leave out --breakdown, or give `breakdown:` in its definition"
        );
        return Err(EXIT_USAGE);
    }
    // The scorecard as of the month asked for; the row is the indicator's
    // latest period then (the month itself for a monthly indicator).
    let card = scorecard::run(&p, scorecard::RunOptions::new(&p).period(period)).map_err(|e| {
        report(&[e.0], &p.texts);
        EXIT_RUN_FAILED
    })?;
    let Some(row) = card
        .rows
        .iter()
        .rposition(|r| r.indicator == index && r.group == group)
    else {
        let values: std::collections::BTreeSet<&str> = card
            .rows
            .iter()
            .filter(|r| r.indicator == index)
            .filter_map(|r| r.group.as_deref())
            .collect();
        errln!(
            "error: {id} has no breakdown value `{}`\n  = help: its values are: {}",
            group.unwrap_or_default(),
            values.into_iter().collect::<Vec<_>>().join(", ")
        );
        return Err(EXIT_USAGE);
    };
    Ok(Figure {
        project: p,
        card,
        indicator: index,
        row,
    })
}
