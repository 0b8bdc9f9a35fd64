//! `add_working_days(d, n)`: the date `n` working days after `d` (before
//! it when `n` is negative) through the project calendar; missing if `d`
//! is missing. It has no SQL: a calendar walk has no closed form.

use super::Function;
use crate::calendar::Calendar;
use crate::expr::date::{one_date, Date};
use crate::expr::value::{broadcast, Eval, Fallback, Lit, Ty, Val};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int64Type};
use arrow_array::{Array, Date32Array};
use rhai::{Dynamic, Engine, EvalAltResult, INT};
use std::sync::Arc;

/// The largest move `add_working_days` makes, so a typo cannot hang a run.
pub(crate) const MAX_WORKING_DAYS_STEP: i64 = 100_000;

#[derive(Debug)]
pub(super) struct AddWorkingDays;

impl Function for AddWorkingDays {
    fn name(&self) -> &'static str {
        "add_working_days"
    }

    fn usage(&self) -> &'static str {
        "add_working_days(d, n)"
    }

    fn register(&self, engine: &mut Engine, calendar: &Arc<Calendar>) {
        let calendar = Arc::clone(calendar);
        engine.register_fn(
            self.name(),
            move |date: Dynamic, n: INT| -> Result<Dynamic, Box<EvalAltResult>> {
                let Some(d) = one_date(&date, "add_working_days")? else {
                    return Ok(Dynamic::UNIT);
                };
                if n.abs() > MAX_WORKING_DAYS_STEP {
                    return Err(format!(
                        "add_working_days moves at most {MAX_WORKING_DAYS_STEP} working days"
                    )
                    .into());
                }
                match calendar.add_working_days(d.0, n) {
                    Some(day) => Ok(Dynamic::from(Date(day))),
                    None => Err(format!(
                        "add_working_days({}, {n}) is past the last date Rubric can hold",
                        d.naive()
                    )
                    .into()),
                }
            },
        );
    }

    fn typed(&self, args: &[Ty]) -> Option<Ty> {
        match args {
            [Ty::Unit, Ty::Int] => Some(Ty::Unit),
            [Ty::Date, Ty::Int] => Some(Ty::Date),
            _ => None,
        }
    }

    fn eval(&self, args: Vec<Val>, rows: usize, calendar: &Calendar) -> Eval<Val> {
        let [a, n] = <[Val; 2]>::try_from(args).map_err(|_| Fallback)?;
        let Some(a) = broadcast(a, rows) else {
            return Ok(Val::Scalar(Lit::Unit));
        };
        let n = broadcast(n, rows).ok_or(Fallback)?;
        let a = a.as_primitive_opt::<Date32Type>().ok_or(Fallback)?;
        let n = n.as_primitive_opt::<Int64Type>().ok_or(Fallback)?;
        // Rhai refuses a missing or huge step: let it say so.
        if n.null_count() > 0 || n.values().iter().any(|k| k.abs() > MAX_WORKING_DAYS_STEP) {
            return Err(Fallback);
        }
        let mut out = Vec::with_capacity(rows);
        for (d, k) in a.iter().zip(n.values().iter()) {
            out.push(match d {
                // Past the last date a Date32 holds: Rhai says so, per row.
                Some(d) => Some(calendar.add_working_days(d, *k).ok_or(Fallback)?),
                None => None,
            });
        }
        Ok(Val::Array(Arc::new(Date32Array::from(out))))
    }
}
