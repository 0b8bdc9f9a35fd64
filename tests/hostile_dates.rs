//! Placeholder dates (9999-12-31, year 1, the extremes of a Date32) cost
//! what ordinary dates do: working-day arithmetic is O(log n) for any two
//! days, and the scan never walks the span between dates. Each case runs
//! within the corpus's bounds (5 s of CPU, 1 GiB).

use crate::common;
use arrow_array::{ArrayRef, Date32Array};
use common::*;
use std::sync::Arc;

/// Referral and completion dates: real ones and placeholders.
fn placeholder_dates() -> Fixture {
    let f = Fixture::new();
    let starts = [
        date("2023-03-01"),
        date("2023-03-02"),
        i32::MIN,
        date("0001-01-01"),
        date("9999-12-31"),
        date("2023-03-03"),
    ];
    let ends = [
        date("2023-03-10"),
        i32::MAX,
        date("2023-03-06"),
        date("9999-12-31"),
        date("2023-03-08"),
        date("0001-01-01"),
    ];
    f.standard_rules().table(
        "referrals",
        vec![
            (
                "referral_date",
                Arc::new(Date32Array::from(starts.to_vec())) as ArrayRef,
            ),
            (
                "completed_date",
                Arc::new(Date32Array::from(ends.to_vec())) as ArrayRef,
            ),
        ],
    );
    f
}

fn run_one(f: &Fixture, measure: &str) -> Output {
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator("A1", "count", "neutral", measure, "")]),
    );
    let out = rubric_bounded(f.path(), &["run", "--quiet", "--period", "2023-03"]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

#[test]
fn working_days_between_placeholder_dates_is_immediate() {
    let f = placeholder_dates();
    let out = run_one(
        &f,
        "kind: flow\nsource: referrals\ndate: referral_date\nfilter: working_days_between(referral_date, completed_date) <= 45",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // March 2023: 1 to 10 March is 7 working days; 2 March to the end of
    // time is not within 45; 3 March back to year 1 is far negative.
    assert_eq!(f.read_csv().value("A1", "2023-03"), "2");
}

#[test]
fn adding_working_days_to_placeholder_dates_is_immediate() {
    let f = placeholder_dates();
    let out = run_one(
        &f,
        "kind: flow\nsource: referrals\ndate: referral_date\nfilter: add_working_days(referral_date, 100000) > completed_date",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Only 2 March (completed at the end of time) is not beaten.
    assert_eq!(f.read_csv().value("A1", "2023-03"), "2");
}

#[test]
fn a_snapshot_open_from_year_1_to_9999_counts_in_every_period_at_once() {
    let f = placeholder_dates();
    let out = run_one(
        &f,
        "kind: snapshot\nsource: referrals\nstart: referral_date\nend: completed_date",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Open at the end of March 2023: 2 March (to i32::MAX), year 1 to 9999.
    assert_eq!(f.read_csv().value("A1", "2023-03"), "2");
}

#[test]
fn regression_check_takes_the_period_its_own_help_suggests() {
    // A placeholder date cannot be the reporting month: `check` says so
    // and suggests --period, which it now takes, as `run` does.
    let f = Fixture::new();
    f.standard_rules().table(
        "referrals",
        vec![(
            "referral_date",
            dates(&[Some("2023-03-01"), Some("9999-12-31")]),
        )],
    );
    referrals_counted(&f, "");
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("--period YYYY-MM"), "{}", out.stderr);
    let out = rubric_bounded(f.path(), &["check", "--period", "2023-03"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = rubric_bounded(f.path(), &["check", "--period", "2023-13"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}
