//! The scorecard: what the rules made of the series, one row per
//! indicator, breakdown value and period shown, with the quality flags
//! that say when to read a figure with care. Pages and outputs read it.

use crate::calendar::period::Month;
use crate::config::document::{Frequency, Unit};
use crate::measure::result::Group;
use crate::measure::series::{IndicatorSeries, Point};
use crate::model::benchmark::Figure;
use crate::model::indicator::Target;
use crate::rules::comparisons::Comparison;
use crate::rules::evaluate::Rating;
use crate::rules::flag::Flag;
use std::time::Duration;

/// The periods shown for an indicator of this frequency, by their last
/// month: the 13 months to the reporting month, the 5 complete quarters or
/// the 3 complete financial years up to it.
pub fn shown_periods(reporting: Month, frequency: Frequency) -> Vec<Month> {
    let count = match frequency {
        Frequency::Monthly => 13,
        Frequency::Quarterly => 5,
        Frequency::Annual => 3,
    };
    last_periods(reporting, frequency, count)
}

/// The last `count` periods of a frequency complete by the reporting
/// month, by their last month, oldest first.
pub fn last_periods(reporting: Month, frequency: Frequency, count: u32) -> Vec<Month> {
    let mut latest = match frequency {
        Frequency::Monthly => reporting,
        Frequency::Quarterly => reporting.offset(1).quarter_end().offset(-3),
        Frequency::Annual => reporting
            .offset(1)
            .financial_year()
            .first_month()
            .offset(-1),
    };
    if frequency != Frequency::Monthly && latest > reporting {
        latest = latest.offset(-(frequency.step() as i32));
    }
    (0..count as usize)
        .rev()
        .map(|k| latest.offset(-((k * frequency.step()) as i32)))
        .collect()
}

/// One indicator, group and period, with everything reports show.
#[derive(Debug, Clone)]
pub struct Row {
    /// Index into `Project::indicators`.
    pub indicator: usize,
    pub group: Group,
    pub period: Month,
    pub point: Point,
    pub comparison: Comparison,
    /// The target's number in force, when it is one.
    pub target: Option<f64>,
    /// The target in force as written: strict, or a state such as `TBC`.
    pub target_term: Option<Target>,
    pub dot: Rating,
    pub rag: Rating,
    /// Each of the indicator's rated comparisons, in its order.
    pub rated: Vec<Rating>,
    /// The benchmarks in force for the period, by name, with their year
    /// and rank where the benchmark table gives them.
    pub benchmarks: Vec<(String, Figure)>,
    /// Why to read the figure with care: a small base, an incomplete period.
    pub flags: Vec<Flag>,
    pub commentary: Option<String>,
}

/// The evaluated scorecard: rows in indicator order, then group (the whole
/// first), then period.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub reporting: Month,
    pub periods: Vec<Month>,
    pub rows: Vec<Row>,
    /// Rows of periods before those shown by default, for pages showing
    /// more (in the same order as `rows`).
    pub earlier: Vec<Row>,
    /// Every indicator's series over the whole domain, as measured (before
    /// any publication policy): what `--write-series` writes.
    pub series: Vec<IndicatorSeries>,
    /// How long each stage took, for `run --timings`; never written to outputs.
    pub timings: Vec<(&'static str, Duration)>,
    /// The sources' expectations that failed as warnings.
    pub findings: Vec<crate::source::expect::Finding>,
    /// Indicators reading a pushed-down source that ran here, with why.
    pub read_here: Vec<(usize, String)>,
    /// Each source's latest month with data, where the run read it to
    /// choose the reporting month (empty with `--period`).
    pub source_ends: std::collections::BTreeMap<String, Month>,
}

/// The latest row of each indicator for the whole, by indicator.
pub fn latest_whole_rows(card: &Scorecard) -> std::collections::BTreeMap<usize, &Row> {
    card.rows
        .iter()
        .filter(|r| r.group.is_none())
        .map(|r| (r.indicator, r))
        .collect()
}

/// Whether a target set for the whole also holds for each breakdown value:
/// yes for proportions and averages (each team should reach 95%), no for
/// counts and rates, which are totals of the whole.
pub fn applies_to_parts(unit: Unit) -> bool {
    matches!(unit, Unit::Percent | Unit::Days | Unit::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn complete_quarters_and_years_up_to_the_reporting_month() {
        let q = shown_periods(m("2023-07"), Frequency::Quarterly);
        assert_eq!(
            q.iter().map(Month::to_string).collect::<Vec<_>>(),
            ["2022-06", "2022-09", "2022-12", "2023-03", "2023-06"]
        );
        let q = shown_periods(m("2023-06"), Frequency::Quarterly);
        assert_eq!(q.last(), Some(&m("2023-06")));
        let y = shown_periods(m("2023-07"), Frequency::Annual);
        assert_eq!(
            y.iter().map(Month::to_string).collect::<Vec<_>>(),
            ["2021-03", "2022-03", "2023-03"]
        );
        assert_eq!(
            shown_periods(m("2023-03"), Frequency::Annual).last(),
            Some(&m("2023-03"))
        );
        assert_eq!(
            shown_periods(m("2023-02"), Frequency::Annual).last(),
            Some(&m("2022-03"))
        );
        assert_eq!(shown_periods(m("2023-07"), Frequency::Monthly).len(), 13);
    }
}
