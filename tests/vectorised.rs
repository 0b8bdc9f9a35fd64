//! The vectorised plan and per-row Rhai must agree on every row, missing
//! values included: random data, random expressions, identical answers.

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array, RecordBatch,
    StringArray,
};
use proptest::prelude::*;
use rubric::calendar::Calendar;
use rubric::diagnostic::Place;
use rubric::expr::column_type::ColumnType;
use rubric::expr::engine::{sandboxed_engine, Limits};
use rubric::expr::history::rewrite_previous;
use rubric::expr::row_expr::RowExpr;
use rubric::expr::site::{known_functions, ExprSite, ScalarStyle};
use rubric::model::compile::builtin_calendar;
use std::collections::BTreeMap;
use std::sync::Arc;

fn columns() -> BTreeMap<String, Option<ColumnType>> {
    [
        ("n", ColumnType::Int),
        ("m", ColumnType::Int),
        ("x", ColumnType::Float),
        ("s", ColumnType::Str),
        ("t", ColumnType::Str),
        ("d", ColumnType::Date),
        ("e", ColumnType::Date),
        ("flag", ColumnType::Bool),
        // The measured period, as the scan gives it to a measure's filter.
        ("period_start", ColumnType::Date),
        ("period_end", ColumnType::Date),
        // `previous(d)` and `previous(n)`, as the scan gives them.
        ("previous__d", ColumnType::Date),
        ("previous__n", ColumnType::Int),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), Some(t)))
    .collect()
}

fn calendar() -> Arc<Calendar> {
    static CALENDAR: std::sync::OnceLock<Arc<Calendar>> = std::sync::OnceLock::new();
    Arc::clone(
        CALENDAR.get_or_init(|| {
            Arc::new(builtin_calendar("england-and-wales").expect("shipped calendar"))
        }),
    )
}

fn engine() -> rhai::Engine {
    sandboxed_engine(Limits::default(), calendar())
}

fn compile(text: &str) -> Result<RowExpr, String> {
    let engine = engine();
    let (text, _) = rewrite_previous(text);
    let text = text.as_str();
    let site = ExprSite {
        file: "test.yaml".into(),
        start: Place::new(1, 1),
        style: ScalarStyle::Literal,
        subject: "indicator T".into(),
        end: None,
    };
    RowExpr::compile(
        &engine,
        &calendar(),
        text,
        site,
        &columns(),
        &known_functions(&engine),
    )
    .map_err(|d| format!("{d:?}"))
}

#[derive(Debug, Clone)]
struct Row {
    n: Option<i64>,
    m: Option<i64>,
    x: Option<f64>,
    s: Option<&'static str>,
    t: Option<&'static str>,
    d: Option<i32>,
    e: Option<i32>,
    flag: Option<bool>,
    period_end: i32,
}

fn row() -> impl Strategy<Value = Row> {
    let int = prop::option::weighted(0.85, -3i64..40);
    let float = prop::option::weighted(0.85, prop_oneof![(-30.0f64..30.0), Just(0.0), Just(2.5)]);
    let text = prop::option::weighted(0.85, prop::sample::select(vec!["a", "b", "c", "North"]));
    let day = prop::option::weighted(0.85, 19_300i32..19_450);
    (
        int.clone(),
        int,
        float,
        text.clone(),
        text,
        day.clone(),
        day,
        prop::option::weighted(0.8, any::<bool>()),
        // Years either side of the rows' days, 29 February included.
        prop_oneof![16_000i32..21_000, Just(19_417), Just(19_051), Just(19_052)],
    )
        .prop_map(|(n, m, x, s, t, d, e, flag, period_end)| Row {
            n,
            m,
            x,
            s,
            t,
            d,
            e,
            flag,
            period_end,
        })
}

fn batch(rows: &[Row], dictionary: bool) -> RecordBatch {
    let strs = |f: fn(&Row) -> Option<&'static str>| -> ArrayRef {
        if dictionary {
            Arc::new(rows.iter().map(f).collect::<DictionaryArray<Int32Type>>())
        } else {
            Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
        }
    };
    RecordBatch::try_from_iter([
        (
            "n",
            Arc::new(Int64Array::from(
                rows.iter().map(|r| r.n).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "m",
            Arc::new(Int64Array::from(
                rows.iter().map(|r| r.m).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "x",
            Arc::new(Float64Array::from(
                rows.iter().map(|r| r.x).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        ("s", strs(|r| r.s)),
        ("t", strs(|r| r.t)),
        (
            "d",
            Arc::new(Date32Array::from(
                rows.iter().map(|r| r.d).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "e",
            Arc::new(Date32Array::from(
                rows.iter().map(|r| r.e).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "flag",
            Arc::new(BooleanArray::from(
                rows.iter().map(|r| r.flag).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "previous__d",
            Arc::new(Date32Array::from(
                rows.iter()
                    .cycle()
                    .skip(1)
                    .take(rows.len())
                    .map(|r| r.d)
                    .collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "previous__n",
            Arc::new(Int64Array::from(
                rows.iter()
                    .cycle()
                    .skip(1)
                    .take(rows.len())
                    .map(|r| r.n)
                    .collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "period_start",
            Arc::new(Date32Array::from_iter_values(
                rows.iter().map(|r| r.period_end - 30),
            )) as ArrayRef,
        ),
        (
            "period_end",
            Arc::new(Date32Array::from_iter_values(
                rows.iter().map(|r| r.period_end),
            )) as ArrayRef,
        ),
    ])
    .expect("batch")
}

/// Numeric operands: columns, constants, missing, arithmetic.
fn number() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("n".to_string()),
        Just("m".to_string()),
        Just("x".to_string()),
        (-5i64..50).prop_map(|i| i.to_string()),
        prop_oneof![Just("2.5"), Just("0.0"), Just("-1.5")].prop_map(String::from),
        Just("()".to_string()),
        Just("days_between(d, e)".to_string()),
        Just("working_days_between(d, e)".to_string()),
        Just("days_between(d, add_working_days(e, n))".to_string()),
        Just("month(d)".to_string()),
        Just("year(e)".to_string()),
        Just("months_between(d, period_end)".to_string()),
        Just("years_between(e, period_end)".to_string()),
        Just("age_at(d, period_start)".to_string()),
        Just("months_between(d, e)".to_string()),
        Just("days_between(period_start, d)".to_string()),
        Just("previous(n)".to_string()),
        Just("months_between(previous(d), d)".to_string()),
        Just("day(d)".to_string()),
        Just("days_between(d, add_months(e, n))".to_string()),
        Just("days_between(add_years(period_end, m), d)".to_string()),
        Just("days_between(add_days(d, n), e)".to_string()),
        Just("day(add_months(period_end, n))".to_string()),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        (
            inner.clone(),
            prop::sample::select(vec!["+", "-", "*", "/"]),
            inner,
        )
            .prop_map(|(a, op, b)| format!("({a} {op} {b})"))
    })
}

fn operand() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => number(),
        1 => prop::sample::select(vec!["s", "t", "\"a\"", "\"North\"", "d", "e", "date(\"2023-01-15\")", "flag", "true"]).prop_map(String::from),
    ]
}

fn boolean() -> impl Strategy<Value = String> {
    let cmp = (
        operand(),
        prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]),
        operand(),
    )
        .prop_map(|(a, op, b)| format!("{a} {op} {b}"));
    let leaf = prop_oneof![
        4 => cmp,
        1 => Just("flag".to_string()),
        1 => prop::sample::select(vec!["s in [\"a\", \"b\"]", "n in [1, 2, 3]", "x in [2.5]", "t in []", "d in [date(\"2023-01-15\")]"]).prop_map(String::from),
        1 => prop::sample::select(vec!["s == ()", "x != ()", "true", "false"]).prop_map(String::from),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["&&", "||"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            inner.prop_map(|a| format!("!({a})")),
        ]
    })
}

/// A filter naming values with `let` before its expression (one name
/// maybe unused, one maybe shadowing the other).
fn with_lets() -> impl Strategy<Value = String> {
    (number(), operand(), boolean(), any::<bool>(), any::<bool>()).prop_map(
        |(a, b, rest, use_b, shadow)| {
            let second = if shadow { "v" } else { "w" };
            let uses = if use_b {
                format!("{second} != ()")
            } else {
                "true".to_string()
            };
            format!("let v = {a}; let {second} = {b}; (v > 1 || {uses}) && ({rest})")
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn a_plan_with_named_values_agrees_with_per_row_rhai(expr in with_lets(), rows in prop::collection::vec(row(), 1..40)) {
        let engine = engine();
        let compiled = compile(&expr).map_err(TestCaseError::fail)?;
        let b = batch(&rows, false);
        let reference = compiled.evaluate_per_row(&engine, &b).map_err(|e| e.message);
        if let Some(Ok(mask)) = compiled.evaluate_vectorised(&b) {
            prop_assert_eq!(Ok(mask), reference.clone(), "expression: {}", expr);
        }
        let public = compiled.evaluate(&engine, &b).map_err(|e| e.message);
        prop_assert_eq!(public, reference, "expression: {}", expr);
    }

    #[test]
    fn vectorised_plan_agrees_with_per_row_rhai(expr in boolean(), rows in prop::collection::vec(row(), 1..40), dictionary in any::<bool>()) {
        let engine = engine();
        let Ok(compiled) = compile(&expr) else { return Ok(()) };
        let b = batch(&rows, dictionary);
        let per_row = compiled.evaluate_per_row(&engine, &b);
        // Where the plan answers, it must answer exactly as Rhai does.
        if let Some(Ok(mask)) = compiled.evaluate_vectorised(&b) {
            let expected = per_row.map_err(|e| TestCaseError::fail(format!("plan answered but Rhai failed on row {}: {} for {expr}", e.row, e.message)))?;
            prop_assert_eq!(mask, expected, "expression: {}", expr);
        }
        // Whatever path is taken, the public evaluation equals per-row Rhai.
        let public = compiled.evaluate(&engine, &b).map_err(|e| e.message);
        let reference = compiled.evaluate_per_row(&engine, &b).map_err(|e| e.message);
        prop_assert_eq!(public, reference);
    }
}

#[test]
fn common_filters_are_vectorised() {
    for expr in [
        "team == \"North\"",
        "s in [\"a\", \"b\"] && n >= 3",
        "days_between(d, e) <= 45",
        "x != () || !(flag)",
        "month(d) == 4 && year(d) >= 2023",
        "n + m * 2 > x",
        "d >= date(\"2023-01-01\")",
        "working_days_between(d, e) <= 45",
        "add_working_days(d, 10) >= e",
        "years_between(d, period_end) >= 2",
        "age_at(d, period_end) >= 16 && age_at(d, period_end) <= 17",
        "months_between(d, e) < 12 && d <= period_end && d >= period_start",
        "previous(d) != () && months_between(previous(d), d) < 12",
        "add_months(d, 6) <= period_end && day(d) == 1",
        "add_years(d, 2) <= period_end || add_days(e, -30) > d",
        "let age = age_at(d, period_end); age >= 16 && age <= 17",
    ] {
        let expr = expr.replace("team", "s");
        let compiled = compile(&expr).unwrap();
        assert!(
            compiled.is_vectorised(),
            "{expr} should run on Arrow kernels"
        );
    }
}

#[test]
fn a_filter_is_named_values_then_one_expression() {
    for (text, problem) in [
        ("let n = 3; n > 1", "`n` is already a column of the source"),
        ("let a = 1; a = 2; a > 1", "a filter is one expression"),
        ("fn f() { 1 } f() > 0", "does not parse"),
        ("fn f() { 1 }; f() > 0", "a filter is one expression"),
        (
            "let a = { let b = 1; b }; a > 0",
            "a filter is one expression",
        ),
        ("let a = 1;", "a filter is one expression"),
        ("n > { let a = 1; a }", "does not parse"),
    ] {
        let err = compile(text).expect_err(text);
        assert!(err.contains(problem), "{text}: {err}");
    }
    // A value never used is worked out by Rhai (which may stop on it): no plan.
    assert!(!compile("let a = n + 1; m > 1").unwrap().is_vectorised());
    assert!(compile("let a = n + 1; a > 1").unwrap().is_vectorised());
}

#[test]
fn dictionary_and_plain_strings_give_the_same_answer() {
    let rows: Vec<Row> = ["a", "b", "North", "c"]
        .iter()
        .enumerate()
        .map(|(i, s)| Row {
            n: Some(i as i64),
            m: None,
            x: None,
            s: Some(s),
            t: None,
            d: None,
            e: None,
            flag: None,
            period_end: 19_417,
        })
        .collect();
    let compiled = compile("s == \"North\" || s in [\"a\"]").unwrap();
    let plain = compiled
        .evaluate_vectorised(&batch(&rows, false))
        .unwrap()
        .unwrap();
    let dict = compiled
        .evaluate_vectorised(&batch(&rows, true))
        .unwrap()
        .unwrap();
    assert_eq!(plain, dict);
    assert_eq!(plain, BooleanArray::from(vec![true, false, true, false]));
}
