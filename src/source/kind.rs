//! A kind of source (Parquet, CSV, Excel, a database through ODBC) is one
//! file behind two traits: `SourceKind` (its name, the keys its
//! declaration takes, how a declaration is checked) and `Reader` (how its
//! rows are read). Adding a kind is its file and a line in
//! `declare::KINDS`; a key a kind does not list is refused in its
//! declarations, naming the kinds that take it.

use super::read_error::ReadError;
use super::Sources;
use crate::config::sources::SourceDoc;
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::ColumnType;
use arrow_array::RecordBatch;
use arrow_schema::DataType;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How a kind of source is declared.
pub(crate) trait SourceKind: Sync {
    /// As written in `kind:`, and as a path's extension implies it.
    fn name(&self) -> &'static str;
    /// The keys, beyond those every source takes, its declaration may set.
    fn keys(&self) -> &'static [&'static str];
    /// Checks a declaration of this kind into a reader; `None` when it is
    /// refused (the problems say why).
    fn declare(&self, d: &mut Declaration) -> Option<Declared>;
}

/// What a declaration gives.
pub(crate) enum Declared {
    /// A reader, and the file messages name (the first file of several;
    /// the YAML file for a database).
    Read {
        reader: Arc<dyn Reader>,
        file: PathBuf,
    },
    /// The source was added whole (a Parquet file reads its own schema).
    Added,
}

/// The rows of the columns asked for.
pub(crate) enum Batches {
    /// Read one batch at a time: only the batch in hand is in memory.
    Streamed(Box<dyn Iterator<Item = Result<RecordBatch, ReadError>>>),
    /// Read whole first.
    Whole(Vec<RecordBatch>),
}

/// A value that kept a column of dates from being read as dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotADate {
    pub(crate) value: String,
    /// Where it is, in words: `data row 5 of extract.csv`.
    pub(crate) place: String,
    /// The formats it was read with.
    pub(crate) formats: Vec<String>,
}

/// How a source's rows are read, whatever its kind.
pub(crate) trait Reader: std::fmt::Debug + Send + Sync {
    /// Where the rows come from, in words: a file, files or a query.
    fn describe(&self, name: &str, file: &Path) -> String;
    /// What to do when reading fails.
    fn help_on_failure(&self) -> &'static str;
    /// The bytes its files hold, to start the largest sources first; a
    /// database's is unknown (0).
    fn stored_bytes(&self) -> u64;
    /// The columns and their types as stored.
    fn schema(&self) -> Result<Vec<(String, DataType)>, ReadError>;
    /// Why a column holding mostly dates was read as text: its first value
    /// that is not a date in the formats read, where the kind reads dates
    /// from text (CSV, Excel).
    fn first_non_date(&self, _column: &str) -> Option<NotADate> {
        None
    }
    /// The named columns' rows; `types` are the source's usable columns.
    fn read(
        &self,
        types: &BTreeMap<String, Option<ColumnType>>,
        columns: &[String],
    ) -> Result<Batches, ReadError>;
    /// The latest value of each named column as one row, where the source
    /// can work it out itself (a database); `None` to read the rows.
    fn maxima(&self, _columns: &[String]) -> Option<Result<Vec<RecordBatch>, ReadError>> {
        None
    }
    /// Whether the rows are a Parquet file's (a snapshot copies it as is).
    fn is_parquet(&self) -> bool {
        false
    }
    /// The database connection and rows, for a database source.
    fn database(&self) -> Option<&super::OdbcSource> {
        None
    }
}

/// One declaration being checked: the document and what every kind's
/// checks share.
pub(crate) struct Declaration<'a> {
    pub(crate) root: &'a Path,
    pub(crate) yaml: &'a Path,
    pub(crate) doc: &'a SourceDoc,
    pub(crate) name: String,
    /// Where the kind is given (or implied by the path, or the name).
    pub(crate) kind_place: Place,
    /// Where the path is given (or the kind's place).
    pub(crate) path_place: Place,
    /// Types declared under `columns:`.
    pub(crate) declared_types: BTreeMap<String, ColumnType>,
    /// Values read as missing (`missing:`).
    pub(crate) missing: Vec<String>,
    /// Date formats tried in order (`date_formats:`).
    pub(crate) formats: Vec<String>,
    pub(crate) sources: &'a mut Sources,
    pub(crate) problems: &'a mut Vec<Diagnostic>,
}

impl Declaration<'_> {
    /// Reports a refused declaration at `place`.
    pub(crate) fn refuse(&mut self, place: Place, message: String, help: &str) {
        self.problems
            .push(Diagnostic::new(self.yaml, place, message).help(help));
    }

    /// The path as written, checked to stay inside the project; a source
    /// of a kind that reads a file needs one.
    pub(crate) fn path(&mut self, kind: &str) -> Option<String> {
        match &self.doc.path {
            Some(p) => crate::config::project_path::checked(&p.value, self.yaml, self.path_place)
                .map_err(|d| self.problems.push(d))
                .ok(),
            None => {
                self.refuse(
                    self.kind_place,
                    format!("a `{kind}` source needs a `path`"),
                    "write the file's path inside the project, such as `path: extracts/referrals.csv`",
                );
                None
            }
        }
    }

    /// `header_row`, 1 by default.
    pub(crate) fn header_row(&mut self) -> usize {
        match &self.doc.header_row {
            None => 1,
            Some(h) if (1..=10_000).contains(&h.value) => h.value as usize,
            Some(h) => {
                let place = Place::from(&h.referenced);
                self.refuse(
                    place,
                    format!("`header_row` is {}; rows count from 1", h.value),
                    "write the number of the row holding the column names, such as 1 or 3",
                );
                1
            }
        }
    }
}
