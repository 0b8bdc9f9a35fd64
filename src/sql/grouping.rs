//! The SQL of breakdowns: each row's value of each breakdown, and the
//! grouping that gives the whole and every breakdown's values at once.

use crate::dialect::Dialect;
use crate::expr::function::whole_months;
use crate::model::measure::{band_labels, Breakdown, UNBORN_BAND, UNRECORDED_GROUP};
use std::fmt::Write as _;

/// `selected` per period (and per `also`, such as `, v`) for the whole, and
/// per value of each breakdown: `b` names the breakdown and `g` its value,
/// both `'all'` for the whole.
pub(super) fn per_group(
    d: Dialect,
    breakdowns: &[Breakdown],
    also: &str,
    selected: &str,
    from: &str,
) -> String {
    let all = d.string(super::WHOLE);
    if breakdowns.is_empty() {
        return format!(
            "SELECT p, {all} AS b, {all} AS g{also}, {selected} FROM ({from}) AS rubric_placed GROUP BY p{also}"
        );
    }
    let (mut by, mut value, mut sets) = (String::new(), String::new(), vec![format!("(p{also})")]);
    for (i, b) in breakdowns.iter().enumerate() {
        let g = format!("rubric_g{i}");
        let _ = write!(by, " WHEN grouping({g}) = 0 THEN {}", d.string(&b.name));
        let _ = write!(value, " WHEN grouping({g}) = 0 THEN {g}");
        sets.push(format!("(p, {g}{also})"));
    }
    format!(
        "SELECT p, CASE{by} ELSE {all} END AS b, CASE{value} ELSE {all} END AS g{also}, {selected} \
         FROM ({from}) AS rubric_placed GROUP BY GROUPING SETS ({})",
        sets.join(", ")
    )
}

/// A row's age band at the end of period `p`, from its date of birth in
/// column `birth` (as `model::measure::band_at`).
pub(super) fn age_band(d: Dialect, birth: &str, bands: &[u32]) -> String {
    let end = d.last_day("p");
    let labels = band_labels(bands);
    let mut arms = format!(
        "CASE WHEN {birth} IS NULL THEN {} WHEN {birth} > {end} THEN {}",
        d.string(UNRECORDED_GROUP),
        d.string(UNBORN_BAND)
    );
    let years = d.int_div(&whole_months(d, birth, &end), "12");
    for (first, label) in bands.iter().zip(&labels) {
        let _ = write!(arms, " WHEN {years} < {first} THEN {}", d.string(label));
    }
    let _ = write!(arms, " ELSE {} END", d.string(&labels[bands.len()]));
    arms
}

/// A breakdown value as the scan names it (`written_group`).
pub(super) fn group_label(d: Dialect, column: &str) -> String {
    let empty = d.string(UNRECORDED_GROUP);
    let quoted = d.string(&format!("\"{UNRECORDED_GROUP}\""));
    let text = d.text();
    format!(
        "CASE WHEN {column} IS NULL THEN {empty} WHEN CAST({column} AS {text}) = {empty} THEN {quoted} ELSE CAST({column} AS {text}) END"
    )
}
