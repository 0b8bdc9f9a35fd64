//! Calendar months and financial years (April to March), the periods every
//! measure is reported in.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A calendar month, stored as `year * 12 + month0` so months subtract as integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }

    pub fn of_date(date: NaiveDate) -> Month {
        Month::new(date.year(), date.month())
    }

    /// The month of a date stored as days since 1970-01-01 (Arrow's Date32),
    /// by integer arithmetic (the civil-from-days algorithm): this runs once
    /// per row, so it avoids building a calendar date.
    pub fn of_days(days: i32) -> Month {
        let z = i64::from(days) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Month((year * 12 + month - 1) as i32)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    pub fn offset(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).expect("month is always valid")
    }

    pub fn last_day(self) -> NaiveDate {
        self.offset(1)
            .first_day()
            .pred_opt()
            .expect("not the first day of time")
    }

    /// The financial year (April to March) holding this month.
    pub fn financial_year(self) -> FinancialYear {
        FinancialYear(if self.month() >= 4 {
            self.year()
        } else {
            self.year() - 1
        })
    }

    /// The last month of the quarter holding this month (March, June,
    /// September or December: calendar and financial quarters end together).
    pub fn quarter_end(self) -> Month {
        self.offset(2 - (self.month() as i32 - 1) % 3)
    }

    /// The financial quarter holding this month: 1 is April to June.
    pub fn financial_quarter(self) -> u32 {
        (self.month() + 8) % 12 / 3 + 1
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        (1..=12).contains(&month).then(|| Month::new(year, month))
    }

    /// `Jul-23`, the heading style of the reference reports.
    pub fn short_label(self) -> String {
        const NAMES: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{}-{:02}",
            NAMES[self.month() as usize - 1],
            self.year().rem_euclid(100)
        )
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// A financial year, named by the calendar year it starts in (2023 is 2023-24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    pub fn first_month(self) -> Month {
        Month::new(self.0, 4)
    }

    pub fn last_month(self) -> Month {
        Month::new(self.0 + 1, 3)
    }

    /// Parses `2023-24`; the second year must follow the first.
    pub fn parse(text: &str) -> Option<FinancialYear> {
        let (a, b) = text.trim().split_once('-')?;
        if a.len() != 4 || b.len() != 2 {
            return None;
        }
        let start: i32 = a.parse().ok()?;
        let end: i32 = b.parse().ok()?;
        ((start + 1).rem_euclid(100) == end).then_some(FinancialYear(start))
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

pub const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

pub fn date_from_days(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days.saturating_add(UNIX_EPOCH_DAYS_FROM_CE))
        .unwrap_or(NaiveDate::MIN)
}

/// The month of a day number by table lookup over a run of months (one
/// entry per day, a few kilobytes), falling back to arithmetic outside it:
/// the scan asks this once per kept row.
#[derive(Debug, Clone)]
pub struct MonthTable {
    first_day: i32,
    months: Vec<Month>,
}

impl MonthTable {
    pub fn new(from: Month, to: Month) -> MonthTable {
        let first_day = days_from_date(from.first_day());
        let end = days_from_date(to.last_day());
        let months = (first_day..=end).map(Month::of_days).collect();
        MonthTable { first_day, months }
    }

    pub fn month(&self, days: i32) -> Month {
        usize::try_from(i64::from(days) - i64::from(self.first_day))
            .ok()
            .and_then(|i| self.months.get(i).copied())
            .unwrap_or_else(|| Month::of_days(days))
    }

    /// The first day of the table and the month of each day from it.
    pub fn days(&self) -> (i32, &[Month]) {
        (self.first_day, &self.months)
    }

    /// The month of a day inside the table; outside it, the month just
    /// before or just after the table. For placing rows in periods, where
    /// the table reaches a year before the first period computed, every
    /// month that far out lands in the same periods (none, or from the
    /// first or to the last), so this is exact there, and no row pays for
    /// calendar arithmetic.
    pub fn month_clamped(&self, days: i32) -> Month {
        let i = i64::from(days) - i64::from(self.first_day);
        match usize::try_from(i) {
            Err(_) => self.months[0].offset(-1),
            Ok(i) => match self.months.get(i) {
                Some(m) => *m,
                None => self.months[self.months.len() - 1].offset(1),
            },
        }
    }
}

pub fn days_from_date(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamped_months_stop_just_outside_the_table() {
        let table = MonthTable::new(Month::new(2022, 7), Month::new(2023, 7));
        let day = |y, m, d| days_from_date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(table.month_clamped(day(2022, 7, 1)), Month::new(2022, 7));
        assert_eq!(table.month_clamped(day(2023, 7, 31)), Month::new(2023, 7));
        assert_eq!(table.month_clamped(day(2022, 6, 30)), Month::new(2022, 6));
        assert_eq!(table.month_clamped(day(1990, 1, 1)), Month::new(2022, 6));
        assert_eq!(table.month_clamped(day(2023, 8, 1)), Month::new(2023, 8));
        assert_eq!(table.month_clamped(i32::MAX), Month::new(2023, 8));
        assert_eq!(table.month_clamped(i32::MIN), Month::new(2022, 6));
    }

    #[test]
    fn months_round_trip_and_label() {
        let m = Month::parse("2023-07").unwrap();
        assert_eq!(m.to_string(), "2023-07");
        assert_eq!(m.short_label(), "Jul-23");
        assert_eq!(m.offset(-12).to_string(), "2022-07");
        assert_eq!(m.offset(6).to_string(), "2024-01");
        assert_eq!(Month::parse("2023-13"), None);
        assert_eq!(Month::parse("23-07"), None);
    }

    #[test]
    fn financial_years_start_in_april() {
        assert_eq!(
            Month::parse("2023-03")
                .unwrap()
                .financial_year()
                .to_string(),
            "2022-23"
        );
        assert_eq!(
            Month::parse("2023-04")
                .unwrap()
                .financial_year()
                .to_string(),
            "2023-24"
        );
        assert_eq!(FinancialYear::parse("2023-24"), Some(FinancialYear(2023)));
        assert_eq!(FinancialYear::parse("2023-25"), None);
        assert_eq!(FinancialYear::parse("1999-00"), Some(FinancialYear(1999)));
    }

    #[test]
    fn financial_quarters() {
        let m = |s: &str| Month::parse(s).unwrap();
        assert_eq!(m("2023-04").financial_quarter(), 1);
        assert_eq!(m("2023-06").financial_quarter(), 1);
        assert_eq!(m("2023-07").financial_quarter(), 2);
        assert_eq!(m("2023-12").financial_quarter(), 3);
        assert_eq!(m("2024-01").financial_quarter(), 4);
        assert_eq!(m("2024-03").financial_quarter(), 4);
        assert_eq!(m("2023-07").quarter_end(), m("2023-09"));
        assert_eq!(m("2023-09").quarter_end(), m("2023-09"));
        assert_eq!(m("2024-01").quarter_end(), m("2024-03"));
    }

    #[test]
    fn months_of_days_agree_with_the_calendar() {
        for days in (-800_000..800_000).step_by(7).chain(-40..40) {
            assert_eq!(
                Month::of_days(days),
                Month::of_date(date_from_days(days)),
                "day {days}"
            );
        }
    }

    #[test]
    fn month_ends() {
        let feb = Month::parse("2024-02").unwrap();
        assert_eq!(feb.last_day().to_string(), "2024-02-29");
        assert_eq!(Month::of_days(days_from_date(feb.last_day())), feb);
    }

    #[test]
    fn month_table_agrees_with_arithmetic_inside_and_outside_its_run() {
        let table = MonthTable::new(Month::new(2020, 1), Month::new(2023, 12));
        for days in -800_000..800_000 {
            assert_eq!(table.month(days), Month::of_days(days), "day {days}");
        }
        for days in [i32::MIN, i32::MIN + 1, i32::MAX - 1, i32::MAX] {
            assert_eq!(table.month(days), Month::of_days(days));
        }
        assert_eq!(date_from_days(0).to_string(), "1970-01-01");
    }
}
