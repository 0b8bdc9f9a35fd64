//! Parquet sources: a file's schema read from its footer, its columns read
//! in batches sized to memory, text as dictionaries.

use arrow_array::RecordBatch;
use arrow_schema::{Field, Schema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

const BATCH_ROWS: usize = 65_536;

/// The most bytes a batch should take once read: batches of rows with
/// long values get fewer rows, so a small file that expands to gigabytes
/// is stopped at its first batch, not after all of it is in memory.
const BATCH_BYTES: i64 = 64 * 1024 * 1024;

pub(super) fn read_schema(path: &Path) -> Result<Arc<Schema>, String> {
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

/// Reads the named columns of a Parquet file.
pub(crate) fn read(path: &Path, columns: &[String]) -> Result<Vec<RecordBatch>, String> {
    batches(path, columns)?.collect()
}

/// The named columns of a Parquet file, batch by batch as they are read
/// (each checked for huge values), so a caller that keeps only what it
/// needs of each batch holds no more of the file than that.
pub(crate) fn batches(
    path: &Path,
    columns: &[String],
) -> Result<impl Iterator<Item = Result<RecordBatch, String>>, String> {
    let reader = guarded(|| {
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        // The footer is read once; the schema it gives is read back with
        // text as dictionaries.
        let plain = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
            .map_err(|e| e.to_string())?;
        let options = ArrowReaderOptions::new().with_schema(text_as_dictionaries(plain.schema()));
        let hinted = ArrowReaderMetadata::try_new(Arc::clone(plain.metadata()), options)
            .map_err(|e| e.to_string())?;
        let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, hinted);
        let schema = Arc::clone(builder.schema());
        let indices = super::column_indices(&schema, columns)?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), indices.iter().copied());
        let rows = batch_rows(&builder, &indices);
        builder
            .with_projection(mask)
            .with_batch_size(rows)
            .build()
            .map_err(|e| e.to_string())
    })?;
    let mut reader = Some(reader);
    Ok(std::iter::from_fn(move || {
        let next = guarded(|| {
            let Some(read) = reader.as_mut().and_then(Iterator::next) else {
                return Ok(None);
            };
            let batch = read.map_err(|e| e.to_string())?;
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
