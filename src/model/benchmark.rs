//! Benchmarks as reports print them: a figure with the year it is for
//! and its rank, or a state in words; and the table they can be read from.

use crate::calendar::period::{FinancialYear, Month};
use crate::diagnostic::Place;
use std::path::PathBuf;

/// `benchmarks:` in `rubric.yaml`: the source holding the benchmark table
/// and the benchmarks it holds, in the order reports print them.
#[derive(Debug, Clone)]
pub struct BenchmarkTable {
    pub source: String,
    pub names: Vec<String>,
    pub file: PathBuf,
    pub place: Place,
}

/// One benchmark's figure for one vintage.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The number, `None` for a state.
    pub value: Option<f64>,
    /// The financial year the figure is for, when known.
    pub vintage: Option<FinancialYear>,
    /// Its rank and of how many (7th of 152).
    pub rank: Option<(u32, u32)>,
    /// A state in words (`TBC`, `Local`, `-`) where there is no number.
    pub state: Option<String>,
}

impl Figure {
    pub fn number(value: f64) -> Figure {
        Figure {
            value: Some(value),
            vintage: None,
            rank: None,
            state: None,
        }
    }

    /// Whether the figure can be shown for a period ending in `month`: its
    /// year has ended by then (a run for 2020-12 does not print 2022-23
    /// figures). A figure without a vintage always can.
    pub fn available_in(&self, month: Month) -> bool {
        self.vintage
            .is_none_or(|fy| fy.first_month().offset(11) <= month)
    }
}

/// The latest figure of a benchmark available in `month`, from figures
/// in vintage order.
pub(crate) fn latest_in(figures: &[Figure], month: Month) -> Option<&Figure> {
    figures.iter().rev().find(|f| f.available_in(month))
}

/// `7th`, `21st`, `152nd`.
pub(crate) fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(year: i32) -> Figure {
        Figure {
            vintage: Some(FinancialYear(year)),
            ..Figure::number(f64::from(year))
        }
    }

    #[test]
    fn a_vintage_is_shown_once_its_year_has_ended() {
        let figures = [fig(2019), fig(2020), fig(2021), fig(2022)];
        let m = |s| Month::parse(s).unwrap();
        // 2020-21 ends in March 2021: a run for December 2020 shows 2019-20.
        assert_eq!(latest_in(&figures, m("2020-12")), Some(&figures[0]));
        assert_eq!(latest_in(&figures, m("2021-03")), Some(&figures[1]));
        assert_eq!(latest_in(&figures, m("2023-07")), Some(&figures[3]));
        assert_eq!(latest_in(&figures, m("2019-01")), None);
    }

    #[test]
    fn ranks_read_as_ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 152]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th", "152nd"
            ]
        );
    }
}
