//! Database sources through ODBC, against the real PostgreSQL that
//! `.ci/run` starts (`bench/postgres.sh`, Debian's odbc-postgresql
//! driver) with the example's tables loaded. `RUBRIC_TEST_ODBC` holds the
//! connection string; without it these tests say they are skipped, and
//! under CI they fail instead, so the database is never silently untested.

use crate::common;

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The connection string, or `None` (with a note) where no database runs.
fn database() -> Option<String> {
    match std::env::var("RUBRIC_TEST_ODBC") {
        Ok(s) if !s.is_empty() => Some(s),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI must run the database tests: .ci/run starts PostgreSQL with bench/postgres.sh and sets RUBRIC_TEST_ODBC")
        }
        _ => {
            eprintln!("skipped: no database (set RUBRIC_TEST_ODBC to the ODBC connection string `bash bench/postgres.sh` prints; .ci/run does)");
            None
        }
    }
}

/// Runs rubric in `project` with `RUBRIC_DB` set to `connection`.
fn rubric_db(project: &Path, connection: &str, args: &[&str]) -> common::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_rubric"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env("RUBRIC_DB", connection)
        .output()
        .expect("run rubric");
    common::output_of(project, out)
}

/// The example's tables (its Parquet files' names), sorted.
fn example_tables() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("data"))
        .expect("data")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "parquet")
                .then(|| path.file_stem().unwrap().to_string_lossy().to_string())
        })
        .collect();
    names.sort();
    names
}

/// The example with every table read from the database (no `data/`),
/// keeping the shipped expectations.
fn example_through_odbc() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path();
    for sub in ["indicators", "rules", "calendars"] {
        common::copy_dir(&root().join(sub), &p.join(sub));
    }
    std::fs::copy(root().join("rubric.yaml"), p.join("rubric.yaml")).expect("copy");
    let shipped = std::fs::read_to_string(root().join("sources/example.yaml")).expect("read");
    let mut text = String::new();
    for l in shipped.lines() {
        text.push_str(l);
        text.push('\n');
        // The benchmark table stays the CSV the example declares.
        if let Some(name) = l.strip_prefix("  - name: ").filter(|n| *n != "benchmarks") {
            text.push_str(&format!(
                "    kind: odbc\n    connection: RUBRIC_DB\n    table: {name}\n"
            ));
        }
    }
    let names = example_tables();
    for name in names {
        if !shipped.contains(&format!("  - name: {name}\n")) {
            text.push_str(&format!(
                "  - name: {name}\n    kind: odbc\n    connection: RUBRIC_DB\n    table: {name}\n"
            ));
        }
    }
    std::fs::create_dir_all(p.join("sources")).expect("folder");
    std::fs::write(p.join("sources/example.yaml"), text).expect("write");
    std::fs::create_dir_all(p.join("data")).expect("folder");
    std::fs::copy(
        root().join("data/benchmarks.csv"),
        p.join("data/benchmarks.csv"),
    )
    .expect("copy");
    dir
}

#[test]
fn the_example_runs_byte_identically_through_odbc() {
    let Some(db) = database() else { return };
    let dir = example_through_odbc();
    let p = dir.path();
    let out_dir = p.join("out");
    let out = rubric_db(
        p,
        &db,
        &["run", "--quiet", "--out", out_dir.to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    for name in [
        "scorecard.csv",
        "scorecard.md",
        "scorecard.html",
        "scorecard.parquet",
        "scorecard.xlsx",
    ] {
        let (a, b) = (
            std::fs::read(root().join("out").join(name)).unwrap(),
            std::fs::read(out_dir.join(name)).unwrap(),
        );
        assert!(a == b, "{name} differs from the Parquet run's");
    }
    // A snapshot of the database reproduces the run without it.
    let snap = p.join("snap");
    let taken = rubric_db(
        p,
        &db,
        &[
            "snapshot",
            "ssd_cin_episodes",
            "ssd_contacts",
            "--out",
            snap.to_str().unwrap(),
        ],
    );
    assert_eq!(taken.code, 0, "{}", taken.stderr);
    let manifest = std::fs::read_to_string(snap.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("table `ssd_cin_episodes` through ODBC"),
        "{manifest}"
    );
    assert!(!manifest.contains("rubric-ci-password"), "{manifest}");
}

/// A project of one indicator over one database source declared by `rows`.
fn one_source(rows: &str) -> common::Fixture {
    let f = common::Fixture::new();
    f.standard_rules();
    common::referrals_counted(&f, "");
    f.file(
        "rubric.yaml",
        &format!(
            "sources:\n  - name: referrals\n    kind: odbc\n    connection: RUBRIC_DB\n{rows}"
        ),
    );
    f
}

#[test]
fn a_query_the_database_refuses_is_reported_with_its_words_and_no_password() {
    let Some(db) = database() else { return };
    let f = one_source("    query: SELECT referral_date FROM no_such_table\n");
    let out = rubric_db(f.path(), &db, &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("the database refused the query"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("no_such_table"), "{}", out.stderr);
    assert!(!out.stderr.contains("rubric-ci-password"), "{}", out.stderr);

    let wrong = db.replace("PWD=rubric-ci-password", "PWD=not-the-password");
    let f = one_source("    table: ssd_cin_episodes\n");
    let out = rubric_db(f.path(), &wrong, &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("cannot connect"), "{}", out.stderr);
    assert!(
        out.stderr.contains("password authentication failed"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not-the-password"), "{}", out.stderr);
}

#[test]
fn a_connection_dropped_mid_read_fails_the_run_and_leaves_the_outputs() {
    let Some(db) = database() else { return };
    // The query ends its own connection once the database runs it for the rows.
    let f = one_source(
        "    query: SELECT cine_referral_date AS referral_date FROM ssd_cin_episodes UNION ALL SELECT CASE WHEN pg_terminate_backend(pg_backend_pid()) THEN NULL::date END\n",
    );
    let out_dir = f.out_dir();
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("scorecard.md"), "previous").unwrap();
    let out = rubric_db(
        f.path(),
        &db,
        &[
            "run",
            "--period",
            "2023-07",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("source `referrals`"), "{}", out.stderr);
    assert!(!out.stderr.contains("rubric-ci-password"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(out_dir.join("scorecard.md")).unwrap(),
        "previous"
    );
}

#[test]
fn only_the_columns_indicators_read_are_selected() {
    let Some(db) = database() else { return };
    // A column the database cannot hand over (a type Rubric does not
    // read) is harmless when no indicator reads it.
    let f = one_source(
        "    query: SELECT cine_referral_date AS referral_date, ARRAY[1, 2] AS not_read FROM ssd_cin_episodes\n",
    );
    let out = rubric_db(
        f.path(),
        &db,
        &["run", "--quiet", "--out", f.out_dir().to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let t = f.read_csv();
    assert!(!t.value("A1", "2023-07").is_empty());
}

/// The example with every table in the database and no expectations,
/// with or without its measures pushed down to the database.
fn example_in_database(pushdown: bool) -> tempfile::TempDir {
    let dir = example_through_odbc();
    let p = dir.path();
    common::copy_dir(&root().join("pages"), &p.join("pages"));
    let names = example_tables();
    // The benchmark table stays the CSV the example declares.
    let shipped = std::fs::read_to_string(root().join("sources/example.yaml")).expect("read");
    let from = shipped.find("  - name: benchmarks\n").expect("benchmarks");
    let block = &shipped[from..];
    let end = block[1..].find("  - name: ").map_or(block.len(), |e| e + 1);
    let mut text = format!("sources:\n{}\n", block[..end].trim_end());
    for name in names {
        text.push_str(&format!(
            "  - name: {name}\n    kind: odbc\n    connection: RUBRIC_DB\n    table: {name}\n"
        ));
        if pushdown {
            text.push_str("    pushdown: postgres\n");
        }
    }
    std::fs::write(p.join("sources/example.yaml"), text).expect("write");
    dir
}

#[test]
fn measures_pushed_down_to_the_database_give_the_same_bytes() {
    let Some(db) = database() else { return };
    let (read, pushed) = (example_in_database(false), example_in_database(true));
    let run = |dir: &tempfile::TempDir| {
        let out_dir = dir.path().join("out");
        let out = rubric_db(
            dir.path(),
            &db,
            &["run", "--timings", "--out", out_dir.to_str().unwrap()],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        (out_dir, out.stderr)
    };
    let ((a, read_timings), (b, pushed_timings)) = (run(&read), run(&pushed));
    assert!(
        !read_timings.contains("measures in the database"),
        "{read_timings}"
    );
    assert!(
        pushed_timings.contains("measures in the database"),
        "{pushed_timings}"
    );
    // The declarations differ (`pushdown:`), so the index's fingerprint of
    // the definitions does; the rest of it and every other file do not.
    let index = |dir: &std::path::Path| {
        let text = std::fs::read_to_string(dir.join("index.html")).unwrap();
        std::fs::remove_file(dir.join("index.html")).unwrap();
        let at = text.find("fingerprint <code>").unwrap();
        format!("{}{}", &text[..at], &text[at + 30..])
    };
    assert_eq!(index(&a), index(&b));
    common::same_files(&a, &b, 22, "when the measures run in the database");
}

#[test]
fn pushdown_names_a_dialect_and_refuses_expectations() {
    let f = one_source("    table: referrals\n    pushdown: oracle\n");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`pushdown: oracle` is not a database's SQL Rubric writes"),
        "{}",
        out.stderr
    );
    let f = one_source("    table: referrals\n    pushdown: postgres\n    expect:\n      - unique: [referral_id]\n");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot carry `expect:`"),
        "{}",
        out.stderr
    );
    // A value written to break the terminal is shown, not obeyed.
    let f = one_source("    table: referrals\n    pushdown: \"\\e[2Jpostgres\\u0007\"\n");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("is not a database's SQL Rubric writes"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{7}'),
        "{:?}",
        out.stderr
    );
}

#[test]
fn an_indicator_sql_cannot_say_runs_here_with_a_warning() {
    let Some(db) = database() else { return };
    let f = one_source(
        "    query: SELECT cine_referral_date AS referral_date, cine_referral_team AS team FROM ssd_cin_episodes\n    pushdown: postgres\n",
    );
    let indicator = |id: &str, filter: &str| {
        format!("  - id: {id}\n    title: Referrals\n    section: Front door\n    owner: Head of Service\n    outcome: Seen.\n    unit: count\n    polarity: neutral\n    decimals: 0\n    measure: {{ kind: flow, source: referrals, date: referral_date{filter} }}\n")
    };
    f.file(
        "indicators/a.yaml",
        &format!(
            "indicators:\n{}{}",
            indicator("A1", ""),
            indicator(
                "A2",
                ", filter: 'if team == \"North\" { true } else { false }'"
            )
        ),
    );
    let out = rubric_db(
        f.path(),
        &db,
        &["run", "--timings", "--out", f.out_dir().to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("measures in the database"), "{said}");
    assert!(said.contains("warnings: 1"), "{said}");
    let check = rubric_db(f.path(), &db, &["check"]);
    let said = format!("{}{}", check.stdout, check.stderr);
    assert!(
        said.contains("A2 reads a source marked `pushdown`, but its measures ran here, reading the rows: the filter"),
        "{said}"
    );
    assert!(!said.contains("A1 reads a source marked"), "{said}");
    // Both figures are there, whichever side computed them.
    let t = f.read_csv();
    assert!(!t.value("A1", "2023-07").is_empty());
    assert!(!t.value("A2", "2023-07").is_empty());
}

#[test]
fn sql_reads_a_database_source_where_it_is_in_each_dialect() {
    let Some(db) = database() else { return };
    let f = one_source("    table: public.ssd_cin_episodes\n");
    // The table has its own column names: the indicator reads one.
    f.file(
        "indicators/a.yaml",
        "indicators:\n  - id: A1\n    title: Referrals\n    section: Front door\n    owner: Head of Service\n    outcome: Seen.\n    unit: count\n    polarity: neutral\n    decimals: 0\n    measure: { kind: flow, source: referrals, date: cine_referral_date }\n",
    );
    let sql = |dialect: &str| {
        let out = rubric_db(
            f.path(),
            &db,
            &["sql", "--period", "2023-07", "--dialect", dialect],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    assert!(sql("postgres").contains("FROM \"public\".\"ssd_cin_episodes\""));
    assert!(sql("tsql").contains("FROM [public].[ssd_cin_episodes]"));
    // Engines reading files need the rows as Parquet first.
    let duckdb = sql("duckdb");
    assert!(duckdb.contains("-- A1 has no SQL: source `referrals` is read from table `public.ssd_cin_episodes` through ODBC"), "{duckdb}");
}
