//! An expression (the input up to its first NUL byte) over rows made from
//! the rest of the input: compiling must not panic, and where the
//! vectorised plan answers it must answer exactly as per-row Rhai does.
#![no_main]
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use libfuzzer_sys::fuzz_target;
use rubric::calendar::Calendar;
use rubric::diagnostic::Place;
use rubric::expr::column_type::ColumnType;
use rubric::expr::engine::{sandboxed_engine, Limits};
use rubric::expr::row_expr::RowExpr;
use rubric::expr::site::{known_functions, ExprSite, ScalarStyle};
use rubric::model::compile::builtin_calendar;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

struct Setup {
    calendar: Arc<Calendar>,
    engine: rhai::Engine,
    known: std::collections::BTreeSet<String>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let calendar = Arc::new(builtin_calendar("england-and-wales").expect("calendar"));
        let engine = sandboxed_engine(Limits::default(), Arc::clone(&calendar));
        let known = known_functions(&engine);
        Setup {
            calendar,
            engine,
            known,
        }
    })
}

/// Five columns, one row per 5 bytes; a byte of 0 is a null.
fn batch(bytes: &[u8]) -> RecordBatch {
    let rows: Vec<&[u8]> = bytes.chunks_exact(5).take(64).collect();
    let pick = |i: usize| rows.iter().map(move |r| (r[i] != 0).then_some(r[i]));
    let texts = ["a", "b", "North", ""];
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "n",
            Arc::new(
                pick(0)
                    .map(|b| b.map(|b| i64::from(b) - 100))
                    .collect::<Int64Array>(),
            ),
        ),
        (
            "x",
            Arc::new(
                pick(1)
                    .map(|b| b.map(|b| f64::from(b) / 7.0 - 10.0))
                    .collect::<Float64Array>(),
            ),
        ),
        (
            "s",
            Arc::new(
                pick(2)
                    .map(|b| b.map(|b| texts[usize::from(b) % 4]))
                    .collect::<StringArray>(),
            ),
        ),
        (
            "d",
            Arc::new(
                pick(3)
                    .map(|b| b.map(|b| 19_300 + i32::from(b)))
                    .collect::<Date32Array>(),
            ),
        ),
        (
            "flag",
            Arc::new(
                pick(4)
                    .map(|b| b.map(|b| b % 2 == 0))
                    .collect::<BooleanArray>(),
            ),
        ),
    ];
    RecordBatch::try_from_iter(columns).expect("batch")
}

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let Ok(text) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let rows = batch(data.get(split + 1..).unwrap_or_default());
    let s = setup();
    let columns: BTreeMap<String, Option<ColumnType>> = [
        ("n", ColumnType::Int),
        ("x", ColumnType::Float),
        ("s", ColumnType::Str),
        ("d", ColumnType::Date),
        ("flag", ColumnType::Bool),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), Some(t)))
    .collect();
    let site = ExprSite {
        file: "fuzz.yaml".into(),
        start: Place::new(1, 1),
        style: ScalarStyle::Literal,
        subject: "indicator F".into(),
        end: None,
    };
    let Ok(compiled) = RowExpr::compile(&s.engine, &s.calendar, text, site, &columns, &s.known)
    else {
        return;
    };
    let per_row = compiled.evaluate_per_row(&s.engine, &rows);
    if let Some(Ok(mask)) = compiled.evaluate_vectorised(&rows) {
        match &per_row {
            Ok(expected) => assert_eq!(&mask, expected, "expression: {text}"),
            Err(e) => panic!(
                "the plan answered but Rhai failed on row {}: {} for {text}",
                e.row, e.message
            ),
        }
    }
});
