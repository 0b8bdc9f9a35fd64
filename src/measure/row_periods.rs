//! Which periods a row counts in, and which rows a measure keeps: one
//! place for the scan and for drilling down to the rows behind a figure.

use super::domain::Domain;
use crate::calendar::period::{Month, MonthTable};
use crate::config::document::WindowKind;
use crate::expr::column_type::str_at;
use crate::model::measure::UNRECORDED_GROUP;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::Array;
use arrow_schema::DataType;

/// The periods (domain indices, inclusive) a kept row counts in: its month
/// for a flow, the months it is open at the end of for a snapshot, widened
/// by any window and clipped to the domain. One place for the scan and for
/// drilling down to the rows behind a figure.
pub(crate) struct RowPeriods<'a> {
    pub starts: &'a arrow_array::Date32Array,
    pub ends: Option<&'a arrow_array::Date32Array>,
    pub window: Option<WindowKind>,
    pub domain: Domain,
    pub months: &'a MonthTable,
}

impl RowPeriods<'_> {
    pub(crate) fn of(&self, row: usize) -> Option<(usize, usize)> {
        let start = self.months.month_clamped(self.starts.value(row));
        let range = match self.ends {
            None => flow_range(start, self.window),
            Some(ends) => {
                let end = (!ends.is_null(row)).then(|| ends.value(row));
                if end.is_some_and(|e| e < self.starts.value(row)) {
                    // Closed before it opened: a data error that counts nowhere.
                    return None;
                }
                snapshot_range(
                    start,
                    end.map(|e| self.months.month_clamped(e)),
                    self.window,
                    self.domain,
                )
            }
        };
        range.and_then(|(a, b)| self.domain.clip(a, b))
    }
}

/// The periods (domain indices) a row dated in `month` counts in, as
/// `RowPeriods::of` gives them for a flow.
pub(crate) fn flow_periods(
    domain: Domain,
    month: Month,
    window: Option<WindowKind>,
) -> Option<(usize, usize)> {
    flow_range(month, window).and_then(|(a, b)| domain.clip(a, b))
}

/// A snapshot's end dates as the period logic reads them: none at all
/// without an `end` column (every row stays open), and with
/// `open_on_end_day` a day later outside a window, so a row ending on a
/// period's last day is open at its end (a window already counts a row
/// open at any time in it, its end day included).
pub(crate) fn snapshot_ends(
    ends: Option<&arrow_array::Date32Array>,
    rows: usize,
    open_on_end_day: bool,
    window: Option<WindowKind>,
) -> arrow_array::Date32Array {
    match ends {
        None => arrow_array::Date32Array::new_null(rows),
        Some(e) if open_on_end_day && window.is_none() => e.unary(|d| d.saturating_add(1)),
        Some(e) => e.clone(),
    }
}

/// The rows a measure keeps before its period logic: those the filter
/// holds for (a filter's empty result keeps nothing) with a start date.
/// Walking the set bits skips the filtered-out rows in whole words.
pub(crate) fn kept_rows(
    mask: Option<&arrow_array::BooleanArray>,
    starts: &arrow_array::Date32Array,
) -> arrow_buffer::BooleanBuffer {
    let len = starts.len();
    let all = arrow_buffer::BooleanBuffer::new_set(len);
    let dated = starts.nulls().map_or(all.clone(), |n| n.inner().clone());
    let kept = match mask {
        Some(m) => {
            let held = m
                .nulls()
                .map_or(m.values().clone(), |n| m.values() & n.inner());
            &held & &dated
        }
        None => dated,
    };
    kept
}

/// The last period whose window holds `month`.
fn window_end(month: Month, window: WindowKind) -> Month {
    match window {
        WindowKind::Rolling12m => month.offset(11),
        WindowKind::FinancialYearToDate => month.financial_year().last_month(),
        WindowKind::QuarterToDate => month.quarter_end(),
    }
}

/// The periods a row dated in `month` counts in.
fn flow_range(month: Month, window: Option<WindowKind>) -> Option<(Month, Month)> {
    Some((month, window.map_or(month, |w| window_end(month, w))))
}

/// The periods a row open from `start` until `end` counts in: without a
/// window, those it is open at the end of (opened on or before the last
/// day, not closed by it); with one, those whose window it is open in.
fn snapshot_range(
    start: Month,
    end: Option<Month>,
    window: Option<WindowKind>,
    domain: Domain,
) -> Option<(Month, Month)> {
    let open_end = domain.last;
    match window {
        None => {
            let last = end.map(|e| e.offset(-1)).unwrap_or(open_end);
            (start <= last).then_some((start, last))
        }
        Some(w) => Some((start, end.map_or(open_end, |e| window_end(e, w)))),
    }
}

pub(crate) fn group_at(array: &dyn Array, row: usize) -> String {
    if array.is_null(row) {
        return UNRECORDED_GROUP.to_string();
    }
    match array.data_type() {
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).to_string(),
        _ => str_at(array, row).map_or(UNRECORDED_GROUP.to_string(), |v| {
            super::breakdown::written_group(v).into_owned()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_rows_are_those_the_filter_holds_for_with_a_date() {
        let starts = arrow_array::Date32Array::from(vec![Some(1), None, Some(3), Some(4)]);
        let mask = arrow_array::BooleanArray::from(vec![true, true, false, true]);
        assert_eq!(
            kept_rows(Some(&mask), &starts)
                .set_indices()
                .collect::<Vec<_>>(),
            vec![0, 3]
        );
        assert_eq!(
            kept_rows(None, &starts).set_indices().collect::<Vec<_>>(),
            vec![0, 2, 3]
        );
    }
}
