//! From base-measure results to each indicator's series: ratios, rates
//! and formulas are combined per group and period. A value that cannot be
//! given is a `Point` with the reason, never NaN or infinity.

use super::cohort;
use super::domain::Domain;
use super::result::{BaseResult, Group};
use super::tables::{population_by_year, Tables};
use crate::error::EvalError;
use crate::expr::site::runtime_message;
use crate::model::indicator::Indicator;
use crate::model::measure::{Aggregate, Measure, Population};
use crate::model::Project;
use rhai::{Dynamic, Scope};
use std::collections::{BTreeMap, BTreeSet};

/// What a whole's breakdown and value are written as in the series table
/// (`run::series_file`) and in the SQL that computes it.
pub(crate) const WHOLE: &str = "all";

/// One indicator's figure for one group and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// Why there is no value; `None` when there is one.
    pub missing: Option<String>,
    /// Withheld by the publication policy (the reason says why).
    pub suppressed: bool,
}

impl Point {
    pub fn value(v: f64) -> Point {
        Point {
            value: Some(v),
            numerator: None,
            denominator: None,
            missing: None,
            suppressed: false,
        }
    }

    pub fn missing(reason: impl Into<String>) -> Point {
        Point {
            value: None,
            numerator: None,
            denominator: None,
            missing: Some(reason.into()),
            suppressed: false,
        }
    }
}

/// An indicator's points per group (`None` is the whole), indexed like the domain.
#[derive(Debug, Clone, Default)]
pub struct IndicatorSeries {
    pub groups: BTreeMap<Group, Vec<Point>>,
}

/// Evaluates every indicator but those computed `elsewhere`; formulas
/// after the indicators they read.
pub fn evaluate_all(
    project: &Project,
    tables: &Tables,
    bases: &[BaseResult],
    domain: Domain,
    elsewhere: &BTreeSet<usize>,
) -> Result<Vec<IndicatorSeries>, EvalError> {
    let mut out = vec![None; project.indicators.len()];
    evaluate_in_order(project, tables, bases, domain, &mut out, &|i| {
        !elsewhere.contains(&i)
    })?;
    Ok(out.into_iter().map(Option::unwrap_or_default).collect())
}

/// Fills in, from the series of the indicators they read, the formula
/// indicators (`absent[i]`) a series table computed elsewhere has no rows
/// for: a formula runs in Rubric, whichever engine gave its inputs.
pub fn formulas_over(
    project: &Project,
    series: &mut [IndicatorSeries],
    absent: &[bool],
    domain: Domain,
) -> Result<(), EvalError> {
    let mut out: Vec<Option<IndicatorSeries>> = series.iter().cloned().map(Some).collect();
    evaluate_in_order(project, &Tables::default(), &[], domain, &mut out, &|i| {
        absent[i]
            && project.indicators[i]
                .measures()
                .all(|m| matches!(m, Measure::Expression(_)))
    })?;
    for (s, o) in series.iter_mut().zip(out) {
        *s = o.unwrap_or_default();
    }
    Ok(())
}

/// Evaluates the indicators `wanted` in the project's evaluation order
/// into `out`, where those already done (or given) are read by formulas.
fn evaluate_in_order(
    project: &Project,
    tables: &Tables,
    bases: &[BaseResult],
    domain: Domain,
    out: &mut [Option<IndicatorSeries>],
    wanted: &dyn Fn(usize) -> bool,
) -> Result<(), EvalError> {
    let mut populations = BTreeMap::new();
    let mut cohorts = Cohorts::new();
    let index = crate::model::indicator::positions(&project.indicators);
    for &i in &project.evaluation_order {
        if !wanted(i) {
            continue;
        }
        let ctx = EvalCtx {
            project,
            tables,
            bases,
            domain,
            populations: &mut populations,
            cohorts: &mut cohorts,
            done: out,
            index: &index,
        };
        out[i] = Some(evaluate_indicator(&project.indicators[i], ctx)?);
    }
    Ok(())
}

type Cohorts = BTreeMap<(crate::model::measure::Cohort, Group), Vec<i64>>;

struct EvalCtx<'a> {
    project: &'a Project,
    tables: &'a Tables,
    bases: &'a [BaseResult],
    domain: Domain,
    populations: &'a mut BTreeMap<String, BTreeMap<i32, f64>>,
    /// Each cohort's counts per period, by members and group, once.
    cohorts: &'a mut Cohorts,
    done: &'a [Option<IndicatorSeries>],
    index: &'a BTreeMap<&'a str, usize>,
}

fn evaluate_indicator(ind: &Indicator, mut ctx: EvalCtx) -> Result<IndicatorSeries, EvalError> {
    let mut groups: BTreeSet<Group> = BTreeSet::from([None]);
    if !ind.breakdowns.is_empty() {
        for m in ind.measures() {
            collect_groups(m, ctx.bases, &mut groups);
        }
    }
    let mut series = IndicatorSeries::default();
    let data_end = ctx.project.data_end(ind);
    for group in groups {
        let mut points = Vec::with_capacity(ctx.domain.len());
        for t in 0..ctx.domain.len() {
            let month = ctx.domain.month(t);
            let point = match (ind.collected_from, &data_end) {
                (Some(from), _) if month < from => {
                    Point::missing(format!("not collected before {from}"))
                }
                (_, Some(end)) if month > end.month => Point::missing(end.reason()),
                _ => point(ind.measure_at(month), ind, &group, t, &mut ctx)?,
            };
            points.push(point);
        }
        series.groups.insert(group, points);
    }
    Ok(series)
}

fn collect_groups(m: &Measure, bases: &[BaseResult], groups: &mut BTreeSet<Group>) {
    match m {
        Measure::Base(id) => groups.extend(bases[*id].groups.keys().cloned()),
        Measure::Ratio {
            numerator,
            denominator,
            ..
        } => {
            collect_groups(numerator, bases, groups);
            collect_groups(denominator, bases, groups);
        }
        Measure::Rate { measure, .. } => collect_groups(measure, bases, groups),
        Measure::Expression(_) => {}
        // Every member's groups, as the SQL grid lists them (a group only a
        // `none_of` member holds counts 0).
        Measure::Cohort(c) => {
            for id in c.members() {
                groups.extend(bases[id].groups.keys().cloned());
            }
        }
    }
}

fn point(
    m: &Measure,
    ind: &Indicator,
    group: &Group,
    t: usize,
    ctx: &mut EvalCtx,
) -> Result<Point, EvalError> {
    Ok(match m {
        Measure::Base(id) => {
            let cells = ctx.bases[*id].groups.get(group);
            let rows = cells.map_or(0, |c| c.rows[t]);
            match &ctx.project.base_measures[*id].aggregate {
                Aggregate::Count => Point::value(rows as f64),
                Aggregate::Distinct(_) => Point::value(cells.map_or(0, |c| c.distinct[t]) as f64),
                Aggregate::Sum(_) | Aggregate::Mean(_) if rows == 0 => Point::missing(
                    cells
                        .and_then(|c| c.reasons[t].clone())
                        .unwrap_or_else(|| "no rows in this period".to_string()),
                ),
                Aggregate::Sum(_) => finite(Point::value(cells.map_or(0.0, |c| c.sums[t]))),
                Aggregate::Mean(_) => {
                    finite(Point::value(cells.map_or(0.0, |c| c.sums[t]) / rows as f64))
                }
            }
        }
        Measure::Cohort(members) => {
            let key = (members.clone(), group.clone());
            if !ctx.cohorts.contains_key(&key) {
                let counts = cohort::per_period(ctx.bases, members, group, ctx.domain.len());
                ctx.cohorts.insert(key.clone(), counts);
            }
            Point::value(ctx.cohorts[&key][t] as f64)
        }
        Measure::Ratio {
            numerator,
            denominator,
            scale,
        } => {
            let n = point(numerator, ind, group, t, ctx)?;
            let d = point(denominator, ind, group, t, ctx)?;
            match (n.value, d.value) {
                (None, _) => {
                    Point::missing(format!("numerator: {}", n.missing.unwrap_or_default()))
                }
                (_, None) => {
                    Point::missing(format!("denominator: {}", d.missing.unwrap_or_default()))
                }
                (Some(_), Some(0.0)) => Point {
                    value: None,
                    numerator: n.value,
                    denominator: d.value,
                    missing: Some("the denominator is 0".to_string()),
                    suppressed: false,
                },
                (Some(nv), Some(dv)) => finite(Point {
                    value: Some(nv * scale / dv),
                    numerator: Some(nv),
                    denominator: Some(dv),
                    missing: None,
                    suppressed: false,
                }),
            }
        }
        Measure::Rate {
            measure,
            population,
            per,
        } => {
            let m = point(measure, ind, group, t, ctx)?;
            let Some(mv) = m.value else {
                return Ok(m);
            };
            let year = ctx.domain.month(t).year();
            let pop = match population {
                Population::Fixed(v) => Some(*v),
                Population::Table { source, .. } => {
                    let key = format!("{source}:{}", ind.id);
                    if !ctx.populations.contains_key(&key) {
                        let by_year = population_by_year(ctx.project, ctx.tables, population)?;
                        ctx.populations.insert(key.clone(), by_year);
                    }
                    // The latest population published for the period's year or before.
                    ctx.populations[&key]
                        .range(..=year)
                        .next_back()
                        .map(|(_, v)| *v)
                }
            };
            match pop {
                None => Point::missing(format!("no population for {year} or earlier")),
                Some(p) if p <= 0.0 => Point::missing(format!("the population for {year} is {p}")),
                Some(p) => finite(Point {
                    value: Some(mv * per / p),
                    numerator: Some(mv),
                    denominator: Some(p),
                    missing: None,
                    suppressed: false,
                }),
            }
        }
        Measure::Expression(formula) => {
            let mut scope = Scope::new();
            for input in &formula.inputs {
                let j = ctx.index[input.as_str()];
                let p = ctx.done[j]
                    .as_ref()
                    .and_then(|s| s.groups.get(&None))
                    .map(|pts| &pts[t]);
                match p.and_then(|p| p.value) {
                    Some(v) => {
                        scope.push_dynamic(input.as_str(), Dynamic::from_float(v));
                    }
                    None => {
                        let why = p.and_then(|p| p.missing.clone()).unwrap_or_default();
                        return Ok(Point::missing(format!("{input} is missing: {why}")));
                    }
                }
            }
            let result = ctx
                .project
                .engine
                .eval_ast_with_scope::<Dynamic>(&mut scope, &formula.ast)
                .map_err(|e| {
                    EvalError(
                        formula
                            .site
                            .diagnostic(
                                e.position(),
                                format!(
                                    "the formula failed in {}: {}",
                                    ctx.domain.month(t),
                                    runtime_message(&e)
                                ),
                            )
                            .help(format!("the formula is: {}", formula.text.trim())),
                    )
                })?;
            let v = result
                .as_float()
                .ok()
                .or_else(|| result.as_int().ok().map(|i| i as f64));
            match v {
                Some(v) => finite(Point::value(v)),
                None => {
                    return Err(EvalError(
                        formula
                            .site
                            .diagnostic(
                                rhai::Position::NONE,
                                format!(
                                    "the formula gave {}, not a number, in {}",
                                    result.type_name(),
                                    ctx.domain.month(t)
                                ),
                            )
                            .help("a formula must give a number, e.g. CP1 / CIN1 * 100"),
                    ))
                }
            }
        }
    })
}

/// The reason given for a result that is not a finite number.
pub const NOT_FINITE: &str =
    "the result is not a finite number (a division by zero, a value too large, or NaN in the data)";

/// Keeps NaN and infinity out of every output: a sum past the largest
/// number, a ratio over a vanishing denominator or NaN in the data gives
/// a missing value with its reason, never a non-number.
fn finite(p: Point) -> Point {
    let ok = |x: Option<f64>| x.is_none_or(f64::is_finite);
    if ok(p.value) && ok(p.numerator) && ok(p.denominator) {
        return p;
    }
    let keep = |x: Option<f64>| x.filter(|v| v.is_finite());
    Point {
        value: None,
        numerator: keep(p.numerator),
        denominator: keep(p.denominator),
        missing: Some(NOT_FINITE.to_string()),
        suppressed: false,
    }
}
