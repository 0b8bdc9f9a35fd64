//! Sources: the tables indicators read. A Parquet file under `data/` is a
//! source by its file name (`data/referrals.parquet` is `referrals`);
//! others are declared (`sources:` in `rubric.yaml` or files under
//! `sources/`) to read CSV, Excel or a database through ODBC. Whatever the
//! kind, a source gives Arrow batches of the columns asked for, every
//! column normalised to the types expressions understand, and passes
//! through the same column checks.

pub(crate) mod check;
mod csv;
mod declare;
pub(crate) mod expect;
pub(crate) mod judge;
mod kind;
mod odbc;
pub(crate) mod parquet;
mod read_error;
mod rename;
pub(crate) mod snapshot;
mod text;
mod unique;
mod xlsx;

pub use declare::discover;
pub(crate) use declare::ReadFrom;
pub use judge::Streamed;
use kind::Batches;
pub use odbc::{query as odbc_query, OdbcSource, Rows};
pub use read_error::ReadError;
pub use text::MAX_TEXT_BYTES;

use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::ColumnType;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use expect::Expectation;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// A table indicators can read, with its columns (type `None`: not usable).
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    /// For messages: the file read (the first, for several), or for a
    /// database the YAML file declaring it.
    pub file: PathBuf,
    /// Where the rows come from.
    pub(crate) read_from: ReadFrom,
    pub columns: BTreeMap<String, Option<ColumnType>>,
    /// The type of each column as stored, for messages.
    pub arrow_types: BTreeMap<String, String>,
    /// The columns `rename:` gives new names, by new name: the name the
    /// source stores (SQL reads the stored one).
    pub stored_names: BTreeMap<String, String>,
    /// The day its data was extracted, where declared (days since
    /// 1970-01-01): months after it have no data from it.
    pub extracted: Option<i32>,
    /// What the rows must satisfy.
    pub expectations: Vec<Expectation>,
}

impl Source {
    /// The bytes its files hold, to start the largest sources first so
    /// none is left running alone at the end; a database's is unknown (0).
    pub fn stored_bytes(&self) -> u64 {
        self.read_from.stored_bytes()
    }

    /// The columns expressions and measures can use, by name.
    pub fn usable_columns(&self) -> Vec<String> {
        self.columns
            .iter()
            .filter(|(_, t)| t.is_some())
            .map(|(n, _)| n.clone())
            .collect()
    }

    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(n, t)| match t {
                Some(t) => format!("{n} ({})", t.name()),
                None => format!("{n} ({}, not usable)", self.arrow_types[n]),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Why a column of dates was read as text (CSV, Excel): its first
    /// value that is not a date.
    pub(crate) fn first_non_date(&self, column: &str) -> Option<kind::NotADate> {
        self.read_from.first_non_date(column)
    }

    /// Where the rows come from, in words: a file, files or a query.
    pub fn describe(&self) -> String {
        self.read_from.describe(&self.name, &self.file)
    }

    /// The Parquet file, for a source read from one.
    pub fn parquet_file(&self) -> Option<&PathBuf> {
        self.read_from.is_parquet().then_some(&self.file)
    }

    /// The database connection and the SQL its measures run in, for a
    /// source whose measures are pushed down.
    pub fn pushdown(&self) -> Option<(&odbc::OdbcSource, crate::dialect::Dialect)> {
        let o = self.read_from.database()?;
        o.pushdown.map(|d| (o, d))
    }

    /// The table or query, for a source read from a database.
    pub fn database_rows(&self) -> Option<&Rows> {
        self.read_from.database().map(|o| &o.rows)
    }
}

/// Every source of a project, by name.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    pub by_name: BTreeMap<String, Source>,
    /// Sources found or declared but not readable (reported once).
    pub unreadable: BTreeSet<String>,
}

/// The columns of one source read for a run, normalised.
#[derive(Debug, Clone)]
pub struct Table {
    pub batches: Vec<RecordBatch>,
}

/// Reads the named columns of a source, whatever its kind.
pub fn read_columns(source: &Source, columns: &[String]) -> Result<Table, Diagnostic> {
    let mut batches = Vec::new();
    for_each_batch(source, columns, &mut |b| {
        batches.push(b);
        Ok(())
    })?;
    Ok(Table { batches })
}

/// Reads the named columns batch by batch, each checked and normalised as
/// by `read_columns`, handing each to `each` as it is read: from a Parquet
/// file only the batch in hand is in memory (other formats are read whole
/// first). An error of `each` is returned as it is; a read's is placed on
/// the source.
pub fn for_each_batch(
    source: &Source,
    columns: &[String],
    each: &mut dyn FnMut(RecordBatch) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let whole = match source.read_from.read(&source.columns, columns) {
        Ok(Batches::Streamed(batches)) => {
            let fail = |e: ReadError| read_failure(source, columns, e);
            for batch in batches {
                each(batch.and_then(|b| normalise_batch(&b)).map_err(fail)?)?;
            }
            return Ok(());
        }
        Ok(Batches::Whole(batches)) => Ok(batches),
        Err(e) => Err(e),
    };
    checked(source, columns, whole)?
        .batches
        .into_iter()
        .try_for_each(each)
}

/// Enough of the named columns to find each one's latest value: a
/// database computes `MAX` of each itself and sends one row; other
/// sources are read batch by batch, each kept as one row of its dates'
/// maxima (other kinds of column empty), so a large source is never held.
pub fn read_latest(source: &Source, columns: &[String]) -> Result<Table, Diagnostic> {
    if let Some(maxima) = source.read_from.maxima(columns) {
        return checked(source, columns, maxima);
    }
    let mut batches = Vec::new();
    for_each_batch(source, columns, &mut |b| {
        batches.push(maxima(&b).map_err(|e| read_failure(source, columns, e))?);
        Ok(())
    })?;
    Ok(Table { batches })
}

/// One row: each date column's latest value, other columns empty.
fn maxima(batch: &RecordBatch) -> Result<RecordBatch, ReadError> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Date32Type;
    let arrays: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|a| match a.as_primitive_opt::<Date32Type>() {
            Some(dates) => Arc::new(arrow_array::Date32Array::from(vec![
                arrow_arith::aggregate::max(dates),
            ])) as ArrayRef,
            None => arrow_array::new_null_array(a.data_type(), 1),
        })
        .collect();
    RecordBatch::try_new(batch.schema(), arrays).map_err(ReadError::from)
}

/// The batches read, each checked and normalised, or the failure placed
/// on the source.
fn checked(
    source: &Source,
    columns: &[String],
    read: Result<Vec<RecordBatch>, ReadError>,
) -> Result<Table, Diagnostic> {
    let fail = |e: ReadError| read_failure(source, columns, e);
    // Each reader checks text lengths batch by batch as it reads, so a
    // source of huge values stops at its first batch.
    let batches = read.map_err(fail)?;
    let batches = batches
        .iter()
        .map(normalise_batch)
        .collect::<Result<Vec<_>, ReadError>>()
        .map_err(fail)?;
    Ok(Table { batches })
}

fn read_failure(source: &Source, columns: &[String], message: ReadError) -> Diagnostic {
    let listed = columns
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::new(
        &source.file,
        Place::WHOLE_FILE,
        format!(
            "cannot read column{} {listed} of source `{}` ({}): {message}",
            if columns.len() == 1 { "" } else { "s" },
            source.name,
            source.describe(),
        ),
    )
    .help(source.read_from.help_on_failure())
}

/// The position of each named column in a schema, or which is missing.
fn column_indices(schema: &Schema, columns: &[String]) -> Result<Vec<usize>, ReadError> {
    columns
        .iter()
        .map(|c| {
            schema
                .index_of(c)
                .map_err(|_| ReadError::MissingColumn(c.clone()))
        })
        .collect()
}

fn normalise_batch(batch: &RecordBatch) -> Result<RecordBatch, ReadError> {
    use crate::expr::column_type::normalise;
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        let array = normalise(array)
            .map_err(|e| ReadError::Invalid(format!("column `{}`: {e}", field.name())))?;
        fields.push(Field::new(field.name(), array.data_type().clone(), true));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(ReadError::from)
}
