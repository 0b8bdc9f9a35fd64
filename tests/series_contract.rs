//! The series as a contract between the stages: a native run's series,
//! written with `--write-series`, rated again with `--series` gives every
//! output byte for byte; the table's schema is pinned; a series table
//! that cannot be right is refused with the row.

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use std::path::Path;
use std::sync::Arc;

use crate::common;

fn same_outputs(a: &Path, b: &Path) {
    common::same_files(
        a,
        b,
        23,
        "between the native run and the run from its series",
    );
}

#[test]
fn a_run_from_its_own_series_is_the_native_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("series.parquet");
    let (native, again) = (dir.path().join("native"), dir.path().join("again"));
    for publish in [false, true] {
        let flag = if publish { "--publish" } else { "--timings" };
        let out = common::example(&[
            "run",
            "--quiet",
            flag,
            "--out",
            native.to_str().unwrap(),
            "--write-series",
            series.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = common::example(&[
            "run",
            "--quiet",
            flag,
            "--out",
            again.to_str().unwrap(),
            "--series",
            series.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        same_outputs(&native, &again);
    }
}

#[test]
fn the_series_table_has_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("series.parquet");
    let out = common::example(&[
        "run",
        "--quiet",
        "--out",
        dir.path().join("out").to_str().unwrap(),
        "--write-series",
        series.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = std::fs::File::open(&series).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let fields: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f.name(),
                f.data_type(),
                if f.is_nullable() { "null" } else { "not null" }
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            "indicator Utf8 not null",
            "breakdown Utf8 not null",
            "breakdown_value Utf8 not null",
            "period Utf8 not null",
            "numerator Float64 null",
            "denominator Float64 null",
            "value Float64 null",
            "missing_reason Utf8 null",
        ]
    );
    // 48 months of every indicator's whole and breakdown values.
    let rows: usize = builder
        .build()
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    assert_eq!(rows % 48, 0, "{rows}");
}

/// A one-indicator project and a series table of the rows given:
/// (indicator, breakdown, value, period, figure).
fn with_series(rows: &[(&str, &str, &str, &str, f64)]) -> (common::Fixture, std::path::PathBuf) {
    let f = common::Fixture::new();
    f.standard_rules();
    f.table(
        "referrals",
        vec![("referral_date", common::dates(&[Some("2023-01-05")]))],
    );
    common::referrals_counted(&f, "");
    let text = |i: usize| -> ArrayRef {
        Arc::new(StringArray::from(
            rows.iter()
                .map(|r| [r.0, r.1, r.2, r.3][i])
                .collect::<Vec<_>>(),
        ))
    };
    let value: ArrayRef = Arc::new(Float64Array::from(
        rows.iter().map(|r| Some(r.4)).collect::<Vec<_>>(),
    ));
    let none: ArrayRef = Arc::new(Float64Array::from(vec![None::<f64>; rows.len()]));
    let why: ArrayRef = Arc::new(StringArray::from(vec![None::<&str>; rows.len()]));
    let batch = RecordBatch::try_from_iter(vec![
        ("indicator", text(0)),
        ("breakdown", text(1)),
        ("breakdown_value", text(2)),
        ("period", text(3)),
        ("numerator", Arc::clone(&none)),
        ("denominator", none),
        ("value", value),
        ("missing_reason", why),
    ])
    .unwrap();
    let path = f.path().join("series.parquet");
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    (f, path)
}

#[test]
fn a_series_computed_elsewhere_is_rated_and_a_month_it_lacks_says_so() {
    let (f, path) = with_series(&[
        ("A1", "all", "all", "2023-06", 4.0),
        ("A1", "all", "all", "2023-07", 6.0),
    ]);
    let table = f.run(&["--series", path.to_str().unwrap(), "--quiet"]);
    assert_eq!(table.value("A1", "2023-07"), "6");
    assert_eq!(table.get("A1", "2023-07", "change"), "2");
    assert_eq!(table.get("A1", "2023-05", "status"), "missing");
    assert_eq!(table.get("A1", "2023-05", "reason"), "not in the series");
}

#[test]
fn a_series_row_that_cannot_be_right_is_refused_with_its_number() {
    for (rows, message) in [
        (
            vec![
                ("A1", "all", "all", "2023-07", 1.0),
                ("B2", "all", "all", "2023-07", 1.0),
            ],
            "row 2 of the series table names the indicator `B2`, which is not declared",
        ),
        (
            vec![("A1", "team", "North", "2023-07", 1.0)],
            "row 1 of the series table has the breakdown `team` = `North`, which A1 does not have",
        ),
        (
            vec![("A1", "all", "all", "July 2023", 1.0)],
            "row 1 of the series table has the period `July 2023`, which is not a month (YYYY-MM)",
        ),
        (
            vec![("A1", "all", "all", "2023-07", f64::NAN)],
            "row 1 of the series table has a number that is not finite",
        ),
        (
            vec![
                ("A1", "all", "all", "2023-07", 1.0),
                ("A1", "all", "all", "2023-07", 2.0),
            ],
            "the series table has A1 (the whole) for 2023-07 twice",
        ),
    ] {
        let (f, path) = with_series(&rows);
        let out = f.rubric(&["run", "--series", path.to_str().unwrap()]);
        assert_ne!(out.code, 0, "{message}");
        assert!(out.stderr.contains(message), "{message}: {}", out.stderr);
        assert!(!f.out_dir().join("scorecard.csv").exists());
    }
}

#[test]
fn a_formula_absent_from_the_series_is_computed_from_its_inputs() {
    // Engines running `rubric sql` give no rows for a formula over other
    // indicators (AS5 reads AS1 and FD3): the run computes it as a native
    // run does, so the outputs are the native run's byte for byte.
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("series.parquet");
    let (native, again) = (dir.path().join("native"), dir.path().join("again"));
    let out = common::example(&[
        "run",
        "--quiet",
        "--out",
        native.to_str().unwrap(),
        "--write-series",
        series.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = std::fs::File::open(&series).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut kept = Vec::new();
    let mut dropped = 0;
    for batch in reader {
        let batch = batch.unwrap();
        let ids = batch
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let keep: arrow_array::BooleanArray =
            ids.iter().map(|id| Some(id != Some("AS5"))).collect();
        dropped += keep.false_count();
        kept.push(arrow_select::filter::filter_record_batch(&batch, &keep).unwrap());
    }
    assert!(dropped > 0, "AS5 was in the series");
    let without = dir.path().join("without_formula.parquet");
    let mut writer = ArrowWriter::try_new(
        std::fs::File::create(&without).unwrap(),
        kept[0].schema(),
        None,
    )
    .unwrap();
    for b in &kept {
        writer.write(b).unwrap();
    }
    writer.close().unwrap();
    let out = common::example(&[
        "run",
        "--quiet",
        "--out",
        again.to_str().unwrap(),
        "--series",
        without.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    same_outputs(&native, &again);
}
