//! A calendar date inside Rhai, stored as days since 1970-01-01 like
//! Arrow's Date32, and how Rhai-side functions take dates as arguments.

use crate::calendar::period::date_from_days;
use chrono::NaiveDate;
use rhai::{Dynamic, EvalAltResult};

/// A calendar date inside Rhai, stored as days since 1970-01-01 like Arrow's Date32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Date(pub(crate) i32);

impl Date {
    pub(crate) fn naive(self) -> NaiveDate {
        date_from_days(self.0)
    }
}

/// A value as a date, `None` when it is missing (`()`); anything else is
/// an error naming the function.
pub(crate) fn one_date(d: &Dynamic, function: &str) -> Result<Option<Date>, Box<EvalAltResult>> {
    if d.is_unit() {
        return Ok(None);
    }
    match d.clone().try_cast::<Date>() {
        Some(date) => Ok(Some(date)),
        None => Err(format!("{function} expects a date, got {}", d.type_name()).into()),
    }
}

/// Both values as dates, `None` when either is missing.
pub(crate) fn two_dates(
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
