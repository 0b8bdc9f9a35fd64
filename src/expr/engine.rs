//! The one sandboxed Rhai engine every expression runs in: no I/O, no
//! clock, no `eval`, explicit limits (the same in debug and release builds),
//! plus the functions analysts may call (`expr::function`, one file each).

use super::date::Date;
use super::function::FUNCTIONS;
use crate::calendar::Calendar;
use rhai::packages::{
    BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{Engine, FLOAT, INT};
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
    for function in FUNCTIONS {
        function.register(&mut engine, &calendar);
    }
    engine
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
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

#[cfg(test)]
mod tests {
    use super::*;
    use rhai::{Dynamic, EvalAltResult};

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
    fn dates_move_by_days_months_and_years() {
        let text = |src: &str| eval(src).unwrap().cast::<Date>().naive().to_string();
        assert_eq!(text(r#"add_days(date("2024-02-28"), 1)"#), "2024-02-29");
        assert_eq!(text(r#"add_days(date("2024-03-01"), -1)"#), "2024-02-29");
        assert_eq!(text(r#"add_months(date("2023-01-31"), 1)"#), "2023-02-28");
        assert_eq!(text(r#"add_years(date("2024-02-29"), -1)"#), "2023-02-28");
        assert_eq!(text(r#"add_years(date("2024-02-29"), 4)"#), "2028-02-29");
        assert_eq!(eval(r#"day(date("2023-07-31"))"#).unwrap().as_int(), Ok(31));
        assert!(eval("add_months((), 3)").unwrap().is_unit());
        assert!(eval("day(())").unwrap().is_unit());
        let err = eval(r#"add_days(date("2023-01-01"), 9223372036854775807)"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("add_days(2023-01-01, 9223372036854775807) is past the dates"),
            "{err}"
        );
        let err = eval(r#"add_years(date("2023-01-01"), 9223372036854775807)"#).unwrap_err();
        assert!(err.to_string().contains("is past the dates"), "{err}");
        assert!(eval("add_months(3, 1)").is_err());
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
