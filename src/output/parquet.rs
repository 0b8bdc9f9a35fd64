//! `scorecard.parquet`: the long-form table with typed columns (text as
//! UTF-8, numbers as float64, empty cells null). `created_by` is fixed so
//! the bytes do not change with the library version.

use super::long_form::{Cell, Column};
use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::sync::Arc;

pub(crate) fn render(columns: &[Column]) -> Result<Vec<u8>, parquet::errors::ParquetError> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for c in columns {
        if c.numeric {
            fields.push(Field::new(&c.name, DataType::Float64, true));
            arrays.push(Arc::new(Float64Array::from(
                c.cells
                    .iter()
                    .map(|cell| match cell {
                        Cell::Number(v) => Some(*v),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            )));
        } else {
            fields.push(Field::new(&c.name, DataType::Utf8, true));
            arrays.push(Arc::new(StringArray::from(
                c.cells
                    .iter()
                    .map(|cell| match cell {
                        Cell::Text(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            )));
        }
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?;
    write_batch(&batch)
}

/// One batch as a Parquet file's bytes, the same on every run.
pub(crate) fn write_batch(batch: &RecordBatch) -> Result<Vec<u8>, parquet::errors::ParquetError> {
    let props = WriterProperties::builder()
        .set_created_by("rubric".to_string())
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let mut buf = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut buf, batch.schema(), Some(props))?;
    writer.write(batch)?;
    writer.close()?;
    Ok(buf)
}
