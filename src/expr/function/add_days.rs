//! `add_days(d, n)`: the date `n` days after `d` (before it when `n` is
//! negative); missing if `d` is missing.

use super::{date_moved, move_dates, Function, SqlContext};
use crate::calendar::elapsed::shift_days;
use crate::calendar::Calendar;
use crate::expr::date::{one_date, Date};
use crate::expr::value::{Eval, Ty, Val};
use rhai::{Dynamic, Engine, EvalAltResult, INT};
use std::sync::Arc;

#[derive(Debug)]
pub(super) struct AddDays;

impl Function for AddDays {
    fn name(&self) -> &'static str {
        "add_days"
    }

    fn usage(&self) -> &'static str {
        "add_days(d, n)"
    }

    fn register(&self, engine: &mut Engine, _calendar: &Arc<Calendar>) {
        engine.register_fn(
            self.name(),
            |date: Dynamic, n: INT| -> Result<Dynamic, Box<EvalAltResult>> {
                let Some(d) = one_date(&date, "add_days")? else {
                    return Ok(Dynamic::UNIT);
                };
                match shift_days(d.0, n) {
                    Some(day) => Ok(Dynamic::from(Date(day))),
                    None => Err(format!(
                        "add_days({}, {n}) is past the dates Rubric can hold",
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

    fn eval(&self, args: Vec<Val>, rows: usize, _calendar: &Calendar) -> Eval<Val> {
        move_dates(args, rows, shift_days)
    }

    fn sql(&self, sql: &SqlContext, args: &[String]) -> Option<String> {
        let [d, n] = args else { return None };
        Some(sql.dialect.add_days(d, n))
    }
}
