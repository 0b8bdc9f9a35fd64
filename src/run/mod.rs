//! A run, in the order it happens: plan what each source computes (scan
//! here, or push the measures down to the database: `pushdown`), measure
//! (`crate::measure`), rate (`rate`), publish (`publication` withholds
//! small counts), and hand the scorecard to the pages and outputs. The
//! series contract (`series_file`) and definition tests (`definition_tests`)
//! enter and check a run here too. `run` is the one way to run a project.

pub(crate) mod definition_tests;
pub(crate) mod publication;
pub(crate) mod pushdown;
mod rate;
pub(crate) mod series_file;

use crate::calendar::period::Month;
use crate::diagnostic::{Diagnostic, Place};
use crate::error::EvalError;
use crate::measure::domain::Domain;
use crate::measure::scan::{scan, Input, Scanned};
use crate::measure::series::{evaluate_all, IndicatorSeries};
use crate::measure::tables::{latest_months, read_period_columns};
use crate::model::Project;
use crate::model::{Policy, Quality};
use crate::progress::{Progress, Silent};
use crate::rules::scorecard::Scorecard;
use rate::compare_and_rate;
use std::collections::BTreeMap;
use std::time::Instant;

/// How to run: which month, whether to withhold small counts, how figures
/// are flagged, what to read and who hears of the progress.
#[derive(Clone, Copy)]
pub struct RunOptions<'a> {
    /// The reporting month (default: the latest month with data).
    pub period: Option<Month>,
    /// The publication policy to apply, when publishing.
    pub publish: Option<Policy>,
    /// When figures are flagged (default: the project's `quality:`).
    pub quality: Quality,
    pub input: Input<'a>,
    pub progress: &'a dyn Progress,
}

impl<'a> RunOptions<'a> {
    /// The project's sources for the latest month, nothing withheld,
    /// flagged as the project says, silently.
    pub fn new(project: &Project) -> RunOptions<'a> {
        RunOptions {
            period: None,
            publish: None,
            quality: project.quality,
            input: Input::Sources,
            progress: &Silent,
        }
    }

    pub fn period(self, period: Option<Month>) -> Self {
        RunOptions { period, ..self }
    }
}

/// Evaluates the project: the one way to run it.
pub fn run(project: &Project, options: RunOptions) -> Result<Scorecard, EvalError> {
    let started = Instant::now();
    let (reporting, source_ends) = match (options.period, options.input) {
        (Some(m), _) => (m, BTreeMap::new()),
        (None, Input::Sources) => {
            let periods = read_period_columns(project).map_err(EvalError)?;
            let ends = latest_months(project, &periods)?;
            (reporting_month(project, &ends)?, ends)
        }
        (None, Input::Tables { tables, .. }) => {
            let ends = latest_months(project, tables)?;
            (reporting_month(project, &ends)?, ends)
        }
    };
    let domain = Domain::ending(reporting);
    let pushed = match options.input {
        Input::Sources => pushdown::plan(project, reporting),
        Input::Tables { .. } => pushdown::Plan::default(),
    };
    let Scanned {
        results,
        populations: kept,
        findings,
    } = scan(
        project,
        options.input,
        domain,
        options.progress,
        &pushed.elsewhere,
    )?;
    let mut timings = vec![("read and scan sources", started.elapsed())];
    let kept = kept.unwrap_or_default();
    let populations = match options.input {
        Input::Tables { tables, .. } => tables,
        Input::Sources => &kept,
    };
    let given = match options.input {
        Input::Tables { tables, .. } => project
            .benchmark_table
            .as_ref()
            .and_then(|b| tables.by_source.get(&b.source)),
        Input::Sources => None,
    };
    let benchmarks = crate::rules::benchmark_table::read(project, given).map_err(EvalError)?;
    let step = Instant::now();
    let mut series = evaluate_all(
        project,
        populations,
        &results,
        domain,
        &pushed.elsewhere.indicators,
    )?;
    timings.push(("combine series", step.elapsed()));
    if !pushed.is_empty() {
        let step = Instant::now();
        pushed.fill(project, &mut series, reporting)?;
        timings.push(("measures in the database", step.elapsed()));
    }
    let mut card = compare_and_rate(project, &benchmarks, series, reporting, options, timings)?;
    card.findings = findings;
    card.source_ends = source_ends;
    card.read_here = pushed.read_here;
    Ok(card)
}

/// The reporting month asked for, or else the one the project's data
/// gives (read from the date columns alone).
pub fn reporting_or_latest(project: &Project, asked: Option<Month>) -> Result<Month, EvalError> {
    match asked {
        Some(m) => Ok(m),
        None => {
            let periods = read_period_columns(project).map_err(EvalError)?;
            reporting_month(project, &latest_months(project, &periods)?)
        }
    }
}

/// The month a source's data reaches: the last whole month before its
/// declared extraction day, else the month of its latest dated row.
pub fn source_end(project: &Project, source: &str, latest: Month) -> Month {
    match project
        .sources
        .by_name
        .get(source)
        .and_then(|s| s.extracted)
    {
        Some(day) => {
            let month = Month::of_days(day);
            let whole = crate::calendar::period::days_from_date(month.last_day()) <= day;
            if whole {
                month
            } else {
                month.offset(-1)
            }
        }
        None => latest,
    }
}

/// The reporting month the project's sources give (`reporting_month:` in
/// `rubric.yaml`: the latest month any source has data in, or the latest
/// every source reaches), or why there is none.
fn reporting_month(project: &Project, ends: &BTreeMap<String, Month>) -> Result<Month, EvalError> {
    use crate::config::document::ReportingMonth;
    let chosen = match project.reporting_month {
        ReportingMonth::Latest => ends.iter().map(|(s, m)| (*m, s)).max(),
        ReportingMonth::Common => ends
            .iter()
            .map(|(source, latest)| (source_end(project, source, *latest), source))
            .min(),
    };
    let Some((month, source)) = chosen else {
        return Err(no_dated_row());
    };
    crate::measure::tables::reportable(project, source, month)
}

/// Why there is no reporting month.
fn no_dated_row() -> EvalError {
    EvalError(
        Diagnostic::new(
            "data",
            Place::WHOLE_FILE,
            "no source has any dated row, so there is no period to report",
        )
        .help("check the data files have rows, or choose the month with --period YYYY-MM"),
    )
}

/// Evaluates the project from series computed elsewhere (`rubric run
/// --series`): comparisons, ratings and everything after them exactly as
/// a native run, with the benchmark table read from its source.
pub fn run_from_series(
    project: &Project,
    series: Vec<IndicatorSeries>,
    reporting: Month,
    options: RunOptions,
) -> Result<Scorecard, EvalError> {
    let benchmarks = crate::rules::benchmark_table::read(project, None).map_err(EvalError)?;
    compare_and_rate(project, &benchmarks, series, reporting, options, Vec::new())
}
