//! Comparisons of a period's value with earlier periods: the previous
//! period, the same period last year, and the last 12 periods.

use crate::calendar::period::Month;
use crate::config::document::CompareWith;
use crate::measure::series::Point;
use crate::model::indicator::{Indicator, YearFigure};

/// How an indicator's periods are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Basis {
    /// Months from one period to the next.
    pub step: usize,
    /// What `previous` (and so `change` and the DoT) compares with.
    pub compare_with: CompareWith,
    /// A to-date total: no 12-month statistics over it.
    pub cumulative: bool,
}

impl Basis {
    pub(crate) fn of(ind: &Indicator) -> Basis {
        Basis {
            step: ind.frequency.step(),
            compare_with: ind.compare_with,
            cumulative: ind.cumulative,
        }
    }

    /// Months back to the period `previous` holds.
    pub(crate) fn back(self) -> usize {
        match self.compare_with {
            CompareWith::PreviousPeriod => self.step,
            CompareWith::SamePeriodLastYear => 12,
        }
    }
}

/// Every comparison of one period, each `None` when it cannot be made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub change_pct: Option<f64>,
    pub last_year: Option<f64>,
    pub change_yoy: Option<f64>,
    pub change_yoy_pct: Option<f64>,
    pub avg_12m: Option<f64>,
    pub max_12m: Option<f64>,
    pub min_12m: Option<f64>,
    /// The periods with a value behind the 12-month statistics, and how
    /// many the window holds (12 months, 4 quarters or 1 year).
    pub periods_12m: (u32, u32),
    /// The figure of the last financial year completed before the period.
    pub outturn: Option<f64>,
}

/// Compares month `t` of monthly `points` for an indicator reported every
/// `step` months: the previous period is `step` months back (12 when it is
/// compared with the same period last year), the same period last year 12
/// months back, and the 12-month statistics use the periods ending in the
/// 12 months to `t` (none for a cumulative value: each month's includes
/// the one before, so an average or maximum of them means nothing).
pub(crate) fn compare(points: &[Point], t: usize, basis: Basis) -> Comparison {
    let step = basis.step;
    let value = points[t].value;
    let back = |n: usize| t.checked_sub(n).and_then(|i| points[i].value);
    let previous = back(basis.back());
    let last_year = back(12);
    let (change, change_pct) = changes(value, previous);
    let (change_yoy, change_yoy_pct) = changes(value, last_year);
    // The periods ending in the 12 months to t, counting those with a value.
    let wanted = if basis.cumulative { 0 } else { 12 / step };
    let window: Vec<f64> = (0..wanted)
        .filter_map(|k| t.checked_sub(k * step))
        .filter_map(|i| points[i].value)
        .collect();
    let avg_12m = (!window.is_empty()).then(|| window.iter().sum::<f64>() / window.len() as f64);
    let max_12m = window.iter().copied().reduce(f64::max);
    let min_12m = window.iter().copied().reduce(f64::min);
    // Values are finite, but a difference or mean of two huge ones, or a
    // change over a tiny base, may not be: such a comparison is not given.
    let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
    Comparison {
        previous,
        change: finite(change),
        change_pct: finite(change_pct),
        last_year,
        change_yoy: finite(change_yoy),
        change_yoy_pct: finite(change_yoy_pct),
        avg_12m: finite(avg_12m),
        max_12m,
        min_12m,
        periods_12m: (window.len() as u32, wanted as u32),
        outturn: None,
    }
}

/// The figure of the last financial year completed before `period` (at
/// month `t` of monthly `points`, for an indicator reported every `step`
/// months): the value at its end, or the sum of its periods, as `how`
/// says; `None` when a period it needs has no value.
pub(crate) fn outturn(
    points: &[Point],
    t: usize,
    period: Month,
    step: usize,
    how: YearFigure,
) -> Option<f64> {
    // Months back from the period to the March that ended the last year.
    let back = (period.0 - period.financial_year().first_month().0 + 1) as usize;
    let end = t.checked_sub(back)?;
    match how {
        YearFigure::AtYearEnd => points[end].value,
        YearFigure::Sum => (0..12 / step.max(1))
            .map(|k| end.checked_sub(k * step).and_then(|i| points[i].value))
            .sum(),
        YearFigure::None => None,
    }
}

impl Comparison {
    /// This comparison as one against `other` in place of the previous
    /// period: what a rated comparison's rule reads as `previous`,
    /// `change` and `change_pct`.
    pub fn against(&self, value: Option<f64>, other: Option<f64>) -> Comparison {
        let (change, change_pct) = changes(value, other);
        let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
        Comparison {
            previous: other,
            change: finite(change),
            change_pct: finite(change_pct),
            ..self.clone()
        }
    }
}

/// The change and the change in percent of `base` (none when base is 0).
fn changes(value: Option<f64>, base: Option<f64>) -> (Option<f64>, Option<f64>) {
    match (value, base) {
        (Some(v), Some(b)) => (Some(v - b), (b != 0.0).then(|| (v - b) * 100.0 / b.abs())),
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Basis {
        /// Plain periods compared with the one before.
        fn every(step: usize) -> Basis {
            Basis {
                step,
                compare_with: CompareWith::PreviousPeriod,
                cumulative: false,
            }
        }
    }

    fn pts(values: &[Option<f64>]) -> Vec<Point> {
        values
            .iter()
            .map(|v| v.map_or_else(|| Point::missing("gap"), Point::value))
            .collect()
    }

    #[test]
    fn the_outturn_is_the_last_complete_financial_year() {
        // Months April 2022 (index 0) to July 2023 (index 15), value = index.
        let values: Vec<Option<f64>> = (0..16).map(|i| Some(i as f64)).collect();
        let points = pts(&values);
        let july = Month::parse("2023-07").unwrap();
        // The year to March 2023 (index 11) is 2022-23.
        assert_eq!(
            outturn(&points, 15, july, 1, YearFigure::AtYearEnd),
            Some(11.0)
        );
        assert_eq!(outturn(&points, 15, july, 1, YearFigure::Sum), Some(66.0));
        // Quarterly: the quarters ending June, September, December, March.
        assert_eq!(
            outturn(&points, 15, july, 3, YearFigure::Sum),
            Some(2.0 + 5.0 + 8.0 + 11.0)
        );
        assert_eq!(outturn(&points, 15, july, 1, YearFigure::None), None);
        // March 2023 itself is in 2022-23: its outturn is 2021-22's, before the data.
        let march = Month::parse("2023-03").unwrap();
        assert_eq!(outturn(&points, 11, march, 1, YearFigure::AtYearEnd), None);
        // A month missing from the year: no sum.
        let mut gap = values.clone();
        gap[4] = None;
        assert_eq!(outturn(&pts(&gap), 15, july, 1, YearFigure::Sum), None);
    }

    #[test]
    fn changes_against_previous_and_last_year() {
        let mut values: Vec<Option<f64>> = (0..13).map(|i| Some(100.0 + i as f64)).collect();
        values[12] = Some(90.0);
        let c = compare(&pts(&values), 12, Basis::every(1));
        assert_eq!(c.previous, Some(111.0));
        assert_eq!(c.change, Some(-21.0));
        assert_eq!(c.last_year, Some(100.0));
        assert_eq!(c.change_yoy_pct, Some(-10.0));
        assert_eq!(c.max_12m, Some(111.0));
        assert_eq!(c.min_12m, Some(90.0));
    }

    #[test]
    fn a_year_to_date_value_compares_with_the_same_month_last_year() {
        // April to March, twice: each month adds 10 to the year so far.
        let values: Vec<Option<f64>> = (0..13).map(|i| Some(10.0 * (i % 12 + 1) as f64)).collect();
        let basis = Basis {
            step: 1,
            compare_with: CompareWith::SamePeriodLastYear,
            cumulative: true,
        };
        // The second April (10) against last April (10), not March (120).
        let c = compare(&pts(&values), 12, basis);
        assert_eq!((c.previous, c.change), (Some(10.0), Some(0.0)));
        assert_eq!((c.avg_12m, c.max_12m, c.min_12m), (None, None, None));
        let plain = compare(&pts(&values), 12, Basis::every(1));
        assert_eq!((plain.previous, plain.change), (Some(120.0), Some(-110.0)));
    }

    #[test]
    fn gaps_and_zero_bases_give_none() {
        let c = compare(&pts(&[Some(0.0), Some(5.0), None]), 1, Basis::every(1));
        assert_eq!(c.change, Some(5.0));
        assert_eq!(c.change_pct, None);
        assert_eq!(c.last_year, None);
        let c = compare(&pts(&[Some(0.0), Some(5.0), None]), 2, Basis::every(1));
        assert_eq!(c.avg_12m, Some(2.5));
        assert_eq!(c.change, None);
    }

    #[test]
    fn comparisons_that_overflow_are_not_given() {
        let c = compare(&pts(&[Some(-f64::MAX), Some(f64::MAX)]), 1, Basis::every(1));
        assert_eq!(c.previous, Some(-f64::MAX));
        assert_eq!(c.change, None);
        assert_eq!(c.change_pct, None);
        assert_eq!(c.avg_12m, Some(0.0));
        let c = compare(&pts(&[Some(f64::MAX), Some(f64::MAX)]), 1, Basis::every(1));
        assert_eq!(c.avg_12m, None);
        let c = compare(&pts(&[Some(1e-320), Some(1e300)]), 1, Basis::every(1));
        assert_eq!(c.change, Some(1e300));
        assert_eq!(c.change_pct, None);
    }
}
