//! `working_days_between(start, end)`: working days from `start` to `end`
//! through the project calendar (`calendar::Calendar::working_days_between`);
//! missing if either is missing.

use super::{over_dates, Function, SqlContext};
use crate::calendar::Calendar;
use crate::expr::date::two_dates;
use crate::expr::value::{broadcast, Eval, Fallback, Lit, Ty, Val};
use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::Int64Array;
use rhai::{Dynamic, Engine};
use std::sync::Arc;

/// The first Monday of the calendar every dialect can hold (0001-01-01,
/// days since 1970-01-01): working days are counted from it.
const FIRST_MONDAY: i32 = -719_162;

#[derive(Debug)]
pub(super) struct WorkingDaysBetween;

impl Function for WorkingDaysBetween {
    fn name(&self) -> &'static str {
        "working_days_between"
    }

    fn usage(&self) -> &'static str {
        "working_days_between(start, end)"
    }

    fn register(&self, engine: &mut Engine, calendar: &Arc<Calendar>) {
        let cal = Arc::clone(calendar);
        engine.register_fn(self.name(), move |start: Dynamic, end: Dynamic| {
            two_dates(&start, &end, "working_days_between").map(|d| match d {
                Some((a, b)) => Dynamic::from_int(cal.working_days_between(a.0, b.0)),
                None => Dynamic::UNIT,
            })
        });
    }

    fn typed(&self, args: &[Ty]) -> Option<Ty> {
        over_dates(args, 2, Ty::Int)
    }

    fn eval(&self, args: Vec<Val>, rows: usize, calendar: &Calendar) -> Eval<Val> {
        let [a, b] = <[Val; 2]>::try_from(args).map_err(|_| Fallback)?;
        let (Some(a), Some(b)) = (broadcast(a, rows), broadcast(b, rows)) else {
            return Ok(Val::Scalar(Lit::Unit));
        };
        let a = a.as_primitive_opt::<Date32Type>().ok_or(Fallback)?;
        let b = b.as_primitive_opt::<Date32Type>().ok_or(Fallback)?;
        let out: Int64Array =
            arrow_arith::arity::binary(a, b, |s, e| calendar.working_days_between(s, e))
                .map_err(|_| Fallback)?;
        Ok(Val::Array(Arc::new(out)))
    }

    fn sql(&self, sql: &SqlContext, args: &[String]) -> Option<String> {
        let [a, b] = args else { return None };
        Some(format!(
            "({} - {})",
            working_days_to(sql, b),
            working_days_to(sql, a)
        ))
    }
}

/// Working days up to and including `date`, counted from the first
/// Monday (as `calendar::Calendar::working_upto`): the weekdays before
/// the next day, less the holidays on weekdays up to the date.
fn working_days_to(sql: &SqlContext, date: &str) -> String {
    let d = sql.dialect;
    let k = format!("({} + 1)", d.days_between(&d.date(FIRST_MONDAY), date));
    let weeks = d.int_div(&k, "7");
    let weekdays = format!("(5 * {weeks} + CASE WHEN {k} % 7 > 5 THEN 5 ELSE {k} % 7 END)");
    let mut on_weekdays: Vec<i32> = sql
        .holidays
        .iter()
        .copied()
        .filter(|h| (h + 3).rem_euclid(7) < 5)
        .collect();
    on_weekdays.sort_unstable();
    on_weekdays.dedup();
    if on_weekdays.is_empty() {
        return weekdays;
    }
    let arms: String = on_weekdays
        .iter()
        .enumerate()
        .rev()
        .map(|(i, h)| format!(" WHEN {date} >= {} THEN {}", d.date(*h), i + 1))
        .collect();
    format!("({weekdays} - CASE{arms} ELSE 0 END)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::Dialect;

    #[test]
    fn working_days_count_weekdays_less_weekday_holidays() {
        // 2023-05-08 (a Monday holiday) and 2023-05-06 (a Saturday) given;
        // only the Monday is subtracted.
        let holidays = [19_485, 19_483];
        let sql = working_days_to(
            &SqlContext {
                dialect: Dialect::Duckdb,
                holidays: &holidays,
            },
            "d",
        );
        assert!(
            sql.contains("WHEN d >= DATE '2023-05-08' THEN 1 ELSE 0 END"),
            "{sql}"
        );
        assert!(!sql.contains("2023-05-06"), "{sql}");
        assert!(sql.contains("(d - DATE '0001-01-01')"), "{sql}");
    }
}
