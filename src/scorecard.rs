//! A run from compiled project to scorecard: read each source once, scan,
//! evaluate every indicator, compare and rate each period.

use crate::calendar::period::Month;
use crate::calendar::period::{date_from_days, days_from_date};
use crate::config::document::{Frequency, Unit};
use crate::diagnostic::{Diagnostic, Place};
use crate::error::EvalError;
use crate::measure::domain::Domain;
use crate::measure::scan::{scan, Group, Input, Scanned};
use crate::measure::series::{evaluate_all, IndicatorSeries, Point};
use crate::measure::tables::{latest_month, read_period_columns};
use crate::model::benchmark::Figure;
use crate::model::indicator::Target;
use crate::model::Project;
use crate::model::Quality;
use crate::progress::{Progress, Silent};
use crate::publication::{suppress, Policy};
use crate::rules::benchmark_table::{benchmarks_in_force, Benchmarks};
use crate::rules::comparisons::{compare, outturn, Basis, Comparison};
use crate::rules::evaluate::{rate, rate_against, Rating, RuleInput};
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// The periods shown for an indicator of this frequency, by their last
/// month: the 13 months to the reporting month, the 5 complete quarters or
/// the 3 complete financial years up to it.
pub fn shown_periods(reporting: Month, frequency: Frequency) -> Vec<Month> {
    let count = match frequency {
        Frequency::Monthly => 13,
        Frequency::Quarterly => 5,
        Frequency::Annual => 3,
    };
    last_periods(reporting, frequency, count)
}

/// The last `count` periods of a frequency complete by the reporting
/// month, by their last month, oldest first.
pub fn last_periods(reporting: Month, frequency: Frequency, count: u32) -> Vec<Month> {
    let mut latest = match frequency {
        Frequency::Monthly => reporting,
        Frequency::Quarterly => reporting.offset(1).quarter_end().offset(-3),
        Frequency::Annual => reporting
            .offset(1)
            .financial_year()
            .first_month()
            .offset(-1),
    };
    if frequency != Frequency::Monthly && latest > reporting {
        latest = latest.offset(-(frequency.step() as i32));
    }
    (0..count as usize)
        .rev()
        .map(|k| latest.offset(-((k * frequency.step()) as i32)))
        .collect()
}

/// One indicator, group and period, with everything reports show.
#[derive(Debug, Clone)]
pub struct Row {
    /// Index into `Project::indicators`.
    pub indicator: usize,
    pub group: Group,
    pub period: Month,
    pub point: Point,
    pub comparison: Comparison,
    /// The target's number in force, when it is one.
    pub target: Option<f64>,
    /// The target in force as written: strict, or a state such as `TBC`.
    pub target_term: Option<Target>,
    pub dot: Rating,
    pub rag: Rating,
    /// Each of the indicator's rated comparisons, in its order.
    pub rated: Vec<Rating>,
    /// The benchmarks in force for the period, by name, with their year
    /// and rank where the benchmark table gives them.
    pub benchmarks: Vec<(String, Figure)>,
    /// Why to read the figure with care: a small base, an incomplete period.
    pub flags: Vec<Flag>,
    pub commentary: Option<String>,
}

/// The evaluated scorecard: rows in indicator order, then group (the whole
/// first), then period.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub reporting: Month,
    pub periods: Vec<Month>,
    pub rows: Vec<Row>,
    /// Rows of periods before those shown by default, for pages showing
    /// more (in the same order as `rows`).
    pub earlier: Vec<Row>,
    /// Every indicator's series over the whole domain, as measured (before
    /// any publication policy): what `--write-series` writes.
    pub series: Vec<IndicatorSeries>,
    /// How long each stage took, for `run --timings`; never written to outputs.
    pub timings: Vec<(&'static str, Duration)>,
    /// The sources' expectations that failed as warnings.
    pub findings: Vec<crate::source::expect::Finding>,
    /// Indicators reading a pushed-down source that ran here, with why.
    pub read_here: Vec<(usize, String)>,
}

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
    let reporting = match (options.period, options.input) {
        (Some(m), _) => m,
        (None, Input::Sources) => reporting_or_latest(project, None)?,
        (None, Input::Tables { tables, .. }) => reporting_month(latest_month(project, tables)?)?,
    };
    let domain = Domain::ending(reporting);
    let pushed = match options.input {
        Input::Sources => crate::pushdown::plan(project, reporting),
        Input::Tables { .. } => crate::pushdown::Plan::default(),
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
    card.read_here = pushed.read_here;
    Ok(card)
}

/// The reporting month asked for, or else the latest month with data (read
/// from the date columns alone).
pub fn reporting_or_latest(project: &Project, asked: Option<Month>) -> Result<Month, EvalError> {
    match asked {
        Some(m) => Ok(m),
        None => {
            let periods = read_period_columns(project).map_err(EvalError)?;
            reporting_month(latest_month(project, &periods)?)
        }
    }
}

/// The reporting month, or why there is none.
fn reporting_month(latest: Option<Month>) -> Result<Month, EvalError> {
    latest.ok_or_else(|| {
        EvalError(
            Diagnostic::new(
                "data",
                Place::WHOLE_FILE,
                "no source has any dated row, so there is no period to report",
            )
            .help("check the data files have rows, or choose the month with --period YYYY-MM"),
        )
    })
}

/// The latest row of each indicator for the whole, by indicator.
pub fn latest_whole_rows(card: &Scorecard) -> std::collections::BTreeMap<usize, &Row> {
    card.rows
        .iter()
        .filter(|r| r.group.is_none())
        .map(|r| (r.indicator, r))
        .collect()
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

/// From the series (as measured, before any publication policy) to the
/// scorecard: comparisons and ratings of every period shown.
fn compare_and_rate(
    project: &Project,
    table: &Benchmarks,
    raw: Vec<IndicatorSeries>,
    reporting: Month,
    options: RunOptions,
    mut timings: Vec<(&'static str, Duration)>,
) -> Result<Scorecard, EvalError> {
    let (publish, quality) = (options.publish, options.quality);
    let domain = Domain::ending(reporting);
    let withheld;
    let series: &[IndicatorSeries] = match publish {
        Some(policy) => {
            let mut s = raw.clone();
            for (ind, s) in project.indicators.iter().zip(s.iter_mut()) {
                suppress(project, &ind.measure, &mut s.groups, policy);
            }
            withheld = s;
            &withheld
        }
        None => &raw,
    };
    let step = Instant::now();
    let periods = shown_periods(reporting, Frequency::Monthly);
    // Indicators are rated in parallel, their rows kept in indicator order
    // and the first failure in that order reported.
    type Rated = Result<(Vec<Row>, Vec<Row>), EvalError>;
    let rated: Vec<Rated> = project
        .indicators
        .par_iter()
        .zip(series)
        .enumerate()
        .map(|(i, (ind, s))| {
            let mut rows = Vec::new();
            let mut earlier = Vec::new();
            let shown = shown_periods(reporting, ind.frequency);
            // Pages may show more periods than the long form: those go to
            // `earlier`, so every other output reads the rows it always has.
            let wanted = project
                .pages
                .iter()
                .map(|p| p.periods_of(ind.frequency))
                .max()
                .unwrap_or(0)
                .max(shown.len() as u32);
            let periods_wanted = last_periods(reporting, ind.frequency, wanted);
            for (group, points) in &s.groups {
                for &period in &periods_wanted {
                    let Some(t) = domain.index(period) else {
                        continue;
                    };
                    let mut comparison = compare(points, t, Basis::of(ind));
                    comparison.outturn =
                        outturn(points, t, period, ind.frequency.step(), ind.year_figure);
                    let target_term = if group.is_none() || applies_to_parts(ind.unit) {
                        ind.targets.get(&period.financial_year()).cloned()
                    } else {
                        None
                    };
                    let target = target_term.as_ref().and_then(Target::value);
                    let small = small_base(quality, &points[t]);
                    let flags = flags(quality, period, small, &comparison, ind.frequency);
                    let benchmarks = benchmarks_in_force(ind, table.get(&ind.id), period);
                    let input = RuleInput {
                        indicator: ind,
                        period,
                        point: &points[t],
                        comparison: &comparison,
                        target,
                        target_term: target_term.as_ref(),
                        small_base: small,
                        flags: &flags,
                        benchmarks: &benchmarks,
                    };
                    let dot = rate(project, ind.dot_at(period), &input)?;
                    let rag = rate(project, ind.rag_at(period), &input)?;
                    let rated = ind
                        .rated
                        .iter()
                        .map(|r| rate_against(project, r, &input))
                        .collect::<Result<Vec<_>, _>>()?;
                    let kept = if shown.contains(&period) {
                        &mut rows
                    } else {
                        &mut earlier
                    };
                    kept.push(Row {
                        indicator: i,
                        group: group.clone(),
                        period,
                        point: points[t].clone(),
                        comparison,
                        target,
                        target_term,
                        dot,
                        rag,
                        rated,
                        benchmarks,
                        flags,
                        commentary: if group.is_none() {
                            ind.commentary.get(&period).cloned()
                        } else {
                            None
                        },
                    });
                }
            }
            Ok((rows, earlier))
        })
        .collect();
    let mut rows = Vec::new();
    let mut earlier = Vec::new();
    for r in rated {
        let (shown, before) = r?;
        rows.extend(shown);
        earlier.extend(before);
    }
    timings.push(("compare and rate", step.elapsed()));
    Ok(Scorecard {
        reporting,
        periods,
        rows,
        earlier,
        series: raw,
        timings,
        findings: Vec::new(),
        read_here: Vec::new(),
    })
}

/// Why to read a figure with care (`quality:` in `rubric.yaml`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Flag {
    /// The denominator is under `quality.small_base`.
    SmallBase { denominator: f64, min: f64 },
    /// The data was extracted before the period ended.
    Incomplete {
        extracted: chrono::NaiveDate,
        period_end: chrono::NaiveDate,
    },
    /// The 12-month statistics are over fewer periods than the window holds.
    PartialWindow {
        periods: u32,
        of: u32,
        frequency: Frequency,
    },
}

impl Flag {
    /// The flag's name, as rules read it in `flags`.
    pub fn name(&self) -> &'static str {
        match self {
            Flag::SmallBase { .. } => "small_base",
            Flag::Incomplete { .. } => "incomplete",
            Flag::PartialWindow { .. } => "partial_12m",
        }
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Flag::SmallBase { denominator, min } => write!(
                f,
                "small base: the denominator {} is under {}",
                crate::format::count(*denominator),
                crate::format::count(*min)
            ),
            Flag::Incomplete {
                extracted,
                period_end,
            } => write!(
                f,
                "incomplete: the data was extracted on {extracted}, before the period ends on {period_end}"
            ),
            Flag::PartialWindow {
                periods,
                of,
                frequency,
            } => {
                let unit = match frequency {
                    Frequency::Monthly => "months",
                    Frequency::Quarterly => "quarters",
                    Frequency::Annual => "years",
                };
                write!(
                    f,
                    "partial: the 12-month average, highest and lowest are over {periods} of {of} {unit}"
                )
            }
        }
    }
}

/// The quality flags of one figure.
fn flags(
    quality: Quality,
    period: Month,
    small: Option<Flag>,
    comparison: &Comparison,
    frequency: Frequency,
) -> Vec<Flag> {
    let mut flags: Vec<Flag> = small.into_iter().collect();
    let (periods, of) = comparison.periods_12m;
    if comparison.avg_12m.is_some() && periods < of {
        flags.push(Flag::PartialWindow {
            periods,
            of,
            frequency,
        });
    }
    if let Some(extracted) = quality.extracted {
        let end = period.last_day();
        if days_from_date(end) > extracted {
            flags.push(Flag::Incomplete {
                extracted: date_from_days(extracted),
                period_end: end,
            });
        }
    }
    flags
}

/// The small-base flag of a figure, when its denominator is under
/// `quality.small_base`.
pub fn small_base(quality: Quality, point: &Point) -> Option<Flag> {
    let min = quality.small_base?;
    let d = point.denominator?;
    (d < min).then_some(Flag::SmallBase {
        denominator: d,
        min,
    })
}

/// Whether a target set for the whole also holds for each breakdown value:
/// yes for proportions and averages (each team should reach 95%), no for
/// counts and rates, which are totals of the whole.
pub fn applies_to_parts(unit: Unit) -> bool {
    matches!(unit, Unit::Percent | Unit::Days | Unit::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn complete_quarters_and_years_up_to_the_reporting_month() {
        let q = shown_periods(m("2023-07"), Frequency::Quarterly);
        assert_eq!(
            q.iter().map(Month::to_string).collect::<Vec<_>>(),
            ["2022-06", "2022-09", "2022-12", "2023-03", "2023-06"]
        );
        let q = shown_periods(m("2023-06"), Frequency::Quarterly);
        assert_eq!(q.last(), Some(&m("2023-06")));
        let y = shown_periods(m("2023-07"), Frequency::Annual);
        assert_eq!(
            y.iter().map(Month::to_string).collect::<Vec<_>>(),
            ["2021-03", "2022-03", "2023-03"]
        );
        assert_eq!(
            shown_periods(m("2023-03"), Frequency::Annual).last(),
            Some(&m("2023-03"))
        );
        assert_eq!(
            shown_periods(m("2023-02"), Frequency::Annual).last(),
            Some(&m("2022-03"))
        );
        assert_eq!(shown_periods(m("2023-07"), Frequency::Monthly).len(), 13);
    }
}
