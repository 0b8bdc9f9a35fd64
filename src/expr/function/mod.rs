//! The functions analysts call in expressions, one file each: how Rhai
//! runs it per row, its vectorised form over Arrow columns (if any) and its
//! SQL in every dialect (if any). The per-row form is the reference the
//! other two must agree with (`tests/vectorised.rs`, `tests/sql.rs`).
//! Adding a function is its file and one line in `FUNCTIONS`; the engine,
//! the plan, the SQL writer and `check`'s help all read that list.

mod add_days;
mod add_months;
mod add_working_days;
mod date;
mod date_part;
mod days_between;
mod format_number;
mod whole_between;
mod working_days_between;

pub(crate) use whole_between::whole_months;

use super::value::{broadcast, Eval, Fallback, Lit, Ty, Val};
use crate::calendar::Calendar;
use crate::dialect::Dialect;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int64Type};
use arrow_array::{Array, Date32Array};
use rhai::Engine;
use std::sync::Arc;

/// A function analysts may call.
pub(crate) trait Function: Sync + std::fmt::Debug {
    /// The name it is called by.
    fn name(&self) -> &'static str;
    /// How it is called, for `check`'s help: `days_between(start, end)`.
    fn usage(&self) -> &'static str;
    /// Adds its per-row form to the sandboxed engine.
    fn register(&self, engine: &mut Engine, calendar: &Arc<Calendar>);
    /// The type of a call over arguments of these types when the vectorised
    /// plan computes it; `None` leaves the expression to per-row Rhai.
    fn typed(&self, _args: &[Ty]) -> Option<Ty> {
        None
    }
    /// The call over a batch of `rows` rows, giving exactly what per-row
    /// Rhai gives, or `Fallback` where it cannot be sure.
    fn eval(&self, _args: Vec<Val>, _rows: usize, _calendar: &Calendar) -> Eval<Val> {
        Err(Fallback)
    }
    /// The call as SQL over its arguments' SQL, none of them NULL-typed
    /// (`()` is handled before); `None` when it has no faithful SQL.
    fn sql(&self, _sql: &SqlContext, _args: &[String]) -> Option<String> {
        None
    }
}

/// What a function's SQL may depend on besides its arguments.
pub(crate) struct SqlContext<'a> {
    pub(crate) dialect: Dialect,
    /// The project calendar's holidays, as days since 1970-01-01.
    pub(crate) holidays: &'a [i32],
}

/// Every function, one line each.
pub(crate) const FUNCTIONS: &[&dyn Function] = &[
    &date::Date,
    &days_between::DaysBetween,
    &whole_between::MONTHS_BETWEEN,
    &whole_between::YEARS_BETWEEN,
    &whole_between::AGE_AT,
    &date_part::YEAR,
    &date_part::MONTH,
    &date_part::DAY,
    &add_days::AddDays,
    &add_months::ADD_MONTHS,
    &add_months::ADD_YEARS,
    &working_days_between::WorkingDaysBetween,
    &add_working_days::AddWorkingDays,
    &format_number::FormatNumber,
];

/// The function called `name`.
pub(crate) fn find(name: &str) -> Option<&'static dyn Function> {
    FUNCTIONS.iter().copied().find(|f| f.name() == name)
}

/// Every function's usage, in the registry's order, for help texts.
pub(crate) fn usages() -> Vec<&'static str> {
    FUNCTIONS.iter().map(|f| f.usage()).collect()
}

/// The type of a call whose `n` arguments must all be dates: `gives`, or
/// `()` when one of them is `()` (which every date function passes on).
fn over_dates(args: &[Ty], n: usize, gives: Ty) -> Option<Ty> {
    if args.len() != n || !args.iter().all(|t| t.date_like()) {
        return None;
    }
    Some(if args.contains(&Ty::Unit) {
        Ty::Unit
    } else {
        gives
    })
}

/// The type of a call moving a date by a whole number: a date, or `()`
/// when the date is `()`.
fn date_moved(args: &[Ty]) -> Option<Ty> {
    match args {
        [Ty::Unit, Ty::Int] => Some(Ty::Unit),
        [Ty::Date, Ty::Int] => Some(Ty::Date),
        _ => None,
    }
}

/// Each date of `args[0]` moved by the number beside it in `args[1]`
/// (`step(day, n)`, `None` where per-row Rhai raises an error, which then
/// says so); a missing date stays missing.
fn move_dates(args: Vec<Val>, rows: usize, step: impl Fn(i32, i64) -> Option<i32>) -> Eval<Val> {
    let [a, n] = <[Val; 2]>::try_from(args).map_err(|_| Fallback)?;
    let Some(a) = broadcast(a, rows) else {
        return Ok(Val::Scalar(Lit::Unit));
    };
    let n = broadcast(n, rows).ok_or(Fallback)?;
    let a = a.as_primitive_opt::<Date32Type>().ok_or(Fallback)?;
    let n = n.as_primitive_opt::<Int64Type>().ok_or(Fallback)?;
    // Rhai has no function for a missing number of days: let it say so.
    if n.null_count() > 0 {
        return Err(Fallback);
    }
    let moved = a
        .iter()
        .zip(n.values().iter())
        .map(|(d, k)| d.map(|d| step(d, *k).ok_or(Fallback)).transpose())
        .collect::<Eval<Date32Array>>()?;
    Ok(Val::Array(std::sync::Arc::new(moved)))
}
