//! Behaviour that used to surprise silently, each now documented: an empty
//! breakdown value and one written "(not recorded)" stay apart; a
//! timestamp beyond the dates Rubric holds is an error naming its column.

use crate::common;
use arrow_array::{ArrayRef, TimestampSecondArray};
use common::*;
use std::sync::Arc;

#[test]
fn an_empty_team_and_a_team_written_not_recorded_are_two_groups() {
    let f = Fixture::new();
    f.standard_rules().table(
        "referrals",
        vec![
            ("referral_date", dates(&repeat("2023-03-01", 4))),
            (
                "team",
                strs(&[
                    None,
                    Some("(not recorded)"),
                    Some("(not recorded)"),
                    Some("North"),
                ]),
            ),
        ],
    );
    referrals_counted(&f, "breakdown: team");
    let t = f.run(&["--quiet"]);
    assert_eq!(t.group("A1", "(not recorded)", "2023-03", "value"), "1");
    assert_eq!(t.group("A1", "\"(not recorded)\"", "2023-03", "value"), "2");
    assert_eq!(t.group("A1", "North", "2023-03", "value"), "1");
    // Drilling names each group as the scorecard does.
    let empty = f.rubric(&["drill", "A1", "--breakdown", "team=(not recorded)"]);
    assert!(empty.stdout.contains("1 row of"), "{}", empty.stdout);
    let written = f.rubric(&["drill", "A1", "--breakdown", "team=\"(not recorded)\""]);
    assert!(written.stdout.contains("2 rows of"), "{}", written.stdout);
}

#[test]
fn a_timestamp_beyond_the_dates_rubric_holds_is_an_error_naming_its_column() {
    let f = Fixture::new();
    f.standard_rules().table(
        "referrals",
        vec![(
            "referral_date",
            // Seconds: i64::MAX of them is beyond any date (a Date32 ends
            // about 5.8 million years from 1970).
            Arc::new(TimestampSecondArray::from(vec![
                Some(1_677_628_800),
                Some(i64::MAX),
            ])) as ArrayRef,
        )],
    );
    referrals_counted(&f, "");
    let out = f.rubric(&["run", "--quiet", "--period", "2023-03"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("column `referral_date`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("outside the dates Rubric can hold"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}
