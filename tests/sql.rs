//! `rubric sql`: the measures written as SQL in each dialect. That the SQL
//! gives the same figures is checked by running it in DuckDB
//! (`bench/sql_check.py`), PostgreSQL (`bench/check-postgres.sh`) and
//! Spark (`bench/check-spark.sh`), all run by `.ci/run`; these tests pin
//! what is written.

use crate::common;

use common::{dates, example, sql_agrees_with_duckdb, strs, Fixture};

#[test]
fn one_query_per_kind_of_measure_is_pinned() {
    // A ratio with working days and a breakdown, a windowed snapshot, a
    // rate over a population table, a mean, a pre-aggregated sum, a formula.
    let out = example(&[
        "sql", "--period", "2023-07", "AS2", "CP8", "CP9", "PL5", "PUB1", "AS5",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.stdout;
    // The holiday list is long and tested elsewhere: pin the queries.
    let queries = &text[text.find("-- AS2").expect("AS2's query")..];
    insta::assert_snapshot!(queries);
}

#[test]
fn json_lists_the_queries_and_what_has_no_sql() {
    let out = example(&["sql", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    // Without --period, the latest month with data, as `run` uses.
    assert_eq!(doc["reporting"], "2023-07");
    assert_eq!(doc["dialect"], "DuckDB");
    assert!(doc.get("setup").is_none(), "every query stands alone");
    let queries = doc["queries"].as_array().unwrap();
    assert_eq!(queries.len(), 84);
    assert!(queries
        .iter()
        .all(|q| q["sql"].as_str().unwrap().starts_with("WITH ")));
    assert_eq!(doc["skipped"][0]["indicator"], "AS5");
    assert!(doc["skipped"][0]["why"]
        .as_str()
        .unwrap()
        .contains("formula over other indicators (AS1, FD3)"));
}

#[test]
fn working_days_are_counted_with_the_project_calendar_in_every_dialect() {
    for (dialect, coronation) in [
        ("duckdb", "DATE '2023-05-08'"),
        ("postgres", "DATE '2023-05-08'"),
        ("spark", "DATE '2023-05-08'"),
        ("tsql", "CAST('2023-05-08' AS DATE)"),
    ] {
        let out = example(&["sql", "--period", "2023-07", "--dialect", dialect, "AS2"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        // The coronation bank holiday of 2023 is in the England and Wales list.
        assert!(out.stdout.contains(coronation), "{dialect}");
        assert!(
            !out.stdout.contains("CREATE"),
            "{dialect}: nothing is created"
        );
    }
}

#[test]
fn an_unknown_indicator_is_named_with_the_nearest() {
    let out = example(&["sql", "AS22"]);
    assert_eq!(out.code, 1);
    let err = out.stderr;
    assert!(err.contains("no indicator `AS22`"), "{err}");
    assert!(err.contains("did you mean `AS2`?"), "{err}");
}

#[test]
fn a_filter_only_rhai_can_run_is_listed_without_sql() {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "referrals",
            vec![
                ("referral_date", dates(&[Some("2023-03-01")])),
                ("team", strs(&[Some("North")])),
            ],
        )
        .file(
            "indicators/r.yaml",
            "indicators:\n  - id: R1\n    title: Referrals\n    section: Front door\n    owner: Head of Service\n    outcome: Seen.\n    unit: count\n    polarity: neutral\n    decimals: 0\n    measure: { kind: flow, source: referrals, date: referral_date, filter: 'if team == \"North\" { true } else { false }' }\n  - id: R2\n    title: Referrals\n    section: Front door\n    owner: Head of Service\n    outcome: Seen.\n    unit: count\n    polarity: neutral\n    decimals: 0\n    measure: { kind: flow, source: referrals, date: referral_date }\n",
        );
    let out = f.rubric(&["sql", "--period", "2023-03"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("-- R2: Referrals\nWITH "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("-- R1 has no SQL: the filter `if team == \"North\" { true } else { false }` runs row by row in Rhai, with no SQL to match it"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_renamed_parquet_column_is_read_by_its_stored_name_in_sql() {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "referrals",
            vec![
                (
                    "Referral Date",
                    dates(&[Some("2023-02-10"), Some("2023-03-01"), Some("2023-03-20")]),
                ),
                ("Team Name", strs(&[Some("North"), Some("North"), Some("South")])),
            ],
        )
        .file(
            "rubric.yaml",
            "sources:\n  - name: referrals\n    rename: { referral_date: \"Referral Date\", team: \"Team Name\" }\n",
        );
    common::referrals_counted(&f, "breakdown: team");
    let t = f.run(&["--period", "2023-03"]);
    // March: 1st (North), 20th (South); February: 10th.
    assert_eq!(t.value("A1", "2023-03"), "2");
    assert_eq!(t.group("A1", "South", "2023-03", "value"), "1");
    let out = f.rubric(&["sql", "--period", "2023-03"]);
    assert!(out.stdout.contains("\"Referral Date\""), "{}", out.stdout);
    sql_agrees_with_duckdb(
        &f,
        "2023-03",
        "39 figures of 1 indicators agree (0 without SQL)",
    );
}
