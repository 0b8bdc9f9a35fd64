//! CSV sources: the example read from CSV extracts gives the same bytes as
//! from Parquet; encodings, day-first dates, quoted line breaks and
//! missing markers; a ragged row is a clear error; snapshots reproduce a
//! run; expectations catch a duplicated row.

use crate::common;

use common::{referrals_counted, Fixture};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Writes a Parquet file as CSV with day-first dates.
fn parquet_to_csv(from: &Path, to: &Path, bom: bool) {
    let file = std::fs::File::open(from).expect("open");
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("parquet")
        .build()
        .expect("reader");
    let mut bytes: Vec<u8> = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    {
        let mut writer = arrow_csv::WriterBuilder::new()
            .with_header(true)
            .with_date_format("%d/%m/%Y".to_string())
            .build(&mut bytes);
        for batch in reader {
            writer.write(&batch.expect("batch")).expect("write csv");
        }
    }
    std::fs::write(to, bytes).expect("write");
}

/// The example with every table as a CSV extract under `extracts/`,
/// declared in `sources/example.yaml` beside the shipped expectations.
fn example_from_csv() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path();
    for sub in ["indicators", "rules", "calendars"] {
        common::copy_dir(&root().join(sub), &p.join(sub));
    }
    std::fs::copy(root().join("rubric.yaml"), p.join("rubric.yaml")).expect("copy");
    std::fs::create_dir_all(p.join("extracts")).expect("folder");
    std::fs::create_dir_all(p.join("sources")).expect("folder");
    let shipped = std::fs::read_to_string(root().join("sources/example.yaml")).expect("read");
    let mut declared = String::new();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root().join("data")).expect("data") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "parquet") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            // One file with a byte-order mark, one read as Windows-1252.
            parquet_to_csv(
                &path,
                &p.join(format!("extracts/{name}.csv")),
                name == "ssd_cin_episodes",
            );
            names.push(name);
        }
    }
    names.sort();
    for name in &names {
        let encoding = if name == "ssd_contacts" {
            "\n    encoding: windows-1252"
        } else {
            ""
        };
        let line = format!("  - name: {name}\n");
        if shipped.contains(&line) {
            continue;
        }
        declared.push_str(&format!("{line}    path: extracts/{name}.csv{encoding}\n"));
    }
    // The shipped declarations keep their expectations and gain a path.
    let mut text = String::new();
    for l in shipped.lines() {
        text.push_str(l);
        text.push('\n');
        // The benchmark table is a CSV already: it keeps its path.
        if let Some(name) = l.strip_prefix("  - name: ").filter(|n| *n != BENCHMARKS) {
            let encoding = if name == "ssd_contacts" {
                "    encoding: windows-1252\n"
            } else {
                ""
            };
            text.push_str(&format!("    path: extracts/{name}.csv\n{encoding}"));
        }
    }
    text.push_str(&declared);
    std::fs::write(p.join("sources/example.yaml"), text).expect("write");
    copy_benchmarks(p);
    dir
}

/// The example's benchmark table, a CSV the example declares by its path.
const BENCHMARKS: &str = "benchmarks";

fn copy_benchmarks(p: &Path) {
    std::fs::create_dir_all(p.join("data")).expect("folder");
    std::fs::copy(
        root().join("data/benchmarks.csv"),
        p.join("data/benchmarks.csv"),
    )
    .expect("copy");
}

fn same_outputs(a: &Path, b: &Path) {
    for name in [
        "scorecard.csv",
        "scorecard.md",
        "scorecard.html",
        "scorecard.parquet",
        "scorecard.xlsx",
    ] {
        let (x, y) = (
            std::fs::read(a.join(name)).expect("a"),
            std::fs::read(b.join(name)).expect("b"),
        );
        assert!(
            x == y,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn the_example_runs_byte_identically_from_csv_extracts_and_from_their_snapshot() {
    let dir = example_from_csv();
    let p = dir.path();
    let out = common::rubric_in(
        p,
        &["run", "--out", p.join("out").to_str().unwrap(), "--quiet"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    same_outputs(&root().join("out"), &p.join("out"));

    let snap = common::rubric_in(p, &["snapshot", "--out", p.join("snap").to_str().unwrap()]);
    assert_eq!(snap.code, 0, "{}", snap.stderr);
    let manifest = std::fs::read_to_string(p.join("snap/manifest.json")).expect("manifest");
    assert!(
        manifest.contains("\"name\": \"ssd_cin_episodes\""),
        "{manifest}"
    );
    // Without the extracts, the snapshot alone gives the same outputs.
    std::fs::rename(p.join("extracts"), p.join("gone")).expect("move");
    let (snap, out2) = (p.join("snap"), p.join("out2"));
    let out = common::rubric_in(
        p,
        &[
            "run",
            "--data",
            snap.to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    same_outputs(&root().join("out"), &p.join("out2"));
    // A snapshot file changed by hand is refused.
    let file = p.join("snap/ssd_department.parquet");
    let mut bytes = std::fs::read(&file).expect("read");
    bytes.push(0);
    std::fs::write(&file, bytes).expect("write");
    let out = common::rubric_in(
        p,
        &[
            "run",
            "--data",
            snap.to_str().unwrap(),
            "--out",
            p.join("out3").to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("ssd_department.parquet has changed since the snapshot was taken"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_duplicated_row_in_the_published_table_stops_the_run_naming_the_rows() {
    let dir = example_from_csv();
    let p = dir.path();
    let csv = p.join("extracts/published.csv");
    let text = std::fs::read_to_string(&csv).expect("read");
    let row = text.lines().nth(5).expect("a row").to_string();
    std::fs::write(&csv, format!("{text}{row}\n")).expect("write");
    std::fs::create_dir_all(p.join("out")).expect("out");
    std::fs::write(p.join("out/scorecard.md"), "previous").expect("previous");
    let out = common::rubric_in(p, &["run", "--out", p.join("out").to_str().unwrap()]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("source `published`"), "{}", out.stderr);
    assert!(out.stderr.contains("1 of 1314 rows fail the expectation unique `section`, `indicator`, `period`: row 1314:"), "{}", out.stderr);
    assert!(out.stderr.contains("(as row 5)"), "{}", out.stderr);
    assert!(
        out.stderr.contains("sources/example.yaml:"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(p.join("out/scorecard.md")).unwrap(),
        "previous"
    );
    // `rubric check` fails the same way; `rubric expect` lists the row.
    let check = common::rubric_in(p, &["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let rows_file = p.join("rows.csv");
    let listed = common::rubric_in(
        p,
        &["expect", "published", "--out", rows_file.to_str().unwrap()],
    );
    assert_eq!(listed.code, 3, "{}", listed.stderr);
    assert!(
        listed
            .stdout
            .contains("FAIL unique `section`, `indicator`, `period`"),
        "{}",
        listed.stdout
    );
    let rows = std::fs::read_to_string(p.join("rows.csv")).expect("rows");
    assert_eq!(rows.lines().count(), 2, "{rows}");
    assert!(rows.starts_with("row,expectation,problem,"), "{rows}");
    assert!(rows.lines().nth(1).unwrap().starts_with("1314,"), "{rows}");
}

/// A project reading `extracts/referrals.csv` as declared by `declaration`.
fn csv_project(bytes: &[u8], declaration: &str) -> Fixture {
    let f = Fixture::new();
    f.standard_rules();
    referrals_counted(&f, "breakdown: team");
    std::fs::create_dir_all(f.path().join("extracts")).unwrap();
    std::fs::write(f.path().join("extracts/referrals.csv"), bytes).unwrap();
    f.file(
        "rubric.yaml",
        &format!("sources:\n  - name: referrals\n    path: extracts/referrals.csv\n{declaration}"),
    );
    f
}

#[test]
fn windows_1252_day_first_dates_quoted_line_breaks_and_missing_markers_read_as_meant() {
    // "Siân" and "Zoë" in Windows-1252: â is 0xE2, ë is 0xEB.
    let mut bytes = b"Extract of referrals\nreferral_date,team,note\n".to_vec();
    bytes.extend_from_slice(b"05/01/2023,Team Si\xE2n,\"two\nlines\"\n");
    bytes.extend_from_slice(b"31/01/2023,Team Si\xE2n,NULL\n");
    bytes.extend_from_slice(b"01/02/2023,Team Zo\xEB,plain\n");
    bytes.extend_from_slice(b"NULL,Team Zo\xEB,no date\n");
    let f = csv_project(&bytes, "    encoding: windows-1252\n    header_row: 2\n    missing: [\"NULL\"]\n    date_formats: [\"%d/%m/%Y\"]\n");
    let t = f.run(&[]);
    assert_eq!(t.value("A1", "2023-01"), "2");
    assert_eq!(t.value("A1", "2023-02"), "1");
    assert_eq!(t.group("A1", "Team Siân", "2023-01", "value"), "2");
    assert_eq!(t.group("A1", "Team Zoë", "2023-02", "value"), "1");
}

#[test]
fn a_utf8_file_with_a_byte_order_mark_reads_its_first_column_by_name() {
    let bytes = b"\xEF\xBB\xBFreferral_date,team\n2023-01-05,North\n2023-01-06,South\n";
    let f = csv_project(bytes, "");
    let t = f.run(&[]);
    assert_eq!(t.value("A1", "2023-01"), "2");
}

#[test]
fn a_ragged_row_is_an_error_naming_the_file_and_line() {
    let bytes = b"referral_date,team\n2023-01-05,North\n2023-01-06\n";
    let f = csv_project(bytes, "");
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("extracts/referrals.csv"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);
}

#[test]
fn a_file_not_in_utf8_says_to_declare_its_encoding() {
    let bytes = b"referral_date,team\n2023-01-05,Team Si\xE2n\n";
    let f = csv_project(bytes, "");
    // Found while reading the columns: `check` and `run` both stop there.
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("the file is not UTF-8"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("encoding: windows-1252"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_date_in_no_declared_format_names_the_value_column_and_row() {
    let bytes = b"referral_date,team\n05/01/2023,North\n05/01/2023,North\n2023-13-45,South\n";
    let f = csv_project(bytes, "    columns: { referral_date: date }\n");
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`2023-13-45` in column `referral_date` of data row 3 is not a date"),
        "{}",
        out.stderr
    );
}

#[test]
fn regression_iso_date_times_in_a_csv_date_column_are_cut_to_their_date() {
    // A date with a time of day, in each way extracts write one: all four
    // are dates, counted in the month of the date as written (the last is
    // 23:59 on 31 March an hour ahead of UTC, still 31 March as written).
    let bytes = b"referral_date,team\n\
        2023-03-31 14:30:00,North\n\
        2023-04-01T09:00:00Z,North\n\
        05/04/2023 10:15,South\n\
        2023-03-31T23:59:59.5+01:00,South\n";
    let f = csv_project(bytes, "");
    let t = f.run(&["--period", "2023-04"]);
    assert_eq!(t.value("A1", "2023-03"), "2");
    assert_eq!(t.value("A1", "2023-04"), "2");
}

#[test]
fn a_column_of_dates_read_as_text_names_the_value_that_is_not_a_date() {
    // One value in another format makes the whole column text: check says
    // which value, where, and to set `date_formats`, not only that the
    // column holds text.
    let bytes = b"referral_date,team\n2023-01-05,North\n2023-01-06,North\n31.01.2023,South\n";
    let f = csv_project(bytes, "");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "column `referral_date` of `referrals` is read as text, not dates: `31.01.2023` (data row 3 of extracts/referrals.csv) is not a date in the formats %Y-%m-%d, %d/%m/%Y"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("set `date_formats`"), "{}", out.stderr);
    // Declaring the format reads it.
    let f = csv_project(bytes, "    date_formats: [\"%Y-%m-%d\", \"%d.%m.%Y\"]\n");
    let t = f.run(&[]);
    assert_eq!(t.value("A1", "2023-01"), "3");
}

#[test]
fn check_names_the_source_and_file_of_a_missing_column() {
    let bytes = b"when,team\n2023-01-05,North\n";
    let f = csv_project(bytes, "");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("referral_date"), "{}", out.stderr);
    assert!(out.stderr.contains("indicator A1"), "{}", out.stderr);
    assert!(
        out.stderr.contains("extracts/referrals.csv"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_glob_reads_every_matching_file_as_one_table() {
    let f = csv_project(b"referral_date,team\n2023-01-05,North\n", "");
    std::fs::write(
        f.path().join("extracts/referrals-2.csv"),
        "referral_date,team\n2023-01-09,North\n2023-02-01,South\n",
    )
    .unwrap();
    f.file(
        "rubric.yaml",
        "sources:\n  - name: referrals\n    path: \"extracts/referrals*.csv\"\n",
    );
    let t = f.run(&[]);
    assert_eq!(t.value("A1", "2023-01"), "2");
    assert_eq!(t.value("A1", "2023-02"), "1");
}

#[test]
fn a_warning_expectation_is_reported_and_the_run_goes_on() {
    let bytes = b"referral_date,team\n2023-01-05,North\n2023-01-06,Nowhere\n";
    let f = csv_project(bytes, "    expect:\n      - allowed: { column: team, values: [North, South] }\n        severity: warn\n");
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("warnings: 1"), "{}", out.stdout);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    assert!(md.contains("- source `referrals`: 1 of 2 rows fail the expectation `team` one of North, South: row 2: team = Nowhere"), "{md}");
    let check = f.rubric(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stderr.contains("rubric.yaml:"), "{}", check.stderr);
    assert!(
        check.stderr.contains("row 2: team = Nowhere"),
        "{}",
        check.stderr
    );
}

#[test]
fn declarations_that_cannot_work_are_each_named() {
    let f = Fixture::new();
    f.standard_rules();
    referrals_counted(&f, "");
    f.file(
        "rubric.yaml",
        "sources:\n  - name: referrals\n    kind: csv\n    path: nowhere.csv\n  - name: 2bad\n  - name: teams\n    kind: sheet\n    path: x\n  - name: db\n    kind: odbc\n    connection: \"Driver=x;PWD=secret\"\n    table: t\n  - name: xl\n    kind: xlsx\n    path: a.xlsx\n    delimiter: \";\"\n",
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for expected in [
        "nowhere.csv",
        "`2bad` cannot name a source",
        "`sheet` is not a kind of source",
        "`connection` names an environment variable",
        "`delimiter` applies to csv sources, not to a `xlsx` source",
    ] {
        assert!(out.stderr.contains(expected), "{expected}:\n{}", out.stderr);
    }
    // Only the excerpt of the YAML line quotes what was written there.
    let said: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .collect();
    assert!(said.iter().all(|l| !l.contains("secret")), "{}", out.stderr);
}

#[test]
fn regression_dates_to_extracted_hold_for_a_run_of_an_earlier_month() {
    let bytes = b"referral_date,team\n2023-01-05,North\n2023-03-06,South\n";
    let expect =
        "    expect:\n      - dates: { column: referral_date, from: 2000-01-01, to: extracted }\n";
    let f = csv_project(bytes, expect);
    let settings = std::fs::read_to_string(f.path().join("rubric.yaml")).unwrap();
    f.file(
        "rubric.yaml",
        &format!("quality:\n  extracted: 2023-03-31\n{settings}"),
    );
    // A run for January reads March's row too: not a future date.
    let out = f.rubric(&["run", "--period", "2023-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Bounded by the reporting month instead, the same run fails on it.
    f.file(
        "rubric.yaml",
        &format!(
            "quality:\n  extracted: 2023-03-31\n{}",
            settings.replace("to: extracted", "to: reporting_month")
        ),
    );
    let out = f.rubric(&["run", "--period", "2023-01"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("row 2: referral_date = 2023-03-06"),
        "{}",
        out.stderr
    );
    // Without the extraction day, `to: extracted` is a problem of the definitions.
    f.file("rubric.yaml", &settings);
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`to: extracted` is the day the data was extracted"),
        "{}",
        out.stderr
    );
}

#[test]
fn hostile_a_csv_value_over_the_text_limit_is_refused_naming_its_column() {
    let mut bytes = b"referral_date,team\n2023-01-05,".to_vec();
    bytes.extend(std::iter::repeat_n(
        b'x',
        rubric::source::MAX_TEXT_BYTES + 1,
    ));
    bytes.push(b'\n');
    let f = csv_project(&bytes, "    columns: { team: text }\n");
    let out = common::rubric_bounded(f.path(), &["run"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("column `team` holds a text value of"),
        "{}",
        out.stderr
    );
}

#[test]
fn hostile_markup_in_data_stays_text_in_the_quality_notes() {
    let bytes = b"referral_date,team\n2023-01-05,<script>alert(1)</script>\n";
    let f = csv_project(
        bytes,
        "    expect:\n      - allowed: { column: team, values: [North] }\n        severity: warn\n",
    );
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = std::fs::read_to_string(f.out_dir().join("scorecard.html")).unwrap();
    assert!(
        html.contains("team = &lt;script&gt;alert(1)&lt;"),
        "the note is escaped"
    );
    assert!(!html.contains("<script>alert(1)"));
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    assert!(
        md.contains("team = &lt;script>alert(1)&lt;/script>"),
        "{md}"
    );
}

/// Windows: an extract saved with CRLF line ends, definitions written with
/// CRLF and a path with backslashes read as they do anywhere, and an error
/// in a CRLF file is placed on its own line and column.
#[test]
fn windows_crlf_files_and_backslash_paths_read_as_on_any_platform() {
    let bytes =
        b"referral_date,team\r\n2023-01-05,North\r\n2023-01-06,South\r\n2023-02-01,North\r\n";
    let f = csv_project(bytes, "");
    f.file(
        "rubric.yaml",
        "sources:\r\n  - name: referrals\r\n    path: extracts\\referrals.csv\r\n",
    );
    let crlf = |text: &str| text.replace('\n', "\r\n");
    let indicators = std::fs::read_to_string(f.path().join("indicators/a.yaml")).unwrap();
    f.file("indicators/a.yaml", &crlf(&indicators));
    let t = f.run(&[]);
    assert_eq!(t.value("A1", "2023-01"), "2");
    // The last column carries no carriage return: `South` is `South`.
    assert_eq!(t.group("A1", "South", "2023-01", "value"), "1");
    assert_eq!(t.group("A1", "North", "2023-02", "value"), "1");

    // Line 13 of the CRLF file, column 15: the misspelt column.
    f.file(
        "indicators/a.yaml",
        &crlf(&indicators.replace(
            "date: referral_date\n",
            "date: referral_date\n      filter: tema == \"North\"\n",
        )),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1);
    let line = indicators
        .lines()
        .position(|l| l.contains("date: referral_date"))
        .unwrap()
        + 2;
    let place = format!("indicators/a.yaml:{line}:15");
    assert!(out.stderr.contains(&place), "{place}\n{}", out.stderr);
    assert!(out.stderr.contains("tema"), "{}", out.stderr);
    assert!(
        !out.stderr.contains('\r'),
        "no carriage return reaches the terminal"
    );
}

#[test]
fn a_path_leading_outside_the_project_is_refused_at_its_place_on_any_platform() {
    for (path, why) in [
        (r"C:\extracts\referrals.csv", "names a drive (`C:`)"),
        (r"\\server\share\referrals.csv", "names a network share"),
        (
            r"extracts\..\..\referrals.csv",
            "goes up out of the project folder",
        ),
        ("/srv/extracts/referrals.csv", "is absolute"),
    ] {
        let f = csv_project(b"referral_date,team\n2023-01-05,North\n", "");
        f.file(
            "rubric.yaml",
            &format!("sources:\n  - name: referrals\n    path: '{path}'\n"),
        );
        let out = f.rubric(&["check"]);
        assert_eq!(out.code, 1, "{path}");
        assert!(
            out.stderr.contains("rubric.yaml:3:11"),
            "{path}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(why), "{path}: {}", out.stderr);
        assert!(out.stderr.contains("relative to it"), "{}", out.stderr);
    }
}

/// Referrals in a CSV extract: March 2023 has 2 (by hand), February 1.
fn referrals_from_csv() -> common::Fixture {
    let f = common::Fixture::new();
    f.standard_rules()
        .file(
            "extracts/referrals.csv",
            "referral_date,team\n2023-02-10,North\n2023-03-01,North\n2023-03-20,South\n",
        )
        .file(
            "rubric.yaml",
            "sources:\n  - name: referrals\n    path: extracts/referrals.csv\n",
        );
    common::referrals_counted(&f, "breakdown: team");
    f
}

#[test]
fn sql_reads_a_snapshot_of_csv_sources_as_run_does() {
    let f = referrals_from_csv();
    // Without a snapshot, DuckDB's SQL cannot read the CSV source.
    let live = f.rubric(&["sql", "--format", "json", "--period", "2023-03"]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    assert!(
        live.stdout.contains("rubric sql --data DIR"),
        "{}",
        live.stdout
    );
    let snap = f.path().join("snap");
    let out = f.rubric(&["snapshot", "--out", snap.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let data = ["--data", snap.to_str().unwrap()];
    let run = f.rubric(&[&["run", "--quiet", "--period", "2023-03"][..], &data].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let t = f.read_csv();
    assert_eq!(t.value("A1", "2023-03"), "2");
    assert_eq!(t.value("A1", "2023-02"), "1");
    let sql = f.rubric(
        &[
            &["sql", "--format", "json", "--period", "2023-03"][..],
            &data,
        ]
        .concat(),
    );
    assert_eq!(sql.code, 0, "{}", sql.stderr);
    let doc: serde_json::Value = serde_json::from_str(&sql.stdout).unwrap();
    assert_eq!(
        doc["skipped"].as_array().map(Vec::len),
        Some(0),
        "{}",
        sql.stdout
    );
    // DuckDB running that SQL gives the run's figures.
    let Some(python) = common::duckdb_python() else {
        return;
    };
    let json_file = f.path().join("sql.json");
    std::fs::write(&json_file, &sql.stdout).unwrap();
    let checked = std::process::Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/sql_check.py"))
        .arg(f.path())
        .arg(&json_file)
        .arg(f.out_dir().join("scorecard.csv"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success() && said.starts_with("39 figures of 1 indicators agree"),
        "{said}\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[test]
fn sql_refuses_a_snapshot_changed_by_hand() {
    let f = referrals_from_csv();
    let snap = f.path().join("snap");
    assert_eq!(
        f.rubric(&["snapshot", "--out", snap.to_str().unwrap()])
            .code,
        0
    );
    let file = snap.join("referrals.parquet");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.push(0);
    std::fs::write(&file, bytes).unwrap();
    let out = f.rubric(&["sql", "--data", snap.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot read the snapshot") && out.stderr.contains("has changed"),
        "{}",
        out.stderr
    );
}

#[test]
fn columns_named_as_an_extract_names_them_are_renamed_for_expressions() {
    // Headers as a case management system exports them.
    let bytes = b"Referral Date,Team Name\n2023-01-05,North\n2023-01-09,South\n2023-02-01,North\n";
    let f = Fixture::new();
    f.standard_rules();
    std::fs::create_dir_all(f.path().join("extracts")).unwrap();
    std::fs::write(f.path().join("extracts/referrals.csv"), bytes).unwrap();
    f.file(
        "rubric.yaml",
        "sources:\n  - name: referrals\n    path: extracts/referrals.csv\n    rename: { referral_date: \"Referral Date\", team: \"Team Name\" }\n",
    );
    common::referrals_counted(&f, "breakdown: team");
    let t = f.run(&["--period", "2023-02"]);
    // January: 5th (North) and 9th (South); February: 1st (North).
    assert_eq!(t.value("A1", "2023-01"), "2");
    assert_eq!(t.value("A1", "2023-02"), "1");
    assert_eq!(t.group("A1", "North", "2023-01", "value"), "1");
    // A snapshot holds the new names, and DuckDB's SQL reads them.
    let snap = f.path().join("snap");
    let out = f.rubric(&["snapshot", "--out", snap.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let run = f.rubric(&[
        "run",
        "--quiet",
        "--period",
        "2023-02",
        "--data",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(f.read_csv().value("A1", "2023-01"), "2");
}

#[test]
fn a_column_an_expression_cannot_name_is_suggested_with_its_rename() {
    let bytes = b"referral_date,Team Name\n2023-01-05,North\n";
    let f = Fixture::new();
    f.standard_rules();
    std::fs::create_dir_all(f.path().join("extracts")).unwrap();
    std::fs::write(f.path().join("extracts/referrals.csv"), bytes).unwrap();
    f.file(
        "rubric.yaml",
        "sources:\n  - name: referrals\n    path: extracts/referrals.csv\n",
    );
    f.file(
        "indicators/a.yaml",
        &common::indicators(&[common::indicator(
            "A1",
            "count",
            "neutral",
            "kind: flow\nsource: referrals\ndate: referral_date\nfilter: Team_Name == \"North\"",
            "",
        )]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("rename: { team_name: \"Team Name\" }"),
        "{}",
        out.stderr
    );
    // And a rename that cannot work is refused at its place.
    f.file(
        "rubric.yaml",
        "sources:\n  - name: referrals\n    path: extracts/referrals.csv\n    rename: { team: \"Team\", \"my team\": \"Team Name\" }\n",
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`rename` gives `team` to `Team`, which the source does not have")
            && out
                .stderr
                .contains("`my team` cannot name a column in an expression"),
        "{}",
        out.stderr
    );
}
