//! Expectations on sources: what the rows must satisfy (unique keys,
//! values present, allowed values, dates in range, row counts, fresh
//! data), declared in YAML, checked on every read of the source. An
//! `error` stops the run; a `warn` is reported and the run goes on.

use crate::calendar::parse_day;
use crate::calendar::period::date_from_days;
use crate::config::sources::{ExpectationDoc, SourceDoc};
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::{str_at, ColumnType};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Rows quoted in a message.
pub(crate) const SHOWN_ROWS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warn,
    Error,
}

/// The last day a `dates` expectation allows.
#[derive(Debug, Clone, Copy)]
pub enum Until {
    Day(i32),
    ReportingMonth,
    /// The day the data was extracted (`quality: { extracted }` in `rubric.yaml`).
    Extracted,
}

#[derive(Debug, Clone)]
pub enum Check {
    Unique(Vec<String>),
    NotNull(Vec<String>),
    Allowed {
        column: String,
        values: BTreeSet<String>,
    },
    Dates {
        column: String,
        from: Option<i32>,
        to: Option<Until>,
    },
    Rows {
        min: Option<u64>,
        max: Option<u64>,
    },
    Fresh {
        column: String,
        within_days: u64,
    },
}

/// One expectation, with where it was declared.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub check: Check,
    pub severity: Severity,
    pub file: PathBuf,
    pub place: Place,
}

impl Expectation {
    /// The columns it reads.
    pub fn columns(&self) -> Vec<String> {
        match &self.check {
            Check::Unique(c) | Check::NotNull(c) => c.clone(),
            Check::Allowed { column, .. }
            | Check::Dates { column, .. }
            | Check::Fresh { column, .. } => {
                vec![column.clone()]
            }
            Check::Rows { .. } => Vec::new(),
        }
    }

    /// The expectation in words.
    pub fn describe(&self) -> String {
        let list = |c: &[String]| {
            c.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.check {
            Check::Unique(c) => format!("unique {}", list(c)),
            Check::NotNull(c) => format!("no missing {}", list(c)),
            Check::Allowed { column, values } => format!(
                "`{column}` one of {}",
                values.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
            Check::Dates { column, from, to } => {
                let from = from
                    .map(|d| format!(" from {}", date_from_days(d)))
                    .unwrap_or_default();
                let to = match to {
                    Some(Until::Day(d)) => format!(" to {}", date_from_days(*d)),
                    Some(Until::ReportingMonth) => " to the reporting month's end".to_string(),
                    Some(Until::Extracted) => " to the day the data was extracted".to_string(),
                    None => String::new(),
                };
                format!("`{column}` dated{from}{to}")
            }
            Check::Rows { min, max } => match (min, max) {
                (Some(a), Some(b)) => format!("{a} to {b} rows"),
                (Some(a), None) => format!("at least {a} rows"),
                (None, Some(b)) => format!("at most {b} rows"),
                (None, None) => "any number of rows".to_string(),
            },
            Check::Fresh {
                column,
                within_days,
            } => {
                format!("latest `{column}` within {within_days} days of the reporting month's end")
            }
        }
    }
}

/// Checks the `expect:` list of a declaration against the source's columns.
pub(crate) fn compile_expectations(
    doc: &SourceDoc,
    yaml: &Path,
    columns: &BTreeMap<String, Option<ColumnType>>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Expectation> {
    let mut out = Vec::new();
    for e in &doc.expect {
        if let Some(x) = compile_one(e, yaml, columns, problems) {
            out.push(x);
        }
    }
    out
}

fn compile_one(
    e: &ExpectationDoc,
    yaml: &Path,
    columns: &BTreeMap<String, Option<ColumnType>>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Expectation> {
    let mut places = Vec::new();
    if let Some(u) = &e.unique {
        places.push(Place::from(&u.referenced));
    }
    if let Some(n) = &e.not_null {
        places.push(Place::from(&n.referenced));
    }
    if let Some(a) = &e.allowed {
        places.push(Place::from(&a.column.referenced));
    }
    if let Some(d) = &e.dates {
        places.push(Place::from(&d.column.referenced));
    }
    if let Some(r) = &e.rows {
        places.push(
            r.min
                .as_ref()
                .map(|m| Place::from(&m.referenced))
                .or(r.max.as_ref().map(|m| Place::from(&m.referenced)))
                .unwrap_or(Place::WHOLE_FILE),
        );
    }
    if let Some(f) = &e.fresh {
        places.push(Place::from(&f.column.referenced));
    }
    let severity_place = e.severity.as_ref().map(|s| Place::from(&s.referenced));
    let place = places
        .first()
        .copied()
        .or(severity_place)
        .unwrap_or(Place::WHOLE_FILE);
    let fail = |problems: &mut Vec<Diagnostic>, place: Place, message: String, help: &str| {
        problems.push(Diagnostic::new(yaml, place, message).help(help));
        None
    };
    if places.len() != 1 {
        return fail(problems, place, format!("an expectation holds one check; this one holds {}", places.len()), "write each of `unique`, `not_null`, `allowed`, `dates`, `rows` and `fresh` as its own item of `expect:`");
    }
    let severity = match e.severity.as_ref().map(|s| s.value.as_str()) {
        None | Some("error") => Severity::Error,
        Some("warn") | Some("warning") => Severity::Warn,
        Some(other) => {
            return fail(
                problems,
                severity_place.unwrap_or(place),
                format!("`{}` is not a severity", crate::text::visible(other, false)),
                "write `error` (the run stops) or `warn` (reported, the run goes on)",
            );
        }
    };
    let mut bad = false;
    let mut column =
        |problems: &mut Vec<Diagnostic>, name: &str, wanted: Option<ColumnType>| match columns
            .get(name)
        {
            None => {
                bad = true;
                let known: Vec<&str> = columns.keys().map(String::as_str).collect();
                problems.push(
                    Diagnostic::new(
                        yaml,
                        place,
                        format!(
                            "the expectation reads `{}`, which the source does not have",
                            crate::text::visible(name, false)
                        ),
                    )
                    .help(format!("its columns are {}", known.join(", "))),
                );
            }
            Some(t) if wanted.is_some() && *t != wanted => {
                bad = true;
                problems.push(
                    Diagnostic::new(
                        yaml,
                        place,
                        format!("`{name}` is not a date column, so its dates cannot be checked"),
                    )
                    .help("name a date column, or declare the column `date` under `columns:`"),
                );
            }
            Some(_) => {}
        };
    let day = |problems: &mut Vec<Diagnostic>,
               text: &crate::config::span::Spanned<String>|
     -> Option<i32> {
        let parsed = parse_day(&text.value);
        if parsed.is_none() {
            problems.push(
                Diagnostic::new(
                    yaml,
                    Place::from(&text.referenced),
                    format!(
                        "`{}` is not a date",
                        crate::text::visible(&text.value, false)
                    ),
                )
                .help("write it as YYYY-MM-DD, such as 2010-01-01 (or, for `to`, `extracted` or `reporting_month`)"),
            );
        }
        parsed
    };
    let check = if let Some(u) = &e.unique {
        if u.value.is_empty() {
            return fail(
                problems,
                place,
                "`unique` lists no column".to_string(),
                "list the key's columns: `unique: [referral_id]`",
            );
        }
        for c in &u.value {
            column(problems, c, None);
        }
        Check::Unique(u.value.clone())
    } else if let Some(n) = &e.not_null {
        for c in &n.value {
            column(problems, c, None);
        }
        Check::NotNull(n.value.clone())
    } else if let Some(a) = &e.allowed {
        column(problems, &a.column.value, None);
        Check::Allowed {
            column: a.column.value.clone(),
            values: a.values.iter().cloned().collect(),
        }
    } else if let Some(d) = &e.dates {
        column(problems, &d.column.value, Some(ColumnType::Date));
        let from = match &d.from {
            Some(f) => Some(day(problems, f)?),
            None => None,
        };
        let to = match &d.to {
            Some(t) if t.value == "reporting_month" => Some(Until::ReportingMonth),
            Some(t) if t.value == "extracted" => Some(Until::Extracted),
            Some(t) => Some(Until::Day(day(problems, t)?)),
            None => None,
        };
        Check::Dates {
            column: d.column.value.clone(),
            from,
            to,
        }
    } else if let Some(r) = &e.rows {
        let (min, max) = (
            r.min.as_ref().map(|m| m.value),
            r.max.as_ref().map(|m| m.value),
        );
        if let (Some(a), Some(b)) = (min, max) {
            if a > b {
                return fail(
                    problems,
                    place,
                    format!("`rows` asks for at least {a} and at most {b}"),
                    "make `min` no more than `max`",
                );
            }
        }
        Check::Rows { min, max }
    } else if let Some(f) = &e.fresh {
        column(problems, &f.column.value, Some(ColumnType::Date));
        Check::Fresh {
            column: f.column.value.clone(),
            within_days: f.within_days.value,
        }
    } else {
        unreachable!("one check counted above")
    };
    (!bad).then(|| Expectation {
        check,
        severity,
        file: yaml.to_path_buf(),
        place,
    })
}

/// The first failing `error` as a diagnostic placed where it is declared,
/// or the warnings.
pub(super) fn stop_or_warn(
    source: &super::Source,
    found: impl Iterator<Item = Finding>,
) -> Result<Vec<Finding>, Diagnostic> {
    let mut warnings = Vec::new();
    for finding in found {
        let e = &source.expectations[finding.expectation];
        if finding.severity == Severity::Error {
            return Err(
                Diagnostic::new(
                    &e.file,
                    e.place,
                    format!("source `{}` ({}): {}", source.name, source.describe(), finding.message),
                )
                .subject(format!("source {}", source.name))
                .help(format!(
                    "fix the data at its origin, or make the expectation `severity: warn` if it may fail; `rubric expect {} --out rows.csv` lists every failing row",
                    source.name
                )),
            );
        }
        warnings.push(finding);
    }
    Ok(warnings)
}

/// What an expectation found wrong.
#[derive(Debug, Clone)]
pub struct Finding {
    pub source: String,
    /// Its index among the source's expectations.
    pub expectation: usize,
    pub severity: Severity,
    /// Rows failing (for `rows` and `fresh`, which judge the whole table: 1).
    pub failing: u64,
    /// What is wrong, with the first failing rows.
    pub message: String,
}

/// The rows failing one expectation: row numbers from 1 in the order read,
/// with what each row holds, in words.
pub(crate) type Failing = Vec<(u64, String)>;

pub(super) fn shown(columns: &[String], parts: &[String]) -> String {
    columns
        .iter()
        .zip(parts)
        .map(|(c, v)| format!("{c} = {}", crate::text::visible(v, false)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value of `column` at row `row` (counted from 1 over all batches).
pub(super) fn value_at(batches: &[RecordBatch], column: &str, row: u64) -> Option<String> {
    let mut first = 0u64;
    for b in batches {
        let n = b.num_rows() as u64;
        if row <= first + n {
            return text_at(
                b.column_by_name(column)?.as_ref(),
                (row - first - 1) as usize,
            );
        }
        first += n;
    }
    None
}

/// A value as text, for messages (`None`: missing).
pub(super) fn text_at(array: &dyn Array, i: usize) -> Option<String> {
    if array.is_null(i) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Int64 => array.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::Float64 => array.as_primitive::<Float64Type>().value(i).to_string(),
        DataType::Date32 => date_from_days(array.as_primitive::<Date32Type>().value(i)).to_string(),
        DataType::Boolean => array.as_boolean().value(i).to_string(),
        _ => str_at(array, i)?.to_string(),
    })
}
