//! `add_working_days(d, n)`: the date `n` working days after `d` (before
//! it when `n` is negative) through the project calendar; missing if `d`
//! is missing. It has no SQL: a calendar walk has no closed form.

use super::{date_moved, move_dates, Function};
use crate::calendar::Calendar;
use crate::expr::date::{one_date, Date};
use crate::expr::value::{Eval, Ty, Val};
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
        date_moved(args)
    }

    fn eval(&self, args: Vec<Val>, rows: usize, calendar: &Calendar) -> Eval<Val> {
        move_dates(args, rows, |d, k| {
            // Rhai refuses a huge step, or one past the last date a
            // Date32 holds: let it say so.
            (k.abs() <= MAX_WORKING_DAYS_STEP)
                .then(|| calendar.add_working_days(d, k))
                .flatten()
        })
    }
}
