//! Whole months and years between two days, as the statutory returns count
//! ages and durations. One convention for all three functions:
//!
//! - A month is complete on the same day of a later month: from 15 January,
//!   one month has passed on 15 February, not on 14 February.
//! - Where that day does not exist in the later month, the month is
//!   complete on the first day of the month after: from 31 January, one
//!   month has passed on 1 March (28 February is still 0 months); from
//!   29 February, one year has passed on 1 March of a common year. So a
//!   child born on 29 February turns 18 on 1 March in a common year, as
//!   the law of England and Wales counts it.
//! - Both rules come to one comparison: months counted by the calendar,
//!   less one when the later day of the month is smaller than the earlier.
//! - When `to` is before `from`, the result is the negative of the count
//!   from `to` to `from` (whole units, rounded towards zero).
//!
//! `age_at(dob, date)` is `years_between(dob, date)`.

/// Whole months from day `from` to day `to` (days since 1970-01-01).
#[inline]
pub(crate) fn whole_months(from: i32, to: i32) -> i64 {
    let (earlier, later, sign) = if to < from {
        (to, from, -1)
    } else {
        (from, to, 1)
    };
    let ((am, ad), (bm, bd)) = (month_and_day(earlier), month_and_day(later));
    sign * (bm - am - i64::from(bd < ad))
}

/// The first day the table of calendar dates holds: 1 January 1900.
const TABLE_FIRST: i32 = -25_567;
/// Days the table holds: up to 31 December 2199.
const TABLE_DAYS: usize = 109_573;

/// A day's month (counted from January of year 0) and day of the month.
/// A filter judges every row in each of its periods, so days of the usual
/// range are looked up in a table made once (440 KB), not worked out.
fn month_and_day(days: i32) -> (i64, i64) {
    static TABLE: std::sync::OnceLock<Box<[u32]>> = std::sync::OnceLock::new();
    let at = i64::from(days) - i64::from(TABLE_FIRST);
    match usize::try_from(at).ok().filter(|&at| at < TABLE_DAYS) {
        Some(at) => {
            let table = TABLE.get_or_init(|| {
                (0..TABLE_DAYS as i32)
                    .map(|i| {
                        let (m, d) = worked_out(TABLE_FIRST + i);
                        (m as u32) << 5 | d as u32
                    })
                    .collect()
            });
            let packed = table[at];
            (i64::from(packed >> 5), i64::from(packed & 31))
        }
        None => worked_out(days),
    }
}

/// A day's month (from January of year 0) and day, by arithmetic.
fn worked_out(days: i32) -> (i64, i64) {
    let (year, month, day) = civil(days);
    (year * 12 + month - 1, day)
}

/// The (year, month, day) of a day number in the proleptic Gregorian
/// calendar, by arithmetic alone: called for every row a filter judges,
/// so it avoids building a date. (The civil-from-days algorithm of
/// "chrono-Compatible Low-Level Date Algorithms", in 64-bit integers so
/// any day number is exact.)
fn civil(days: i32) -> (i64, i64, i64) {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whole years from day `from` to day `to`: whole months over 12.
#[inline]
pub(crate) fn whole_years(from: i32, to: i32) -> i64 {
    // Rust's division rounds towards zero, as the convention asks.
    whole_months(from, to) / 12
}

/// The day `n` days after `day` (before it when `n` is negative), `None`
/// past the dates a calendar date holds.
pub(crate) fn shift_days(day: i32, n: i64) -> Option<i32> {
    let shifted = i32::try_from(i64::from(day).checked_add(n)?).ok()?;
    naive(shifted).map(|_| shifted)
}

/// The day `n` months after `day` (before it when `n` is negative), on the
/// same day of the month or, where that month is shorter, its last day:
/// one month after 31 January is 28 (or 29) February, one year before
/// 29 February is 28 February. `None` past the dates a calendar date holds.
pub(crate) fn shift_months(day: i32, n: i64) -> Option<i32> {
    use chrono::Months;
    let date = naive(day)?;
    let months = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
    let shifted = if n >= 0 {
        date.checked_add_months(months)?
    } else {
        date.checked_sub_months(months)?
    };
    Some(super::period::days_from_date(shifted))
}

/// The calendar date of a day, `None` outside chrono's range.
fn naive(day: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_num_days_from_ce_opt(
        day.checked_add(super::period::UNIX_EPOCH_DAYS_FROM_CE)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::period::{date_from_days, days_from_date};
    use chrono::NaiveDate;

    fn day(text: &str) -> i32 {
        days_from_date(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    fn months(a: &str, b: &str) -> i64 {
        whole_months(day(a), day(b))
    }

    fn years(a: &str, b: &str) -> i64 {
        whole_years(day(a), day(b))
    }

    #[test]
    fn days_in_the_table_give_what_working_them_out_gives() {
        // Each edge of the table, either side, and every day in it.
        let last = TABLE_FIRST + TABLE_DAYS as i32 - 1;
        for d in [TABLE_FIRST - 1, TABLE_FIRST, last, last + 1, 0, -1] {
            assert_eq!(month_and_day(d), worked_out(d), "{d}");
        }
        for d in TABLE_FIRST..=last {
            assert_eq!(month_and_day(d), worked_out(d), "{d}");
        }
        assert_eq!(date_from_days(TABLE_FIRST).to_string(), "1900-01-01");
        assert_eq!(date_from_days(last).to_string(), "2199-12-31");
    }

    #[test]
    fn a_month_is_complete_on_the_same_day_of_the_month() {
        assert_eq!(months("2023-01-15", "2023-02-14"), 0);
        assert_eq!(months("2023-01-15", "2023-02-15"), 1);
        assert_eq!(months("2023-01-15", "2023-01-15"), 0);
        assert_eq!(months("2022-07-01", "2023-07-31"), 12);
    }

    #[test]
    fn a_day_missing_from_the_later_month_completes_it_on_the_next_first() {
        assert_eq!(months("2023-01-31", "2023-02-28"), 0);
        assert_eq!(months("2023-01-31", "2023-03-01"), 1);
        assert_eq!(months("2023-03-31", "2023-04-30"), 0);
        assert_eq!(months("2023-03-31", "2023-05-31"), 2);
    }

    #[test]
    fn a_29_february_birthday_comes_on_1_march_in_a_common_year() {
        assert_eq!(years("2008-02-29", "2026-02-28"), 17);
        assert_eq!(years("2008-02-29", "2026-03-01"), 18);
        assert_eq!(years("2008-02-29", "2028-02-29"), 20);
        assert_eq!(years("2008-02-28", "2026-02-28"), 18);
    }

    #[test]
    fn a_plan_started_on_the_last_day_of_a_month_is_two_years_old_two_years_on() {
        assert_eq!(years("2021-07-31", "2023-07-31"), 2);
        assert_eq!(years("2021-07-31", "2023-07-30"), 1);
        assert_eq!(years("2021-06-30", "2023-06-30"), 2);
    }

    #[test]
    fn backwards_is_the_negative_of_forwards() {
        assert_eq!(months("2023-02-15", "2023-01-15"), -1);
        assert_eq!(months("2023-02-14", "2023-01-15"), 0);
        assert_eq!(years("2026-03-01", "2008-02-29"), -18);
    }

    #[test]
    fn the_extremes_of_a_date_do_not_overflow() {
        let (first, last) = (
            days_from_date(NaiveDate::MIN),
            days_from_date(NaiveDate::MAX),
        );
        assert!(whole_months(first, last) > 6_000_000);
        assert!(whole_years(last, first) < -500_000);
        assert!(whole_months(i32::MIN, i32::MAX) > 0);
        assert!(whole_months(i32::MAX, i32::MIN) < 0);
    }

    #[test]
    fn arithmetic_days_agree_with_the_calendar() {
        use chrono::Datelike;
        let (first, last) = (
            days_from_date(NaiveDate::MIN),
            days_from_date(NaiveDate::MAX),
        );
        let step = ((last - first) / 200_000).max(1);
        for d in (first..=last)
            .step_by(step as usize)
            .chain(-800_000..800_000)
        {
            let date = date_from_days(d);
            assert_eq!(
                civil(d),
                (
                    i64::from(date.year()),
                    i64::from(date.month()),
                    i64::from(date.day())
                ),
                "{d}"
            );
        }
    }

    #[test]
    fn months_added_stop_at_the_end_of_a_shorter_month() {
        let shift = |a: &str, n: i64| {
            crate::calendar::period::date_from_days(shift_months(day(a), n).unwrap()).to_string()
        };
        assert_eq!(shift("2023-01-31", 1), "2023-02-28");
        assert_eq!(shift("2024-01-31", 1), "2024-02-29");
        assert_eq!(shift("2024-02-29", -12), "2023-02-28");
        assert_eq!(shift("2024-02-29", 48), "2028-02-29");
        assert_eq!(shift("2023-03-31", -1), "2023-02-28");
        assert_eq!(shift("2023-05-15", -17), "2021-12-15");
        assert_eq!(shift("2023-05-15", 0), "2023-05-15");
    }

    #[test]
    fn shifts_past_the_last_date_are_none_not_a_panic() {
        assert_eq!(shift_days(day("2023-12-31"), 1), Some(day("2024-01-01")));
        assert_eq!(shift_days(day("2024-03-01"), -1), Some(day("2024-02-29")));
        assert_eq!(shift_days(i32::MAX, 1), None);
        assert_eq!(shift_days(0, i64::MAX), None);
        assert_eq!(shift_days(0, 1 << 40), None);
        assert_eq!(shift_months(0, i64::MIN), None);
        assert_eq!(shift_months(0, 1 << 40), None);
        assert_eq!(shift_months(i32::MAX, 1), None);
    }
}
