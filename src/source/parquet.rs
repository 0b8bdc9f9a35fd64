//! Parquet sources: a file's schema read from its footer, its columns read
//! in batches sized to memory, text as dictionaries.

use super::expect::compile_expectations;
use super::kind::{Batches, Declaration, Declared, Reader, SourceKind};
use super::read_error::ReadError;
use super::{Source, Sources};
use crate::config::files::check_inside;
use crate::config::sources::SourceDoc;
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::ColumnType;
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const BATCH_ROWS: usize = 65_536;

/// The most bytes a batch should take once read: batches of rows with
/// long values get fewer rows, so a small file that expands to gigabytes
/// is stopped at its first batch, not after all of it is in memory.
const BATCH_BYTES: i64 = 64 * 1024 * 1024;

/// A Parquet file: under `data/` by its name, or declared with a path.
pub(super) struct Parquet;

impl SourceKind for Parquet {
    fn name(&self) -> &'static str {
        "parquet"
    }

    fn keys(&self) -> &'static [&'static str] {
        &[]
    }

    fn declare(&self, d: &mut Declaration) -> Option<Declared> {
        let path = match &d.doc.path {
            Some(_) => d.path(self.name())?,
            None => format!("data/{}.parquet", d.name),
        };
        let full = d.root.join(&path);
        add(
            d.root,
            d.sources,
            d.problems,
            d.name.clone(),
            PathBuf::from(&path),
            &full,
            Some(DeclaredAt {
                doc: d.doc,
                yaml: d.yaml,
                place: d.path_place,
                rename: true,
            }),
        );
        Some(Declared::Added)
    }
}

/// A Parquet file's rows, streamed batch by batch.
#[derive(Debug)]
pub(super) struct ParquetReader {
    pub(super) path: PathBuf,
}

impl Reader for ParquetReader {
    fn describe(&self, _name: &str, file: &Path) -> String {
        crate::text::slashed(file)
    }

    fn help_on_failure(&self) -> &'static str {
        "regenerate or re-export the file; it may be truncated or corrupt"
    }

    fn stored_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    fn schema(&self) -> Result<Vec<(String, DataType)>, ReadError> {
        Ok(read_schema(&self.path)?
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect())
    }

    fn read(
        &self,
        _types: &BTreeMap<String, Option<ColumnType>>,
        columns: &[String],
    ) -> Result<Batches, ReadError> {
        Ok(Batches::Streamed(Box::new(batches(&self.path, columns)?)))
    }

    fn is_parquet(&self) -> bool {
        true
    }
}

pub(super) fn read_schema(path: &Path) -> Result<Arc<Schema>, ReadError> {
    guarded(|| {
        let file = std::fs::File::open(path).map_err(ReadError::from)?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(ReadError::from)?;
        Ok(Arc::clone(builder.schema()))
    })
}

/// Runs a Parquet read, turning a panic inside the reader (possible on
/// corrupt files) into an error instead of a crash.
fn guarded<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => Err(ReadError::Corrupt),
    }
}

/// Reads the named columns of a Parquet file.
pub(crate) fn read(path: &Path, columns: &[String]) -> Result<Vec<RecordBatch>, ReadError> {
    batches(path, columns)?.collect()
}

/// The named columns of a Parquet file, batch by batch as they are read
/// (each checked for huge values), so a caller that keeps only what it
/// needs of each batch holds no more of the file than that.
pub(crate) fn batches(
    path: &Path,
    columns: &[String],
) -> Result<impl Iterator<Item = Result<RecordBatch, ReadError>>, ReadError> {
    let reader = guarded(|| {
        let file = std::fs::File::open(path).map_err(ReadError::from)?;
        // The footer is read once; the schema it gives is read back with
        // text as dictionaries.
        let plain =
            ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(ReadError::from)?;
        let options = ArrowReaderOptions::new().with_schema(text_as_dictionaries(plain.schema()));
        let hinted = ArrowReaderMetadata::try_new(Arc::clone(plain.metadata()), options)
            .map_err(ReadError::from)?;
        let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, hinted);
        let schema = Arc::clone(builder.schema());
        let indices = super::column_indices(&schema, columns)?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), indices.iter().copied());
        let rows = batch_rows(&builder, &indices);
        builder
            .with_projection(mask)
            .with_batch_size(rows)
            .build()
            .map_err(ReadError::from)
    })?;
    let mut reader = Some(reader);
    Ok(std::iter::from_fn(move || {
        let next = guarded(|| {
            let Some(read) = reader.as_mut().and_then(Iterator::next) else {
                return Ok(None);
            };
            let batch = read.map_err(ReadError::from)?;
            // Checked batch by batch, so a file of huge values stops at its first.
            super::text::check_text_lengths(&batch)?;
            Ok(Some(batch))
        });
        match next {
            Ok(Some(batch)) => Some(Ok(batch)),
            Ok(None) => None,
            Err(e) => {
                // Nothing is read after a failure.
                reader = None;
                Some(Err(e))
            }
        }
    }))
}

/// The file's schema with every text column read as a dictionary: a
/// value repeated on many rows is held once (a dictionary page stays a
/// dictionary), so a small file cannot expand to gigabytes of copies, and
/// text comparisons run once per distinct value.
fn text_as_dictionaries(schema: &Schema) -> Arc<Schema> {
    use arrow_schema::DataType;
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                f.as_ref().clone().with_data_type(DataType::Dictionary(
                    Box::new(DataType::Int32),
                    Box::new(DataType::Utf8),
                ))
            }
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

/// Rows per batch: as many as fit `BATCH_BYTES` by the file's own account
/// of the projected columns' uncompressed size, between 1 and `BATCH_ROWS`.
fn batch_rows(builder: &ParquetRecordBatchReaderBuilder<std::fs::File>, roots: &[usize]) -> usize {
    let schema = builder.parquet_schema();
    let leaves: Vec<usize> = (0..schema.num_columns())
        .filter(|&leaf| roots.contains(&schema.get_column_root_idx(leaf)))
        .collect();
    let widest = builder
        .metadata()
        .row_groups()
        .iter()
        .filter(|rg| rg.num_rows() > 0)
        .map(|rg| {
            let bytes: i64 = leaves
                .iter()
                .map(|&l| rg.column(l).uncompressed_size().max(0))
                .sum();
            bytes / rg.num_rows()
        })
        .max()
        .unwrap_or(0);
    if widest <= 0 {
        return BATCH_ROWS;
    }
    usize::try_from(BATCH_BYTES / widest)
        .unwrap_or(BATCH_ROWS)
        .clamp(1, BATCH_ROWS)
}

/// Adds a Parquet source, its schema read from the file's footer.
/// A file declared in YAML: where, and whether its `rename:` applies (a
/// snapshot already holds the new names).
pub(super) struct DeclaredAt<'a> {
    pub(super) doc: &'a SourceDoc,
    pub(super) yaml: &'a Path,
    pub(super) place: Place,
    pub(super) rename: bool,
}

pub(super) fn add(
    root: &Path,
    sources: &mut Sources,
    problems: &mut Vec<Diagnostic>,
    name: String,
    file: PathBuf,
    path: &Path,
    declared: Option<DeclaredAt>,
) {
    let path = match check_inside(root, path) {
        Ok(resolved) => resolved,
        Err(problem) => {
            sources.unreadable.insert(name);
            problems.push(match declared {
                Some(DeclaredAt { yaml, place, .. }) => Diagnostic::new(
                    yaml,
                    place,
                    format!("{}: {}", file.display(), problem.message),
                )
                .help(problem.help.unwrap_or_default()),
                None => problem,
            });
            return;
        }
    };
    match read_schema(&path).and_then(|schema| {
        let mut seen = std::collections::BTreeSet::new();
        match schema.fields().iter().find(|f| !seen.insert(f.name())) {
            Some(twice) => Err(ReadError::TwoColumns(twice.name().clone())),
            None => Ok(schema),
        }
    }) {
        Ok(schema) => {
            let pairs: Vec<(String, arrow_schema::DataType)> = schema
                .fields()
                .iter()
                .map(|f| (f.name().clone(), f.data_type().clone()))
                .collect();
            let reader: Arc<dyn Reader> = Arc::new(ParquetReader { path });
            // A declared file's `rename:` (a snapshot already holds the
            // new names).
            let renaming = match &declared {
                Some(DeclaredAt {
                    doc,
                    yaml,
                    rename: true,
                    ..
                }) => super::rename::apply(&doc.rename, yaml, reader, pairs, problems),
                _ => Some((reader, pairs, BTreeMap::new())),
            };
            let Some((read_from, pairs, stored_names)) = renaming else {
                sources.unreadable.insert(name);
                return;
            };
            let columns: BTreeMap<String, Option<ColumnType>> = pairs
                .iter()
                .map(|(n, t)| (n.clone(), ColumnType::of(t)))
                .collect();
            let arrow_types = pairs
                .iter()
                .map(|(n, t)| (n.clone(), t.to_string()))
                .collect();
            let expectations = match declared {
                Some(DeclaredAt { doc, yaml, .. }) => {
                    compile_expectations(doc, yaml, &columns, problems)
                }
                None => Vec::new(),
            };
            sources.by_name.insert(
                name.clone(),
                Source {
                    name,
                    file,
                    read_from,
                    columns,
                    arrow_types,
                    stored_names,
                    extracted: None,
                    expectations,
                },
            );
        }
        Err(message) => {
            sources.unreadable.insert(name);
            problems.push(
                Diagnostic::new(
                    &file,
                    Place::WHOLE_FILE,
                    format!("cannot read this Parquet file: {message}"),
                )
                .help(if matches!(message, ReadError::TwoColumns(_)) {
                    "rename one of the two columns where the file is exported"
                } else {
                    "regenerate or re-export the file; it may be truncated or not Parquet at all"
                }),
            );
        }
    }
}
