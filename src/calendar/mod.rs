//! Working days: weekdays that are not bank holidays or closure days.
//!
//! The counting convention, used everywhere: `working_days_between(start,
//! end)` counts the working days after `start` up to and including `end`.
//! The start day is not counted; the end day is. So a referral received on
//! a Friday and completed the next Monday took 1 working day, and something
//! done on the day it started took 0. If `end` is before `start` the count
//! is negative. `add_working_days(date, n)` is the working day `n` working
//! days after `date`, so that `working_days_between(d, add_working_days(d,
//! n)) == n`.
//!
//! `period` holds the months and financial years every figure is reported
//! in: value types below every stage.

pub mod period;

use chrono::NaiveDate;
use period::days_from_date;
use std::collections::BTreeSet;

/// The calendars shipped with Rubric, by name, as YAML text.
pub const BUILTIN: [(&str, &str); 3] = [
    (
        "england-and-wales",
        include_str!("../../calendars/england-and-wales.yaml"),
    ),
    ("scotland", include_str!("../../calendars/scotland.yaml")),
    (
        "northern-ireland",
        include_str!("../../calendars/northern-ireland.yaml"),
    ),
];

/// Days are counted exactly inside this span (1900 to 2199); outside it a
/// count walks day by day.
const SPAN_START: i32 = -25_567; // 1900-01-01
const SPAN_DAYS: usize = 109_572; // to 2199-12-31

/// A working-day calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub name: String,
    holidays: BTreeSet<i32>,
    /// `cumulative[i]` = working days in [SPAN_START, SPAN_START + i].
    cumulative: Vec<i32>,
    /// The first and last year the holiday list covers.
    pub covered_years: Option<(i32, i32)>,
}

impl Calendar {
    /// A calendar with these holidays (days since 1970-01-01).
    pub fn new(name: impl Into<String>, holidays: impl IntoIterator<Item = i32>) -> Calendar {
        let holidays: BTreeSet<i32> = holidays.into_iter().collect();
        let covered_years = match (holidays.first(), holidays.last()) {
            (Some(a), Some(b)) => Some((year_of(*a), year_of(*b))),
            _ => None,
        };
        let mut cumulative = Vec::with_capacity(SPAN_DAYS);
        let mut running = 0;
        for i in 0..SPAN_DAYS {
            let day = SPAN_START + i as i32;
            if is_weekday(day) && !holidays.contains(&day) {
                running += 1;
            }
            cumulative.push(running);
        }
        Calendar {
            name: name.into(),
            holidays,
            cumulative,
            covered_years,
        }
    }

    /// Adds closure days (e.g. the office closes between Christmas and New Year).
    pub fn with_closures(self, closures: impl IntoIterator<Item = i32>) -> Calendar {
        let name = self.name.clone();
        let covered = self.covered_years;
        let mut cal = Calendar::new(name, self.holidays.into_iter().chain(closures));
        cal.covered_years = covered;
        cal
    }

    pub fn is_working_day(&self, day: i32) -> bool {
        is_weekday(day) && !self.holidays.contains(&day)
    }

    fn index(&self, day: i32) -> Option<usize> {
        let i = day.checked_sub(SPAN_START)?;
        (0..SPAN_DAYS as i32).contains(&i).then_some(i as usize)
    }

    /// Working days after `start` up to and including `end`.
    pub fn working_days_between(&self, start: i32, end: i32) -> i64 {
        if let (Some(s), Some(e)) = (self.index(start), self.index(end)) {
            return i64::from(self.cumulative[e]) - i64::from(self.cumulative[s]);
        }
        let (lo, hi, sign) = if start <= end {
            (start, end, 1)
        } else {
            (end, start, -1)
        };
        let mut n = 0i64;
        let mut day = lo;
        while day < hi {
            day += 1;
            if self.is_working_day(day) {
                n += 1;
            }
        }
        sign * n
    }

    /// The day `n` working days after `date` (before it when `n` is negative).
    pub fn add_working_days(&self, date: i32, n: i64) -> i32 {
        let step = if n >= 0 { 1 } else { -1 };
        let mut left = n.abs();
        let mut day = date;
        while left > 0 {
            day += step;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    pub fn holidays(&self) -> impl Iterator<Item = i32> + '_ {
        self.holidays.iter().copied()
    }
}

fn is_weekday(day: i32) -> bool {
    // 1970-01-01 was a Thursday: day 0 is weekday index 3 (Monday = 0).
    (day + 3).rem_euclid(7) < 5
}

fn year_of(day: i32) -> i32 {
    use chrono::Datelike;
    period::date_from_days(day).year()
}

/// Parses a date written `YYYY-MM-DD` into days since 1970-01-01.
pub fn parse_day(text: &str) -> Option<i32> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .map(days_from_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> i32 {
        parse_day(s).unwrap()
    }

    #[test]
    fn weekends_are_not_working_days() {
        let cal = Calendar::new("none", []);
        assert!(cal.is_working_day(d("2023-07-31"))); // Monday
        assert!(!cal.is_working_day(d("2023-07-29"))); // Saturday
        assert!(!cal.is_working_day(d("2023-07-30"))); // Sunday
                                                       // Friday to Monday: one working day (the Monday).
        assert_eq!(
            cal.working_days_between(d("2023-07-28"), d("2023-07-31")),
            1
        );
        assert_eq!(
            cal.working_days_between(d("2023-07-31"), d("2023-07-28")),
            -1
        );
        assert_eq!(
            cal.working_days_between(d("2023-07-28"), d("2023-07-28")),
            0
        );
        assert_eq!(cal.add_working_days(d("2023-07-28"), 1), d("2023-07-31"));
        assert_eq!(cal.add_working_days(d("2023-07-31"), -1), d("2023-07-28"));
    }

    #[test]
    fn counts_outside_the_fast_span_agree_with_inside() {
        let cal = Calendar::new("none", []);
        // Two weeks in 2250 and in 2023: ten working days each.
        assert_eq!(
            cal.working_days_between(d("2250-01-01"), d("2250-01-15")),
            10
        );
        assert_eq!(
            cal.working_days_between(d("2023-01-01"), d("2023-01-15")),
            10
        );
    }
}
