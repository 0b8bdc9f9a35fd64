//! The benchmark table read for a run: each indicator's benchmarks with
//! their vintages, ranks and states, checked row by row (an unknown
//! indicator or benchmark, a vintage that is not a financial year, a row
//! twice, a value that is neither a number nor a state are refused with
//! the row).

use crate::calendar::period::{FinancialYear, Month};
use crate::diagnostic::{did_you_mean, Diagnostic, Place};
use crate::model::benchmark::latest_in;
use crate::model::benchmark::{BenchmarkTable, Figure};
use crate::model::indicator::Indicator;
use crate::model::Project;
use crate::source::{read_columns, Source, Table};
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use std::collections::BTreeMap;

/// Figures by indicator id, then benchmark, in vintage order.
pub(crate) type Benchmarks = BTreeMap<String, BTreeMap<String, Vec<Figure>>>;

/// The longest state a cell prints, in characters.
const MAX_STATE_CHARS: usize = 40;

const REQUIRED: [&str; 4] = ["indicator", "benchmark", "vintage", "value"];
const OPTIONAL: [&str; 3] = ["rank", "of", "state"];

/// Reads and checks the project's benchmark table; empty without one.
/// `given` holds the source already read, when the run was given tables.
pub(crate) fn read(project: &Project, given: Option<&Table>) -> Result<Benchmarks, Diagnostic> {
    let Some(spec) = &project.benchmark_table else {
        return Ok(Benchmarks::new());
    };
    let source = &project.sources.by_name[&spec.source];
    let mut columns: Vec<String> = REQUIRED.iter().map(|c| c.to_string()).collect();
    for c in REQUIRED {
        if !source.columns.contains_key(c) {
            return Err(at_source(
                source,
                format!("the benchmark table `{}` has no column `{c}`", source.name),
                "its columns are indicator, benchmark, vintage and value, with rank, of and state where known",
            ));
        }
    }
    columns.extend(
        OPTIONAL
            .iter()
            .filter(|c| source.columns.contains_key(**c))
            .map(|c| c.to_string()),
    );
    let read;
    let table = match given {
        Some(t) => t,
        None => {
            read = read_columns(source, &columns)?;
            &read
        }
    };
    let mut out = Benchmarks::new();
    let mut row_number = 0usize;
    for batch in &table.batches {
        let text = |name: &str| -> Result<Option<ArrayRef>, Diagnostic> {
            batch
                .column_by_name(name)
                .map(|a| arrow_cast::cast(a, &DataType::Utf8))
                .transpose()
                .map_err(|e| {
                    at_source(
                        source,
                        format!("the column `{name}` cannot be read as text: {e}"),
                        "write it as text",
                    )
                })
        };
        let number = |name: &str| -> Result<Option<ArrayRef>, Diagnostic> {
            batch
                .column_by_name(name)
                .map(|a| arrow_cast::cast(a, &DataType::Float64))
                .transpose()
                .map_err(|e| {
                    at_source(
                        source,
                        format!("the column `{name}` holds something that is not a number: {e}"),
                        "write numbers plainly (21.5, not 21.5%); put words such as TBC in `state`",
                    )
                })
        };
        let (ind, bench, vintage, state) = (
            text("indicator")?,
            text("benchmark")?,
            text("vintage")?,
            text("state")?,
        );
        let (value, rank, of) = (number("value")?, number("rank")?, number("of")?);
        for i in 0..batch.num_rows() {
            row_number += 1;
            let row = Row {
                source,
                spec,
                number: row_number,
            };
            let get = |a: &Option<ArrayRef>| -> Option<String> {
                let a = a.as_ref()?;
                (!a.is_null(i)).then(|| a.as_string::<i32>().value(i).trim().to_string())
            };
            let num = |a: &Option<ArrayRef>| -> Option<f64> {
                let a = a.as_ref()?;
                (!a.is_null(i)).then(|| a.as_primitive::<Float64Type>().value(i))
            };
            let id = row.required(get(&ind), "indicator")?;
            if !project.indicators.iter().any(|x| x.id == id) {
                let ids = project.indicators.iter().map(|x| x.id.as_str());
                let hint = did_you_mean(&id, ids)
                    .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                return Err(row.refuse(
                    format!("names the indicator `{id}`, which is not declared"),
                    format!("{hint}write an indicator's id"),
                ));
            }
            let name = row.required(get(&bench), "benchmark")?;
            if !spec.names.contains(&name) {
                return Err(row.refuse(
                    format!("names the benchmark `{name}`, which `benchmarks.names` in rubric.yaml does not list"),
                    format!("list it there, or write one of: {}", spec.names.join(", ")),
                ));
            }
            let written = row.required(get(&vintage), "vintage")?;
            let Some(fy) = FinancialYear::parse(&written) else {
                return Err(row.refuse(
                    format!("has the vintage `{written}`, which is not a financial year"),
                    "write the year the figure is for as 2021-22",
                ));
            };
            let value = num(&value);
            let state = get(&state).filter(|s| !s.is_empty());
            if let Some(s) = state
                .as_ref()
                .filter(|s| s.chars().count() > MAX_STATE_CHARS)
            {
                return Err(row.refuse(
                    format!("has a state of {} characters", s.chars().count()),
                    format!("a state is a few words printed in a cell (`TBC`, `Local`, `-`): at most {MAX_STATE_CHARS} characters"),
                ));
            }
            if value.is_some_and(|v| !v.is_finite()) || (value.is_none() && state.is_none()) {
                return Err(row.refuse(
                    "has no value and no state".to_string(),
                    "write the figure in `value`, or a state in words (TBC, Local, -) in `state`",
                ));
            }
            let rank =
                match (num(&rank), num(&of)) {
                    (None, None) => None,
                    (Some(r), Some(n)) if whole(r) && whole(n) && r >= 1.0 && r <= n => {
                        Some((r as u32, n as u32))
                    }
                    _ => return Err(row.refuse(
                        "has a rank that is not `rank` of `of` (whole numbers, 1 <= rank <= of)"
                            .to_string(),
                        "write both, as rank 7 and of 152, or neither",
                    )),
                };
            let figures = out
                .entry(id.clone())
                .or_default()
                .entry(name.clone())
                .or_default();
            if figures.iter().any(|f| f.vintage == Some(fy)) {
                return Err(row.refuse(
                    format!("repeats {name} for {id} in {fy}"),
                    "keep one row per indicator, benchmark and vintage",
                ));
            }
            figures.push(Figure {
                value,
                vintage: Some(fy),
                rank,
                state,
            });
        }
    }
    for by_name in out.values_mut() {
        for figures in by_name.values_mut() {
            figures.sort_by_key(|f| f.vintage);
        }
    }
    Ok(out)
}

/// The benchmarks of `ind` in force for a period ending in `month`: its
/// own (`benchmarks:` and their changes), then the table's latest
/// vintage whose year has ended by then, in the table's order; a name in
/// both takes the table's figure.
pub(crate) fn benchmarks_in_force(
    ind: &Indicator,
    table: Option<&BTreeMap<String, Vec<Figure>>>,
    month: Month,
) -> Vec<(String, Figure)> {
    let mut all: Vec<(String, Figure)> = ind
        .benchmarks_at(month)
        .iter()
        .map(|(k, f)| (k.clone(), f.clone()))
        .collect();
    for (name, figures) in table.into_iter().flatten() {
        let Some(f) = latest_in(figures, month) else {
            continue;
        };
        match all.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = f.clone(),
            None => all.push((name.clone(), f.clone())),
        }
    }
    all
}

fn whole(x: f64) -> bool {
    x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x)
}

struct Row<'a> {
    source: &'a Source,
    spec: &'a BenchmarkTable,
    number: usize,
}

impl Row<'_> {
    fn refuse(&self, what: String, help: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            &self.source.file,
            Place::WHOLE_FILE,
            format!(
                "row {} of the benchmark table `{}` {what}",
                self.number, self.spec.source
            ),
        )
        .subject(format!("source {}", self.source.name))
        .help(help)
    }

    fn required(&self, v: Option<String>, column: &str) -> Result<String, Diagnostic> {
        v.filter(|s| !s.is_empty()).ok_or_else(|| {
            self.refuse(
                format!("has no `{column}`"),
                format!("every row gives {}", REQUIRED.join(", ")),
            )
        })
    }
}

fn at_source(source: &Source, message: String, help: &str) -> Diagnostic {
    Diagnostic::new(&source.file, Place::WHOLE_FILE, message)
        .subject(format!("source {}", source.name))
        .help(help)
}
