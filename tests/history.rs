//! Per-entity logic: counting the ids (children, workers) whose rows in
//! the period meet a condition (`having`), and reading the same child's
//! previous row (`previous`). Figures worked out by hand.

use crate::common;
use common::*;

/// Worker 1 holds exactly 20 cases open at the end of July 2023; worker 2
/// holds 19; worker 3 had 21, but two closed in July, so 19.
fn caseloads() -> Fixture {
    let f = Fixture::new();
    let mut workers = Vec::new();
    let mut ends = Vec::new();
    for (worker, open, closed) in [(1, 20, 0), (2, 19, 0), (3, 19, 2)] {
        for _ in 0..open {
            workers.push(Some(worker));
            ends.push(None);
        }
        for _ in 0..closed {
            workers.push(Some(worker));
            ends.push(Some("2023-07-10"));
        }
    }
    let n = workers.len();
    let children: Vec<Option<i64>> = (1..=n as i64).map(Some).collect();
    f.standard_rules()
        .table(
            "involvements",
            vec![
                ("worker_id", ints(&workers)),
                ("child_id", ints(&children)),
                ("start_date", dates(&repeat("2023-01-05", n))),
                ("end_date", dates(&ends)),
            ],
        )
        .table(
            "placements",
            vec![
                ("child_id", ints(&[Some(1), Some(1), Some(1), Some(2), Some(2), Some(2)])),
                (
                    "start_date",
                    // Child 1's first placement is on the first day of the 12
                    // months to July 2023; child 2's the day before it.
                    dates(&[
                        Some("2022-08-01"),
                        Some("2023-01-15"),
                        Some("2023-07-31"),
                        Some("2022-07-31"),
                        Some("2023-01-15"),
                        Some("2023-07-31"),
                    ]),
                ),
            ],
        )
        .file(
            "indicators/h.yaml",
            &indicators(&[
                indicator(
                    "WK20",
                    "count",
                    "neutral",
                    "kind: snapshot\nsource: involvements\nstart: start_date\nend: end_date\n\
                     distinct: worker_id\nhaving: rows >= 20",
                    "",
                ),
                indicator(
                    "CASELOAD",
                    "number",
                    "neutral",
                    "kind: ratio\nscale: 1\n\
                     numerator: { kind: snapshot, source: involvements, start: start_date, end: end_date }\n\
                     denominator: { kind: snapshot, source: involvements, start: start_date, end: end_date, distinct: worker_id }",
                    "",
                ),
                indicator(
                    "PL3",
                    "count",
                    "neutral",
                    "kind: window\nwindow: rolling_12m\nmeasure:\n  kind: flow\n  source: placements\n  \
                     date: start_date\n  distinct: child_id\n  having: rows >= 3",
                    "",
                ),
            ]),
        );
    f
}

#[test]
fn a_worker_holding_exactly_20_cases_counts_and_19_does_not() {
    let t = caseloads().run(&["--period", "2023-07"]);
    assert_eq!(t.value("WK20", "2023-07"), "1");
    // In June worker 3 still held 21.
    assert_eq!(t.value("WK20", "2023-06"), "2");
    // 58 cases over 3 workers at the end of July; 60 in June.
    assert_eq!(t.value("CASELOAD", "2023-07"), (58.0f64 / 3.0).to_string());
    assert_eq!(t.value("CASELOAD", "2023-06"), "20");
}

#[test]
fn three_placements_in_12_months_counts_at_the_windows_edges() {
    let t = caseloads().run(&["--period", "2023-08"]);
    // To June 2023 (1 July 2022 to 30 June 2023) each child has two.
    assert_eq!(t.value("PL3", "2023-06"), "0");
    // To July (1 August 2022 to 31 July 2023): child 1 has three, the first
    // on the window's first day; child 2's first is the day before it.
    assert_eq!(t.value("PL3", "2023-07"), "1");
    // To August: child 1's first has left the window.
    assert_eq!(t.value("PL3", "2023-08"), "0");
}

#[test]
fn drilling_a_having_figure_gives_the_rows_of_the_ids_counted() {
    let f = caseloads();
    let file = f.path().join("rows.csv");
    let out = f.rubric(&[
        "drill",
        "WK20",
        "--period",
        "2023-07",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Worker 1's twenty open cases, and nobody else's.
    let text = std::fs::read_to_string(&file).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 20, "{text}");
    assert!(rows.iter().all(|r| r.starts_with("1,")), "{text}");
}

#[test]
fn having_needs_a_distinct_id() {
    let f = caseloads();
    f.file(
        "indicators/bad.yaml",
        &indicators(&[indicator(
            "BAD",
            "count",
            "neutral",
            "kind: flow\nsource: placements\ndate: start_date\nhaving: rows >= 3",
            "",
        )]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`having` counts ids: it goes with `distinct`")
            && out.stderr.contains("indicators/bad.yaml:14:15"),
        "{}",
        out.stderr
    );
}

#[test]
fn sql_counts_ids_having_as_the_scan_does() {
    let f = caseloads();
    sql_agrees_with_duckdb(
        &f,
        "2023-08",
        "65 figures of 3 indicators agree (0 without SQL)",
    );
}

/// Child protection plans: child 1's second plan, child 3's two plans in
/// one month, and a plan with no child id; referrals a year apart.
fn histories() -> Fixture {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "cp_plans",
            vec![
                (
                    "child_id",
                    ints(&[Some(3), Some(1), Some(2), Some(1), Some(3), None]),
                ),
                (
                    "start_date",
                    dates(&[
                        Some("2023-02-25"),
                        Some("2023-02-10"),
                        Some("2023-02-20"),
                        Some("2021-03-01"),
                        Some("2023-02-05"),
                        Some("2023-02-15"),
                    ]),
                ),
            ],
        )
        .table(
            "referrals",
            vec![
                (
                    "child_id",
                    ints(&[Some(5), Some(6), Some(5), Some(6), Some(7)]),
                ),
                (
                    "referral_date",
                    dates(&[
                        Some("2023-03-30"),
                        Some("2022-03-15"),
                        Some("2022-03-31"),
                        Some("2023-03-15"),
                        Some("2023-03-01"),
                    ]),
                ),
            ],
        )
        .file(
            "indicators/p.yaml",
            &indicators(&[
                indicator(
                    "REPEAT",
                    "count",
                    "neutral",
                    "kind: flow\nsource: cp_plans\ndate: start_date\n\
                     history: { entity: child_id, order: start_date }\n\
                     filter: previous(start_date) != ()",
                    "",
                ),
                indicator(
                    "REREF",
                    "percent",
                    "neutral",
                    "kind: ratio\n\
                     numerator:\n  kind: flow\n  source: referrals\n  date: referral_date\n  \
                     history: { entity: child_id, order: referral_date }\n  \
                     filter: months_between(previous(referral_date), referral_date) < 12\n\
                     denominator: { kind: flow, source: referrals, date: referral_date }",
                    "",
                ),
            ]),
        );
    f
}

#[test]
fn previous_reads_the_same_childs_earlier_row() {
    let t = histories().run(&["--period", "2023-03"]);
    // February 2023: child 1's plan of 10 February follows one of 2021;
    // child 3's of 25 February follows its own of 5 February (which the
    // file lists after it: dates order, not places); child 2's is a first; a plan with no child id has
    // no previous plan.
    assert_eq!(t.value("REPEAT", "2023-02"), "2");
    assert_eq!(t.value("REPEAT", "2023-01"), "0");
    // March 2023: child 5 was referred 11 months (and 30 days) before;
    // child 6 exactly 12 months before; child 7 never.
    assert_eq!(
        [
            t.get("REREF", "2023-03", "numerator"),
            t.get("REREF", "2023-03", "denominator")
        ],
        ["1", "3"]
    );
}

#[test]
fn regression_previous_works_inside_an_interpolated_string() {
    let f = histories();
    f.file(
        "indicators/t.yaml",
        &indicators(&[indicator(
            "REPEAT_T",
            "count",
            "neutral",
            "kind: flow\nsource: cp_plans\ndate: start_date\n\
             history: { entity: child_id, order: start_date }\n\
             filter: '`${previous(start_date)}` != \"\"'",
            "",
        )]),
    );
    let t = f.run(&["--period", "2023-03"]);
    // As REPEAT: a first plan's previous start is `()`, which a string
    // interpolates as nothing.
    assert_eq!(t.value("REPEAT_T", "2023-02"), "2");
    assert_eq!(t.value("REPEAT_T", "2023-01"), "0");
}

#[test]
fn previous_outside_a_filter_says_where_it_works() {
    let f = histories();
    f.file(
        "indicators/t.yaml",
        &indicators(&[indicator(
            "FORMULA",
            "count",
            "neutral",
            "kind: expression\nformula: previous(REPEAT) + 1",
            "",
        )]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`previous` reads the same entity's previous row")
            && out
                .stderr
                .contains("`filter` of a flow or snapshot with `history"),
        "{}",
        out.stderr
    );
}

#[test]
fn previous_needs_a_history() {
    let f = histories();
    f.file(
        "indicators/bad.yaml",
        &indicators(&[indicator(
            "BAD",
            "count",
            "neutral",
            "kind: flow\nsource: cp_plans\ndate: start_date\nfilter: previous(start_date) != ()",
            "",
        )]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("the measure has no `history`")
            && out
                .stderr
                .contains("history: { entity: child_id, order: start_date }"),
        "{}",
        out.stderr
    );
}

#[test]
fn sql_reads_previous_rows_as_the_scan_does() {
    let f = histories();
    sql_agrees_with_duckdb(
        &f,
        "2023-03",
        "52 figures of 2 indicators agree (0 without SQL)",
    );
}

/// Children open to children's social care at the month's end, whichever
/// table holds them: child 1 has a child in need plan and a protection
/// plan; child 2 is in care (its id is text in that table); child 4's
/// plan ended in July.
fn open_cases() -> Fixture {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "cin_plans",
            vec![
                ("person_id", ints(&[Some(1), Some(4)])),
                ("start_date", dates(&[Some("2023-05-01"), Some("2023-05-01")])),
                ("end_date", dates(&[None, Some("2023-07-20")])),
            ],
        )
        .table(
            "cp_plans",
            vec![
                ("person_id", ints(&[Some(1)])),
                ("start_date", dates(&[Some("2023-06-15")])),
                ("end_date", dates(&[None])),
            ],
        )
        .table(
            "cla_episodes",
            vec![
                ("person_id", strs(&[Some("2")])),
                ("start_date", dates(&[Some("2023-07-01")])),
                ("end_date", dates(&[None])),
            ],
        )
        .file(
            "indicators/c.yaml",
            &indicators(&[indicator(
                "OPEN",
                "count",
                "neutral",
                "kind: cohort\nmeasures:\n\
                 - { kind: snapshot, source: cin_plans, start: start_date, end: end_date, distinct: person_id }\n\
                 - { kind: snapshot, source: cp_plans, start: start_date, end: end_date, distinct: person_id }\n\
                 - { kind: snapshot, source: cla_episodes, start: start_date, end: end_date, distinct: person_id }",
                "",
            )]),
        );
    f
}

#[test]
fn a_child_in_two_cohort_tables_counts_once() {
    let t = open_cases().run(&["--period", "2023-07"]);
    // May: children 1 and 4 (child in need plans).
    assert_eq!(t.value("OPEN", "2023-05"), "2");
    // June: 1 (in need and protection: once) and 4.
    assert_eq!(t.value("OPEN", "2023-06"), "2");
    // July: 1, and 2 in care; 4's plan ended on 20 July.
    assert_eq!(t.value("OPEN", "2023-07"), "2");
    assert_eq!(t.value("OPEN", "2023-04"), "0");
}

#[test]
fn sql_counts_a_cohort_once_across_its_tables() {
    sql_agrees_with_duckdb(
        &open_cases(),
        "2023-07",
        "13 figures of 1 indicators agree (0 without SQL)",
    );
}

#[test]
fn regression_drill_judges_an_ids_rows_across_batches() {
    // Worker 1's 20 cases in two CSV files read as one source: each file
    // is its own batch, so judging `rows >= 20` batch by batch (10 and 10)
    // would drill nothing.
    let f = caseloads();
    std::fs::remove_file(f.path().join("data/involvements.parquet")).unwrap();
    for (part, children) in [(1, 1..=10), (2, 11..=20)] {
        let mut text = String::from("worker_id,child_id,start_date,end_date\n");
        for child in children {
            text += &format!("1,{child},2023-01-05,\n");
        }
        f.file(&format!("extracts/involvements-{part}.csv"), &text);
    }
    f.file(
        "rubric.yaml",
        "sources:\n  - name: involvements\n    path: \"extracts/involvements-*.csv\"\n    \
         columns: { end_date: date }\n",
    );
    let t = f.run(&["--period", "2023-07"]);
    assert_eq!(t.value("WK20", "2023-07"), "1");
    let file = f.path().join("rows.csv");
    let out = f.rubric(&[
        "drill",
        "WK20",
        "--period",
        "2023-07",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().skip(1).count(), 20, "{text}");
}

#[test]
fn a_having_that_fails_stops_the_run_naming_the_indicator() {
    let f = caseloads();
    f.file(
        "indicators/bad.yaml",
        &indicators(&[indicator(
            "BAD",
            "count",
            "neutral",
            "kind: snapshot\nsource: involvements\nstart: start_date\nend: end_date\n\
             distinct: worker_id\nhaving: rows / (rows - rows) > 1",
            "",
        )]),
    );
    let out = f.rubric(&["run", "--period", "2023-07"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("`having` failed") && out.stderr.contains("indicator BAD"),
        "{}",
        out.stderr
    );
    assert!(!f.out_dir().join("scorecard.csv").exists());
}

#[test]
fn empty_histories_lookups_and_cohorts_count_nothing() {
    let f = Fixture::new();
    let none: Vec<Option<i64>> = Vec::new();
    let no_dates: Vec<Option<&str>> = Vec::new();
    f.standard_rules()
        .table(
            "plans",
            vec![
                ("child_id", ints(&none)),
                ("start_date", dates(&no_dates)),
                ("end_date", dates(&no_dates)),
            ],
        )
        .table("people", vec![("child_id", ints(&none)), ("dob", dates(&no_dates))])
        .table("events", vec![("event_date", dates(&[Some("2023-07-01")]))])
        .file(
            "indicators/e.yaml",
            &indicators(&[
                indicator(
                    "E1",
                    "count",
                    "neutral",
                    "kind: snapshot\nsource: plans\nstart: start_date\nend: end_date\n\
                     history: { entity: child_id, order: start_date }\n\
                     lookup: [{ source: people, key: child_id, columns: [dob] }]\n\
                     filter: previous(start_date) != () && age_at(dob, period_end) < 18",
                    "",
                ),
                indicator(
                    "E2",
                    "count",
                    "neutral",
                    "kind: cohort\nmeasures:\n\
                     - { kind: snapshot, source: plans, start: start_date, end: end_date, distinct: child_id }\n\
                     - { kind: flow, source: events, date: event_date, distinct: event_date }",
                    "",
                ),
            ]),
        );
    let t = f.run(&["--period", "2023-07"]);
    assert_eq!(t.value("E1", "2023-07"), "0");
    assert_eq!(t.value("E2", "2023-07"), "1");
}

/// A cohort whose first member keeps only children with two or more open
/// plans (`having`): child 1 has two, child 4 one; child 5 is on the
/// second member's table alone.
fn cohort_with_having() -> Fixture {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "cin_plans",
            vec![
                ("person_id", ints(&[Some(1), Some(1), Some(4)])),
                (
                    "start_date",
                    dates(&[Some("2023-05-01"), Some("2023-06-10"), Some("2023-05-01")]),
                ),
                ("end_date", dates(&[None, None, None])),
            ],
        )
        .table(
            "cp_plans",
            vec![
                ("person_id", ints(&[Some(5)])),
                ("start_date", dates(&[Some("2023-07-03")])),
                ("end_date", dates(&[None])),
            ],
        )
        .file(
            "indicators/c.yaml",
            &indicators(&[indicator(
                "TWO_PLANS_OR_CP",
                "count",
                "neutral",
                "kind: cohort\nmeasures:\n\
                 - { kind: snapshot, source: cin_plans, start: start_date, end: end_date, distinct: person_id, having: rows >= 2 }\n\
                 - { kind: snapshot, source: cp_plans, start: start_date, end: end_date, distinct: person_id }",
                "",
            )]),
        );
    f
}

#[test]
fn regression_a_cohort_members_having_is_honoured() {
    let t = cohort_with_having().run(&["--period", "2023-07"]);
    // May: child 1 has one plan, child 4 one: neither has two.
    assert_eq!(t.value("TWO_PLANS_OR_CP", "2023-05"), "0");
    // June: child 1's second plan starts; child 4 still has one.
    assert_eq!(t.value("TWO_PLANS_OR_CP", "2023-06"), "1");
    // July: child 1, and child 5 on a protection plan.
    assert_eq!(t.value("TWO_PLANS_OR_CP", "2023-07"), "2");
}

#[test]
fn regression_sql_honours_a_cohort_members_having() {
    sql_agrees_with_duckdb(
        &cohort_with_having(),
        "2023-07",
        "13 figures of 1 indicators agree (0 without SQL)",
    );
}
