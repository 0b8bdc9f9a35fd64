//! `add_months(d, n)` and `add_years(d, n)`: the date `n` months (years)
//! after `d`, before it when `n` is negative, on the same day of the month
//! or the month's last day where the month is shorter (29 February less one
//! year is 28 February); missing if `d` is missing.

use super::{date_moved, move_dates, Function, SqlContext};
use crate::calendar::elapsed::shift_months;
use crate::calendar::Calendar;
use crate::dialect::DatePart;
use crate::expr::date::{one_date, Date};
use crate::expr::value::{Eval, Ty, Val};
use rhai::{Dynamic, Engine, EvalAltResult, INT};
use std::sync::Arc;

#[derive(Debug)]
pub(super) struct AddMonths {
    name: &'static str,
    usage: &'static str,
    months: i64,
}

pub(super) const ADD_MONTHS: AddMonths = AddMonths {
    name: "add_months",
    usage: "add_months(d, n)",
    months: 1,
};

pub(super) const ADD_YEARS: AddMonths = AddMonths {
    name: "add_years",
    usage: "add_years(d, n)",
    months: 12,
};

/// `day` moved by `n` units of `months` months.
fn shift(day: i32, n: i64, months: i64) -> Option<i32> {
    shift_months(day, n.checked_mul(months)?)
}

impl Function for AddMonths {
    fn name(&self) -> &'static str {
        self.name
    }

    fn usage(&self) -> &'static str {
        self.usage
    }

    fn register(&self, engine: &mut Engine, _calendar: &Arc<Calendar>) {
        let (name, months) = (self.name, self.months);
        engine.register_fn(
            name,
            move |date: Dynamic, n: INT| -> Result<Dynamic, Box<EvalAltResult>> {
                let Some(d) = one_date(&date, name)? else {
                    return Ok(Dynamic::UNIT);
                };
                match shift(d.0, n, months) {
                    Some(day) => Ok(Dynamic::from(Date(day))),
                    None => Err(format!(
                        "{name}({}, {n}) is past the dates Rubric can hold",
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
        move_dates(args, rows, |d, n| shift(d, n, self.months))
    }

    /// Built from the first and last days of the month reached, which every
    /// dialect already writes, rather than each engine's own month
    /// arithmetic, so the month-end rule is the same everywhere.
    fn sql(&self, sql: &SqlContext, args: &[String]) -> Option<String> {
        let [d, n] = args else { return None };
        let dialect = sql.dialect;
        let part = |p: DatePart, date: &str| dialect.date_part(p, date);
        let n = match self.months {
            1 => n.clone(),
            months => format!("({n} * {months})"),
        };
        let month = format!(
            "{} * 12 + {} - 1 + {n}",
            part(DatePart::Year, d),
            part(DatePart::Month, d)
        );
        let day = part(DatePart::Day, d);
        let last = part(DatePart::Day, &dialect.last_day(&month));
        Some(dialect.add_days(
            &dialect.first_day(&month),
            &format!("(CASE WHEN {day} < {last} THEN {day} ELSE {last} END - 1)"),
        ))
    }
}
