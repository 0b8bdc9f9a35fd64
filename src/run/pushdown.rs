//! Measures pushed down to the database: an indicator whose every input
//! (its base measures' sources, their lookups and its population table)
//! is an ODBC source marked `pushdown:` on one connection has its
//! measures run there, as the SQL `rubric sql` writes in that database's
//! dialect; only its series (a few thousand rows) cross the wire, and the
//! rows of sources nothing else reads are never read. Everything after
//! the series (comparisons, ratings, pages) runs here as in a native run.

use crate::calendar::period::Month;
use crate::diagnostic::{Diagnostic, Place};
use crate::dialect::Dialect;
use crate::error::EvalError;
use crate::measure::domain::Domain;
use crate::measure::result::Elsewhere;
use crate::measure::series::IndicatorSeries;
use crate::model::measure::{Measure, Population};
use crate::model::Project;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// What a run pushes down: the indicators and base measures computed in
/// the database, and each indicator's query with the source it runs on.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub elsewhere: Elsewhere,
    queries: Vec<(usize, String, String)>,
    /// Indicators reading a pushed-down source whose measures run here
    /// anyway, with why: `rubric run` warns, as their rows are read.
    pub read_here: Vec<(usize, String)>,
}

/// The sources an indicator's measures read, or `None` for a formula
/// over other indicators (which runs here, after its inputs).
fn sources_read(project: &Project, m: &Measure, out: &mut BTreeSet<String>) -> Option<()> {
    let base = |id: usize, out: &mut BTreeSet<String>| {
        let b = &project.base_measures[id];
        out.insert(b.source.clone());
        out.extend(b.lookups.iter().map(|l| l.source.clone()));
    };
    match m {
        Measure::Base(id) => base(*id, out),
        Measure::Cohort(c) => c.members().for_each(|id| base(id, out)),
        Measure::Ratio {
            numerator,
            denominator,
            ..
        } => {
            sources_read(project, numerator, out)?;
            sources_read(project, denominator, out)?;
        }
        Measure::Rate {
            measure,
            population,
            ..
        } => {
            sources_read(project, measure, out)?;
            if let Population::Table { source, .. } = population {
                out.insert(source.clone());
            }
        }
        Measure::Expression(_) => return None,
    }
    Some(())
}

fn bases_of(m: &Measure, out: &mut BTreeSet<usize>) {
    match m {
        Measure::Base(id) => {
            out.insert(*id);
        }
        Measure::Cohort(c) => out.extend(c.members()),
        Measure::Ratio {
            numerator,
            denominator,
            ..
        } => {
            bases_of(numerator, out);
            bases_of(denominator, out);
        }
        Measure::Rate { measure, .. } => bases_of(measure, out),
        Measure::Expression(_) => {}
    }
}

/// The indicators whose measures can run in the database for a run
/// reporting `reporting`: every source they read pushed down on one
/// connection in one dialect, and SQL for every part of them.
pub(crate) fn plan(project: &Project, reporting: Month) -> Plan {
    let mut plan = Plan::default();
    if !project
        .sources
        .by_name
        .values()
        .any(|s| s.pushdown().is_some())
    {
        return plan;
    }
    let mut native_bases = BTreeSet::new();
    for (i, ind) in project.indicators.iter().enumerate() {
        let mut read = BTreeSet::new();
        let formula = ind
            .measures()
            .try_for_each(|m| sources_read(project, m, &mut read))
            .is_none();
        let pushed = (!formula).then(|| one_connection(project, &read)).flatten();
        let mut why = None;
        let query = pushed.and_then(|(source, dialect)| {
            let t = crate::sql::translate(project, reporting, &[i], dialect);
            why = t.skipped.first().map(|s| s.why.to_string());
            t.skipped
                .is_empty()
                .then(|| t.queries.into_iter().next())
                .flatten()
                .map(|q| (q.sql, source))
        });
        let reads_pushed = read.iter().any(|n| {
            project
                .sources
                .by_name
                .get(n)
                .is_some_and(|s| s.pushdown().is_some())
        });
        if query.is_none() && reads_pushed {
            let why = why.unwrap_or_else(|| {
                "it also reads a source that is not pushed down on the same connection".to_string()
            });
            plan.read_here.push((i, why));
        }
        let mut bases = BTreeSet::new();
        ind.measures().for_each(|m| bases_of(m, &mut bases));
        match query {
            Some((sql, source)) => {
                plan.elsewhere.indicators.insert(i);
                plan.elsewhere.bases.extend(bases);
                plan.queries.push((i, sql, source));
            }
            None => native_bases.extend(bases),
        }
    }
    // A base measure another indicator computes here is computed here.
    plan.elsewhere.bases.retain(|b| !native_bases.contains(b));
    plan
}

/// The source (any of them: they share the connection) and dialect when
/// every source read is pushed down on one connection in one dialect.
fn one_connection(project: &Project, read: &BTreeSet<String>) -> Option<(String, Dialect)> {
    let mut found: Option<(&str, Dialect)> = None;
    for name in read {
        let (odbc, dialect) = project.sources.by_name.get(name)?.pushdown()?;
        match found {
            None => found = Some((&odbc.variable, dialect)),
            Some((v, d)) if v == odbc.variable && d == dialect => {}
            Some(_) => return None,
        }
    }
    found.map(|(_, d)| (read.iter().next().cloned().unwrap_or_default(), d))
}

impl Plan {
    pub(crate) fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }

    /// Runs the pushed indicators' queries in the database and puts their
    /// series into `series`; then every formula is worked out again over
    /// the whole, as a native run does.
    pub(crate) fn fill(
        &self,
        project: &Project,
        series: &mut [IndicatorSeries],
        reporting: Month,
    ) -> Result<(), EvalError> {
        if self.queries.is_empty() {
            return Ok(());
        }
        let results: Vec<Result<Vec<arrow_array::RecordBatch>, EvalError>> = self
            .queries
            .par_iter()
            .map(|(i, sql, name)| {
                let source = &project.sources.by_name[name];
                let (odbc, dialect) = source.pushdown().expect("a pushed-down source");
                let schema = std::sync::Arc::new(crate::run::series_file::schema());
                crate::source::odbc_query(odbc, sql, schema).map_err(|e| {
                    let id = &project.indicators[*i].id;
                    EvalError(
                        Diagnostic::new(
                            &source.file,
                            Place::WHOLE_FILE,
                            format!(
                                "the database could not run the measures of {id} (source `{name}` has `pushdown`): {e}"
                            ),
                        )
                        .help(format!(
                            "`rubric sql --dialect {} {id}` prints the query; check the tables hold the columns it reads, or leave out `pushdown` to read the rows",
                            match dialect {
                                Dialect::Tsql => "tsql",
                                _ => "postgres",
                            }
                        )),
                    )
                })
            })
            .collect();
        let mut batches = Vec::new();
        for r in results {
            batches.extend(r?);
        }
        let fail = |message: String, help: &str| {
            let (_, _, name) = &self.queries[0];
            Diagnostic::new(
                &project.sources.by_name[name].file,
                Place::WHOLE_FILE,
                format!("the database's series: {message}"),
            )
            .help(help)
        };
        let (_, pushed, _) =
            crate::run::series_file::from_batches(project, &batches, Some(reporting), &fail)
                .map_err(EvalError)?;
        for (i, s) in pushed.into_iter().enumerate() {
            if self.elsewhere.indicators.contains(&i) {
                series[i] = s;
            }
        }
        // Formulas were worked out before the pushed series were in: again, all.
        let every = vec![true; project.indicators.len()];
        crate::measure::series::formulas_over(project, series, &every, Domain::ending(reporting))
    }
}
