//! The working-day functions as kernels over date columns, element by
//! element through the project calendar (a lookup or a search per row).

use super::{broadcast, Eval, Fallback, Lit, Val};
use crate::calendar::Calendar;
use crate::expr::engine::MAX_WORKING_DAYS_STEP;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int64Type};
use arrow_array::{Array, Date32Array, Int64Array};
use std::sync::Arc;

/// Working days between two date columns, element by element.
pub(super) fn working_days(a: Val, b: Val, cal: &Calendar, rows: usize) -> Eval<Val> {
    let (Some(a), Some(b)) = (broadcast(a, rows), broadcast(b, rows)) else {
        return Ok(Val::Scalar(Lit::Unit));
    };
    let a = a.as_primitive_opt::<Date32Type>().ok_or(Fallback)?;
    let b = b.as_primitive_opt::<Date32Type>().ok_or(Fallback)?;
    let out: Int64Array = arrow_arith::arity::binary(a, b, |s, e| cal.working_days_between(s, e))
        .map_err(|_| Fallback)?;
    Ok(Val::Array(Arc::new(out)))
}

/// A date column moved by a number of working days, element by element.
pub(super) fn add_working_days(a: Val, n: Val, cal: &Calendar, rows: usize) -> Eval<Val> {
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
            Some(d) => Some(cal.add_working_days(d, *k).ok_or(Fallback)?),
            None => None,
        });
    }
    let out = Date32Array::from(out);
    Ok(Val::Array(Arc::new(out)))
}
