//! Drilling down: the source rows behind a figure, chosen by exactly the
//! filter, dates, window and breakdown the scan uses, so their count is
//! the figure in the scorecard.

use super::domain::Domain;
use super::having::holds;
use super::history::Histories;
use super::lookup::{join, lookup_columns, Indexes};
use super::measure_error::MeasureError;
use super::period_filter::held_pairs;
use super::result::BreakdownValue;
use super::row_periods::{group_at, kept_rows, snapshot_ends, RowPeriods};
use crate::calendar::period::days_from_date;
use crate::calendar::period::{Month, MonthTable};
use crate::diagnostic::Diagnostic;
use crate::model::measure::{band_at, By};
use crate::model::measure::{Aggregate, BaseId, BaseMeasure, Measure, Timing};
use crate::model::Project;
use crate::source::read_columns;
use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::{Array, RecordBatch, UInt32Array};
use std::collections::BTreeMap;

/// Which rows of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The rows counted (of a ratio: its numerator).
    Numerator,
    /// The rows of a ratio's denominator.
    Denominator,
    /// The rows in a ratio's denominator but not its numerator: the
    /// assessments that were late, the visits that were missed.
    Excluded,
}

/// The rows behind a figure, every usable column of their source.
#[derive(Debug, Clone)]
pub struct Drilled {
    pub source: String,
    /// The base measure the rows belong to (for `Excluded`, the denominator).
    pub base: BaseId,
    pub rows: RecordBatch,
}

/// Why a figure's rows cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum DrillError {
    /// The part asked for is not rows of one source.
    #[error("{indicator}: {why}")]
    NotRows { indicator: String, why: NotRows },
    #[error("{period} is not among the months computed up to {reporting}")]
    NotComputed { period: Month, reporting: Month },
    #[error("it has no breakdown `{0}`")]
    NoBreakdown(String),
    #[error("column `{0}` was not read")]
    NotRead(String),
    #[error("`having` failed: {0}")]
    Having(String),
    #[error("the filter failed: {0}")]
    Filter(String),
    /// Reading or joining the rows failed (its message, as placed).
    #[error("{}", .0.message)]
    Read(Diagnostic),
    #[error(transparent)]
    Measure(#[from] MeasureError),
    #[error(transparent)]
    Arrow(#[from] arrow_schema::ArrowError),
}

impl From<Diagnostic> for DrillError {
    fn from(d: Diagnostic) -> DrillError {
        DrillError::Read(d)
    }
}

/// Why a measure's part is not rows of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotRows {
    #[error("it counts rows; it has no denominator, so only --part numerator")]
    NoDenominator,
    #[error(
        "its numerator or denominator is itself computed; drill into the indicators it is made of"
    )]
    ComputedParts,
    #[error("its measure is itself computed; drill into the indicators it is made of")]
    ComputedMeasure,
    #[error("its denominator is a population, not rows, so only --part numerator")]
    Population,
    #[error("it counts ids across several sources; drill into the indicators counting each")]
    Cohort,
    #[error("it is a formula of other indicators; drill into those")]
    Formula,
}

/// The rows of indicator `index` behind its figure for `period`, in the
/// run whose reporting month is `reporting`, for one breakdown value or
/// the whole.
pub fn drill(
    project: &Project,
    index: usize,
    period: Month,
    reporting: Month,
    group: Option<&BreakdownValue>,
    part: Part,
) -> Result<Drilled, DrillError> {
    let ind = &project.indicators[index];
    let (base, minus) =
        bases_of(ind.measure_at(period), part).map_err(|why| DrillError::NotRows {
            indicator: ind.id.clone(),
            why,
        })?;
    let rows = base_rows(project, base, minus, period, reporting, group)?;
    Ok(Drilled {
        source: project.base_measures[base].source.clone(),
        base,
        rows,
    })
}

/// The ids a cohort counts in a period, each with whether each member
/// holds it there: as many ids as the figure.
#[derive(Debug, Clone)]
pub struct CohortIds {
    /// Each member: its base measure and how it takes part.
    pub members: Vec<(BaseId, &'static str)>,
    /// Each id counted, with whether each member holds it.
    pub ids: Vec<(String, Vec<bool>)>,
}

/// The cohort behind indicator `index`'s figure (its measure, or a ratio's
/// numerator) for `period`, member by member.
pub fn cohort_ids(
    project: &Project,
    index: usize,
    period: Month,
    reporting: Month,
    group: Option<&BreakdownValue>,
) -> Option<Result<CohortIds, DrillError>> {
    let cohort = match project.indicators[index].measure_at(period) {
        Measure::Cohort(c) => c,
        Measure::Ratio { numerator, .. } => match numerator.as_ref() {
            Measure::Cohort(c) => c,
            _ => return None,
        },
        _ => return None,
    };
    let members: Vec<(BaseId, &'static str)> = cohort
        .any_of
        .iter()
        .map(|b| (*b, "any of"))
        .chain(cohort.all_of.iter().map(|b| (*b, "all of")))
        .chain(cohort.none_of.iter().map(|b| (*b, "none of")))
        .collect();
    Some((|| {
        let mut held: BTreeMap<BaseId, std::collections::BTreeSet<String>> = BTreeMap::new();
        for (base, _) in &members {
            let rows = base_rows(project, *base, None, period, reporting, group)?;
            let Aggregate::Distinct(column) = &project.base_measures[*base].aggregate else {
                return Err(DrillError::NotRead("the member's id".to_string()));
            };
            let ids = rows
                .column_by_name(column)
                .ok_or_else(|| DrillError::NotRead(column.clone()))?;
            let set = (0..ids.len())
                .filter(|&r| !ids.is_null(r))
                .map(|r| group_at(ids.as_ref(), r))
                .collect();
            held.insert(*base, set);
        }
        let all: std::collections::BTreeSet<&String> = held.values().flatten().collect();
        let ids = all
            .into_iter()
            .filter(|id| cohort.counts(|b| held[&b].contains(*id)))
            .map(|id| {
                let holding = members.iter().map(|(b, _)| held[b].contains(id)).collect();
                (id.clone(), holding)
            })
            .collect();
        Ok(CohortIds {
            members: members.clone(),
            ids,
        })
    })())
}

/// The rows of base measure `base` counted in `period` (less those `minus`
/// counts), with the columns their lookups and histories bring.
fn base_rows(
    project: &Project,
    base: BaseId,
    minus: Option<BaseId>,
    period: Month,
    reporting: Month,
    group: Option<&BreakdownValue>,
) -> Result<RecordBatch, DrillError> {
    let measure = &project.base_measures[base];
    let source = &project.sources.by_name[&measure.source];
    let columns = source.usable_columns();
    let table = read_columns(source, &columns).map_err(DrillError::from)?;
    let domain = Domain::ending(reporting);
    let t = domain
        .index(period)
        .ok_or(DrillError::NotComputed { period, reporting })?;
    let months = domain.month_table();
    // The rows come with the columns their lookups bring.
    let mut lookups = measure.lookups.clone();
    for other in minus
        .iter()
        .flat_map(|&m| &project.base_measures[m].lookups)
    {
        if !lookups.iter().any(|l| l.same(other)) {
            lookups.push(other.clone());
        }
    }
    let mut read = BTreeMap::new();
    for (name, columns) in lookup_columns(project, &Default::default()) {
        if lookups.iter().any(|l| l.source == name) {
            let table = read_columns(&project.sources.by_name[&name], &columns)
                .map_err(DrillError::from)?;
            read.insert(name, table);
        }
    }
    let indexes = Indexes::build(project, &read).map_err(|e| DrillError::from(e.0))?;
    let mut own = vec![measure];
    own.extend(minus.map(|m| &project.base_measures[m]));
    let histories = Histories::build(&table.batches, &own)?;
    let at = Scope {
        project,
        domain,
        months: &months,
        t,
        group,
    };
    // The batches as the scan sees them, and the rows each measure counts.
    let mut seen = Vec::with_capacity(table.batches.len());
    let mut first_row = 0;
    for batch in &table.batches {
        let mut joined = join(project, &indexes, &measure.source, &lookups, batch)
            .map_err(|e| DrillError::from(e.0))?;
        for base in &own {
            joined = histories.add_to(base, &joined, first_row)?;
        }
        first_row += batch.num_rows();
        seen.push(joined);
    }
    let counted = |base: &BaseMeasure| -> Result<Vec<Vec<usize>>, DrillError> {
        let mut rows = seen
            .iter()
            .map(|b| at.counted_rows(base, b))
            .collect::<Result<Vec<_>, _>>()?;
        // An id's rows are judged together, whichever batches hold them.
        if let (Some(h), Aggregate::Distinct(c)) = (&base.having, &base.aggregate) {
            keep_ids_having(project, h, c, &seen, &mut rows)?;
        }
        Ok(rows)
    };
    let mut rows = counted(measure)?;
    if let Some(other) = minus {
        let taken = counted(&project.base_measures[other])?;
        for (kept, taken) in rows.iter_mut().zip(taken) {
            kept.retain(|r| taken.binary_search(r).is_err());
        }
    }
    let mut parts = Vec::with_capacity(seen.len());
    for (batch, rows) in seen.iter().zip(rows) {
        let indices = UInt32Array::from(rows.iter().map(|&r| r as u32).collect::<Vec<_>>());
        parts.push(
            arrow_select::take::take_record_batch(batch, &indices).map_err(DrillError::from)?,
        );
    }
    let schema = match parts.first() {
        Some(b) => b.schema(),
        None => std::sync::Arc::new(arrow_schema::Schema::empty()),
    };
    let rows = arrow_select::concat::concat_batches(&schema, &parts).map_err(DrillError::from)?;
    shown_names(rows)
}

/// The rows with each history column named as a filter reads it:
/// `previous(start_date)`, not the scan's `previous__start_date`.
fn shown_names(rows: RecordBatch) -> Result<RecordBatch, DrillError> {
    let schema = rows.schema();
    let fields: Vec<arrow_schema::Field> = schema
        .fields()
        .iter()
        .map(|f| match crate::expr::history::previous_of(f.name()) {
            Some(column) => f.as_ref().clone().with_name(format!("previous({column})")),
            None => f.as_ref().clone(),
        })
        .collect();
    RecordBatch::try_new(
        std::sync::Arc::new(arrow_schema::Schema::new(fields)),
        rows.columns().to_vec(),
    )
    .map_err(DrillError::from)
}

/// Keeps, in each batch's `rows`, the rows of the ids whose rows (across
/// every batch) meet `having`.
fn keep_ids_having(
    project: &Project,
    having: &crate::expr::row_expr::RowExpr,
    id_column: &str,
    batches: &[RecordBatch],
    rows: &mut [Vec<usize>],
) -> Result<(), DrillError> {
    let ids = batches
        .iter()
        .map(|b| {
            b.column_by_name(id_column)
                .ok_or_else(|| DrillError::NotRead(id_column.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for (ids, rows) in ids.iter().zip(rows.iter()) {
        for &r in rows {
            *counts.entry(group_at(ids.as_ref(), r)).or_default() += 1;
        }
    }
    let held = holds(&project.engine, having, counts.values().copied())
        .map_err(|e| DrillError::Having(e.message))?;
    let kept: std::collections::BTreeSet<&String> = counts
        .keys()
        .zip(held)
        .filter(|(_, h)| *h)
        .map(|(k, _)| k)
        .collect();
    for (ids, rows) in ids.iter().zip(rows.iter_mut()) {
        rows.retain(|&r| kept.contains(&group_at(ids.as_ref(), r)));
    }
    Ok(())
}

/// The base measure whose rows make up `part`, and one whose rows are
/// taken away from them.
fn bases_of(m: &Measure, part: Part) -> Result<(BaseId, Option<BaseId>), NotRows> {
    match (m, part) {
        (Measure::Base(b), Part::Numerator) => Ok((*b, None)),
        (Measure::Base(_), _) => Err(NotRows::NoDenominator),
        (
            Measure::Ratio {
                numerator,
                denominator,
                ..
            },
            part,
        ) => match (part, numerator.as_ref(), denominator.as_ref()) {
            (Part::Numerator, Measure::Base(n), _) => Ok((*n, None)),
            (Part::Denominator, _, Measure::Base(d)) => Ok((*d, None)),
            (Part::Excluded, Measure::Base(n), Measure::Base(d)) => Ok((*d, Some(*n))),
            (Part::Numerator, Measure::Cohort(_), _) => Err(NotRows::Cohort),
            _ => Err(NotRows::ComputedParts),
        },
        (Measure::Rate { measure, .. }, Part::Numerator) => match measure.as_ref() {
            Measure::Base(b) => Ok((*b, None)),
            _ => Err(NotRows::ComputedMeasure),
        },
        (Measure::Rate { .. }, _) => Err(NotRows::Population),
        (Measure::Cohort(_), _) => Err(NotRows::Cohort),
        (Measure::Expression(_), _) => Err(NotRows::Formula),
    }
}

struct Scope<'a> {
    project: &'a Project,
    domain: Domain,
    months: &'a MonthTable,
    t: usize,
    group: Option<&'a BreakdownValue>,
}

impl Scope<'_> {
    /// The rows of `batch` that count for `base` in period `t` (sorted).
    fn counted_rows(
        &self,
        base: &BaseMeasure,
        batch: &RecordBatch,
    ) -> Result<Vec<usize>, DrillError> {
        let mask = match &base.filter {
            Some(f) if !f.reads_period => Some(
                f.evaluate(&self.project.engine, batch)
                    .map_err(|e| DrillError::Filter(e.message))?,
            ),
            _ => None,
        };
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .ok_or_else(|| DrillError::NotRead(name.to_string()))
        };
        let dates = |name: &str| col(name).map(|c| c.as_primitive::<Date32Type>().clone());
        let (starts, ends) = match &base.timing {
            Timing::Flow { date } => (dates(date)?, None),
            Timing::Snapshot {
                start,
                end,
                open_on_end_day,
            } => {
                let starts = dates(start)?;
                let ends = end.as_deref().map(dates).transpose()?;
                let ends =
                    snapshot_ends(ends.as_ref(), starts.len(), *open_on_end_day, base.window);
                (starts, Some(ends))
            }
        };
        let periods = RowPeriods {
            starts: &starts,
            ends: ends.as_ref(),
            window: base.window,
            domain: self.domain,
            months: self.months,
        };
        // Rows the aggregate cannot use are not behind the figure.
        let needed = match &base.aggregate {
            Aggregate::Sum(c) | Aggregate::Mean(c) | Aggregate::Distinct(c) => Some(col(c)?),
            Aggregate::Count => None,
        };
        let by = match self.group {
            Some(part) => match base.breakdowns.iter().find(|b| b.name == part.by) {
                Some(b) => Some((&b.by, col(b.column())?, part)),
                None => return Err(DrillError::NoBreakdown(part.by.to_string())),
            },
            None => None,
        };
        let end = days_from_date(self.domain.month(self.t).last_day());
        let rows: Vec<usize> = kept_rows(mask.as_ref(), &starts)
            .set_indices()
            .filter(|&row| {
                periods
                    .of(row)
                    .is_some_and(|(from, to)| from <= self.t && self.t <= to)
            })
            .filter(|&row| needed.is_none_or(|a| !a.is_null(row)))
            .filter(move |&row| match &by {
                Some((By::Column(_), a, part)) => group_at(a.as_ref(), row) == part.value,
                Some((By::AgeBand { bands, .. }, a, part)) => {
                    let births = a.as_primitive::<Date32Type>();
                    let birth = (!births.is_null(row)).then(|| births.value(row));
                    band_at(bands, birth, end) == part.rank as usize
                }
                None => true,
            })
            .collect();
        match base.filter.as_ref().filter(|f| f.reads_period) {
            None => Ok(rows),
            Some(f) => {
                let pairs: Vec<(u32, u32)> =
                    rows.iter().map(|&r| (r as u32, self.t as u32)).collect();
                let held = held_pairs(
                    &self.project.engine,
                    f,
                    batch,
                    base.window,
                    self.domain,
                    &pairs,
                )
                .map_err(|e| DrillError::Filter(e.message))?;
                Ok(rows
                    .into_iter()
                    .zip(held)
                    .filter(|p| p.1)
                    .map(|p| p.0)
                    .collect())
            }
        }
    }
}
