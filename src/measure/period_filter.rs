//! Filters that read the measured period (`period_start`, `period_end`):
//! evaluated once per row and period the row could count in, over a batch
//! of the filter's columns taken at those rows plus the period's first and
//! last day as two date columns. The filter itself is unchanged, so its
//! vectorised plan and its per-row Rhai fallback both apply.

use super::domain::Domain;
use crate::calendar::period::{days_from_date, Month};
use crate::config::document::WindowKind;
use crate::expr::row_expr::{RowError, RowExpr, PERIOD_END, PERIOD_START};
use arrow_array::{ArrayRef, Date32Array, RecordBatch, RecordBatchOptions, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use rhai::Engine;
use std::sync::Arc;

/// How many (row, period) pairs are evaluated at once: enough to keep the
/// kernels busy, few enough that the taken columns stay small.
pub(crate) const CHUNK_PAIRS: usize = 1 << 16;

/// The first and last day (days since 1970-01-01) of the span a figure
/// for domain period `t` covers: its month, or its whole window.
pub(crate) fn period_span(domain: Domain, window: Option<WindowKind>, t: usize) -> (i32, i32) {
    let month = domain.month(t);
    let first: Month = match window {
        None => month,
        Some(WindowKind::Rolling12m) => month.offset(-11),
        Some(WindowKind::FinancialYearToDate) => month.financial_year().first_month(),
        Some(WindowKind::QuarterToDate) => month.quarter_end().offset(-2),
    };
    (
        days_from_date(first.first_day()),
        days_from_date(month.last_day()),
    )
}

/// Whether `filter` holds for each (row of `batch`, domain period) pair.
/// An error names the row of `batch` it failed on.
pub(crate) fn held_pairs(
    engine: &Engine,
    filter: &RowExpr,
    batch: &RecordBatch,
    window: Option<WindowKind>,
    domain: Domain,
    pairs: &[(u32, u32)],
) -> Result<Vec<bool>, RowError> {
    let mut held = Vec::with_capacity(pairs.len());
    // Each period's days once, not once per pair.
    let by_period: Vec<(i32, i32)> = (0..domain.len())
        .map(|t| period_span(domain, window, t))
        .collect();
    for chunk in pairs.chunks(CHUNK_PAIRS) {
        let rows = UInt32Array::from_iter_values(chunk.iter().map(|p| p.0));
        let mut fields = Vec::with_capacity(filter.columns.len() + 2);
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(filter.columns.len() + 2);
        for name in &filter.columns {
            let column = batch.column_by_name(name).ok_or_else(|| RowError {
                row: 0,
                message: format!("column `{name}` was not read"),
            })?;
            let taken = arrow_select::take::take(column, &rows, None).map_err(|e| RowError {
                row: 0,
                message: e.to_string(),
            })?;
            fields.push(Field::new(name, taken.data_type().clone(), true));
            arrays.push(taken);
        }
        let spans: Vec<(i32, i32)> = chunk.iter().map(|p| by_period[p.1 as usize]).collect();
        for (name, day) in [
            (
                PERIOD_START,
                (|s: &(i32, i32)| s.0) as fn(&(i32, i32)) -> i32,
            ),
            (PERIOD_END, |s| s.1),
        ] {
            fields.push(Field::new(name, DataType::Date32, false));
            arrays.push(Arc::new(Date32Array::from_iter_values(
                spans.iter().map(day),
            )));
        }
        let taken = RecordBatch::try_new_with_options(
            Arc::new(Schema::new(fields)),
            arrays,
            &RecordBatchOptions::new().with_row_count(Some(chunk.len())),
        )
        .map_err(|e| RowError {
            row: 0,
            message: e.to_string(),
        })?;
        let mask = filter.evaluate(engine, &taken).map_err(|e| RowError {
            row: chunk.get(e.row).map_or(0, |p| p.0 as usize),
            message: e.message,
        })?;
        held.extend(mask.iter().map(|b| b == Some(true)));
    }
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::period::date_from_days;

    fn span(window: Option<WindowKind>) -> (String, String) {
        let domain = Domain::ending(Month::new(2023, 7));
        let t = domain.index(Month::new(2023, 5)).unwrap();
        let (a, b) = period_span(domain, window, t);
        (date_from_days(a).to_string(), date_from_days(b).to_string())
    }

    #[test]
    fn a_period_spans_its_month_or_its_window() {
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(span(None), pair("2023-05-01", "2023-05-31"));
        assert_eq!(
            span(Some(WindowKind::Rolling12m)),
            pair("2022-06-01", "2023-05-31")
        );
        assert_eq!(
            span(Some(WindowKind::FinancialYearToDate)),
            pair("2023-04-01", "2023-05-31")
        );
        assert_eq!(
            span(Some(WindowKind::QuarterToDate)),
            pair("2023-04-01", "2023-05-31")
        );
    }
}
