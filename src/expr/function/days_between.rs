//! `days_between(start, end)`: days from `start` to `end` (end minus
//! start); missing if either is missing.

use super::{over_dates, Function, SqlContext};
use crate::calendar::Calendar;
use crate::expr::date::two_dates;
use crate::expr::value::{broadcast, Eval, Fallback, Lit, Ty, Val};
use arrow_array::ArrayRef;
use arrow_schema::DataType;
use rhai::{Dynamic, Engine, INT};
use std::sync::Arc;

#[derive(Debug)]
pub(super) struct DaysBetween;

impl Function for DaysBetween {
    fn name(&self) -> &'static str {
        "days_between"
    }

    fn usage(&self) -> &'static str {
        "days_between(start, end)"
    }

    fn register(&self, engine: &mut Engine, _calendar: &Arc<Calendar>) {
        engine.register_fn(self.name(), |start: Dynamic, end: Dynamic| {
            two_dates(&start, &end, "days_between").map(|d| match d {
                Some((a, b)) => Dynamic::from_int(INT::from(b.0) - INT::from(a.0)),
                None => Dynamic::UNIT,
            })
        });
    }

    fn typed(&self, args: &[Ty]) -> Option<Ty> {
        over_dates(args, 2, Ty::Int)
    }

    fn eval(&self, args: Vec<Val>, rows: usize, _calendar: &Calendar) -> Eval<Val> {
        let [a, b] = <[Val; 2]>::try_from(args).map_err(|_| Fallback)?;
        let (Some(a), Some(b)) = (days_as_int(a, rows), days_as_int(b, rows)) else {
            return Ok(Val::Scalar(Lit::Unit));
        };
        Ok(Val::Array(
            arrow_arith::numeric::sub(&b, &a).map_err(|_| Fallback)?,
        ))
    }

    fn sql(&self, sql: &SqlContext, args: &[String]) -> Option<String> {
        let [a, b] = args else { return None };
        Some(sql.dialect.days_between(a, b))
    }
}

/// Dates as Int64 day numbers, or `None` when the value is `()`.
fn days_as_int(v: Val, rows: usize) -> Option<ArrayRef> {
    let days = arrow_cast::cast(&broadcast(v, rows)?, &DataType::Int32).ok()?;
    arrow_cast::cast(&days, &DataType::Int64).ok()
}
