//! Inputs built to exhaust memory are refused early, with a message naming
//! the column and the indicators, within the corpus's bounds (5 s of CPU,
//! 1 GiB of address space).

use crate::common;
use common::*;

/// A project breaking referrals down by `column`.
fn breakdown_by(column: &str, values: Vec<Option<String>>) -> Fixture {
    let f = Fixture::new();
    let n = values.len();
    let refs: Vec<Option<&str>> = values.iter().map(|v| v.as_deref()).collect();
    f.standard_rules().table(
        "referrals",
        vec![
            ("referral_date", dates(&repeat("2023-03-01", n))),
            (column, strs(&refs)),
        ],
    );
    referrals_counted(&f, &format!("breakdown: {column}"));
    f
}

fn run(f: &Fixture) -> Output {
    let out = rubric_bounded(f.path(), &["run", "--quiet", "--period", "2023-03"]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

#[test]
fn two_hundred_thousand_teams_are_too_many_to_break_down_by() {
    let f = breakdown_by(
        "team",
        (0..200_000).map(|i| Some(format!("T{i}"))).collect(),
    );
    let out = run(&f);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`team` of `referrals` has more than 2000 distinct values"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("(indicators A1)"), "{}", out.stderr);
    assert!(
        !f.out_dir().join("scorecard.csv").exists(),
        "nothing written"
    );
}

#[test]
fn a_breakdown_by_child_is_refused_before_the_scan_grows() {
    let f = breakdown_by(
        "child_id",
        (0..3_000).map(|i| Some(format!("{i}"))).collect(),
    );
    let out = run(&f);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("`child_id` of `referrals`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_team_name_too_long_for_a_report_is_refused() {
    let f = breakdown_by("team", vec![Some("North".into()), Some("x".repeat(500))]);
    let out = run(&f);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("holds a value of 500 characters"),
        "{}",
        out.stderr
    );
}

#[test]
fn text_values_of_megabytes_are_refused_as_they_are_read() {
    // Eight team names of 2 MiB each.
    let f = breakdown_by(
        "team",
        (0..8)
            .map(|i| Some(format!("{i}{}", "y".repeat(2 << 20))))
            .collect(),
    );
    let out = run(&f);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("column `team` holds a text value of"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("at most 1048576 bytes"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_small_file_whose_one_team_name_expands_to_gigabytes_is_refused() {
    use arrow_array::{ArrayRef, DictionaryArray, RecordBatch, StringArray};
    use parquet::arrow::arrow_writer::ArrowWriterOptions;
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;
    // One 20 MiB name, on 250 rows: 5 GiB if every row held its own copy.
    let rows = 250;
    let name = StringArray::from(vec!["z".repeat(20 << 20)]);
    let keys = arrow_array::Int32Array::from(vec![0; rows]);
    let teams = DictionaryArray::try_new(keys, Arc::new(name)).unwrap();
    let batch = RecordBatch::try_from_iter([
        ("referral_date", dates(&repeat("2023-03-01", rows))),
        ("team", Arc::new(teams) as ArrayRef),
    ])
    .unwrap();
    let f = Fixture::new();
    f.standard_rules();
    let file = std::fs::File::create(f.path().join("data/referrals.parquet")).unwrap();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap()))
        .build();
    // As other tools write it: no Arrow schema saying the column is a dictionary.
    let options = ArrowWriterOptions::new()
        .with_properties(props)
        .with_skip_arrow_metadata(true);
    let mut writer = ArrowWriter::try_new_with_options(file, batch.schema(), options).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let size = std::fs::metadata(f.path().join("data/referrals.parquet"))
        .unwrap()
        .len();
    assert!(size < 100_000, "the file is {size} bytes");
    referrals_counted(&f, "breakdown: team");
    let out = run(&f);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("column `team` holds a text value of"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_reason_too_long_to_show_is_refused() {
    let f = Fixture::new();
    f.standard_rules().table(
        "published",
        vec![
            ("month", dates(&repeat("2023-03-01", 2))),
            ("value", floats(&[Some(4.0), None])),
            (
                "status",
                strs(&[None, Some(&"not yet published; ".repeat(60))]),
            ),
        ],
    );
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator(
            "P1",
            "count",
            "neutral",
            "kind: flow\nsource: published\ndate: month\nsum: value\nmissing_reason: status",
            "",
        )]),
    );
    let out = run(&f);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`status` of `published` gives a reason of 1140 characters"),
        "{}",
        out.stderr
    );
}
