//! One scan per source: every base measure over a source is computed in a
//! single pass over its in-memory batches (shared, never copied), batches
//! in parallel. Looked-up sources are read and indexed first, and a
//! measure with lookups sees each batch with the brought columns joined.
//! Each kept row is reduced to a range of periods it counts in (its month
//! for a flow, the months it is open at the end of for a snapshot, widened
//! by any window) and added to its group (`accumulate`).

use super::accumulate::Accumulator;
use super::breakdown::breakdown_error;
use super::breakdown::GroupProblem;
use super::domain::Domain;
use super::history::{Histories, Rows};
use super::lookup::{join, lookup_columns, Indexes};
use super::result::{BaseResult, Elsewhere};
use super::tables::{collect_population_columns, needed_columns, source_error, Tables};
use super::wanted::{keep_wanted, wanted_keys};
use crate::calendar::period::MonthTable;
use crate::diagnostic::{Diagnostic, Place};
use crate::error::EvalError;
use crate::model::measure::same_lookups;
use crate::model::Project;
use crate::source::check::check_source;
use crate::source::expect::Finding;
use crate::source::{for_each_batch, read_columns, Table};
use arrow_array::RecordBatch;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// What a run reads: the project's sources, or tables already in memory.
#[derive(Clone, Copy)]
pub enum Input<'a> {
    /// Each source is read (only the columns the measures need) and its
    /// measures computed straight away, so only the sources being worked
    /// on are in memory; population tables, small and needed later, are kept.
    Sources,
    /// Tables in memory (a test's fixture rows). With `only`, just those
    /// base measures are computed; the others count nothing.
    Tables {
        tables: &'a Tables,
        only: Option<&'a std::collections::BTreeSet<usize>>,
    },
}

/// What a scan gives: every base measure's result, and the population
/// tables it read (none when the input was already in memory).
pub(crate) struct Scanned {
    pub results: Vec<BaseResult>,
    pub populations: Option<Tables>,
    /// What the sources' expectations found (warnings only: an error
    /// stops the scan), in source order.
    pub findings: Vec<Finding>,
}

/// A source's measures computed, the table kept if a population, and what
/// its expectations found.
type Done = (
    Vec<(usize, BaseResult)>,
    Option<(String, Table)>,
    Vec<Finding>,
);

/// A source's outcome, with its place in source name order.
type Placed = (usize, Result<Done, EvalError>);

/// A source to read and compute: its place in source name order (results
/// and the first failure are taken in that order), its name and columns.
struct Entry {
    at: usize,
    name: String,
    columns: Vec<String>,
}

/// The one scan driver: sources in parallel, one pass over each source's
/// batches computing every measure of that source. Sources whose measures
/// need no lookup are computed while the looked-up sources are read.
pub(crate) fn scan(
    project: &Project,
    input: Input,
    domain: Domain,
    progress: &dyn crate::progress::Progress,
    elsewhere: &Elsewhere,
) -> Result<Scanned, EvalError> {
    let here: BTreeSet<usize> = (0..project.base_measures.len())
        .filter(|b| !elsewhere.bases.contains(b))
        .collect();
    let only = match input {
        Input::Tables { only, .. } => only,
        Input::Sources if elsewhere.bases.is_empty() => None,
        Input::Sources => Some(&here),
    };
    let by_source = measures_by_source(project, only);
    let mut population_columns = BTreeMap::new();
    for ind in &project.indicators {
        for m in ind.measures() {
            collect_population_columns(m, &mut population_columns);
        }
    }
    let work: Vec<(String, Vec<String>)> = match input {
        Input::Sources => needed_columns(project, elsewhere).into_iter().collect(),
        Input::Tables { .. } => by_source
            .keys()
            .map(|s| (s.to_string(), Vec::new()))
            .collect(),
    };
    let months = domain.month_table();
    progress.stage(
        match input {
            Input::Sources => "reading and computing",
            Input::Tables { .. } => "computing measures",
        },
        work.len(),
    );
    let run = Run {
        project,
        input,
        domain,
        months: &months,
        by_source: &by_source,
        populations: &population_columns,
        progress,
    };
    let entries: Vec<Entry> = work
        .into_iter()
        .enumerate()
        .map(|(at, (name, columns))| Entry { at, name, columns })
        .collect();
    let mut done = match input {
        Input::Tables { tables, .. } => {
            let indexes = Indexes::build(project, &tables.by_source)?;
            run.queue(&indexes, entries)
        }
        Input::Sources => {
            let lookups = lookup_columns(project, &elsewhere.bases);
            // A looked-up source with no measure of its own is judged as
            // it is read for its lookups, not read twice.
            let (judged, rest): (Vec<Entry>, Vec<Entry>) = entries
                .into_iter()
                .partition(|e| lookups.contains_key(&e.name) && run.judged_alone(&e.name));
            let (early, late): (Vec<Entry>, Vec<Entry>) =
                rest.into_iter().partition(|e| !run.needs_lookups(&e.name));
            // The sources needing lookups start as soon as these are read.
            let (late, mut early) = rayon::join(
                || {
                    read_lookups(&run, &elsewhere.bases, lookups, judged).map(
                        |(indexes, mut judged)| {
                            judged.extend(run.queue(&indexes, late));
                            judged
                        },
                    )
                },
                || run.queue(&Indexes::default(), early),
            );
            early.extend(late?);
            early
        }
    };
    done.sort_by_key(|(at, _)| *at);
    let mut results = vec![BaseResult::default(); project.base_measures.len()];
    let mut kept = BTreeMap::new();
    let mut findings = Vec::new();
    // The first failure in source name order is reported.
    for (_, d) in done {
        let (computed, table, found) = d?;
        for (i, r) in computed {
            results[i] = r;
        }
        kept.extend(table);
        findings.extend(found);
    }
    Ok(Scanned {
        results,
        populations: matches!(input, Input::Sources).then_some(Tables { by_source: kept }),
        findings,
    })
}

/// Reads the looked-up sources (only the rows some measure's keys want),
/// judging the expectations of those in `judged` on the way, and indexes
/// them.
fn read_lookups(
    run: &Run,
    elsewhere: &BTreeSet<usize>,
    lookups: BTreeMap<String, Vec<String>>,
    judged: Vec<Entry>,
) -> Result<(Indexes, Vec<Placed>), EvalError> {
    let project = run.project;
    let wanted = wanted_keys(project, elsewhere)?;
    type Read = (String, Table, Option<Placed>);
    let read: Vec<Result<Read, EvalError>> = lookups
        .into_par_iter()
        .map(|(name, lookup)| {
            let source = &project.sources.by_name[&name];
            let entry = judged.iter().find(|e| e.name == name);
            let mut judging = entry.and_then(|_| run.streamed(source));
            let mut columns = lookup.clone();
            if let Some(e) = entry {
                columns.extend(e.columns.iter().cloned());
                columns.sort();
                columns.dedup();
            }
            let mut batches = Vec::new();
            for_each_batch(source, &columns, &mut |b| {
                let keep_in = |why: super::measure_error::MeasureError| {
                    Diagnostic::new(&source.file, Place::WHOLE_FILE, why.to_string())
                };
                let b = match &mut judging {
                    Some(judging) => {
                        judging.feed(&b);
                        let at: Vec<usize> = lookup
                            .iter()
                            .map(|c| b.schema().index_of(c).expect("the lookup column is read"))
                            .collect();
                        b.project(&at).map_err(|e| keep_in(e.into()))?
                    }
                    None => b,
                };
                batches.push(keep_wanted(&wanted, &name, b).map_err(keep_in)?);
                Ok(())
            })
            .map_err(EvalError)?;
            let done = entry.map(|e| {
                let found = judging
                    .expect("a judged source streams")
                    .finish()
                    .map_err(EvalError)
                    .map(|f| (Vec::new(), None, f));
                run.progress.step();
                (e.at, found)
            });
            Ok((name, Table { batches }, done))
        })
        .collect();
    let mut tables = BTreeMap::new();
    let mut done = Vec::new();
    for r in read {
        let (name, table, judged) = r?;
        tables.insert(name, table);
        done.extend(judged);
    }
    Ok((Indexes::build(project, &tables)?, done))
}

/// What computing any one source needs.
struct Run<'a> {
    project: &'a Project,
    input: Input<'a>,
    domain: Domain,
    months: &'a MonthTable,
    by_source: &'a BTreeMap<&'a str, Vec<usize>>,
    /// The population tables' columns, by source: those tables are kept.
    populations: &'a BTreeMap<String, Vec<String>>,
    progress: &'a dyn crate::progress::Progress,
}

impl Run<'_> {
    fn measures(&self, name: &str) -> &[usize] {
        self.by_source.get(name).map_or(&[][..], Vec::as_slice)
    }

    fn needs_lookups(&self, name: &str) -> bool {
        self.measures(name)
            .iter()
            .any(|&i| !self.project.base_measures[i].lookups.is_empty())
    }

    /// A source's expectations judged as it streams past, where they can be.
    fn streamed<'s>(
        &self,
        source: &'s crate::source::Source,
    ) -> Option<crate::source::Streamed<'s>> {
        let reporting = self.domain.month(self.domain.len() - 1);
        crate::source::Streamed::new(source, reporting, self.project.quality.extracted)
    }

    /// Whether a source is read only for its expectations, and they can be
    /// judged as it streams past.
    fn judged_alone(&self, name: &str) -> bool {
        let source = &self.project.sources.by_name[name];
        self.measures(name).is_empty()
            && streams(
                self.project,
                source,
                &[],
                self.populations.contains_key(name),
            )
            && self.streamed(source).is_some()
    }

    /// Computes `entries`, the most work first (a source's bytes times its
    /// measures, each a pass over its rows), each taken by the next free
    /// thread: a large source started last would run alone at the end.
    fn queue(&self, indexes: &Indexes, mut entries: Vec<Entry>) -> Vec<Placed> {
        entries.sort_by_cached_key(|e| {
            let passes = 1 + self.measures(&e.name).len() as u64;
            (
                std::cmp::Reverse(self.stored_bytes(&e.name).saturating_mul(passes)),
                e.at,
            )
        });
        entries
            .into_iter()
            .par_bridge()
            .map(|e| (e.at, self.source(indexes, &e.name, &e.columns)))
            .collect()
    }

    fn stored_bytes(&self, name: &str) -> u64 {
        match self.input {
            Input::Sources => self.project.sources.by_name[name].stored_bytes(),
            Input::Tables { tables, .. } => tables.by_source[name]
                .batches
                .iter()
                .map(|b| b.get_array_memory_size() as u64)
                .sum(),
        }
    }

    /// Reads one source (or takes its table) and computes its measures.
    fn source(&self, indexes: &Indexes, name: &str, columns: &[String]) -> Result<Done, EvalError> {
        let (project, input, domain, months) = (self.project, self.input, self.domain, self.months);
        let source = &project.sources.by_name[name];
        let measures = self.measures(name);
        let kept = self.populations.contains_key(name);
        let reporting = domain.month(domain.len() - 1);
        let judging = match input {
            Input::Sources if streams(project, source, measures, kept) => self.streamed(source),
            _ => None,
        };
        if let Some(judging) = judging {
            let computing = Computing::new(project, indexes, measures, domain, months);
            let (results, findings) = stream_source(computing, source, columns, judging)?;
            self.progress.step();
            return Ok((
                measures.iter().copied().zip(results).collect(),
                None,
                findings,
            ));
        }
        let (read, table) = match input {
            Input::Sources => {
                let read = read_columns(source, columns).map_err(EvalError)?;
                (Some(read), None)
            }
            Input::Tables { tables, .. } => (None, Some(&tables.by_source[name])),
        };
        let batches = &read
            .as_ref()
            .or(table)
            .expect("a table read or given")
            .batches;
        let findings = match read {
            Some(_) => check_source(source, batches, reporting, project.quality.extracted)
                .map_err(EvalError)?,
            None => Vec::new(),
        };
        let results = scan_source(project, indexes, batches, measures, domain, months)?;
        self.progress.step();
        let kept = read.filter(|_| kept).map(|t| (name.to_string(), t));
        Ok((
            measures.iter().copied().zip(results).collect(),
            kept,
            findings,
        ))
    }
}

/// The base measures to compute, by source (all, or those in `only`).
fn measures_by_source<'p>(
    project: &'p Project,
    only: Option<&std::collections::BTreeSet<usize>>,
) -> BTreeMap<&'p str, Vec<usize>> {
    let mut by_source: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, base) in project.base_measures.iter().enumerate() {
        if only.is_some_and(|o| !o.contains(&i)) {
            continue;
        }
        by_source.entry(base.source.as_str()).or_default().push(i);
    }
    by_source
}

/// Computes the measures of one source over its batches: each batch feeds
/// every measure, batches in parallel, and the partial results are merged
/// in batch order, so the outputs do not depend on the threads.
fn scan_source(
    project: &Project,
    indexes: &Indexes,
    batches: &[RecordBatch],
    measures: &[usize],
    domain: Domain,
    months: &MonthTable,
) -> Result<Vec<BaseResult>, EvalError> {
    if measures.is_empty() {
        return Ok(Vec::new());
    }
    let histories = histories_of(project, &Rows::Batches(batches), measures)?;
    let mut computing = Computing::new(project, indexes, measures, domain, months);
    computing.add(batches, &histories)?;
    computing.finish()
}

/// Batches computed at once when a source streams: enough to keep every
/// thread busy, few enough that only they are in memory.
fn chunk_batches() -> usize {
    2 * rayon::current_num_threads()
}

/// Whether a source's measures can be computed as it is read, batch by
/// batch, so only the batches in hand are in memory: not for a population
/// table (kept for later), nor when a measure reads an entity's history
/// from a database (read again, its rows could come in another order).
fn streams(
    project: &Project,
    source: &crate::source::Source,
    measures: &[usize],
    kept: bool,
) -> bool {
    let history = measures
        .iter()
        .any(|&i| project.base_measures[i].history.is_some());
    let database = source.read_from.database().is_some();
    !(kept || history && database)
}

/// Reads a source batch by batch, judging its expectations and computing
/// its measures a chunk of batches at a time; nothing of it is kept. An
/// expectation's error is reported before a measure's, as when the source
/// is read whole.
fn stream_source(
    mut computing: Computing,
    source: &crate::source::Source,
    columns: &[String],
    mut judging: crate::source::Streamed,
) -> Result<(Vec<BaseResult>, Vec<Finding>), EvalError> {
    let measures = computing.measures;
    // Histories first: each read in passes over the entity and order columns.
    let histories = histories_of(computing.project, &Rows::Source(source), measures)?;
    let mut chunk: Vec<RecordBatch> = Vec::new();
    let mut failed: Option<EvalError> = None;
    let mut compute = |chunk: &mut Vec<RecordBatch>, failed: &mut Option<EvalError>| {
        if failed.is_none() && !measures.is_empty() {
            if let Err(e) = computing.add(chunk, &histories) {
                *failed = Some(e);
            }
        }
        chunk.clear();
    };
    for_each_batch(source, columns, &mut |b| {
        judging.feed(&b);
        chunk.push(b);
        if chunk.len() >= chunk_batches() {
            compute(&mut chunk, &mut failed);
        }
        Ok(())
    })
    .map_err(EvalError)?;
    compute(&mut chunk, &mut failed);
    let findings = judging.finish().map_err(EvalError)?;
    if let Some(e) = failed {
        return Err(e);
    }
    Ok((computing.finish()?, findings))
}

/// The histories the measures of one source read, over its rows.
fn histories_of(
    project: &Project,
    rows: &Rows,
    measures: &[usize],
) -> Result<Histories, EvalError> {
    let own: Vec<&crate::model::measure::BaseMeasure> = measures
        .iter()
        .map(|&i| &project.base_measures[i])
        .collect();
    Histories::from_rows(rows, &own).map_err(|why| {
        source_error(
            project,
            &own[0].source,
            why,
            "an entity's history is read over the whole source; read fewer rows",
        )
    })
}

/// One source's measures being computed, batches added in order.
struct Computing<'p> {
    project: &'p Project,
    indexes: &'p Indexes,
    measures: &'p [usize],
    domain: Domain,
    months: &'p MonthTable,
    merged: Vec<Accumulator<'p>>,
    /// Rows added so far: the next batch's first row.
    rows: usize,
}

impl<'p> Computing<'p> {
    fn new(
        project: &'p Project,
        indexes: &'p Indexes,
        measures: &'p [usize],
        domain: Domain,
        months: &'p MonthTable,
    ) -> Computing<'p> {
        Computing {
            project,
            indexes,
            measures,
            domain,
            months,
            merged: measures
                .iter()
                .map(|_| Accumulator::new(domain, months))
                .collect(),
            rows: 0,
        }
    }

    /// Adds `batches` (the next rows of the source), in parallel, merged
    /// in order.
    fn add(&mut self, batches: &[RecordBatch], histories: &Histories) -> Result<(), EvalError> {
        let (project, indexes, measures) = (self.project, self.indexes, self.measures);
        let (domain, months) = (self.domain, self.months);
        let first_rows: Vec<usize> = batches
            .iter()
            .scan(self.rows, |row, b| {
                let first = *row;
                *row += b.num_rows();
                Some(first)
            })
            .collect();
        self.rows += batches.iter().map(RecordBatch::num_rows).sum::<usize>();
        let partials: Vec<Result<Vec<Accumulator>, EvalError>> = batches
            .par_iter()
            .zip(first_rows.par_iter())
            .map(|(batch, &first_row)| {
                let mut accs: Vec<Accumulator> = measures
                    .iter()
                    .map(|_| Accumulator::new(domain, months))
                    .collect();
                // Measures with the same lookups share one joined batch.
                let mut joined: Vec<(usize, RecordBatch)> = Vec::new();
                for (acc, &i) in accs.iter_mut().zip(measures) {
                    let base = &project.base_measures[i];
                    let seen = if base.lookups.is_empty() {
                        batch
                    } else {
                        let same = |j: usize| {
                            same_lookups(&project.base_measures[j].lookups, &base.lookups)
                        };
                        let at = match joined.iter().position(|(j, _)| same(*j)) {
                            Some(at) => at,
                            None => {
                                let with =
                                    join(project, indexes, &base.source, &base.lookups, batch)?;
                                joined.push((i, with));
                                joined.len() - 1
                            }
                        };
                        &joined[at].1
                    };
                    if base.history.is_some() {
                        let with = histories.add_to(base, seen, first_row).map_err(|why| {
                            source_error(
                                project,
                                &base.source,
                                why,
                                "previous() values could not be taken from the entity's rows",
                            )
                        })?;
                        acc.add_batch(project, base, &with, first_row)?;
                    } else {
                        acc.add_batch(project, base, seen, first_row)?;
                    }
                }
                Ok(accs)
            })
            .collect();
        for partial in partials {
            for (acc, part) in self.merged.iter_mut().zip(partial?) {
                acc.merge(part);
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<BaseResult>, EvalError> {
        let project = self.project;
        // Each batch kept to the limit; their union must too.
        for (acc, &i) in self.merged.iter().zip(self.measures) {
            let base = &project.base_measures[i];
            if let Some(b) = acc.over_limit(base) {
                return Err(breakdown_error(
                    project,
                    base,
                    b.column(),
                    GroupProblem::TooMany,
                ));
            }
        }
        self.merged
            .into_iter()
            .zip(self.measures)
            .map(|(acc, &i)| acc.finish(project, &project.base_measures[i]))
            .collect()
    }
}
