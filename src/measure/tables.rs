//! The tables a run reads: each source's needed columns (the union over
//! every measure and population reading it), the reporting month found
//! from the date columns alone, and population tables by year.

use super::measure_error::MeasureError;
use crate::calendar::period::Month;
use crate::diagnostic::{Diagnostic, Place};
use crate::error::EvalError;
use crate::model::measure::Population;
use crate::model::Project;
use crate::source::{read_columns, read_latest, Table};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::Array;
use arrow_schema::DataType;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Read tables, by source name; each read once with the union of the columns needed.
#[derive(Default)]
pub struct Tables {
    pub by_source: BTreeMap<String, Table>,
}

/// Reads every source some measure needs, projecting only the needed columns.
pub fn read_tables(project: &Project) -> Result<Tables, Diagnostic> {
    read_sources(project, needed_columns(project, &Default::default()))
}

/// Reads the named columns of each source, sources in parallel; the first
/// failure in name order is reported.
fn read_sources(
    project: &Project,
    needed: BTreeMap<String, Vec<String>>,
) -> Result<Tables, Diagnostic> {
    let read: Vec<Result<(String, Table), Diagnostic>> = needed
        .into_par_iter()
        .map(|(name, columns)| {
            let table = read_columns(&project.sources.by_name[&name], &columns)?;
            Ok((name, table))
        })
        .collect();
    let by_source = read.into_iter().collect::<Result<BTreeMap<_, _>, _>>()?;
    Ok(Tables { by_source })
}

/// Every source some measure or population needs, with the columns to
/// read from it (sorted, once each).
pub(super) fn needed_columns(
    project: &Project,
    elsewhere: &super::result::Elsewhere,
) -> BTreeMap<String, Vec<String>> {
    let mut needed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, base) in project.base_measures.iter().enumerate() {
        if elsewhere.bases.contains(&i) {
            continue;
        }
        needed
            .entry(base.source.clone())
            .or_default()
            .extend(base.source_columns());
    }
    for (i, ind) in project.indicators.iter().enumerate() {
        if elsewhere.indicators.contains(&i) {
            continue;
        }
        for m in ind.measures() {
            collect_population_columns(m, &mut needed);
        }
    }
    for (name, source) in &project.sources.by_name {
        for e in &source.expectations {
            needed.entry(name.clone()).or_default().extend(e.columns());
        }
    }
    for columns in needed.values_mut() {
        columns.sort();
        columns.dedup();
    }
    needed
}

/// Reads only the columns that decide the reporting month (each measure's
/// period column), for `latest_month` before a streamed run.
pub fn read_period_columns(project: &Project) -> Result<Tables, Diagnostic> {
    let mut needed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for base in &project.base_measures {
        let columns = needed.entry(base.source.clone()).or_default();
        if !columns.iter().any(|c| c == base.period_column()) {
            columns.push(base.period_column().to_string());
        }
    }
    let read: Vec<Result<(String, Table), Diagnostic>> = needed
        .into_par_iter()
        .map(|(name, columns)| {
            let table = read_latest(&project.sources.by_name[&name], &columns)?;
            Ok((name, table))
        })
        .collect();
    let by_source = read.into_iter().collect::<Result<BTreeMap<_, _>, _>>()?;
    Ok(Tables { by_source })
}

pub(super) fn collect_population_columns(
    m: &crate::model::measure::Measure,
    needed: &mut BTreeMap<String, Vec<String>>,
) {
    use crate::model::measure::Measure;
    match m {
        Measure::Rate {
            measure,
            population,
            ..
        } => {
            if let Population::Table {
                source,
                year,
                column,
                filter,
            } = population
            {
                let cols = needed.entry(source.clone()).or_default();
                cols.push(year.clone());
                cols.push(column.clone());
                if let Some(f) = filter {
                    cols.extend(f.columns.iter().cloned());
                }
            }
            collect_population_columns(measure, needed);
        }
        Measure::Ratio {
            numerator,
            denominator,
            ..
        } => {
            collect_population_columns(numerator, needed);
            collect_population_columns(denominator, needed);
        }
        Measure::Base(_) | Measure::Expression(_) | Measure::Cohort(_) => {}
    }
}

/// The latest month in which any measure's period column has a date.
/// A latest date outside 1900 to 2199 is a data error (a mistyped year,
/// or a placeholder such as 9999-12-31), reported rather than used.
pub fn latest_month(project: &Project, tables: &Tables) -> Result<Option<Month>, EvalError> {
    let ends = latest_months(project, tables)?;
    match ends.iter().max_by_key(|(_, m)| **m) {
        Some((source, month)) => reportable(project, source, *month).map(Some),
        None => Ok(None),
    }
}

/// Each source's latest month with a date in a measure's period column
/// (sources with no dated row are left out), as the data has it.
pub fn latest_months(
    project: &Project,
    tables: &Tables,
) -> Result<BTreeMap<String, Month>, EvalError> {
    let mut latest: BTreeMap<String, i32> = BTreeMap::new();
    for base in &project.base_measures {
        for batch in &tables.by_source[&base.source].batches {
            if let Some(col) = batch.column_by_name(base.period_column()) {
                if let Some(m) = arrow_arith::aggregate::max(col.as_primitive::<Date32Type>()) {
                    let slot = latest.entry(base.source.clone()).or_insert(m);
                    *slot = (*slot).max(m);
                }
            }
        }
    }
    Ok(latest
        .into_iter()
        .map(|(source, days)| (source, Month::of_days(days)))
        .collect())
}

/// `month`, the latest of `source`, when it can be a reporting month; a
/// month outside 1900 to 2199 is a data error in that source.
pub fn reportable(project: &Project, source: &str, month: Month) -> Result<Month, EvalError> {
    if (1900..2200).contains(&month.year()) {
        return Ok(month);
    }
    let column = project
        .base_measures
        .iter()
        .find(|b| b.source == source)
        .map_or("", |b| b.period_column());
    Err(source_error(
        project,
        source,
        format!(
            "the latest date in column `{column}` is in the year {}, which cannot be a reporting month",
            month.year()
        ),
        "fix or remove the rows with that date (a mistyped year, or a placeholder such as 9999-12-31), or choose the month with --period YYYY-MM",
    ))
}

/// A failure of the data in one source, placed on its file.
pub(super) fn source_error(
    project: &Project,
    source: &str,
    message: impl std::fmt::Display,
    help: &str,
) -> EvalError {
    let file = &project.sources.by_name[source].file;
    EvalError(Diagnostic::new(file, Place::WHOLE_FILE, message.to_string()).help(help))
}

/// One column of a table's batches as a single array (an empty table's as
/// an empty one); an error names a column some batch lacks.
pub(crate) fn whole_column(
    batches: &[arrow_array::RecordBatch],
    name: &str,
) -> Result<arrow_array::ArrayRef, MeasureError> {
    let parts: Vec<&dyn Array> = batches
        .iter()
        .map(|b| {
            b.column_by_name(name)
                .map(|a| a.as_ref())
                .ok_or_else(|| MeasureError::NotRead(name.to_string()))
        })
        .collect::<Result<_, _>>()?;
    if parts.is_empty() {
        return Ok(arrow_array::new_empty_array(&DataType::Null));
    }
    arrow_select::concat::concat(&parts).map_err(MeasureError::from)
}

/// Population per calendar year from a population table.
pub fn population_by_year(
    project: &Project,
    tables: &Tables,
    population: &Population,
) -> Result<BTreeMap<i32, f64>, EvalError> {
    let Population::Table {
        source,
        year,
        column,
        filter,
    } = population
    else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for batch in &tables.by_source[source].batches {
        let mask = match filter {
            Some(f) => Some(f.evaluate(&project.engine, batch).map_err(|e| {
                EvalError(f.site.diagnostic(
                    rhai::Position::NONE,
                    format!("the population filter failed: {}", e.message),
                ))
            })?),
            None => None,
        };
        let years = batch
            .column_by_name(year)
            .expect("projected")
            .as_primitive::<Int64Type>()
            .clone();
        let values = arrow_cast::cast(
            batch.column_by_name(column).expect("projected"),
            &DataType::Float64,
        )
        .expect("numeric");
        let values = values.as_primitive::<Float64Type>();
        for row in 0..batch.num_rows() {
            if mask.as_ref().is_some_and(|m| !m.value(row))
                || years.is_null(row)
                || values.is_null(row)
            {
                continue;
            }
            *out.entry(years.value(row) as i32).or_insert(0.0) += values.value(row);
        }
    }
    Ok(out)
}
