//! The rate step of a run: each indicator's series compared with its
//! past, target and benchmarks, rated, and flagged, in parallel.

use super::publication::suppress;
use super::RunOptions;
use crate::calendar::period::{date_from_days, days_from_date, Month};
use crate::config::document::Frequency;
use crate::error::EvalError;
use crate::measure::domain::Domain;
use crate::measure::series::IndicatorSeries;
use crate::model::indicator::Target;
use crate::model::Project;
use crate::model::Quality;
use crate::rules::benchmark_table::{benchmarks_in_force, Benchmarks};
use crate::rules::comparisons::{compare, outturn, Basis, Comparison};
use crate::rules::evaluate::{rate, rate_against, RuleInput};
use crate::rules::flag::{small_base, Flag};
use crate::rules::scorecard::{applies_to_parts, last_periods, shown_periods, Row, Scorecard};
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// From the series (as measured, before any publication policy) to the
/// scorecard: comparisons and ratings of every period shown.
pub(super) fn compare_and_rate(
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
                .map(|p| p.periods_read(ind.frequency))
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
        source_ends: Default::default(),
    })
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
