//! Filters that read the measured period (`period_start`, `period_end`)
//! and the whole-unit date functions (`age_at`, `months_between`,
//! `years_between`): ages and durations at month ends, worked out by hand.

use crate::common;
use common::*;

fn project() -> Fixture {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "cp_plans",
            vec![
                ("child_id", ints(&[Some(1), Some(2), Some(3)])),
                (
                    "start_date",
                    // 1: on the last day of a month; 2: on the 30th; 3: recent.
                    dates(&[Some("2021-07-31"), Some("2021-06-30"), Some("2022-01-15")]),
                ),
                ("end_date", dates(&[None, Some("2023-07-10"), None])),
            ],
        )
        .table(
            "cla_episodes",
            vec![
                ("child_id", ints(&[Some(10), Some(11)])),
                // 10: born on 29 February of a leap year.
                ("dob", dates(&[Some("2004-02-29"), Some("2006-03-31")])),
                ("start_date", dates(&[Some("2021-01-01"), Some("2022-01-10")])),
                ("end_date", dates(&[None, Some("2022-04-15")])),
            ],
        )
        .table(
            "referrals",
            vec![(
                "referral_date",
                dates(&[Some("2023-01-31"), Some("2023-02-01"), Some("2023-07-31")]),
            )],
        )
        .file(
            "indicators/p.yaml",
            &indicators(&[
                indicator(
                    "CP2Y",
                    "count",
                    "neutral",
                    "kind: snapshot\nsource: cp_plans\nstart: start_date\nend: end_date\n\
                     distinct: child_id\nfilter: years_between(start_date, period_end) >= 2",
                    "",
                ),
                indicator(
                    "LAC1617",
                    "count",
                    "neutral",
                    "kind: snapshot\nsource: cla_episodes\nstart: start_date\nend: end_date\n\
                     filter: age_at(dob, period_end) >= 16 && age_at(dob, period_end) <= 17",
                    "",
                ),
                indicator(
                    "RECENT",
                    "count",
                    "neutral",
                    "kind: window\nwindow: rolling_12m\nmeasure:\n  kind: flow\n  source: referrals\n  \
                     date: referral_date\n  filter: days_between(referral_date, period_end) < 183",
                    "",
                ),
            ]),
        );
    f
}

#[test]
fn a_plan_is_two_years_old_on_the_same_day_two_years_on() {
    let t = project().run(&["--period", "2023-07"]);
    // May 2023: plan 1 (31 Jul 2021) is 1 year 9 months old; plan 2 (30
    // Jun 2021) is 1 year 11 months old (31 May is after the 30th, but
    // June has not come round): neither.
    assert_eq!(t.value("CP2Y", "2023-05"), "0");
    // June: plan 2 turns two on 30 June, the month's last day; plan 1
    // (started on the 31st) is 1 year 10 months old on 30 June.
    assert_eq!(t.value("CP2Y", "2023-06"), "1");
    // July: plan 2 ended on 10 July; plan 1 turns two on 31 July.
    assert_eq!(t.value("CP2Y", "2023-07"), "1");
}

#[test]
fn a_29_february_birthday_comes_on_1_march_in_a_common_year() {
    let t = project().run(&["--period", "2022-04"]);
    // Child 10 (born 29 Feb 2004) is 17 on 31 Jan and on 28 Feb 2022 (a
    // common year: the birthday comes on 1 March), 18 by 31 March.
    // Child 11 (born 31 Mar 2006) came into care on 10 Jan 2022, is 15 at
    // the ends of January and February, 16 on 31 March, and left on 15 April.
    assert_eq!(t.value("LAC1617", "2022-01"), "1");
    assert_eq!(t.value("LAC1617", "2022-02"), "1");
    assert_eq!(t.value("LAC1617", "2022-03"), "1");
    assert_eq!(t.value("LAC1617", "2022-04"), "0");
    assert_eq!(t.value("LAC1617", "2021-12"), "1");
}

#[test]
fn a_windowed_measure_reads_the_end_of_its_window() {
    let t = project().run(&["--period", "2023-08"]);
    // The 12 months to July 2023 end on 31 July: the three referrals are
    // 181, 180 and 0 days before it.
    assert_eq!(t.value("RECENT", "2023-07"), "3");
    // To August, the window ends on 31 August: 212, 211 and 31 days.
    assert_eq!(t.value("RECENT", "2023-08"), "1");
}

#[test]
fn sql_reads_the_period_as_the_scan_does() {
    let f = project();
    let out = f.rubric(&["sql", "--period", "2023-07"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("CAST(day(") && out.stdout.contains("last_day(make_date("),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("has no SQL"), "{}", out.stdout);
    // 13 months of each of the three indicators, every one with SQL.
    let all = "39 figures of 3 indicators agree (0 without SQL)";
    sql_agrees_with_duckdb(&f, "2023-08", all);
    sql_agrees_with_duckdb(&f, "2022-04", all);
}

#[test]
fn a_population_filter_cannot_read_the_period() {
    let f = project();
    f.table(
        "population",
        vec![
            ("year", ints(&[Some(2023)])),
            ("children", ints(&[Some(1000)])),
        ],
    )
    .file(
        "indicators/q.yaml",
        &indicators(&[indicator(
            "RATE",
            "rate",
            "neutral",
            "kind: rate\npopulation: { source: population, year: year, column: children, \
             filter: year <= year(period_end) }\nmeasure: { kind: flow, source: referrals, date: referral_date }",
            "",
        )]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown name `period_end`")
            && out.stderr.contains("indicators/q.yaml:12:"),
        "{}",
        out.stderr
    );
}

/// A financial-year-to-date count: 4 events in April 2022, 6 in March
/// 2023 (so 10 in the year to March), 5 in April 2023.
fn year_to_date(extra: &str) -> Fixture {
    let f = Fixture::new();
    let mut when = repeat("2022-04-12", 4);
    when.extend(repeat("2023-03-20", 6));
    when.extend(repeat("2023-04-03", 5));
    f.standard_rules()
        .table("events", vec![("event_date", dates(&when))])
        .file(
            "indicators/y.yaml",
            &indicators(&[indicator(
                "YTD",
                "count",
                "neutral",
                "kind: window\nwindow: financial_year_to_date\nmeasure: { kind: flow, source: events, date: event_date }",
                &format!("dot: dot_banded\n{extra}"),
            )]),
        );
    f
}

#[test]
fn a_year_to_date_value_in_april_compares_with_last_april() {
    let t = year_to_date("").run(&["--period", "2023-04"]);
    let c = |column: &str| t.get("YTD", "2023-04", column);
    assert_eq!(c("value"), "5");
    // Against April 2022 (4), not March 2023 (10): up 25%, beyond the 10% band.
    assert_eq!(
        [c("previous"), c("change"), c("change_pct")],
        ["4", "1", "25"]
    );
    assert_eq!(c("dot"), "up");
    // A 12-month average of running totals means nothing: none is given.
    assert_eq!(
        [c("avg_12m"), c("max_12m"), c("min_12m")],
        ["NA", "NA", "NA"]
    );
    assert_eq!(t.value("YTD", "2023-03"), "10");
}

#[test]
fn compare_with_previous_period_restores_the_month_before() {
    let t = year_to_date("compare_with: previous_period").run(&["--period", "2023-04"]);
    let c = |column: &str| t.get("YTD", "2023-04", column);
    assert_eq!(
        [c("previous"), c("change"), c("change_pct")],
        ["10", "-5", "-50"]
    );
    assert_eq!(c("dot"), "down");
}

#[test]
fn explain_says_a_to_date_value_compares_with_last_year() {
    let f = year_to_date("");
    let out = f.rubric(&["explain", "YTD", "--period", "2023-04"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("- the same period last year (2022-04): 4.0, a change of +25%")
            && out.stdout.contains("(a to-date value, so its change and direction of travel compare with the same period last year)")
            && out.stdout.contains("no average or highest"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_value_named_once_with_let_gives_the_same_figures_in_rust_and_sql() {
    let f = project();
    f.file(
        "indicators/named.yaml",
        &indicators(&[indicator(
            "LAC1617_LET",
            "count",
            "neutral",
            "kind: snapshot\nsource: cla_episodes\nstart: start_date\nend: end_date\n\
             filter: let age = age_at(dob, period_end); age >= 16 && age <= 17",
            "",
        )]),
    );
    let t = f.run(&["--period", "2022-04"]);
    // The same children as LAC1617, which writes `age_at` twice.
    for month in ["2021-12", "2022-01", "2022-02", "2022-03", "2022-04"] {
        assert_eq!(
            t.value("LAC1617_LET", month),
            t.value("LAC1617", month),
            "{month}"
        );
    }
    assert_eq!(t.value("LAC1617_LET", "2022-03"), "1");
    let all = "52 figures of 4 indicators agree (0 without SQL)";
    sql_agrees_with_duckdb(&f, "2022-04", all);
}
