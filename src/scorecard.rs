//! A run from compiled project to scorecard: read each source once, scan,
//! evaluate every indicator, compare and rate each period.

use crate::config::document::Unit;
use crate::diagnostic::{Diagnostic, Place};
use crate::measure::domain::Domain;
use crate::measure::period::Month;
use crate::measure::scan::{latest_month, read_tables, scan, EvalError, Group};
use crate::measure::series::{evaluate_all, Point};
use crate::model::Project;
use crate::rules::comparisons::{compare, Comparison};
use crate::rules::evaluate::{rate, Rating, RuleInput};

/// How many months the scorecard shows, ending at the reporting month.
pub const SHOWN_MONTHS: usize = 13;

/// One indicator, group and period, with everything reports show.
#[derive(Debug, Clone)]
pub struct Row {
    /// Index into `Project::indicators`.
    pub indicator: usize,
    pub group: Group,
    pub period: Month,
    pub point: Point,
    pub comparison: Comparison,
    pub target: Option<f64>,
    pub dot: Rating,
    pub rag: Rating,
    pub commentary: Option<String>,
}

/// The evaluated scorecard: rows in indicator order, then group (the whole
/// first), then period.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub reporting: Month,
    pub periods: Vec<Month>,
    pub rows: Vec<Row>,
}

/// Evaluates the project for the reporting month (default: the latest month with data).
pub fn build(project: &Project, reporting: Option<Month>) -> Result<Scorecard, EvalError> {
    let tables = read_tables(project).map_err(EvalError)?;
    let reporting = match reporting.or_else(|| latest_month(project, &tables)) {
        Some(m) => m,
        None => {
            return Err(EvalError(
                Diagnostic::new(
                    "data",
                    Place::WHOLE_FILE,
                    "no source has any dated row, so there is no period to report",
                )
                .help("check the data files have rows, or choose the month with --period YYYY-MM"),
            ))
        }
    };
    let domain = Domain::ending(reporting);
    let bases = scan(project, &tables, domain)?;
    let series = evaluate_all(project, &tables, &bases, domain)?;
    let shown_from = domain.len() - SHOWN_MONTHS;
    let periods: Vec<Month> = (shown_from..domain.len())
        .map(|t| domain.month(t))
        .collect();
    let mut rows = Vec::new();
    for (i, (ind, s)) in project.indicators.iter().zip(&series).enumerate() {
        for (group, points) in &s.groups {
            for t in shown_from..domain.len() {
                let period = domain.month(t);
                let comparison = compare(points, t);
                let target = if group.is_none() || applies_to_parts(ind.unit) {
                    ind.targets.get(&period.financial_year()).copied()
                } else {
                    None
                };
                let input = RuleInput {
                    indicator: ind,
                    period,
                    point: &points[t],
                    comparison: &comparison,
                    target,
                };
                let dot = rate(project, ind.dot.as_ref(), &input)?;
                let rag = rate(project, ind.rag.as_ref(), &input)?;
                rows.push(Row {
                    indicator: i,
                    group: group.clone(),
                    period,
                    point: points[t].clone(),
                    comparison,
                    target,
                    dot,
                    rag,
                    commentary: if group.is_none() {
                        ind.commentary.get(&period).cloned()
                    } else {
                        None
                    },
                });
            }
        }
    }
    Ok(Scorecard {
        reporting,
        periods,
        rows,
    })
}

/// Whether a target set for the whole also holds for each breakdown value:
/// yes for proportions and averages (each team should reach 95%), no for
/// counts and rates, which are totals of the whole.
pub fn applies_to_parts(unit: Unit) -> bool {
    matches!(unit, Unit::Percent | Unit::Days | Unit::Number)
}
