//! Counting entities that meet a condition over their rows ("per child,
//! having"): from each kept row's (entity id, first period, last period),
//! the rows each entity has in each period, judged by the measure's
//! `having` expression (over `rows`) a batch of (entity, period) pairs at a
//! time, through the same plan and Rhai fallback as any filter.

use crate::expr::row_expr::{RowError, RowExpr};
use arrow_array::{ArrayRef, Int64Array, RecordBatch};
use rhai::Engine;
use std::sync::Arc;

use crate::model::measure::HAVING_ROWS as ROWS;

/// How many (entity, period) pairs are judged at once.
const CHUNK: usize = 1 << 16;

/// Per period, how many entities' rows meet `having`. With `kept`, each
/// (entity, period) that meets it is added there as a one-period span: a
/// cohort counts only those ids, not every id the member's rows name.
pub(super) fn entities_having(
    mut spans: Vec<(i64, u32, u32)>,
    periods: usize,
    engine: &Engine,
    having: &RowExpr,
    mut kept: Option<&mut Vec<(i64, u32, u32)>>,
) -> Result<Vec<i64>, RowError> {
    spans.sort_unstable();
    let mut out = vec![0i64; periods];
    let mut diff = vec![0i64; periods + 1];
    let mut pairs: Vec<(u32, i64, i64)> = Vec::new();
    let mut i = 0;
    while i < spans.len() {
        let id = spans[i].0;
        let (mut lo, mut hi) = (u32::MAX, 0);
        while i < spans.len() && spans[i].0 == id {
            let (_, from, to) = spans[i];
            diff[from as usize] += 1;
            diff[to as usize + 1] -= 1;
            lo = lo.min(from);
            hi = hi.max(to);
            i += 1;
        }
        let mut running = 0;
        for p in lo..=hi {
            running += diff[p as usize];
            if running > 0 {
                pairs.push((p, running, id));
            }
        }
        diff[lo as usize..=hi as usize + 1].fill(0);
        if pairs.len() >= CHUNK {
            judge(&mut pairs, engine, having, &mut out, kept.as_deref_mut())?;
        }
    }
    judge(&mut pairs, engine, having, &mut out, kept)?;
    Ok(out)
}

fn judge(
    pairs: &mut Vec<(u32, i64, i64)>,
    engine: &Engine,
    having: &RowExpr,
    out: &mut [i64],
    mut kept: Option<&mut Vec<(i64, u32, u32)>>,
) -> Result<(), RowError> {
    if pairs.is_empty() {
        return Ok(());
    }
    let held = holds(engine, having, pairs.iter().map(|p| p.1))?;
    for (&(p, _, id), held) in pairs.iter().zip(held) {
        if held {
            out[p as usize] += 1;
            if let Some(kept) = kept.as_deref_mut() {
                kept.push((id, p, p));
            }
        }
    }
    pairs.clear();
    Ok(())
}

/// Whether `having` holds for each id's count of rows.
pub(super) fn holds(
    engine: &Engine,
    having: &RowExpr,
    rows: impl Iterator<Item = i64>,
) -> Result<Vec<bool>, RowError> {
    let rows: ArrayRef = Arc::new(Int64Array::from_iter_values(rows));
    let batch = RecordBatch::try_from_iter([(ROWS, rows)]).map_err(|e| RowError {
        row: 0,
        message: e.to_string(),
    })?;
    let held = having.evaluate(engine, &batch)?;
    Ok(held.iter().map(|h| h == Some(true)).collect())
}
