//! Sources: the Parquet tables under `data/`, discovered by file name
//! (`data/referrals.parquet` is the source `referrals`). Each is read once
//! per run, only the columns some indicator needs, in large batches, with
//! every column normalised to the types expressions understand.

use crate::config::files::{check_inside, files_with_extensions};
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::{normalise, ColumnType};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
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

/// The longest text value Rubric reads (1 MiB): past it the file is
/// refused, naming the column (a value that long is an export gone wrong).
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// A table found under `data/` with its columns (type `None`: not usable).
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    /// Path relative to the project, for messages.
    pub file: PathBuf,
    pub path: PathBuf,
    pub columns: BTreeMap<String, Option<ColumnType>>,
    /// The Parquet/Arrow type of each column as written, for messages.
    pub arrow_types: BTreeMap<String, String>,
}

impl Source {
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
}

/// Every source of a project, by name.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    pub by_name: BTreeMap<String, Source>,
    /// Sources whose file was found but could not be read (reported once).
    pub unreadable: std::collections::BTreeSet<String>,
}

/// Finds `data/**/*.parquet` and reads each file's schema (not its data).
pub fn discover(root: &Path) -> (Sources, Vec<Diagnostic>) {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let data = root.join("data");
    if !data.is_dir() {
        problems.push(
            Diagnostic::new(
                "data",
                Place::WHOLE_FILE,
                "the project has no `data/` folder",
            )
            .help("put the Parquet tables indicators read under data/"),
        );
        return (sources, problems);
    }
    let (paths, walk_problems) = files_with_extensions(root, &data, &["parquet"]);
    problems.extend(walk_problems);
    for path in paths {
        let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        if let Some(existing) = sources.by_name.get(&name) {
            problems.push(
                Diagnostic::new(
                    &file,
                    Place::WHOLE_FILE,
                    format!("two tables are both named `{name}`"),
                )
                .help(format!(
                    "rename one of {} and {}: a source is named by its file name",
                    existing.file.display(),
                    file.display()
                )),
            );
            continue;
        }
        let path = match check_inside(root, &path) {
            Ok(resolved) => resolved,
            Err(problem) => {
                sources.unreadable.insert(name);
                problems.push(problem);
                continue;
            }
        };
        match read_schema(&path).and_then(|schema| {
            let mut seen = std::collections::BTreeSet::new();
            match schema.fields().iter().find(|f| !seen.insert(f.name())) {
                Some(twice) => Err(format!(
                    "it has two columns named `{}`, so which one is meant is unclear",
                    twice.name()
                )),
                None => Ok(schema),
            }
        }) {
            Ok(schema) => {
                let columns = schema
                    .fields()
                    .iter()
                    .map(|f| (f.name().clone(), ColumnType::of(f.data_type())))
                    .collect();
                let arrow_types = schema
                    .fields()
                    .iter()
                    .map(|f| (f.name().clone(), f.data_type().to_string()))
                    .collect();
                sources.by_name.insert(
                    name.clone(),
                    Source {
                        name,
                        file,
                        path,
                        columns,
                        arrow_types,
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
                .help(if message.starts_with("it has two columns") {
                    "rename one of the two columns where the file is exported"
                } else {
                    "regenerate or re-export the file; it may be truncated or not Parquet at all"
                }),
            )
            }
        }
    }
    (sources, problems)
}

fn read_schema(path: &Path) -> Result<Arc<Schema>, String> {
    guarded(|| {
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| e.to_string())?;
        Ok(Arc::clone(builder.schema()))
    })
}

/// Runs a Parquet read, turning a panic inside the reader (possible on
/// corrupt files) into an error instead of a crash.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => {
            Err("the Parquet reader failed on this file (it is probably corrupt)".to_string())
        }
    }
}

/// The columns of one source read for a run, normalised.
#[derive(Debug, Clone)]
pub struct Table {
    pub batches: Vec<RecordBatch>,
}

/// Reads the named columns of a source.
pub fn read_columns(source: &Source, columns: &[String]) -> Result<Table, Diagnostic> {
    let fail = |message: String| {
        Diagnostic::new(&source.file, Place::WHOLE_FILE, message)
            .help("regenerate or re-export the file; it may be truncated or corrupt")
    };
    let batches = guarded(|| {
        let file = std::fs::File::open(&source.path).map_err(|e| e.to_string())?;
        // The footer is read once; the schema it gives is read back with
        // text as dictionaries.
        let plain = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
            .map_err(|e| e.to_string())?;
        let options = ArrowReaderOptions::new().with_schema(text_as_dictionaries(plain.schema()));
        let hinted = ArrowReaderMetadata::try_new(Arc::clone(plain.metadata()), options)
            .map_err(|e| e.to_string())?;
        let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, hinted);
        let schema = Arc::clone(builder.schema());
        let indices: Vec<usize> = columns
            .iter()
            .map(|c| {
                schema
                    .index_of(c)
                    .map_err(|_| format!("column `{c}` is missing"))
            })
            .collect::<Result<_, _>>()?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), indices.iter().copied());
        let rows = batch_rows(&builder, &indices);
        let reader = builder
            .with_projection(mask)
            .with_batch_size(rows)
            .build()
            .map_err(|e| e.to_string())?;
        let mut batches = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| e.to_string())?;
            check_text_lengths(&batch)?;
            batches.push(normalise_batch(&batch)?);
        }
        Ok(batches)
    })
    .map_err(|m| {
        fail(format!(
            "cannot read column{} {} of this Parquet file: {m}",
            if columns.len() == 1 { "" } else { "s" },
            columns
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    Ok(Table { batches })
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

/// Refuses a batch holding a text value over `MAX_TEXT_BYTES`.
fn check_text_lengths(batch: &RecordBatch) -> Result<(), String> {
    use arrow_array::cast::AsArray;
    use arrow_schema::DataType;
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        // No value can be longer than all of them together: most batches
        // are passed on their total alone.
        let total = match array.data_type() {
            DataType::Utf8 => array.as_string::<i32>().values().len(),
            DataType::LargeUtf8 => array.as_string::<i64>().values().len(),
            DataType::Dictionary(_, _) => {
                array.as_any_dictionary().values().get_buffer_memory_size()
            }
            _ => 0,
        };
        if total <= MAX_TEXT_BYTES && !matches!(array.data_type(), DataType::Utf8View) {
            continue;
        }
        let longest = match array.data_type() {
            DataType::Utf8 => array
                .as_string::<i32>()
                .iter()
                .flatten()
                .map(str::len)
                .max(),
            DataType::LargeUtf8 => array
                .as_string::<i64>()
                .iter()
                .flatten()
                .map(str::len)
                .max(),
            DataType::Utf8View => array.as_string_view().iter().flatten().map(str::len).max(),
            DataType::Dictionary(_, _) => {
                let values = arrow_cast::cast(array.as_any_dictionary().values(), &DataType::Utf8)
                    .map_err(|e| e.to_string())?;
                values
                    .as_string::<i32>()
                    .iter()
                    .flatten()
                    .map(str::len)
                    .max()
            }
            _ => None,
        };
        if let Some(n) = longest.filter(|&n| n > MAX_TEXT_BYTES) {
            return Err(format!(
                "column `{}` holds a text value of {n} bytes; Rubric reads text values of at most {MAX_TEXT_BYTES} bytes",
                field.name()
            ));
        }
    }
    Ok(())
}

fn normalise_batch(batch: &RecordBatch) -> Result<RecordBatch, String> {
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        let array = normalise(array).map_err(|e| format!("column `{}`: {e}", field.name()))?;
        fields.push(Field::new(field.name(), array.data_type().clone(), true));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
}
