//! `rubric sql [ID...] [--period YYYY-MM] [--format json] [--dialect D]`:
//! the measures as SQL giving the series table, to run where the data is.

use super::failure::{Failure, Outcome};
use super::indicator_index;
use crate::calendar::period::Month;
use crate::dialect::Dialect;
use clap::ValueEnum;
use std::path::Path;

/// How `sql` prints the queries.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Format {
    /// One script to run in the project folder (`duckdb < script.sql`).
    #[default]
    Text,
    /// The setup statements and one query per indicator, as JSON.
    Json,
}

pub(super) fn sql(
    project: &Path,
    ids: &[String],
    period: Option<Month>,
    format: Format,
    dialect: Dialect,
    data: Option<&Path>,
) -> Outcome {
    let snapshot = super::snapshot_of(data)?;
    let p = super::compiled_with(project, snapshot.as_ref())?;
    let indices = if ids.is_empty() {
        (0..p.indicators.len()).collect()
    } else {
        ids.iter()
            .map(|id| indicator_index(&p, id))
            .collect::<Result<Vec<_>, _>>()?
    };
    let reporting = match crate::run::reporting_or_latest(&p, period) {
        Ok(m) => m,
        Err(e) => {
            return Err(Failure::run_failed(e.0, &p.texts));
        }
    };
    let translation = crate::sql::translate(&p, reporting, &indices, dialect);
    match format {
        Format::Text => out!("{}", translation.script(&p)),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&translation.json()).expect("JSON of strings")
        ),
    }
    Ok(())
}
