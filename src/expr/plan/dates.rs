//! The date functions as kernels over date columns: days, whole months
//! and years between two dates (`calendar::elapsed`), a date's year or month.

use super::{broadcast, Eval, Fallback, Lit, Part, Val, Whole};
use crate::calendar::elapsed::Elapsed;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
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
    let (Some(a), Some(b)) = (days_as_int(a, rows), days_as_int(b, rows)) else {
        return Ok(Val::Scalar(Lit::Unit));
    };
    let mut elapsed = Elapsed::default();
    let mut count = |x: i32, y: i32| match unit {
        Whole::Months => elapsed.months(x, y),
        Whole::Years => elapsed.years(x, y),
    };
    let (a, b) = (a.as_primitive::<Int64Type>(), b.as_primitive::<Int64Type>());
    let out: Int64Array = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| Some(count(i32::try_from(x?).ok()?, i32::try_from(y?).ok()?)))
        .collect();
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

/// Dates as Int64 day numbers, or `None` when the value is `()`.
fn days_as_int(v: Val, rows: usize) -> Option<ArrayRef> {
    let arr = broadcast(v, rows)?;
    let ints = arrow_cast::cast(&arr, &DataType::Int32).ok()?;
    arrow_cast::cast(&ints, &DataType::Int64).ok()
}
