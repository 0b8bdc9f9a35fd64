//! `months_between(start, end)`, `years_between(start, end)` and
//! `age_at(birth, date)`: whole months or years from one date to another,
//! as `calendar::elapsed` counts them; missing if either is missing.

use super::{over_dates, Function, SqlContext};
use crate::calendar::elapsed::{whole_months as months, whole_years as years};
use crate::calendar::Calendar;
use crate::dialect::{DatePart, Dialect};
use crate::expr::date::two_dates;
use crate::expr::value::{broadcast, Eval, Fallback, Lit, Ty, Val};
use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, Int64Array};
use arrow_schema::DataType;
use rhai::{Dynamic, Engine};
use std::sync::Arc;

#[derive(Debug)]
pub(super) struct WholeBetween {
    name: &'static str,
    usage: &'static str,
    count: fn(i32, i32) -> i64,
    in_months: i64,
}

pub(super) const MONTHS_BETWEEN: WholeBetween = WholeBetween {
    name: "months_between",
    usage: "months_between(start, end)",
    count: months,
    in_months: 1,
};

pub(super) const YEARS_BETWEEN: WholeBetween = WholeBetween {
    name: "years_between",
    usage: "years_between(start, end)",
    count: years,
    in_months: 12,
};

pub(super) const AGE_AT: WholeBetween = WholeBetween {
    name: "age_at",
    usage: "age_at(birth, date)",
    count: years,
    in_months: 12,
};

impl Function for WholeBetween {
    fn name(&self) -> &'static str {
        self.name
    }

    fn usage(&self) -> &'static str {
        self.usage
    }

    fn register(&self, engine: &mut Engine, _calendar: &Arc<Calendar>) {
        let (name, count) = (self.name, self.count);
        engine.register_fn(name, move |start: Dynamic, end: Dynamic| {
            two_dates(&start, &end, name).map(|d| match d {
                Some((a, b)) => Dynamic::from_int(count(a.0, b.0)),
                None => Dynamic::UNIT,
            })
        });
    }

    fn typed(&self, args: &[Ty]) -> Option<Ty> {
        over_dates(args, 2, Ty::Int)
    }

    fn eval(&self, args: Vec<Val>, rows: usize, _calendar: &Calendar) -> Eval<Val> {
        let [a, b] = <[Val; 2]>::try_from(args).map_err(|_| Fallback)?;
        let (Some(a), Some(b)) = (days_as_i32(a, rows), days_as_i32(b, rows)) else {
            return Ok(Val::Scalar(Lit::Unit));
        };
        let (a, b) = (a.as_primitive::<Int32Type>(), b.as_primitive::<Int32Type>());
        let out: Int64Array = arrow_arith::arity::binary(a, b, self.count).map_err(|_| Fallback)?;
        Ok(Val::Array(Arc::new(out)))
    }

    fn sql(&self, sql: &SqlContext, args: &[String]) -> Option<String> {
        let [a, b] = args else { return None };
        let d = sql.dialect;
        let months = whole_months(d, a, b);
        Some(match self.in_months {
            1 => months,
            // Towards zero, as `whole_years` divides.
            n => d.int_div(&months, &n.to_string()),
        })
    }
}

/// Dates as Int32 day numbers, or `None` when the value is `()`.
fn days_as_i32(v: Val, rows: usize) -> Option<ArrayRef> {
    arrow_cast::cast(&broadcast(v, rows)?, &DataType::Int32).ok()
}

/// Whole months from `a` to `b` as `calendar::elapsed` counts them:
/// forward, a month is whole once the day of the month is reached.
pub(crate) fn whole_months(d: Dialect, a: &str, b: &str) -> String {
    let forward = |a: &str, b: &str| {
        let (ya, yb) = (
            d.date_part(DatePart::Year, a),
            d.date_part(DatePart::Year, b),
        );
        let (ma, mb) = (
            d.date_part(DatePart::Month, a),
            d.date_part(DatePart::Month, b),
        );
        let (da, db) = (d.date_part(DatePart::Day, a), d.date_part(DatePart::Day, b));
        format!("(({yb} - {ya}) * 12 + {mb} - {ma} - CASE WHEN {db} < {da} THEN 1 ELSE 0 END)")
    };
    format!(
        "(CASE WHEN {b} >= {a} THEN {} ELSE -{} END)",
        forward(a, b),
        forward(b, a)
    )
}
