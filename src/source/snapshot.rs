//! Snapshots: sources written as Parquet into one folder with a manifest
//! of row counts and content hashes, so a run can be reproduced (and
//! committed) without the live sources; `rubric run --data DIR` reads it.

use super::read_error::ReadError;
use super::{read_columns, Source};
use crate::diagnostic::Diagnostic;
use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest's file name in a snapshot folder.
pub(crate) const MANIFEST: &str = "manifest.json";

/// A manifest larger than this is refused: one line per source.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// A file of the snapshot folder, through the one door (`config::files`):
/// inside the folder and a regular file, checked before a byte is read, so
/// a link to `/dev/zero` or a FIFO is refused rather than read or waited on.
fn door(dir: &Path, path: &Path) -> Result<std::fs::File, ReadError> {
    let resolved = crate::config::files::check_inside(dir, path).map_err(|d| {
        ReadError::Invalid(format!(
            "{}: {}{}",
            path.display(),
            d.message,
            d.help.map(|h| format!("; {h}")).unwrap_or_default()
        ))
    })?;
    std::fs::File::open(&resolved).map_err(|cause| ReadError::File {
        file: path.display().to_string(),
        cause,
    })
}

/// What a snapshot holds, as written in its manifest.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    /// The manifest's format.
    pub rubric_snapshot: u32,
    pub sources: Vec<Entry>,
}

/// One source of a snapshot.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub name: String,
    pub file: String,
    pub rows: u64,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// Where the rows were read from.
    pub read_from: String,
}

/// A snapshot folder whose files match its manifest.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub dir: PathBuf,
    /// Each source's file, by name.
    pub files: BTreeMap<String, PathBuf>,
}

impl Snapshot {
    /// Opens a snapshot, checking every file against the manifest.
    pub fn open(dir: &Path) -> Result<Snapshot, ReadError> {
        use std::io::Read as _;
        let manifest_path = dir.join(MANIFEST);
        if !manifest_path.exists() {
            return Err(ReadError::Invalid(format!(
                "{} does not exist; `rubric snapshot --out {}` writes a snapshot there",
                manifest_path.display(),
                dir.display()
            )));
        }
        let mut text = String::new();
        door(dir, &manifest_path)?
            .take(MAX_MANIFEST_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| {
                ReadError::Invalid(format!(
                    "{} is not a snapshot manifest: {e}",
                    manifest_path.display()
                ))
            })?;
        if text.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(ReadError::Invalid(format!(
                "{} is larger than the {MAX_MANIFEST_BYTES} bytes a manifest may be",
                manifest_path.display()
            )));
        }
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            ReadError::Invalid(format!(
                "{} is not a snapshot manifest: {e}",
                manifest_path.display()
            ))
        })?;
        let mut files = BTreeMap::new();
        for entry in manifest.sources {
            let valid = !entry.file.contains(['/', '\\']) && entry.file.ends_with(".parquet");
            if !valid {
                return Err(ReadError::Invalid(format!(
                    "{}: `{}` is not a file of the snapshot folder",
                    manifest_path.display(),
                    crate::text::visible(&entry.file, false)
                )));
            }
            let path = dir.join(&entry.file);
            // Hashed as it streams: the file is never held whole.
            let mut hasher = Sha256::new();
            std::io::copy(&mut door(dir, &path)?, &mut hasher).map_err(|cause| {
                ReadError::File {
                    file: path.display().to_string(),
                    cause,
                }
            })?;
            if hex(&hasher.finalize()) != entry.sha256 {
                return Err(ReadError::Invalid(format!(
                    "{} has changed since the snapshot was taken (its SHA-256 differs from the manifest's); take the snapshot again",
                    path.display()
                )));
            }
            files.insert(entry.name, path);
        }
        Ok(Snapshot {
            dir: dir.to_path_buf(),
            files,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads each source whole (every usable column) and gives the files of
/// its snapshot: one Parquet file per source and the manifest.
pub(crate) fn write(sources: &[&Source]) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut files = Vec::new();
    let mut entries = Vec::new();
    for source in sources {
        let table = read_columns(source, &source.usable_columns())?;
        let bytes = parquet_bytes(&table.batches, source).map_err(|e| {
            Diagnostic::new(
                &source.file,
                crate::diagnostic::Place::WHOLE_FILE,
                format!("cannot write source `{}` as Parquet: {e}", source.name),
            )
        })?;
        let file = format!("{}.parquet", source.name);
        entries.push(Entry {
            name: source.name.clone(),
            file: file.clone(),
            rows: table.batches.iter().map(|b| b.num_rows() as u64).sum(),
            sha256: hex(&Sha256::digest(&bytes)),
            read_from: source.describe(),
        });
        files.push((file, bytes));
    }
    let manifest = Manifest {
        rubric_snapshot: 1,
        sources: entries,
    };
    let mut json = serde_json::to_vec_pretty(&manifest).expect("a manifest is plain data");
    json.push(b'\n');
    files.push((MANIFEST.to_string(), json));
    Ok(files)
}

fn parquet_bytes(batches: &[RecordBatch], source: &Source) -> Result<Vec<u8>, ReadError> {
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => {
            // No rows: the columns still have their types.
            let fields: Vec<arrow_schema::Field> = source
                .usable_columns()
                .iter()
                .map(|c| {
                    let t = match source.columns[c] {
                        Some(crate::expr::column_type::ColumnType::Int) => {
                            arrow_schema::DataType::Int64
                        }
                        Some(crate::expr::column_type::ColumnType::Float) => {
                            arrow_schema::DataType::Float64
                        }
                        Some(crate::expr::column_type::ColumnType::Bool) => {
                            arrow_schema::DataType::Boolean
                        }
                        Some(crate::expr::column_type::ColumnType::Date) => {
                            arrow_schema::DataType::Date32
                        }
                        _ => arrow_schema::DataType::Utf8,
                    };
                    arrow_schema::Field::new(c, t, true)
                })
                .collect();
            std::sync::Arc::new(arrow_schema::Schema::new(fields))
        }
    };
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let mut bytes = Vec::new();
    let mut writer =
        ArrowWriter::try_new(&mut bytes, schema, Some(props)).map_err(ReadError::from)?;
    for b in batches {
        writer.write(b).map_err(ReadError::from)?;
    }
    writer.close().map_err(ReadError::from)?;
    Ok(bytes)
}
