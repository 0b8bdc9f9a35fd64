//! Expected-value tests written beside the definitions (`tests:` on an
//! indicator): each builds its fixture rows into in-memory tables, runs the
//! indicator on them exactly as on the data, and compares the figures.

use crate::calendar::period::{days_from_date, Month};
use crate::config::document::ExpectDoc;
use crate::expr::column_type::ColumnType;
use crate::format;
use crate::measure::scan::Input;
use crate::measure::tables::Tables;
use crate::model::indicator::{Indicator, IndicatorTest};
use crate::model::measure::Measure;
use crate::model::Project;
use crate::rules::evaluate::Rating;
use crate::rules::scorecard::Row;
use crate::run::{run, RunOptions};
use crate::source::Table;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The result of one test: what differed, empty when it passed.
#[derive(Debug)]
pub(crate) struct TestResult<'a> {
    pub indicator: &'a Indicator,
    pub test: &'a IndicatorTest,
    pub failures: Vec<String>,
}

/// Runs every test of the indicators whose ids are in `ids` (all when empty).
pub(crate) fn run_all<'a>(project: &'a Project, ids: &[String]) -> Vec<TestResult<'a>> {
    let mut results = Vec::new();
    for (index, ind) in project.indicators.iter().enumerate() {
        if !ids.is_empty() && !ids.contains(&ind.id) {
            continue;
        }
        for test in &ind.tests {
            let failures = match run_one(project, index, test) {
                Ok(f) => f,
                Err(e) => vec![e.to_string()],
            };
            results.push(TestResult {
                indicator: ind,
                test,
                failures,
            });
        }
    }
    results
}

/// Why a definition test could not run at all.
#[derive(Debug, thiserror::Error)]
enum TestError {
    /// A fixture value that is not of its column's type.
    #[error("`{source_name}.{column}`: `{value}` is not {expected}")]
    Fixture {
        source_name: String,
        column: String,
        value: String,
        expected: &'static str,
    },
    #[error(transparent)]
    Arrow(#[from] arrow_schema::ArrowError),
    #[error("the test expects nothing: give `expect:` at least one month")]
    NothingExpected,
    #[error("the run failed: {0}")]
    Run(#[from] crate::error::EvalError),
}

/// A fixture value not of its column's type: the value and what it
/// should be.
struct NotOfType(String, &'static str);

fn run_one(
    project: &Project,
    index: usize,
    test: &IndicatorTest,
) -> Result<Vec<String>, TestError> {
    let tables = fixture_tables(project, test)?;
    let reporting = *test
        .expect
        .keys()
        .next_back()
        .ok_or(TestError::NothingExpected)?;
    let mut only = BTreeSet::new();
    for m in project.indicators[index].measures() {
        bases_of(project, m, &mut only);
    }
    let options = RunOptions {
        period: Some(reporting),
        // A test's few rows would all be small bases: flags are for real data.
        quality: crate::model::Quality::default(),
        input: Input::Tables {
            tables: &tables,
            only: Some(&only),
        },
        ..RunOptions::new(project)
    };
    let card = run(project, options)?;
    let ind = &project.indicators[index];
    let mut failures = Vec::new();
    for (month, expected) in &test.expect {
        match card
            .rows
            .iter()
            .find(|r| r.indicator == index && r.group.is_none() && r.period == *month)
        {
            Some(row) => compare(ind, *month, expected, row, &mut failures),
            None => failures.push(format!(
                "{month}: not a period {} shows (a quarter or year is keyed by its last month)",
                ind.id
            )),
        }
    }
    Ok(failures)
}

/// The base measures an indicator's figure comes from, through formulas.
fn bases_of(project: &Project, m: &Measure, out: &mut BTreeSet<usize>) {
    match m {
        Measure::Base(b) => {
            out.insert(*b);
        }
        Measure::Ratio {
            numerator,
            denominator,
            ..
        } => {
            bases_of(project, numerator, out);
            bases_of(project, denominator, out);
        }
        Measure::Rate { measure, .. } => bases_of(project, measure, out),
        Measure::Cohort(c) => out.extend(c.members()),
        Measure::Expression(f) => {
            for input in &f.inputs {
                if let Some(ind) = project.indicators.iter().find(|i| &i.id == input) {
                    for m in ind.measures() {
                        bases_of(project, m, out);
                    }
                }
            }
        }
    }
}

fn compare(ind: &Indicator, month: Month, e: &ExpectDoc, row: &Row, failures: &mut Vec<String>) {
    let p = &row.point;
    let shown = |v: Option<f64>| v.map_or("none".to_string(), |v| format::number(v, ind.decimals));
    let mut number = |what: &str, expected: Option<f64>, actual: Option<f64>| {
        if let Some(x) = expected {
            let same = actual.is_some_and(|a| {
                format::number(a, ind.decimals) == format::number(x, ind.decimals)
            });
            if !same {
                failures.push(format!(
                    "{month} {what}: expected {}, got {}{}",
                    format::number(x, ind.decimals),
                    shown(actual),
                    if actual.is_none() {
                        format!(" ({})", p.missing.as_deref().unwrap_or("no value"))
                    } else {
                        String::new()
                    }
                ));
            }
        }
    };
    number("value", e.value, p.value);
    number("numerator", e.numerator, p.numerator);
    number("denominator", e.denominator, p.denominator);
    let status = if p.value.is_some() { "ok" } else { "missing" };
    let mut text = |what: &str, expected: &Option<String>, actual: String| {
        if let Some(x) = expected {
            if *x != actual {
                failures.push(format!("{month} {what}: expected {x}, got {actual}"));
            }
        }
    };
    text("status", &e.status, status.to_string());
    let outcome = |r: &Rating| match r {
        Rating::Outcome { name, because } => match because {
            Some(why) => format!("{name} ({why})"),
            None => name.clone(),
        },
        Rating::NotRated(why) => format!("not_rated ({why})"),
    };
    let name = |r: &Rating| r.outcome().unwrap_or("not_rated").to_string();
    if e.rag.as_ref().is_some_and(|x| *x != name(&row.rag)) {
        text("rag", &e.rag, outcome(&row.rag));
    }
    if e.dot.as_ref().is_some_and(|x| *x != name(&row.dot)) {
        text("dot", &e.dot, outcome(&row.dot));
    }
}

/// Every source as a table: the test's rows where it gives them, no rows
/// otherwise; every usable column, empty where a row leaves it out.
fn fixture_tables(project: &Project, test: &IndicatorTest) -> Result<Tables, TestError> {
    let mut by_source = BTreeMap::new();
    for (name, source) in &project.sources.by_name {
        let rows = test.rows.get(name).map_or(&[][..], Vec::as_slice);
        let mut columns: Vec<(String, ArrayRef)> = Vec::new();
        for (column, kind) in &source.columns {
            let Some(kind) = kind else { continue };
            let values: Vec<&Value> = rows
                .iter()
                .map(|r| r.get(column).unwrap_or(&Value::Null))
                .collect();
            let array = column_array(*kind, &values).map_err(|NotOfType(value, expected)| {
                TestError::Fixture {
                    source_name: name.clone(),
                    column: column.clone(),
                    value,
                    expected,
                }
            })?;
            columns.push((column.clone(), array));
        }
        let batch = if columns.is_empty() {
            RecordBatch::new_empty(Arc::new(arrow_schema::Schema::empty()))
        } else {
            RecordBatch::try_from_iter(columns)?
        };
        by_source.insert(
            name.clone(),
            Table {
                batches: vec![batch],
            },
        );
    }
    Ok(Tables { by_source })
}

fn column_array(kind: ColumnType, values: &[&Value]) -> Result<ArrayRef, NotOfType> {
    let bad = |v: &Value, what: &'static str| NotOfType(v.to_string(), what);
    Ok(match kind {
        ColumnType::Int => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Null => Ok(None),
                    _ => v.as_i64().map(Some).ok_or_else(|| bad(v, "a whole number")),
                })
                .collect::<Result<Int64Array, _>>()?,
        ),
        ColumnType::Float => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Null => Ok(None),
                    _ => v.as_f64().map(Some).ok_or_else(|| bad(v, "a number")),
                })
                .collect::<Result<Float64Array, _>>()?,
        ),
        ColumnType::Bool => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Null => Ok(None),
                    _ => v.as_bool().map(Some).ok_or_else(|| bad(v, "true or false")),
                })
                .collect::<Result<BooleanArray, _>>()?,
        ),
        ColumnType::Str => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Null => Ok(None),
                    Value::String(s) => Ok(Some(s.clone())),
                    Value::Number(n) => Ok(Some(n.to_string())),
                    _ => Err(bad(v, "text")),
                })
                .collect::<Result<StringArray, _>>()?,
        ),
        ColumnType::Date => Arc::new(
            values
                .iter()
                .map(|v| match v {
                    Value::Null => Ok(None),
                    Value::String(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map(|d| Some(days_from_date(d)))
                        .map_err(|_| bad(v, "a date (YYYY-MM-DD)")),
                    _ => Err(bad(v, "a date (YYYY-MM-DD)")),
                })
                .collect::<Result<Date32Array, _>>()?,
        ),
    })
}
