//! The one sandboxed Rhai engine every expression runs in: no I/O, no
//! clock, no `eval`, explicit limits (the same in debug and release builds),
//! plus the functions analysts may call. New functions go in `register`.

use crate::calendar::elapsed::{whole_months, whole_years};
use crate::calendar::period::{date_from_days, days_from_date};
use crate::calendar::Calendar;
use chrono::{Datelike, NaiveDate};
use rhai::packages::{
    BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, FLOAT, INT};
use std::sync::Arc;

/// Limits that stop runaway expressions; generous for any real filter or rule.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: u64,
    pub max_expr_depth: u64,
    pub max_string_size: u64,
    pub max_array_size: u64,
    pub max_map_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 100_000,
            max_call_levels: 16,
            max_expr_depth: 64,
            max_string_size: 10_000,
            max_array_size: 10_000,
            max_map_size: 1_000,
        }
    }
}

/// A calendar date inside Rhai, stored as days since 1970-01-01 like Arrow's Date32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

impl Date {
    pub fn naive(self) -> NaiveDate {
        date_from_days(self.0)
    }
}

/// Builds the sandboxed engine with the given limits, counting working
/// days with `calendar`.
pub fn sandboxed_engine(limits: Limits, calendar: Arc<Calendar>) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(CorePackage::new().as_shared_module());
    engine.register_global_module(LogicPackage::new().as_shared_module());
    engine.register_global_module(BasicMathPackage::new().as_shared_module());
    engine.register_global_module(MoreStringPackage::new().as_shared_module());
    engine.register_global_module(BasicArrayPackage::new().as_shared_module());
    engine.register_global_module(BasicMapPackage::new().as_shared_module());
    engine.disable_symbol("eval");
    engine.set_strict_variables(true);
    engine.set_max_operations(limits.max_operations);
    engine.set_max_call_levels(to_usize(limits.max_call_levels));
    engine.set_max_expr_depths(
        to_usize(limits.max_expr_depth),
        to_usize(limits.max_expr_depth),
    );
    engine.set_max_string_size(to_usize(limits.max_string_size));
    engine.set_max_array_size(to_usize(limits.max_array_size));
    engine.set_max_map_size(to_usize(limits.max_map_size));
    register(&mut engine);
    register_working_days(&mut engine, calendar);
    engine
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn register_working_days(engine: &mut Engine, calendar: Arc<Calendar>) {
    let cal = Arc::clone(&calendar);
    engine.register_fn(
        "working_days_between",
        move |start: Dynamic, end: Dynamic| {
            two_dates(&start, &end, "working_days_between").map(|d| match d {
                Some((a, b)) => Dynamic::from_int(cal.working_days_between(a.0, b.0)),
                None => Dynamic::UNIT,
            })
        },
    );
    engine.register_fn(
        "add_working_days",
        move |date: Dynamic, n: INT| -> Result<Dynamic, Box<EvalAltResult>> {
            if date.is_unit() {
                return Ok(Dynamic::UNIT);
            }
            match date.clone().try_cast::<Date>() {
                Some(d) if n.abs() <= MAX_WORKING_DAYS_STEP => {
                    match calendar.add_working_days(d.0, n) {
                        Some(day) => Ok(Dynamic::from(Date(day))),
                        None => Err(format!(
                            "add_working_days({}, {n}) is past the last date Rubric can hold",
                            d.naive()
                        )
                        .into()),
                    }
                }
                Some(_) => Err(format!(
                    "add_working_days moves at most {MAX_WORKING_DAYS_STEP} working days"
                )
                .into()),
                None => {
                    Err(format!("add_working_days expects a date, got {}", date.type_name()).into())
                }
            }
        },
    );
}

/// The largest move `add_working_days` makes, so a typo cannot hang a run.
pub const MAX_WORKING_DAYS_STEP: i64 = 100_000;

/// Both values as dates, `None` when either is missing.
fn two_dates(
    a: &Dynamic,
    b: &Dynamic,
    function: &str,
) -> Result<Option<(Date, Date)>, Box<EvalAltResult>> {
    if a.is_unit() || b.is_unit() {
        return Ok(None);
    }
    match (a.clone().try_cast::<Date>(), b.clone().try_cast::<Date>()) {
        (Some(x), Some(y)) => Ok(Some((x, y))),
        _ => Err(format!(
            "{function} expects two dates, got {} and {}",
            a.type_name(),
            b.type_name()
        )
        .into()),
    }
}

fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Date>("Date");
    engine.register_fn("==", |a: Date, b: Date| a == b);
    engine.register_fn("!=", |a: Date, b: Date| a != b);
    engine.register_fn("<", |a: Date, b: Date| a < b);
    engine.register_fn("<=", |a: Date, b: Date| a <= b);
    engine.register_fn(">", |a: Date, b: Date| a > b);
    engine.register_fn(">=", |a: Date, b: Date| a >= b);
    engine.register_fn("to_string", |d: &mut Date| d.naive().to_string());
    engine.register_fn("to_debug", |d: &mut Date| d.naive().to_string());
    engine.register_fn("date", parse_date);
    engine.register_fn("days_between", days_between);
    engine.register_fn("months_between", |a: Dynamic, b: Dynamic| {
        whole(a, b, "months_between", whole_months)
    });
    engine.register_fn("years_between", |a: Dynamic, b: Dynamic| {
        whole(a, b, "years_between", whole_years)
    });
    engine.register_fn("age_at", |a: Dynamic, b: Dynamic| {
        whole(a, b, "age_at", whole_years)
    });
    engine.register_fn("year", |d: Dynamic| date_part(d, |n| n.year() as INT));
    engine.register_fn("month", |d: Dynamic| date_part(d, |n| n.month() as INT));
    // For the reasons rules give: a number with a fixed count of decimals.
    engine.register_fn("format_number", format_number);
    engine.register_fn("format_number", |x: INT, decimals: INT| {
        format_number(x as FLOAT, decimals)
    });

    // A missing value (`()`) in arithmetic gives a missing value, so that
    // `days_between(start, end) <= 45` is simply false when `end` is empty.
    macro_rules! null_arith {
        ($($op:literal),*) => {$(
            engine.register_fn($op, |_: (), _: INT| ());
            engine.register_fn($op, |_: INT, _: ()| ());
            engine.register_fn($op, |_: (), _: FLOAT| ());
            engine.register_fn($op, |_: FLOAT, _: ()| ());
            engine.register_fn($op, |_: (), _: ()| ());
        )*};
    }
    null_arith!("+", "-", "*", "/");
}

/// A number with a fixed count of decimals (0 to 6), for rules' reasons:
/// rounded as the reports round, so a reason quotes the figure the page shows.
fn format_number(x: FLOAT, decimals: INT) -> String {
    crate::text::number(x, decimals.clamp(0, 6) as u8)
}

fn parse_date(text: ImmutableString) -> Result<Date, Box<EvalAltResult>> {
    NaiveDate::parse_from_str(text.as_str(), "%Y-%m-%d")
        .map(|d| Date(days_from_date(d)))
        .map_err(|_| format!("date(\"{text}\") is not a date: write it as \"YYYY-MM-DD\"").into())
}

/// Days from `start` to `end` (end minus start); missing if either is missing.
fn days_between(start: Dynamic, end: Dynamic) -> Result<Dynamic, Box<EvalAltResult>> {
    two_dates(&start, &end, "days_between").map(|d| match d {
        Some((a, b)) => Dynamic::from_int(INT::from(b.0) - INT::from(a.0)),
        None => Dynamic::UNIT,
    })
}

/// Whole months or years from `start` to `end` (see `calendar::elapsed`);
/// missing if either is missing.
fn whole(
    start: Dynamic,
    end: Dynamic,
    function: &str,
    count: fn(i32, i32) -> i64,
) -> Result<Dynamic, Box<EvalAltResult>> {
    two_dates(&start, &end, function).map(|d| match d {
        Some((a, b)) => Dynamic::from_int(count(a.0, b.0)),
        None => Dynamic::UNIT,
    })
}

fn date_part(d: Dynamic, part: fn(NaiveDate) -> INT) -> Result<Dynamic, Box<EvalAltResult>> {
    if d.is_unit() {
        return Ok(Dynamic::UNIT);
    }
    match d.clone().try_cast::<Date>() {
        Some(date) => Ok(Dynamic::from_int(part(date.naive()))),
        None => Err(format!("expected a date, got {}", d.type_name()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn test_engine() -> Engine {
        sandboxed_engine(Limits::default(), Arc::new(Calendar::new("none", [])))
    }

    fn eval(src: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        let engine = test_engine();
        engine.eval_expression::<Dynamic>(src)
    }

    #[test]
    fn dates_compare_and_subtract() {
        assert_eq!(
            eval(r#"days_between(date("2023-01-01"), date("2023-03-01"))"#)
                .unwrap()
                .as_int()
                .unwrap(),
            59
        );
        assert!(eval(r#"date("2023-01-02") > date("2023-01-01")"#)
            .unwrap()
            .as_bool()
            .unwrap());
        assert_eq!(
            eval(r#"month(date("2023-07-31"))"#)
                .unwrap()
                .as_int()
                .unwrap(),
            7
        );
        assert!(eval(r#"date("2023-02-30")"#).is_err());
        let int = |src: &str| eval(src).unwrap().as_int().unwrap();
        assert_eq!(int(r#"age_at(date("2008-02-29"), date("2026-03-01"))"#), 18);
        assert_eq!(
            int(r#"years_between(date("2021-07-31"), date("2023-07-31"))"#),
            2
        );
        assert_eq!(
            int(r#"months_between(date("2023-01-31"), date("2023-02-28"))"#),
            0
        );
        assert!(eval(r#"age_at((), date("2023-01-01"))"#).unwrap().is_unit());
        assert!(eval(r#"months_between(1, date("2023-01-01"))"#).is_err());
    }

    #[test]
    fn missing_values_propagate_and_compare_false() {
        assert!(eval("() + 1").unwrap().is_unit());
        assert!(!eval("() <= 45").unwrap().as_bool().unwrap());
        assert!(eval("() != 45").unwrap().as_bool().unwrap());
        assert!(eval(r#"days_between((), date("2023-01-01"))"#)
            .unwrap()
            .is_unit());
    }

    #[test]
    fn sandbox_stops_endless_loops_and_refuses_eval() {
        let engine = test_engine();
        let err = engine
            .eval::<Dynamic>("let x = 0; loop { x += 1; }")
            .unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorTooManyOperations(..)),
            "{err}"
        );
        assert!(engine.compile("eval(\"1\")").is_err());
        assert!(engine
            .compile("timestamp()")
            .is_ok_and(|ast| engine.eval_ast::<Dynamic>(&ast).is_err()));
    }
}
