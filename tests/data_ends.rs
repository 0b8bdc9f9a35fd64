//! One source's data ends before another's: a figure never silently counts
//! a month the source has no data for. `check` says when a source has no
//! dated row after an earlier month; `extracted:` on the source makes the
//! months after it missing, with that reason; `reporting_month: common`
//! reports the last month every source reaches. Worked out by hand.

use crate::common;
use common::*;

fn project(rubric_yaml: &str) -> Fixture {
    let f = Fixture::new();
    let d = |v: &[Option<&str>]| dates(v);
    f.standard_rules()
        .table(
            "referrals",
            vec![(
                "referral_date",
                d(&[Some("2023-04-03"), Some("2023-05-10"), Some("2023-06-12"), Some("2023-07-20")]),
            )],
        )
        .table(
            "assessments",
            vec![(
                "assessment_date",
                d(&[Some("2023-04-05"), Some("2023-05-15"), Some("2023-05-16")]),
            )],
        )
        .file(
            "indicators/e.yaml",
            &indicators(&[
                indicator(
                    "REF",
                    "count",
                    "neutral",
                    "kind: flow\nsource: referrals\ndate: referral_date",
                    "",
                ),
                indicator(
                    "ASS",
                    "count",
                    "neutral",
                    "kind: flow\nsource: assessments\ndate: assessment_date",
                    "",
                ),
                indicator(
                    "RATE",
                    "percent",
                    "neutral",
                    "kind: ratio\nnumerator: { kind: flow, source: assessments, date: assessment_date }\ndenominator: { kind: flow, source: referrals, date: referral_date }",
                    "",
                ),
            ]),
        );
    if !rubric_yaml.is_empty() {
        f.file("rubric.yaml", rubric_yaml);
    }
    f
}

const EXTRACTED: &str = "sources:\n  - name: assessments\n    extracted: 2023-05-31\n";

#[test]
fn check_says_a_source_has_no_data_after_an_earlier_month() {
    let f = project("");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("source `assessments` has no dated row after 2023-05, but the reporting month is 2023-07: its figures for 2023-06 to 2023-07 count nothing from it")
            && out.stderr.contains("`extracted: 2023-05-31`")
            && !out.stderr.contains("source `referrals`"),
        "{}",
        out.stderr
    );
}

#[test]
fn months_after_a_source_was_extracted_are_missing_with_that_reason() {
    let f = project(EXTRACTED);
    let t = f.run(&[]);
    // Assessments: 1 in April, 2 in May; none read after 31 May.
    assert_eq!(t.value("ASS", "2023-05"), "2");
    let reason = "no data after 2023-05-31: `assessments` was extracted then";
    for month in ["2023-06", "2023-07"] {
        assert_eq!(t.value("ASS", month), "NA", "{month}");
        assert_eq!(t.get("ASS", month, "reason"), reason, "{month}");
        // Referrals go on; a ratio over both stops with the assessments.
        assert_eq!(t.value("REF", month), "1", "{month}");
        assert_eq!(t.get("RATE", month, "reason"), reason, "{month}");
    }
    // May: 2 assessments of 1 referral.
    assert_eq!(t.value("RATE", "2023-05"), "200");
    // Declared, so no warning.
    let out = f.rubric(&["check"]);
    assert!(!out.stderr.contains("no dated row after"), "{}", out.stderr);
    sql_agrees_with_duckdb(
        &f,
        "2023-07",
        "61 figures of 3 indicators agree (0 without SQL)",
    );
}

#[test]
fn reporting_month_common_reports_the_last_month_every_source_reaches() {
    let t = project("reporting_month: common\n").run(&[]);
    // Referrals reach July, assessments May.
    assert!(t.rows.keys().all(|(_, _, _, p)| p.as_str() <= "2023-05"));
    assert_eq!(t.value("ASS", "2023-05"), "2");
    // Extracted on 20 May, May is not whole: April is the last month.
    let t = project(
        "reporting_month: common\nsources:\n  - name: assessments\n    extracted: 2023-05-20\n",
    )
    .run(&[]);
    assert!(t.rows.keys().all(|(_, _, _, p)| p.as_str() <= "2023-04"));
    assert_eq!(t.value("REF", "2023-04"), "1");
}

#[test]
fn regression_only_the_month_chosen_must_be_a_reporting_month() {
    // A historic source whose latest date is in 1850 does not stop a run
    // reporting July 2023 from another source; only a chosen month outside
    // 1900-2199 is refused.
    let f = project("");
    f.table(
        "assessments",
        vec![("assessment_date", dates(&[Some("1850-03-01")]))],
    );
    let t = f.run(&[]);
    assert_eq!(t.value("REF", "2023-07"), "1");
    let common = project("reporting_month: common\n");
    common.table(
        "assessments",
        vec![("assessment_date", dates(&[Some("1850-03-01")]))],
    );
    let out = common.rubric(&["run"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("is in the year 1850, which cannot be a reporting month"),
        "{}",
        out.stderr
    );
}
