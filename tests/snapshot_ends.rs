//! When a snapshot's row is open: by default a row ending on a period's
//! last day is closed at its end; `open_on_end_day: true` counts it open,
//! as some returns do; a snapshot without an `end` column keeps every row
//! open from its start. Worked out by hand at each month's end, natively
//! and through DuckDB.

use crate::common;
use common::*;

const EPISODES: &str = "kind: snapshot\nsource: episodes\nstart: start_date\nend: end_date";

fn project(extra: &str) -> Fixture {
    let f = Fixture::new();
    let d = |v: &[Option<&str>]| dates(v);
    f.standard_rules()
        .table(
            "episodes",
            vec![
                ("child", ints(&[Some(1), Some(2), Some(3)])),
                (
                    "start_date",
                    d(&[Some("2023-01-10"), Some("2023-02-01"), Some("2023-03-31")]),
                ),
                // Child 1 leaves on 31 March, March's last day.
                (
                    "end_date",
                    d(&[Some("2023-03-31"), Some("2023-03-15"), None]),
                ),
            ],
        )
        .table(
            "people",
            vec![
                ("person", ints(&[Some(1), Some(2)])),
                ("registered", d(&[Some("2023-01-05"), Some("2023-03-20")])),
            ],
        )
        .file(
            "indicators/s.yaml",
            &indicators(&[
                indicator("CLOSED", "count", "neutral", EPISODES, ""),
                indicator(
                    "OPEN",
                    "count",
                    "neutral",
                    &format!("{EPISODES}\nopen_on_end_day: true{extra}"),
                    "",
                ),
                indicator(
                    "PEOPLE",
                    "count",
                    "neutral",
                    "kind: snapshot\nsource: people\nstart: registered",
                    "",
                ),
            ]),
        );
    f
}

fn months(t: &Table, id: &str) -> [String; 4] {
    ["2023-01", "2023-02", "2023-03", "2023-04"].map(|m| t.value(id, m))
}

#[test]
fn a_row_ending_on_the_last_day_is_closed_at_its_end_unless_open_on_end_day() {
    let t = project("").run(&["--period", "2023-04"]);
    // January: child 1. February: 1 and 2. March: child 2 left on the 15th,
    // child 3 came on the 31st, child 1 left on the 31st (closed at the
    // month's end by default, open with open_on_end_day). April: child 3.
    assert_eq!(months(&t, "CLOSED"), ["1", "2", "1", "1"]);
    assert_eq!(months(&t, "OPEN"), ["1", "2", "2", "1"]);
}

#[test]
fn a_snapshot_without_an_end_keeps_each_row_open_from_its_start() {
    let t = project("").run(&["--period", "2023-04"]);
    // Registered 5 January and 20 March, never closing.
    assert_eq!(months(&t, "PEOPLE"), ["1", "1", "2", "2"]);
}

#[test]
fn open_on_end_day_and_open_snapshots_in_sql_give_the_scans_figures() {
    let f = project("");
    sql_agrees_with_duckdb(
        &f,
        "2023-04",
        "39 figures of 3 indicators agree (0 without SQL)",
    );
}

#[test]
fn open_on_end_day_is_refused_where_it_would_change_nothing() {
    let f = project("");
    f.file(
        "indicators/s.yaml",
        &indicators(&[
            indicator(
                "NO_END",
                "count",
                "neutral",
                "kind: snapshot\nsource: people\nstart: registered\nopen_on_end_day: true",
                "",
            ),
            indicator(
                "WINDOWED",
                "count",
                "neutral",
                "kind: window\nwindow: rolling_12m\nmeasure: { kind: snapshot, source: episodes, start: start_date, end: end_date, open_on_end_day: true }",
                "",
            ),
        ]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`open_on_end_day` needs an `end` column")
            && out
                .stderr
                .contains("`open_on_end_day` changes nothing in a window"),
        "{}",
        out.stderr
    );
}
