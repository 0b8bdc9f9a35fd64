//! The series as a contract between the two stages: a Parquet table of
//! every indicator's figures by breakdown value and month, as measured
//! (before any publication policy). `rubric run --write-series` writes it
//! from a native run; `rubric run --series` reads one computed elsewhere
//! (by SQL in a database or Spark) and rates it exactly as a native run.
//!
//! | column | type | meaning |
//! | --- | --- | --- |
//! | `indicator` | utf8, not null | the indicator's id |
//! | `breakdown` | utf8, not null | `all` for the whole, else the breakdown's name |
//! | `breakdown_value` | utf8, not null | `all` for the whole, else the value |
//! | `period` | utf8, not null | the month, `YYYY-MM` (a quarter or year by its last month) |
//! | `numerator`, `denominator` | float64 | the parts of a ratio or rate |
//! | `value` | float64 | the figure; null when it is missing |
//! | `missing_reason` | utf8 | why the value is missing; null when there is one |

use crate::calendar::period::Month;
use crate::diagnostic::{Diagnostic, Place};
use crate::measure::domain::Domain;
use crate::measure::result::{BreakdownValue, Group};
use crate::measure::series::{IndicatorSeries, Point, WHOLE};
use crate::model::measure::{band_values, By};
use crate::model::Project;
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use std::path::Path;
use std::sync::Arc;

/// The columns of the series table, in order.
pub(crate) const COLUMNS: [&str; 8] = [
    "indicator",
    "breakdown",
    "breakdown_value",
    "period",
    "numerator",
    "denominator",
    "value",
    "missing_reason",
];

/// Why a month the series table has no row for is missing.
const NOT_IN_SERIES: &str = "not in the series";

/// The schema every series table has.
pub(crate) fn schema() -> Schema {
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    let number = |name: &str| Field::new(name, DataType::Float64, true);
    Schema::new(vec![
        text(COLUMNS[0], false),
        text(COLUMNS[1], false),
        text(COLUMNS[2], false),
        text(COLUMNS[3], false),
        number(COLUMNS[4]),
        number(COLUMNS[5]),
        number(COLUMNS[6]),
        text(COLUMNS[7], true),
    ])
}

/// The series of a run as a Parquet file's bytes: every indicator, group
/// and month of the domain ending at `reporting`, in that order.
pub(crate) fn render(
    project: &Project,
    series: &[IndicatorSeries],
    reporting: Month,
) -> Result<Vec<u8>, crate::output::RenderError> {
    let domain = Domain::ending(reporting);
    let mut cols: [Vec<Option<String>>; 5] = Default::default();
    let mut nums: [Vec<Option<f64>>; 3] = Default::default();
    for (ind, s) in project.indicators.iter().zip(series) {
        for (group, points) in &s.groups {
            let (by, value) = match group {
                None => (WHOLE, WHOLE),
                Some(b) => (b.by.as_str(), b.value.as_str()),
            };
            for (t, p) in points.iter().enumerate() {
                cols[0].push(Some(ind.id.clone()));
                cols[1].push(Some(by.to_string()));
                cols[2].push(Some(value.to_string()));
                cols[3].push(Some(domain.month(t).to_string()));
                cols[4].push(p.missing.clone());
                nums[0].push(p.numerator);
                nums[1].push(p.denominator);
                nums[2].push(p.value);
            }
        }
    }
    let text = |v: &Vec<Option<String>>| -> ArrayRef { Arc::new(StringArray::from(v.clone())) };
    let number = |v: &Vec<Option<f64>>| -> ArrayRef { Arc::new(Float64Array::from(v.clone())) };
    let arrays = vec![
        text(&cols[0]),
        text(&cols[1]),
        text(&cols[2]),
        text(&cols[3]),
        number(&nums[0]),
        number(&nums[1]),
        number(&nums[2]),
        text(&cols[4]),
    ];
    let batch = RecordBatch::try_new(Arc::new(schema()), arrays)?;
    Ok(crate::output::parquet::write_batch(&batch)?)
}

/// Reads a series table for `project`: the reporting month (`--period`, or
/// the table's latest) and every indicator's series over its domain. A
/// month with no row is missing, "not in the series"; a row that cannot
/// be right (an unknown indicator or breakdown, a month that is not one,
/// a row twice, a value that is not finite) is refused with its number.
/// A formula indicator with no rows is computed from its inputs' series.
pub(crate) fn read(
    project: &Project,
    path: &Path,
    period: Option<Month>,
) -> Result<(Month, Vec<IndicatorSeries>), Diagnostic> {
    let fail =
        |message: String, help: &str| Diagnostic::new(path, Place::WHOLE_FILE, message).help(help);
    let columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let batches = crate::source::parquet::read(path, &columns).map_err(|e| {
        fail(
            format!("cannot read the series table: {e}"),
            "write it with `rubric run --write-series`, or with the columns the README's series contract lists",
        )
    })?;
    let (reporting, mut series, absent) = from_batches(project, &batches, period, &fail)?;
    let domain = Domain::ending(reporting);
    crate::measure::series::formulas_over(project, &mut series, &absent, domain)
        .map_err(|e| e.0)?;
    Ok((reporting, series))
}

/// The series a table's batches hold (see `read`), formulas not worked
/// out, and which indicators the table has no row for; `fail` places a
/// message on where the table came from.
pub(crate) fn from_batches(
    project: &Project,
    batches: &[RecordBatch],
    period: Option<Month>,
    fail: &dyn Fn(String, &str) -> Diagnostic,
) -> Result<(Month, Vec<IndicatorSeries>, Vec<bool>), Diagnostic> {
    let index = crate::model::indicator::positions(&project.indicators);
    let mut rows: Vec<(usize, Group, Month, Point)> = Vec::new();
    let mut number = 0usize;
    for batch in batches {
        let text = |name: &str| -> Result<ArrayRef, Diagnostic> {
            let column = batch.column_by_name(name).ok_or_else(|| {
                fail(
                    format!("the series table has no column `{name}`"),
                    "see the series contract in the README",
                )
            })?;
            arrow_cast::cast(column, &DataType::Utf8).map_err(|e| {
                fail(
                    format!("the column `{name}` is not text: {e}"),
                    "write it as text",
                )
            })
        };
        let float = |name: &str| -> Result<ArrayRef, Diagnostic> {
            let column = batch.column_by_name(name).ok_or_else(|| {
                fail(
                    format!("the series table has no column `{name}`"),
                    "see the series contract in the README",
                )
            })?;
            arrow_cast::cast(column, &DataType::Float64).map_err(|e| {
                fail(
                    format!("the column `{name}` is not a number: {e}"),
                    "write it as a float64",
                )
            })
        };
        let (ind, by, value, month, why) = (
            text(COLUMNS[0])?,
            text(COLUMNS[1])?,
            text(COLUMNS[2])?,
            text(COLUMNS[3])?,
            text(COLUMNS[7])?,
        );
        let (num, den, val) = (float(COLUMNS[4])?, float(COLUMNS[5])?, float(COLUMNS[6])?);
        for r in 0..batch.num_rows() {
            number += 1;
            let refuse = |what: String| {
                fail(
                    format!("row {number} of the series table {what}"),
                    "the series table holds each indicator, breakdown value and month once, as `rubric run --write-series` writes it",
                )
            };
            let get = |a: &ArrayRef| -> Option<String> {
                (!a.is_null(r)).then(|| a.as_string::<i32>().value(r).to_string())
            };
            let f = |a: &ArrayRef| -> Option<f64> {
                (!a.is_null(r)).then(|| a.as_primitive::<Float64Type>().value(r))
            };
            let id = get(&ind).unwrap_or_default();
            let Some(&i) = index.get(id.as_str()) else {
                return Err(refuse(format!(
                    "names the indicator `{id}`, which is not declared"
                )));
            };
            let (by, value) = (
                get(&by).unwrap_or_default(),
                get(&value).unwrap_or_default(),
            );
            let group = group_of(project, i, &by, &value).ok_or_else(|| {
                refuse(format!(
                    "has the breakdown `{by}` = `{value}`, which {id} does not have"
                ))
            })?;
            let written = get(&month).unwrap_or_default();
            let Some(m) = Month::parse(&written) else {
                return Err(refuse(format!(
                    "has the period `{written}`, which is not a month (YYYY-MM)"
                )));
            };
            let (n, d, v) = (f(&num), f(&den), f(&val));
            if [n, d, v].iter().flatten().any(|x| !x.is_finite()) {
                return Err(refuse("has a number that is not finite".to_string()));
            }
            let missing = match (v, get(&why)) {
                (Some(_), _) => None,
                (None, Some(why)) if !why.trim().is_empty() => Some(why),
                (None, _) => Some("no value in the series".to_string()),
            };
            rows.push((
                i,
                group,
                m,
                Point {
                    value: v,
                    numerator: n,
                    denominator: d,
                    missing,
                    suppressed: false,
                },
            ));
        }
    }
    let reporting = match period.or_else(|| rows.iter().map(|r| r.2).max()) {
        Some(m) => m,
        None => {
            return Err(fail(
                "the series table has no rows".to_string(),
                "write the series of a run, or choose the month with --period",
            ))
        }
    };
    let domain = Domain::ending(reporting);
    let mut series: Vec<IndicatorSeries> =
        vec![IndicatorSeries::default(); project.indicators.len()];
    let mut absent = vec![true; project.indicators.len()];
    for (i, group, m, point) in rows {
        absent[i] = false;
        let Some(t) = domain.index(m) else { continue };
        let points = series[i]
            .groups
            .entry(group.clone())
            .or_insert_with(|| vec![Point::missing(NOT_IN_SERIES); domain.len()]);
        if points[t].missing.as_deref() != Some(NOT_IN_SERIES) {
            let id = &project.indicators[i].id;
            return Err(fail(
                format!(
                    "the series table has {id} {} for {m} twice",
                    describe(&group)
                ),
                "keep one row per indicator, breakdown value and month",
            ));
        }
        points[t] = point;
    }
    // Every indicator has its whole, as a native run gives it.
    for s in &mut series {
        s.groups
            .entry(None)
            .or_insert_with(|| vec![Point::missing(NOT_IN_SERIES); domain.len()]);
    }
    Ok((reporting, series, absent))
}

fn describe(group: &Group) -> String {
    match group {
        None => "(the whole)".to_string(),
        Some(b) => format!("{} = {}", b.by, b.value),
    }
}

/// The group a row's breakdown and value stand for, with the rank a
/// native run gives it (an age band's place; 0 for a column's value).
fn group_of(project: &Project, indicator: usize, by: &str, value: &str) -> Option<Group> {
    if by == WHOLE && value == WHOLE {
        return Some(None);
    }
    let breakdown = project.indicators[indicator]
        .breakdowns
        .iter()
        .find(|b| b.name == by)?;
    let rank = match &breakdown.by {
        By::Column(_) => 0,
        By::AgeBand { bands, .. } => band_values(bands).iter().position(|v| v == value)? as u32,
    };
    Some(Some(BreakdownValue {
        by: by.to_string(),
        rank,
        value: value.to_string(),
    }))
}
