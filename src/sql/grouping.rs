//! The SQL of breakdowns: each row's value of each breakdown, and the
//! grouping that gives the whole and every breakdown's values at once.

use super::first_day;
use crate::expr::plan::string_literal;
use crate::model::measure::{band_labels, Breakdown, UNBORN_BAND, UNRECORDED_GROUP};
use std::fmt::Write as _;

/// `selected` per period (and per `also`, such as `, v`) for the whole, and
/// per value of each breakdown: `b` names the breakdown and `g` its value,
/// both `'all'` for the whole.
pub(super) fn per_group(
    breakdowns: &[Breakdown],
    also: &str,
    selected: &str,
    from: &str,
) -> String {
    if breakdowns.is_empty() {
        return format!(
            "SELECT p, 'all' AS b, 'all' AS g{also}, {selected} FROM ({from}) GROUP BY p{also}"
        );
    }
    let (mut by, mut value, mut sets) = (String::new(), String::new(), vec![format!("(p{also})")]);
    for (i, b) in breakdowns.iter().enumerate() {
        let g = format!("rubric_g{i}");
        let _ = write!(
            by,
            " WHEN grouping({g}) = 0 THEN {}",
            string_literal(&b.name)
        );
        let _ = write!(value, " WHEN grouping({g}) = 0 THEN {g}");
        sets.push(format!("(p, {g}{also})"));
    }
    format!(
        "SELECT p, CASE{by} ELSE 'all' END AS b, CASE{value} ELSE 'all' END AS g{also}, {selected} \
         FROM ({from}) GROUP BY GROUPING SETS ({})",
        sets.join(", ")
    )
}

/// A row's age band at the end of period `p`, from its date of birth in
/// column `birth` (as `model::measure::band_at`).
pub(super) fn age_band(birth: &str, bands: &[u32]) -> String {
    let end = format!("last_day({})", first_day("p"));
    let labels = band_labels(bands);
    let mut arms = format!(
        "CASE WHEN {birth} IS NULL THEN {} WHEN {birth} > {end} THEN {}",
        string_literal(UNRECORDED_GROUP),
        string_literal(UNBORN_BAND)
    );
    for (first, label) in bands.iter().zip(&labels) {
        let _ = write!(
            arms,
            " WHEN rubric_whole_months({birth}, {end}) // 12 < {first} THEN {}",
            string_literal(label)
        );
    }
    let _ = write!(arms, " ELSE {} END", string_literal(&labels[bands.len()]));
    arms
}

/// A breakdown value as the scan names it (`written_group`).
pub(super) fn group_label(column: &str) -> String {
    let empty = string_literal(UNRECORDED_GROUP);
    let quoted = string_literal(&format!("\"{UNRECORDED_GROUP}\""));
    format!(
        "CASE WHEN {column} IS NULL THEN {empty} WHEN CAST({column} AS VARCHAR) = {empty} THEN {quoted} ELSE CAST({column} AS VARCHAR) END"
    )
}
