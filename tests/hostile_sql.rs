//! Everything Rubric writes into SQL is data: titles, filters, column and
//! team names full of quotes, line breaks, `*/`, `--` and `;` cannot add
//! a statement. DuckDB parses `rubric sql`'s script into exactly the
//! translation's statements and runs them to Rubric's figures; every
//! dialect's script parses in its engine's grammar (sqlglot) into the same
//! queries and nothing else.
//!
//! Needs DuckDB's and sqlglot's Python packages: `.ci/run` installs them
//! (`bench/duckdb-venv.sh`) and names it in RUBRIC_DUCKDB_PYTHON; elsewhere
//! the test says it is skipped unless `target/bench/venv` has it.

use crate::common;
use common::*;
use std::path::Path;
use std::process::Command;

const TITLE: &str = "Referrals\nCOPY (SELECT 42) TO 'pwned_title.csv';\n-- */ ; DROP TABLE x; --";
const DATE_COLUMN: &str = "referral\"date\n; COPY (SELECT 1) TO 'pwned_column.csv'; --";
const TEAM_COLUMN: &str = "team */ -- ;";
const TEAMS: [&str; 5] = [
    "North'; DROP TABLE t; --",
    "*/ SELECT 1; /*",
    "\"quoted\"",
    "line\nbreak",
    "=HYPERLINK(\"http://x/\",\"y\")",
];

fn hostile_project() -> Fixture {
    let f = Fixture::new();
    let n = TEAMS.len() * 2;
    let teams: Vec<Option<&str>> = TEAMS.iter().chain(TEAMS.iter()).map(|t| Some(*t)).collect();
    f.standard_rules().table(
        "referrals",
        vec![
            (DATE_COLUMN, dates(&repeat("2023-03-01", n))),
            (TEAM_COLUMN, strs(&teams)),
            (
                "child_id",
                ints(&(1..=n as i64).map(Some).collect::<Vec<_>>()),
            ),
        ],
    );
    let yaml_string = |s: &str| serde_json::to_string(s).unwrap();
    let indicator = |id: &str, title: &str, filter: Option<&str>, breakdown: bool| {
        let mut text = format!(
            "  - id: {id}\n    title: {}\n    section: Tests\n    owner: Performance Analyst\n    outcome: Tested.\n    unit: count\n    polarity: neutral\n    decimals: 0\n    measure:\n      kind: flow\n      source: referrals\n      date: {}\n",
            yaml_string(title),
            yaml_string(DATE_COLUMN)
        );
        if let Some(filter) = filter {
            text += &format!("      filter: {}\n", yaml_string(filter));
        }
        if breakdown {
            text += &format!("    breakdown: {}\n", yaml_string(TEAM_COLUMN));
        }
        text
    };
    f.file(
        "indicators/a.yaml",
        &format!(
            "indicators:\n{}{}{}",
            indicator("A1", TITLE, None, true),
            // A filter with SQL: its string literal is escaped.
            indicator("A2", TITLE, Some("child_id != 3 || \"x'; SELECT 1; --\" == \"y\""), false),
            // A filter with no SQL: its text is named in a comment.
            indicator(
                "A3",
                TITLE,
                Some("add_working_days(date(\"2023-03-01\"), 1) == () /*\n; COPY (SELECT 7) TO 'pwned_filter.csv'; --\n*/"),
                false
            ),
        ),
    );
    f
}

/// Runs `rubric run` and `rubric sql` on `f`, then checks in DuckDB that
/// the script parses into exactly the translation's statements (`count`
/// of them), gives Rubric's figures, and wrote none of `pwned`.
fn script_stays_its_statements(f: &Fixture, count: usize, pwned: &[&str]) -> String {
    let run = f.rubric(&["run", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = f.rubric(&["sql"]);
    assert_eq!(script.code, 0, "{}", script.stderr);
    let json = f.rubric(&["sql", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let Some(python) = duckdb_python() else {
        return script.stdout;
    };
    let script_file = f.path().join("script.sql");
    let json_file = f.path().join("sql.json");
    std::fs::write(&script_file, &script.stdout).unwrap();
    std::fs::write(&json_file, &json.stdout).unwrap();
    let out = Command::new(&python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/sql_script_check.py"))
        .arg(f.path())
        .arg(&script_file)
        .arg(&json_file)
        .arg(f.out_dir().join("scorecard.csv"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(&format!("{count} statements, ")),
        "{stdout}"
    );
    for p in pwned {
        assert!(!f.path().join(p).exists(), "{p} was written");
    }
    // Every dialect's script parses, in that engine's grammar, into the
    // same queries and nothing else.
    for dialect in ["duckdb", "postgres", "tsql", "spark"] {
        let text = f.rubric(&["sql", "--dialect", dialect]);
        let json = f.rubric(&["sql", "--dialect", dialect, "--format", "json"]);
        assert_eq!(text.code + json.code, 0, "{}{}", text.stderr, json.stderr);
        std::fs::write(&script_file, &text.stdout).unwrap();
        std::fs::write(&json_file, &json.stdout).unwrap();
        let out = Command::new(&python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/sql_parse_check.py"))
            .arg(dialect)
            .arg(&script_file)
            .arg(&json_file)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            stdout.trim(),
            format!("{dialect}: {count} statements, each its query")
        );
    }
    script.stdout
}

#[test]
fn hostile_names_stay_data_in_generated_sql() {
    let f = hostile_project();
    // One query for each of A1 and A2 (every helper is written inline).
    let script = script_stays_its_statements(
        &f,
        2,
        &["pwned_title.csv", "pwned_column.csv", "pwned_filter.csv"],
    );
    assert!(script.contains("A3 has no SQL"), "{script}");
}

const KEY_COLUMN: &str = "child\"id\n; COPY (SELECT 2) TO 'pwned_key.csv'; --";
const ON_COLUMN: &str = "person */ id -- ;";
const BROUGHT_COLUMN: &str = "sex'); COPY (SELECT 3) TO 'pwned_brought.csv'; --";

#[test]
fn hostile_lookup_and_history_names_stay_data_in_generated_sql() {
    // A lookup's key, matched and brought columns, and a history's entity,
    // all named to break out of a quoted identifier, reach the SQL of a
    // measure that joins, lags and breaks down by the brought column.
    let f = Fixture::new();
    let ids = |v: &[i64]| ints(&v.iter().map(|i| Some(*i)).collect::<Vec<_>>());
    f.standard_rules()
        .table(
            "plans",
            vec![
                (KEY_COLUMN, ids(&[1, 1, 2, 3])),
                (
                    "start_date",
                    dates(&[
                        Some("2023-01-05"),
                        Some("2023-02-10"),
                        Some("2023-02-11"),
                        Some("2023-03-01"),
                    ]),
                ),
            ],
        )
        .table(
            "people",
            vec![
                (ON_COLUMN, ids(&[1, 2, 3])),
                (BROUGHT_COLUMN, strs(&[Some("F"), Some("M\n'; --"), None])),
            ],
        );
    let q = |s: &str| serde_json::to_string(s).unwrap();
    f.file(
        "indicators/h.yaml",
        &format!(
            "indicators:\n  - id: H1\n    title: First plans\n    section: Tests\n    owner: Performance Analyst\n    outcome: Tested.\n    unit: count\n    polarity: neutral\n    decimals: 0\n    measure:\n      kind: flow\n      source: plans\n      date: start_date\n      distinct: {key}\n      history: {{ entity: {key}, order: start_date }}\n      lookup: [{{ source: people, key: {key}, on: {on}, columns: [{brought}] }}]\n      filter: previous(start_date) == ()\n    breakdown: {brought}\n",
            key = q(KEY_COLUMN),
            on = q(ON_COLUMN),
            brought = q(BROUGHT_COLUMN),
        ),
    );
    let script = script_stays_its_statements(&f, 1, &["pwned_key.csv", "pwned_brought.csv"]);
    assert!(!script.contains("has no SQL"), "{script}");
}
