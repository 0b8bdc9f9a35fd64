//! Moving dates: `add_days`, `add_months`, `add_years` (months and years
//! stop at the end of a shorter month) and `day`, per row, vectorised and
//! in SQL. Answers worked out by hand beside each row.

use crate::common;
use common::*;

fn project() -> Fixture {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "plans",
            vec![
                ("id", ints(&[Some(1), Some(2), Some(3), Some(4), Some(5)])),
                (
                    "start_date",
                    dates(&[
                        Some("2024-03-31"), // a: ends a 31-day month
                        Some("2025-01-31"), // b: one month on is 28 Feb 2025
                        Some("2024-02-29"), // c: a leap day
                        Some("2024-01-31"), // d: one month on is 29 Feb 2024
                        Some("2024-05-15"), // e: mid-month
                    ]),
                ),
                (
                    "review_date",
                    dates(&[
                        Some("2024-04-30"),
                        Some("2025-03-01"),
                        Some("2025-02-28"),
                        Some("2024-03-01"),
                        Some("2024-06-14"),
                    ]),
                ),
            ],
        )
        .file(
            "indicators/d.yaml",
            &indicators(&[
                flow("ADDM", "review_date <= add_months(start_date, 1)"),
                flow("ADDY", "review_date < add_years(start_date, 1)"),
                flow("ADDD", "add_days(review_date, -29) <= start_date"),
                flow("DAY31", "day(start_date) == 31"),
                flow("BACK", "add_months(start_date, -1) == date(\"2024-02-29\")"),
            ]),
        );
    f
}

fn flow(id: &str, filter: &str) -> String {
    indicator(
        id,
        "count",
        "neutral",
        &format!("kind: flow\nsource: plans\ndate: review_date\nfilter: {filter}"),
        "",
    )
}

/// The months rows a to e are reviewed in.
const MONTHS: [&str; 5] = ["2024-04", "2025-03", "2025-02", "2024-03", "2024-06"];

fn counts(t: &Table, id: &str) -> [String; 5] {
    MONTHS.map(|m| t.value(id, m))
}

#[test]
fn a_month_on_stops_at_the_end_of_a_shorter_month() {
    let t = project().run(&["--period", "2025-03"]);
    // a: 31 Mar + 1 month = 30 Apr (April has 30 days): reviewed 30 Apr, in time.
    // b: 31 Jan 2025 + 1 month = 28 Feb 2025: reviewed 1 Mar, late.
    // c: 29 Feb 2024 + 1 month = 29 Mar 2024: reviewed a year on, late.
    // d: 31 Jan 2024 + 1 month = 29 Feb 2024 (a leap year): 1 Mar is late.
    // e: 15 May + 1 month = 15 Jun: reviewed 14 Jun, in time.
    assert_eq!(counts(&t, "ADDM"), ["1", "0", "0", "0", "1"]);
    // One month before: a (31 Mar 2024) gives 29 Feb 2024; d (31 Jan
    // 2024) gives 31 Dec 2023; c (29 Feb) gives 29 Jan.
    assert_eq!(counts(&t, "BACK"), ["1", "0", "0", "0", "0"]);
    // No other month counts anything.
    assert_eq!(t.value("ADDM", "2024-05"), "0");
}

#[test]
fn a_year_after_29_february_is_28_february() {
    let t = project().run(&["--period", "2025-03"]);
    // c: 29 Feb 2024 + 1 year = 28 Feb 2025, so a review on 28 Feb 2025
    // is not before it. Every other review is within the year.
    assert_eq!(counts(&t, "ADDY"), ["1", "1", "0", "1", "1"]);
}

#[test]
fn days_are_added_across_month_ends_and_leap_days() {
    let t = project().run(&["--period", "2025-03"]);
    // 29 days before each review: a 1 Apr 2024 (after 31 Mar); b 31 Jan
    // 2025 (1 Mar less 1 is 28 Feb, less 28 more is 31 Jan): on the start;
    // c 30 Jan 2025; d 1 Feb 2024 (1 Mar less 1 is 29 Feb); e 16 May.
    assert_eq!(counts(&t, "ADDD"), ["0", "1", "0", "0", "0"]);
}

#[test]
fn the_day_of_the_month() {
    let t = project().run(&["--period", "2025-03"]);
    // Starts on the 31st: a, b and d.
    assert_eq!(counts(&t, "DAY31"), ["1", "1", "0", "1", "0"]);
}

#[test]
fn date_arithmetic_in_sql_gives_the_scans_figures() {
    let f = project();
    let out = f.rubric(&["sql", "--period", "2025-03"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("has no SQL"), "{}", out.stdout);
    // 13 months of each of the five indicators, every one with SQL.
    sql_agrees_with_duckdb(
        &f,
        "2025-03",
        "65 figures of 5 indicators agree (0 without SQL)",
    );
}
