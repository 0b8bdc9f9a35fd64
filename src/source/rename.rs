//! `rename:` on any source: columns named as the extract names them
//! (`Start Date`) read under names expressions can use (`start_date`). The
//! kind's own reader reads the stored names; this reader gives every
//! column, batch and message the new ones.

use super::kind::{Batches, NotADate, Reader};
use super::read_error::ReadError;
use super::OdbcSource;
use crate::expr::column_type::ColumnType;
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug)]
pub(crate) struct Renamed {
    pub(crate) inner: Arc<dyn Reader>,
    /// A new name to the name stored.
    pub(crate) stored: BTreeMap<String, String>,
    /// A name stored to its new name.
    pub(crate) new: BTreeMap<String, String>,
}

impl Renamed {
    fn stored<'a>(&'a self, name: &'a str) -> &'a str {
        self.stored.get(name).map_or(name, String::as_str)
    }

    fn new_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.new.get(name).map_or(name, String::as_str)
    }

    fn batch(&self, batch: RecordBatch) -> Result<RecordBatch, ReadError> {
        let schema = batch.schema();
        let fields: Vec<Field> = schema
            .fields()
            .iter()
            .map(|f| f.as_ref().clone().with_name(self.new_name(f.name())))
            .collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), batch.columns().to_vec())
            .map_err(ReadError::from)
    }

    fn stored_names(&self, columns: &[String]) -> Vec<String> {
        columns.iter().map(|c| self.stored(c).to_string()).collect()
    }
}

impl Reader for Renamed {
    fn describe(&self, name: &str, file: &Path) -> String {
        self.inner.describe(name, file)
    }

    fn help_on_failure(&self) -> &'static str {
        self.inner.help_on_failure()
    }

    fn stored_bytes(&self) -> u64 {
        self.inner.stored_bytes()
    }

    fn schema(&self) -> Result<Vec<(String, DataType)>, ReadError> {
        Ok(self
            .inner
            .schema()?
            .into_iter()
            .map(|(n, t)| (self.new_name(&n).to_string(), t))
            .collect())
    }

    fn first_non_date(&self, column: &str) -> Option<NotADate> {
        self.inner.first_non_date(self.stored(column))
    }

    fn read(
        &self,
        types: &BTreeMap<String, Option<ColumnType>>,
        columns: &[String],
    ) -> Result<Batches, ReadError> {
        let types = types
            .iter()
            .map(|(n, t)| (self.stored(n).to_string(), *t))
            .collect();
        Ok(
            match self.inner.read(&types, &self.stored_names(columns))? {
                Batches::Whole(batches) => Batches::Whole(
                    batches
                        .into_iter()
                        .map(|b| self.batch(b))
                        .collect::<Result<_, _>>()?,
                ),
                Batches::Streamed(batches) => {
                    let renamed = Renamed {
                        inner: Arc::clone(&self.inner),
                        stored: self.stored.clone(),
                        new: self.new.clone(),
                    };
                    Batches::Streamed(Box::new(
                        batches.map(move |b| b.and_then(|b| renamed.batch(b))),
                    ))
                }
            },
        )
    }

    fn maxima(&self, columns: &[String]) -> Option<Result<Vec<RecordBatch>, ReadError>> {
        let found = self.inner.maxima(&self.stored_names(columns))?;
        Some(found.and_then(|batches| batches.into_iter().map(|b| self.batch(b)).collect()))
    }

    fn is_parquet(&self) -> bool {
        self.inner.is_parquet()
    }

    fn database(&self) -> Option<&OdbcSource> {
        self.inner.database()
    }
}

/// Checks a declaration's `rename:` against the columns the source has
/// (as stored) and gives each new name's stored name; every problem is
/// placed at its value.
pub(crate) fn checked(
    rename: &BTreeMap<String, crate::config::span::Spanned<String>>,
    has: &[String],
    yaml: &Path,
    problems: &mut Vec<crate::diagnostic::Diagnostic>,
) -> Option<BTreeMap<String, String>> {
    use crate::diagnostic::{Diagnostic, Place};
    let before = problems.len();
    let mut stored = BTreeMap::new();
    let mut renamed_from: BTreeMap<&str, &str> = BTreeMap::new();
    for (new, old) in rename {
        let place = Place::from(&old.referenced);
        let usable = new.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !usable {
            problems.push(
                Diagnostic::new(yaml, place, format!("`{}` cannot name a column in an expression", crate::text::visible(new, false)))
                    .help("give a name of letters, digits and `_`, starting with a letter: `start_date: \"Start Date\"`"),
            );
        }
        if !has.contains(&old.value) {
            problems.push(
                Diagnostic::new(
                    yaml,
                    place,
                    format!(
                        "`rename` gives `{new}` to `{}`, which the source does not have",
                        crate::text::visible(&old.value, false)
                    ),
                )
                .help(format!(
                    "write the column as the source names it; it has: {}",
                    has.join(", ")
                )),
            );
        }
        if let Some(first) = renamed_from.insert(&old.value, new) {
            problems.push(
                Diagnostic::new(
                    yaml,
                    place,
                    format!(
                        "`{}` is renamed twice, to `{first}` and `{new}`",
                        crate::text::visible(&old.value, false)
                    ),
                )
                .help("keep one name for it"),
            );
        }
        if has.contains(new) && !rename.values().any(|o| &o.value == new) {
            problems.push(
                Diagnostic::new(
                    yaml,
                    place,
                    format!("the source already has a column `{new}`"),
                )
                .help("choose another name, or rename that column too"),
            );
        }
        stored.insert(new.clone(), old.value.clone());
    }
    (problems.len() == before).then_some(stored)
}

/// `inner` reading under the new names, or `inner` itself when nothing is
/// renamed.
pub(crate) fn wrap(inner: Arc<dyn Reader>, stored: &BTreeMap<String, String>) -> Arc<dyn Reader> {
    if stored.is_empty() {
        return inner;
    }
    Arc::new(Renamed {
        inner,
        new: stored.iter().map(|(n, s)| (s.clone(), n.clone())).collect(),
        stored: stored.clone(),
    })
}

/// A source's reader and columns under their new names, with each new
/// name's stored one.
pub(crate) type Renaming = (
    Arc<dyn Reader>,
    Vec<(String, DataType)>,
    BTreeMap<String, String>,
);

/// The reader and columns under `rename:`'s new names, with each new
/// name's stored one; `None` when `rename` is wrong (the problems said).
pub(crate) fn apply(
    rename: &BTreeMap<String, crate::config::span::Spanned<String>>,
    yaml: &Path,
    reader: Arc<dyn Reader>,
    columns: Vec<(String, DataType)>,
    problems: &mut Vec<crate::diagnostic::Diagnostic>,
) -> Option<Renaming> {
    if rename.is_empty() {
        return Some((reader, columns, BTreeMap::new()));
    }
    let has: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    let stored = checked(rename, &has, yaml, problems)?;
    let new: BTreeMap<&String, &String> = stored.iter().map(|(n, s)| (s, n)).collect();
    let columns = columns
        .into_iter()
        .map(|(n, t)| (new.get(&n).map_or(n.clone(), |x| (*x).clone()), t))
        .collect();
    Some((wrap(reader, &stored), columns, stored))
}
