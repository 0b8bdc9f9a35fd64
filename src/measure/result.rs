//! What a scan gives for each base measure: its cells per period, by
//! group (the whole or a breakdown value), with the ids a cohort keeps.
//! Below the scan and everything that accumulates for it.

use std::collections::{BTreeMap, BTreeSet};

/// The group a row belongs to: `None` for the whole, `Some(part)` for a
/// breakdown value.
pub(crate) type Group = Option<BreakdownValue>;

/// One value of one breakdown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BreakdownValue {
    /// The breakdown's name.
    pub by: String,
    /// Orders values that have an order of their own (age bands, youngest
    /// first); 0 for a column's values, which are shown sorted.
    pub rank: u32,
    pub value: String,
}

impl BreakdownValue {
    pub fn new(by: &str, rank: u32, value: &str) -> BreakdownValue {
        BreakdownValue {
            by: by.to_string(),
            rank,
            value: value.to_string(),
        }
    }
}

/// Per-period results of a base measure for one group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells {
    /// Rows kept in each period.
    pub rows: Vec<i64>,
    /// Sum of the summed or averaged column, per period.
    pub sums: Vec<f64>,
    /// Distinct ids per period.
    pub distinct: Vec<i64>,
    /// Why values are empty, per period (from a `missing_reason` column).
    pub reasons: Vec<Option<String>>,
}

/// The results of one base measure, per group.
#[derive(Debug, Clone, Default)]
pub struct BaseResult {
    pub groups: BTreeMap<Group, Cells>,
    /// For a cohort's member: each group's (id, first period, last period)
    /// spans, kept past the scan.
    pub ids: Option<KeptIds>,
}

/// A distinct count's ids, kept for a cohort.
#[derive(Debug, Clone, Default)]
pub struct KeptIds {
    pub spans: BTreeMap<Group, Vec<(i64, u32, u32)>>,
    /// Text ids by number (`spans` hold their numbers); empty for integers.
    pub texts: Vec<String>,
}

/// Indicators whose measures run elsewhere (pushed down to a database),
/// and the base measures only they read: neither is computed here, and a
/// source read by nothing else is not read at all.
#[derive(Debug, Default, Clone)]
pub(crate) struct Elsewhere {
    pub indicators: BTreeSet<usize>,
    pub bases: BTreeSet<usize>,
}
