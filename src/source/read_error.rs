//! Why a source's columns or rows could not be read: each cause its own
//! variant, so a caller can tell a corrupt file from a value too large or
//! a database that refused. Each shows as the cause's own words; the
//! source, its file and the columns are added where it is reported.

/// A failed read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error(transparent)]
    Arrow(#[from] arrow_schema::ArrowError),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// The Parquet reader panicked (possible on corrupt files).
    #[error("the Parquet reader failed on this file (it is probably corrupt)")]
    Corrupt,
    /// A file that could not be opened or read, named inside the project.
    #[error("{file}: {cause}")]
    File { file: String, cause: std::io::Error },
    #[error("column `{0}` is missing")]
    MissingColumn(String),
    /// Two columns of one name: which one is meant is unclear.
    #[error("it has two columns named `{0}`, so which one is meant is unclear")]
    TwoColumns(String),
    /// More than Rubric reads from one input: a value, a workbook, cells.
    #[error("{0}")]
    TooLarge(String),
    /// The data is not as the declaration or its format says.
    #[error("{0}")]
    Invalid(String),
    /// The database's words, every credential removed.
    #[error("{0}")]
    Database(String),
}

impl ReadError {
    pub(crate) fn invalid(message: impl Into<String>) -> ReadError {
        ReadError::Invalid(message.into())
    }
}
