//! Everything Rubric writes into SQL is data: titles, filters, column and
//! team names full of quotes, line breaks, `*/`, `--` and `;` cannot add
//! a statement. DuckDB parses `rubric sql`'s script into exactly the
//! translation's statements and runs them to Rubric's figures.
//!
//! Needs DuckDB's Python package: `.ci/run` installs it
//! (`bench/duckdb-venv.sh`) and names it in RUBRIC_DUCKDB_PYTHON; elsewhere
//! the test says it is skipped unless `target/bench/venv` has it.

mod common;
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

#[test]
fn hostile_names_stay_data_in_generated_sql() {
    let f = hostile_project();
    let run = f.rubric(&["run", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = f.rubric(&["sql"]);
    assert_eq!(script.code, 0, "{}", script.stderr);
    let json = f.rubric(&["sql", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(script.stdout.contains("A3 has no SQL"), "{}", script.stdout);
    let Some(python) = duckdb_python() else {
        return;
    };
    let script_file = f.path().join("script.sql");
    let json_file = f.path().join("sql.json");
    std::fs::write(&script_file, &script.stdout).unwrap();
    std::fs::write(&json_file, &json.stdout).unwrap();
    let out = Command::new(python)
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
    // The setup's 5 statements and one query for each of A1 and A2.
    assert!(stdout.starts_with("7 statements, "), "{stdout}");
    for pwned in ["pwned_title.csv", "pwned_column.csv", "pwned_filter.csv"] {
        assert!(!f.path().join(pwned).exists(), "{pwned} was written");
    }
}
