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
//! `elapsed` counts whole months and years between days (ages, durations).
//! `period` holds the months and financial years every figure is reported
//! in: value types below every stage.

pub(crate) mod elapsed;
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

/// A working-day calendar. Counting is arithmetic, for any two days:
/// whole weeks by division, holidays by binary search in a sorted list, so
/// a placeholder date such as 9999-12-31 costs what 2023-07-31 does.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub name: String,
    holidays: BTreeSet<i32>,
    /// The holidays and closure days that fall on weekdays, sorted: the
    /// only ones that take a working day away.
    weekday_holidays: Vec<i64>,
    /// `working_upto` of each day from 1900 to 2199, so the filters that
    /// count working days on every row look a count up instead of
    /// searching the holidays twice.
    table: Vec<i64>,
    /// The first and last year the holiday list covers.
    pub covered_years: Option<(i32, i32)>,
}

/// The days the lookup table covers: 1900-01-01 to 2199-12-31.
const TABLE_START: i64 = -25_567;
const TABLE_DAYS: usize = 109_572;

/// 1969-12-29, a Monday: weeks are counted from it.
const A_MONDAY: i64 = -3;

/// Weekdays in the days before `day` counted from `A_MONDAY` (negative
/// before it): five a week, plus the weekdays of the part week.
fn weekdays_before(day: i64) -> i64 {
    let m = day - A_MONDAY;
    5 * m.div_euclid(7) + m.rem_euclid(7).min(5)
}

impl Calendar {
    /// A calendar with these holidays (days since 1970-01-01).
    pub fn new(name: impl Into<String>, holidays: impl IntoIterator<Item = i32>) -> Calendar {
        let holidays: BTreeSet<i32> = holidays.into_iter().collect();
        let covered_years = match (holidays.first(), holidays.last()) {
            (Some(a), Some(b)) => Some((year_of(*a), year_of(*b))),
            _ => None,
        };
        let weekday_holidays = holidays
            .iter()
            .filter(|d| is_weekday(**d))
            .map(|d| i64::from(*d))
            .collect();
        let mut calendar = Calendar {
            name: name.into(),
            holidays,
            weekday_holidays,
            table: Vec::new(),
            covered_years,
        };
        let mut running = calendar.count_upto(TABLE_START - 1);
        calendar.table = (0..TABLE_DAYS as i64)
            .map(|i| {
                let day = TABLE_START + i;
                if calendar.is_working_day(day as i32) {
                    running += 1;
                }
                running
            })
            .collect();
        calendar
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

    /// Working days up to and including `day`, counted from an origin:
    /// differences of it are counts.
    fn working_upto(&self, day: i64) -> i64 {
        match usize::try_from(day - TABLE_START)
            .ok()
            .and_then(|i| self.table.get(i))
        {
            Some(&n) => n,
            None => self.count_upto(day),
        }
    }

    /// `working_upto` by arithmetic, for any day.
    fn count_upto(&self, day: i64) -> i64 {
        let holidays = self.weekday_holidays.partition_point(|h| *h <= day) as i64;
        weekdays_before(day + 1) - holidays
    }

    /// Working days after `start` up to and including `end`.
    pub fn working_days_between(&self, start: i32, end: i32) -> i64 {
        self.working_upto(i64::from(end)) - self.working_upto(i64::from(start))
    }

    /// The first day whose count of working days up to it reaches `k`: a
    /// working day. Binary search over days, each step a binary search
    /// over holidays.
    fn nth_working_day(&self, k: i64) -> i64 {
        // Each 7 days hold at least 5 - (holidays among them) working days;
        // widen the bracket until it holds the answer.
        let mut lo = -1i64;
        let mut step = 1i64;
        while self.working_upto(lo) >= k {
            lo -= step;
            step *= 2;
        }
        let mut hi = 1i64;
        let mut step = 1i64;
        while self.working_upto(hi) < k {
            hi += step;
            step *= 2;
        }
        // working_upto(lo) < k <= working_upto(hi)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.working_upto(mid) >= k {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    }

    /// The day `n` working days after `date` (before it when `n` is
    /// negative), or `None` past the dates a Date32 can hold.
    pub fn add_working_days(&self, date: i32, n: i64) -> Option<i32> {
        // A few weeks' step (the usual 10 or 20 working days) walks; a
        // long one searches, so no step costs more than a few dozen looks.
        if n.abs() <= 64 {
            let step = n.signum() as i32;
            let (mut left, mut day) = (n.abs(), date);
            while left > 0 {
                day = day.checked_add(step)?;
                if self.is_working_day(day) {
                    left -= 1;
                }
            }
            return Some(day);
        }
        let date = i64::from(date);
        let day = match n.cmp(&0) {
            std::cmp::Ordering::Equal => date,
            std::cmp::Ordering::Greater => self.nth_working_day(self.working_upto(date) + n),
            // Walking back `n` working days from `date` lands on the working
            // day with `-n` working days from it to the day before `date`.
            std::cmp::Ordering::Less => self.nth_working_day(self.working_upto(date - 1) + n + 1),
        };
        i32::try_from(day).ok()
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
        assert_eq!(
            cal.add_working_days(d("2023-07-28"), 1),
            Some(d("2023-07-31"))
        );
        assert_eq!(
            cal.add_working_days(d("2023-07-31"), -1),
            Some(d("2023-07-28"))
        );
    }

    /// The day-by-day definitions the arithmetic must agree with.
    fn walk_between(cal: &Calendar, start: i32, end: i32) -> i64 {
        let (lo, hi, sign) = if start <= end {
            (start, end, 1)
        } else {
            (end, start, -1)
        };
        sign * (lo + 1..=hi).filter(|d| cal.is_working_day(*d)).count() as i64
    }

    fn walk_add(cal: &Calendar, date: i32, n: i64) -> i32 {
        let step = if n >= 0 { 1 } else { -1 };
        let (mut left, mut day) = (n.abs(), date);
        while left > 0 {
            day += step;
            if cal.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    #[test]
    fn arithmetic_agrees_with_walking_day_by_day() {
        let cal = Calendar::new("test", [d("2023-05-08"), d("2023-05-29"), d("2023-05-27")]);
        let base = d("2023-04-20");
        for a in 0..60 {
            for b in 0..60 {
                assert_eq!(
                    cal.working_days_between(base + a, base + b),
                    walk_between(&cal, base + a, base + b),
                    "{a} {b}"
                );
            }
            for n in (-30..30).chain([-1000, -200, -65, 65, 200, 1000]) {
                assert_eq!(
                    cal.add_working_days(base + a, n),
                    Some(walk_add(&cal, base + a, n)),
                    "{a} {n}"
                );
            }
        }
    }

    #[test]
    fn the_table_and_the_arithmetic_agree_at_its_edges() {
        let cal = Calendar::new("test", [d("1900-01-01"), d("2199-12-31"), d("2023-05-08")]);
        for day in [
            TABLE_START - 3,
            TABLE_START,
            TABLE_START + 1,
            TABLE_START + TABLE_DAYS as i64 - 1,
            TABLE_START + TABLE_DAYS as i64 + 2,
            19_000,
        ] {
            for offset in -10..10 {
                assert_eq!(
                    cal.working_upto(day + offset),
                    cal.count_upto(day + offset),
                    "{}",
                    day + offset
                );
            }
        }
    }

    #[test]
    fn placeholder_dates_are_counted_at_once() {
        let cal = Calendar::new("none", [d("2023-05-08")]);
        let far = d("9999-12-31");
        // 9999-12-31 is a Friday; from the Monday before it, five working days.
        assert_eq!(cal.working_days_between(far - 5, far), 5);
        assert!(cal.working_days_between(d("0001-01-01"), far) > 2_600_000);
        assert!(cal.working_days_between(i32::MIN, i32::MAX) > 0);
        assert_eq!(cal.add_working_days(i32::MAX - 2, 100_000), None);
        assert!(cal.add_working_days(d("2023-01-02"), 100_000).is_some());
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
