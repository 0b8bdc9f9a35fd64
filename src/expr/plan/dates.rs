//! The date functions as kernels over date columns: days, whole months
//! and years between two dates (`calendar::elapsed`), a date's year or month.

use super::{broadcast, Eval, Fallback, Lit, Part, Val, Whole};
use crate::calendar::elapsed::{whole_months, whole_years};
use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, Int64Array};
use arrow_schema::DataType;
use std::sync::Arc;

/// Days from `a` to `b`, element by element.
pub(super) fn days_between(a: Val, b: Val, rows: usize) -> Eval<Val> {
    let (Some(a), Some(b)) = (days_as_int(a, rows), days_as_int(b, rows)) else {
        return Ok(Val::Scalar(Lit::Unit));
    };
    Ok(Val::Array(
        arrow_arith::numeric::sub(&b, &a).map_err(|_| Fallback)?,
    ))
}

/// Whole months or years from `a` to `b`, element by element.
pub(super) fn whole_between(unit: Whole, a: Val, b: Val, rows: usize) -> Eval<Val> {
    let (Some(a), Some(b)) = (days_as_i32(a, rows), days_as_i32(b, rows)) else {
        return Ok(Val::Scalar(Lit::Unit));
    };
    let (a, b) = (a.as_primitive::<Int32Type>(), b.as_primitive::<Int32Type>());
    let out: Int64Array = match unit {
        Whole::Months => arrow_arith::arity::binary(a, b, whole_months),
        Whole::Years => arrow_arith::arity::binary(a, b, whole_years),
    }
    .map_err(|_| Fallback)?;
    Ok(Val::Array(Arc::new(out)))
}

/// A date's year or month.
pub(super) fn date_part(part: Part, v: Val, rows: usize) -> Eval<Val> {
    if matches!(v, Val::Scalar(Lit::Unit)) {
        return Ok(Val::Scalar(Lit::Unit));
    }
    let arr = broadcast(v, rows).ok_or(Fallback)?;
    let p = match part {
        Part::Year => arrow_arith::temporal::DatePart::Year,
        Part::Month => arrow_arith::temporal::DatePart::Month,
    };
    let out = arrow_arith::temporal::date_part(&arr, p).map_err(|_| Fallback)?;
    Ok(Val::Array(
        arrow_cast::cast(&out, &DataType::Int64).map_err(|_| Fallback)?,
    ))
}

/// Dates as Int32 day numbers (a value out of that range missing), or
/// `None` when the value is `()`.
fn days_as_i32(v: Val, rows: usize) -> Option<ArrayRef> {
    let arr = broadcast(v, rows)?;
    arrow_cast::cast(&arr, &DataType::Int32).ok()
}

/// Dates as Int64 day numbers, or `None` when the value is `()`.
fn days_as_int(v: Val, rows: usize) -> Option<ArrayRef> {
    arrow_cast::cast(&days_as_i32(v, rows)?, &DataType::Int64).ok()
}
