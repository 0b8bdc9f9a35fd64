//! The hostile corpus (`tests/hostile/`): malformed YAML, runaway and
//! overflowing expressions, and broken Parquet files made here. Each gets a
//! correct result or a clear error, pinned; none makes Rubric panic or hang,
//! and each runs within 5 s of CPU and 1 GiB (`common::rubric_bounded`).

use crate::common;
use arrow_array::builder::{StringDictionaryBuilder, StructBuilder};
use arrow_array::types::UInt8Type;
use arrow_array::{
    ArrayRef, Date64Array, Decimal128Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
    StringViewArray, TimestampMicrosecondArray, TimestampNanosecondArray,
};
use arrow_schema::{DataType, Field};
use common::*;
use parquet::arrow::ArrowWriter;
use std::path::Path;
use std::sync::Arc;

/// What a run printed, with the rows of the indicators it wrote, for pinning.
fn report(f: &Fixture, out: &Output, ids: &[&str]) -> String {
    assert!(
        !out.stderr.contains("panicked"),
        "rubric panicked:\n{}",
        out.stderr
    );
    let mut text = format!("exit code {}\n", out.code);
    if !out.stderr.is_empty() {
        text += &format!("--- stderr\n{}", out.stderr);
    }
    if out.code == 0 {
        let t = f.read_csv();
        for ((id, _, group, period), row) in &t.rows {
            if ids.contains(&id.as_str()) && group == "all" && period.as_str() >= "2023-02" {
                text += &format!(
                    "{id} {period}: value={} numerator={} status={} reason={}\n",
                    row["value"], row["numerator"], row["status"], row["reason"]
                );
            }
        }
    }
    text
}

/// The referrals project with a corpus file copied in at `dest`.
fn with_corpus_file(path: &Path, dest: &str) -> Fixture {
    let f = referrals_project();
    std::fs::write(f.path().join(dest), std::fs::read(path).unwrap()).unwrap();
    f
}

#[test]
fn malformed_yaml_is_refused_with_a_clear_message() {
    insta::glob!("hostile/yaml/*.yaml", |path| {
        let f = with_corpus_file(path, "indicators/hostile.yaml");
        let out = rubric_bounded(f.path(), &["check"]);
        assert_eq!(out.code, 1, "{}: {}", path.display(), out.stderr);
        insta::assert_snapshot!(report(&f, &out, &[]));
    });
}

#[test]
fn files_too_large_or_not_text_are_refused() {
    let cases: [(&str, Vec<u8>); 3] = [
        ("too_large", {
            let mut big = b"indicators:\n".to_vec();
            big.extend(std::iter::repeat_n(b"# padding\n".as_slice(), 500_000).flatten());
            big
        }),
        (
            "latin1",
            b"indicators:\n  - id: A1\n    title: Caf\xe9\n".to_vec(),
        ),
        (
            "binary",
            vec![0xff, 0xfe, 0x00, 0x01, 0x89, b'P', b'N', b'G'],
        ),
    ];
    for (name, bytes) in cases {
        let f = referrals_project();
        std::fs::write(f.path().join("indicators/hostile.yaml"), bytes).unwrap();
        let out = rubric_bounded(f.path(), &["check"]);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        insta::assert_snapshot!(name, report(&f, &out, &[]));
    }
}

#[test]
fn runaway_rules_are_stopped_naming_rule_indicator_and_period() {
    insta::glob!("hostile/rules/*.yaml", |path| {
        let f = with_corpus_file(path, "rules/hostile.yaml");
        f.file(
            "indicators/h.yaml",
            &indicators(&[indicator(
                "H1",
                "count",
                "higher_is_better",
                "{ kind: flow, source: referrals, date: referral_date }",
                "targets:\n  2022-23: 1\nrag: hostile",
            )]),
        );
        let out = rubric_bounded(f.path(), &["run", "--period", "2023-03"]);
        assert!(
            out.code == 1 || out.code == 3,
            "{}: {}",
            path.display(),
            out.stderr
        );
        insta::assert_snapshot!(report(&f, &out, &["H1"]));
    });
}

#[test]
fn hostile_filters_and_formulas_give_an_error_or_a_missing_value() {
    insta::glob!("hostile/expressions/*.yaml", |path| {
        let f = with_corpus_file(path, "indicators/hostile.yaml");
        let out = rubric_bounded(f.path(), &["run", "--period", "2023-03"]);
        insta::assert_snapshot!(report(&f, &out, &["H1"]));
        if out.code == 0 {
            for row in f.read_csv().rows.values() {
                for (column, field) in row {
                    let lower = field.to_lowercase();
                    assert!(
                        !["nan", "inf", "-inf", "infinity", "-infinity", ""]
                            .contains(&lower.as_str()),
                        "{column} is `{field}` in {path:?}"
                    );
                }
            }
        }
    });
}

#[test]
fn project_limits_apply_and_bad_limits_are_refused() {
    let rule = "rules:\n  - name: counting\n    kind: rag\n    outcomes:\n      - { name: red }\n    expression: |\n      let n = 0;\n      while n < 5000 { n += 1; }\n      \"red\"\n";
    let project = |limits: &str| {
        let f = referrals_project();
        f.file("rules/counting.yaml", rule)
            .file(
                "indicators/h.yaml",
                &indicators(&[indicator(
                    "H1",
                    "count",
                    "higher_is_better",
                    "{ kind: flow, source: referrals, date: referral_date }",
                    "targets:\n  2022-23: 1\nrag: counting",
                )]),
            )
            .file("rubric.yaml", limits);
        f
    };
    // 5,000 turns of the loop fit the default limit of 100,000 operations...
    let f = project("limits: {}\n");
    assert_eq!(
        f.run(&["--period", "2023-03"]).get("H1", "2023-03", "rag"),
        "red"
    );
    // ...and not a limit of 1,000.
    let f = project("limits:\n  max_operations: 1000\n");
    let out = rubric_bounded(f.path(), &["run", "--period", "2023-03"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("too many operations"), "{}", out.stderr);
    let f = project("limits:\n  max_operations: 0\n  max_call_levels: 1000\n");
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn a_calendar_outside_the_project_is_refused() {
    let f = referrals_project();
    f.file("rubric.yaml", "calendar: ../../etc/passwd\n");
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.stderr);
}

// --- Parquet -----------------------------------------------------------------

fn parquet_bytes(columns: Vec<(&str, ArrayRef)>) -> Vec<u8> {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    batch_bytes(&batch)
}

fn batch_bytes(batch: &RecordBatch) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
    bytes
}

/// Three events: two in March 2023, one in April.
fn good_events() -> Vec<u8> {
    parquet_bytes(vec![(
        "event_date",
        dates(&[Some("2023-03-01"), Some("2023-03-02"), Some("2023-04-10")]),
    )])
}

fn overwrite(mut bytes: Vec<u8>, at: usize, with: &[u8]) -> Vec<u8> {
    bytes[at..at + with.len()].copy_from_slice(with);
    bytes
}

fn micros(s: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

const COUNT: &str = "{ kind: flow, source: events, date: event_date }";

/// Every broken or unusual Parquet file, with the measure that reads it.
fn parquet_cases() -> Vec<(&'static str, Vec<u8>, String)> {
    let count = || COUNT.to_string();
    let good = good_events();
    let n = good.len();
    let three_dates = || dates(&[Some("2023-03-01"), Some("2023-03-02"), Some("2023-04-10")]);
    let struct_ids = {
        let mut b = StructBuilder::from_fields(vec![Field::new("x", DataType::Int64, true)], 3);
        for i in 0..3 {
            b.field_builder::<arrow_array::builder::Int64Builder>(0)
                .unwrap()
                .append_value(i);
            b.append(true);
        }
        Arc::new(b.finish()) as ArrayRef
    };
    let small_dictionary = {
        let mut b = StringDictionaryBuilder::<UInt8Type>::new();
        b.append_value("North");
        b.append_null();
        b.append_value("North");
        Arc::new(b.finish()) as ArrayRef
    };
    let sum = |c: &str| format!("{{ kind: flow, source: events, date: event_date, sum: {c} }}");
    vec![
        ("empty_file", Vec::new(), count()),
        ("not_parquet", b"event_date\n2023-03-01\n".to_vec(), count()),
        ("magic_only", b"PAR1PAR1".to_vec(), count()),
        ("truncated", good[..n / 2].to_vec(), count()),
        ("footer_garbage", overwrite(good.clone(), n - 40, &[0xff; 32]), count()),
        (
            "footer_length_too_large",
            overwrite(good.clone(), n - 8, &0x7fff_ffffu32.to_le_bytes()),
            count(),
        ),
        ("page_header_garbage", overwrite(good.clone(), 4, &[0xff; 24]), count()),
        (
            "zero_rows",
            parquet_bytes(vec![("event_date", dates(&[]))]),
            count(),
        ),
        (
            "missing_column",
            parquet_bytes(vec![("other_date", three_dates())]),
            count(),
        ),
        (
            "date_as_integer",
            parquet_bytes(vec![(
                "event_date",
                Arc::new(Int64Array::from(vec![20230301, 20230302, 20230410])) as ArrayRef,
            )]),
            count(),
        ),
        (
            "date_as_text",
            parquet_bytes(vec![(
                "event_date",
                Arc::new(StringArray::from(vec!["2023-03-01", "2023-03-02", "2023-04-10"]))
                    as ArrayRef,
            )]),
            count(),
        ),
        (
            // 23:30 on 31 March UTC is 00:30 on 1 April in London (summer time):
            // the local date decides the month.
            "timestamp_with_time_zone",
            parquet_bytes(vec![(
                "event_date",
                Arc::new(
                    TimestampMicrosecondArray::from(vec![
                        micros("2023-03-15 12:00"),
                        micros("2023-03-31 23:30"),
                        micros("2023-04-10 09:00"),
                    ])
                    .with_timezone("Europe/London"),
                ) as ArrayRef,
            )]),
            count(),
        ),
        (
            "timestamp_without_time_zone",
            parquet_bytes(vec![(
                "event_date",
                Arc::new(TimestampNanosecondArray::from(vec![
                    micros("2023-03-15 12:00") * 1000,
                    micros("2023-03-31 23:30") * 1000,
                    micros("2023-04-10 09:00") * 1000,
                ])) as ArrayRef,
            )]),
            count(),
        ),
        (
            "date64",
            parquet_bytes(vec![(
                "event_date",
                Arc::new(Date64Array::from(vec![
                    i64::from(date("2023-03-01")) * 86_400_000,
                    i64::from(date("2023-04-10")) * 86_400_000,
                ])) as ArrayRef,
            )]),
            count(),
        ),
        (
            "all_null_dates",
            parquet_bytes(vec![("event_date", dates(&[None, None, None]))]),
            count(),
        ),
        (
            "nested_struct_id",
            parquet_bytes(vec![("event_date", three_dates()), ("id", struct_ids)]),
            "{ kind: flow, source: events, date: event_date, distinct: id }".to_string(),
        ),
        (
            "list_as_date",
            parquet_bytes(vec![(
                "event_date",
                Arc::new(arrow_array::ListArray::from_iter_primitive::<
                    arrow_array::types::Int32Type,
                    _,
                    _,
                >(vec![Some(vec![Some(1)])])) as ArrayRef,
            )]),
            count(),
        ),
        (
            "dictionary_with_small_keys",
            parquet_bytes(vec![("event_date", three_dates()), ("team", small_dictionary)]),
            "{ kind: flow, source: events, date: event_date, filter: 'team == \"North\"' }"
                .to_string(),
        ),
        (
            "large_and_view_strings",
            parquet_bytes(vec![
                ("event_date", three_dates()),
                (
                    "team",
                    Arc::new(LargeStringArray::from(vec!["North", "South", "North"])) as ArrayRef,
                ),
                (
                    "area",
                    Arc::new(StringViewArray::from(vec!["East", "East", "West"])) as ArrayRef,
                ),
            ]),
            "{ kind: flow, source: events, date: event_date, filter: 'team == \"North\" && area == \"East\"' }"
                .to_string(),
        ),
        (
            "nan_and_infinity_in_a_sum",
            parquet_bytes(vec![
                ("event_date", three_dates()),
                ("amount", floats(&[Some(f64::NAN), Some(1.0), Some(f64::INFINITY)])),
            ]),
            sum("amount"),
        ),
        (
            "huge_integers_summed",
            parquet_bytes(vec![
                ("event_date", three_dates()),
                ("amount", ints(&[Some(i64::MAX), Some(i64::MAX), Some(i64::MIN)])),
            ]),
            sum("amount"),
        ),
        (
            "negative_counts",
            parquet_bytes(vec![
                ("event_date", three_dates()),
                ("amount", ints(&[Some(5), Some(-3), Some(-1)])),
            ]),
            sum("amount"),
        ),
        (
            "decimal_amounts",
            parquet_bytes(vec![
                ("event_date", three_dates()),
                (
                    "amount",
                    Arc::new(
                        Decimal128Array::from(vec![150, 275, 1000])
                            .with_precision_and_scale(10, 2)
                            .unwrap(),
                    ) as ArrayRef,
                ),
            ]),
            sum("amount"),
        ),
        (
            "placeholder_dates_far_ahead",
            parquet_bytes(vec![(
                "event_date",
                dates(&[Some("2023-03-01"), Some("9999-12-31")]),
            )]),
            count(),
        ),
        (
            "dates_at_the_ends_of_time",
            parquet_bytes(vec![(
                "event_date",
                Arc::new(arrow_array::Date32Array::from(vec![
                    i32::MIN,
                    date("2023-03-01"),
                    i32::MAX,
                ])) as ArrayRef,
            )]),
            count(),
        ),
        (
            "duplicate_column_names",
            batch_bytes(
                &RecordBatch::try_new(
                    Arc::new(arrow_schema::Schema::new(vec![
                        Field::new("event_date", DataType::Date32, true),
                        Field::new("event_date", DataType::Date32, true),
                    ])),
                    vec![three_dates(), dates(&[None, None, None])],
                )
                .unwrap(),
            ),
            count(),
        ),
    ]
}

#[test]
fn broken_parquet_files_give_a_correct_result_or_an_error_naming_file_and_column() {
    let cases = parquet_cases();
    assert!(
        cases.len() >= 15,
        "only {} kinds of Parquet file",
        cases.len()
    );
    for (name, bytes, measure) in cases {
        let f = Fixture::new();
        f.standard_rules();
        std::fs::write(f.path().join("data/events.parquet"), bytes).unwrap();
        f.file(
            "indicators/p.yaml",
            &indicators(&[indicator("P1", "number", "neutral", &measure, "")]),
        );
        // The far-ahead placeholder date case is about choosing the
        // reporting month from the data, so it gets no --period.
        let args: &[&str] = if name.starts_with("placeholder") {
            &["run"]
        } else {
            &["run", "--period", "2023-04"]
        };
        let out = rubric_bounded(f.path(), args);
        assert!(
            [0, 1, 3].contains(&out.code),
            "{name}: exit {}\n{}",
            out.code,
            out.stderr
        );
        insta::assert_snapshot!(format!("parquet_{name}"), report(&f, &out, &["P1"]));
    }
}
