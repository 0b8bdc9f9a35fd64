//! `rubric explain ID [--period YYYY-MM] [--breakdown VALUE]`: why one
//! figure is what it is.

use super::{compiled, indicator_index, report, EXIT_RUN_FAILED, EXIT_USAGE};
use crate::measure::period::Month;
use crate::output::explain;
use crate::scorecard;
use std::path::Path;

pub fn explain(project: &Path, id: &str, period: Option<Month>, breakdown: Option<&str>) -> u8 {
    let p = match compiled(project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let index = match indicator_index(&p, id) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let ind = &p.indicators[index];
    // `--breakdown team=North` or just `North`.
    let group = breakdown.map(|b| b.split_once('=').map_or(b, |(_, v)| v).to_string());
    if group.is_some() && ind.breakdown.is_none() {
        eprintln!(
            "error: {id} has no breakdown\n  = help: leave out --breakdown, or give `breakdown:` in its definition"
        );
        return EXIT_USAGE;
    }
    // The scorecard as of the month asked for; the row is the indicator's
    // latest period then (the month itself for a monthly indicator).
    let card = match scorecard::build(&p, period) {
        Ok(card) => card,
        Err(e) => {
            report(&[e.0], &p.texts);
            return EXIT_RUN_FAILED;
        }
    };
    let rows: Vec<_> = card
        .rows
        .iter()
        .filter(|r| r.indicator == index && r.group == group)
        .collect();
    let Some(row) = rows.last() else {
        let values: Vec<String> = card
            .rows
            .iter()
            .filter(|r| r.indicator == index)
            .filter_map(|r| r.group.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        eprintln!(
            "error: {id} has no breakdown value `{}`\n  = help: its values are: {}",
            group.unwrap_or_default(),
            values.join(", ")
        );
        return EXIT_USAGE;
    };
    print!("{}", explain::render(&p, row));
    0
}
