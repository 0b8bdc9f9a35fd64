//! The one figure `explain` and `drill` are about: an indicator, a
//! breakdown value or the whole, in its latest period as of a month.

use super::failure::Failure;
use super::{compiled, indicator_index, EXIT_USAGE};
use crate::calendar::period::Month;
use crate::measure::result::BreakdownValue;
use crate::model::Project;
use crate::rules::scorecard::{Row, Scorecard};
use crate::run;
use crate::text::visible;
use std::path::Path;

pub(super) struct Figure {
    pub project: Project,
    pub card: Scorecard,
    /// Index into `project.indicators`.
    pub indicator: usize,
    /// Index into `card.rows`.
    row: usize,
}

impl Figure {
    pub(super) fn row(&self) -> &Row {
        &self.card.rows[self.row]
    }
}

/// Finds the figure, or says why there is none.
/// `breakdown` is `team=North` or just `North`.
pub(super) fn figure(
    project: &Path,
    id: &str,
    period: Option<Month>,
    breakdown: Option<&str>,
) -> Result<Figure, Failure> {
    let p = compiled(project)?;
    let index = indicator_index(&p, id)?;
    // `by=value`, or a value alone (which may hold `=` itself).
    let named = |by: &str| p.indicators[index].breakdowns.iter().any(|b| b.name == by);
    let wanted = breakdown.map(|b| match b.split_once('=') {
        Some((by, value)) if named(by) => (Some(by), value),
        _ => (None, b),
    });
    if wanted.is_some() && p.indicators[index].breakdowns.is_empty() {
        return Err(Failure::message(EXIT_USAGE, format!(
            "error: {id} has no breakdown\n  = help: leave out --breakdown, or give `breakdowns:` in its definition"
        )));
    }
    // The scorecard as of the month asked for; the row is the indicator's
    // latest period then (the month itself for a monthly indicator).
    let card = run::run(&p, run::RunOptions::new(&p).period(period))
        .map_err(|e| Failure::run_failed(e.0, &p.texts))?;
    let parts: std::collections::BTreeSet<&BreakdownValue> = card
        .rows
        .iter()
        .filter(|r| r.indicator == index)
        .filter_map(|r| r.group.as_ref())
        .collect();
    let listed = |parts: &mut dyn Iterator<Item = &&BreakdownValue>| {
        parts
            .map(|p| visible(&format!("{}={}", p.by, p.value), false).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let group = match wanted {
        None => None,
        Some((by, value)) => {
            let matching: Vec<&&BreakdownValue> = parts
                .iter()
                .filter(|p| p.value == value && by.is_none_or(|b| p.by == b))
                .collect();
            match matching[..] {
                [part] => Some((*part).clone()),
                [] => {
                    return Err(Failure::message(
                        EXIT_USAGE,
                        format!(
                            "error: {id} has no breakdown value `{}`\n  = help: its values are: {}",
                            visible(breakdown.unwrap_or_default(), false),
                            listed(&mut parts.iter())
                        ),
                    ));
                }
                _ => {
                    return Err(Failure::message(EXIT_USAGE, format!(
                        "error: `{}` is a value of several of {id}'s breakdowns\n  = help: name the breakdown: {}",
                        visible(value, false),
                        listed(&mut matching.into_iter())
                    )));
                }
            }
        }
    };
    let Some(row) = card
        .rows
        .iter()
        .rposition(|r| r.indicator == index && r.group == group)
    else {
        return Err(Failure::message(
            EXIT_USAGE,
            format!("error: {id} has no row for that breakdown value in the period"),
        ));
    };
    Ok(Figure {
        project: p,
        card,
        indicator: index,
        row,
    })
}
