//! Cohorts as sets: `all_of` (held by every member) and `none_of` (held
//! by none), beside `any_of`. The DfE's placement stability measure (in
//! care at the period end AND 3+ placement starts in the 12 months) and
//! children in need not on a protection plan, worked out by hand month by
//! month, natively and through DuckDB.

use crate::common;
use common::*;

fn project() -> Fixture {
    let f = Fixture::new();
    let d = |v: &[Option<&str>]| dates(v);
    f.standard_rules()
        .table(
            "cla_episodes",
            vec![
                ("child", ints(&[Some(1), Some(2), Some(3)])),
                (
                    "start_date",
                    d(&[Some("2022-01-01"), Some("2022-05-01"), Some("2023-02-10")]),
                ),
                ("end_date", d(&[None, Some("2023-03-15"), None])),
            ],
        )
        .table(
            "placements",
            vec![
                (
                    "child",
                    ints(&[1, 1, 1, 2, 2, 2, 2, 3, 3].map(Some)),
                ),
                (
                    "placement_start",
                    d(&[
                        Some("2022-03-01"),
                        Some("2022-09-01"),
                        Some("2023-01-15"),
                        Some("2022-06-10"),
                        Some("2022-07-10"),
                        Some("2022-08-10"),
                        Some("2023-04-01"),
                        Some("2023-02-10"),
                        Some("2023-03-01"),
                    ]),
                ),
            ],
        )
        .table(
            "cin_plans",
            vec![
                ("child", ints(&[Some(10), Some(11), Some(12)])),
                (
                    "start_date",
                    d(&[Some("2022-10-01"), Some("2022-11-15"), Some("2023-03-01")]),
                ),
                ("end_date", d(&[None, Some("2023-01-20"), None])),
            ],
        )
        .table(
            "cp_plans",
            vec![
                ("child", ints(&[Some(10), Some(12), Some(13)])),
                (
                    "start_date",
                    d(&[Some("2022-12-05"), Some("2023-03-01"), Some("2022-06-01")]),
                ),
                ("end_date", d(&[Some("2023-02-10"), None, None])),
            ],
        )
        .file(
            "indicators/c.yaml",
            &indicators(&[
                indicator("STABLE_N", "count", "neutral", &format!("kind: cohort\n{STABILITY}"), ""),
                indicator(
                    "STABLE",
                    "percent",
                    "lower_is_better",
                    &format!(
                        "kind: ratio\nscale: 100\nnumerator:\n  kind: cohort\n{}\ndenominator: {IN_CARE}",
                        STABILITY
                            .lines()
                            .map(|l| format!("  {l}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    ),
                    "",
                ),
                indicator(
                    "CIN_NOT_CP",
                    "count",
                    "neutral",
                    concat!(
                        "kind: cohort\n",
                        "any_of:\n",
                        "  - { kind: snapshot, source: cin_plans, start: start_date, end: end_date, distinct: child }\n",
                        "none_of:\n",
                        "  - { kind: snapshot, source: cp_plans, start: start_date, end: end_date, distinct: child }",
                    ),
                    "",
                ),
            ]),
        );
    f
}

const IN_CARE: &str =
    "{ kind: snapshot, source: cla_episodes, start: start_date, end: end_date, distinct: child }";

const STABILITY: &str = concat!(
    "all_of:\n",
    "  - { kind: snapshot, source: cla_episodes, start: start_date, end: end_date, distinct: child }\n",
    "  - kind: window\n",
    "    window: rolling_12m\n",
    "    measure: { kind: flow, source: placements, date: placement_start, distinct: child, having: rows >= 3 }",
);

const MONTHS: [&str; 13] = [
    "2022-06", "2022-07", "2022-08", "2022-09", "2022-10", "2022-11", "2022-12", "2023-01",
    "2023-02", "2023-03", "2023-04", "2023-05", "2023-06",
];

fn series(t: &Table, id: &str) -> Vec<String> {
    MONTHS.iter().map(|m| t.value(id, m)).collect()
}

#[test]
fn placement_stability_is_in_care_at_the_end_and_three_placements_in_the_year() {
    let t = project().run(&["--period", "2023-06"]);
    // Child 1, in care throughout, started placements in Mar 2022, Sep 2022
    // and Jan 2023: three in the 12 months to Jan and to Feb 2023 only.
    // Child 2, in care from May 2022 to 15 Mar 2023, started three in Jun
    // to Aug 2022: three in the 12 months to Aug 2022 and after, while in
    // care at the month's end (to Feb 2023). Child 3 started two: never.
    assert_eq!(
        series(&t, "STABLE_N"),
        ["0", "0", "1", "1", "1", "1", "1", "2", "2", "0", "0", "0", "0"]
    );
    // Of those in care at the month's end: 2 to Jan 2023, 3 in Feb (child
    // 3 came in), 2 from Mar (child 2 left): 2 of 3 is 66.67%.
    assert_eq!(t.value("STABLE", "2022-07"), "0");
    assert_eq!(t.value("STABLE", "2022-08"), "50");
    assert_eq!(t.value("STABLE", "2023-01"), "100");
    assert_eq!(&t.value("STABLE", "2023-02")[..7], "66.6666");
    assert_eq!(t.get("STABLE", "2023-02", "numerator"), "2");
    assert_eq!(t.get("STABLE", "2023-02", "denominator"), "3");
    assert_eq!(t.value("STABLE", "2023-03"), "0");
}

#[test]
fn children_in_need_not_on_a_plan_leave_while_on_one() {
    let t = project().run(&["--period", "2023-06"]);
    // Child 10 in need from Oct 2022, on a plan 5 Dec 2022 to 10 Feb 2023;
    // child 11 in need 15 Nov 2022 to 20 Jan 2023; child 12 in need and on
    // a plan from Mar 2023; child 13 on a plan but never in need.
    assert_eq!(
        series(&t, "CIN_NOT_CP"),
        ["0", "0", "0", "0", "1", "2", "1", "0", "1", "1", "1", "1", "1"]
    );
}

#[test]
fn a_cohort_needs_something_to_count() {
    let f = project();
    f.file(
        "indicators/c.yaml",
        &indicators(&[indicator(
            "NONE_ONLY",
            "count",
            "neutral",
            &format!("kind: cohort\nnone_of: [{IN_CARE}, {IN_CARE}]"),
            "",
        )]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("in `any_of` or `all_of`") && out.stderr.contains("NONE_ONLY"),
        "{}",
        out.stderr
    );
}

#[test]
fn cohort_sets_in_sql_give_the_scans_figures() {
    let f = project();
    let out = f.rubric(&["sql", "--period", "2023-06"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(" INTERSECT ") && out.stdout.contains(" EXCEPT "),
        "{}",
        out.stdout
    );
    sql_agrees_with_duckdb(
        &f,
        "2023-06",
        "65 figures of 3 indicators agree (0 without SQL)",
    );
}
