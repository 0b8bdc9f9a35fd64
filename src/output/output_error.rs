//! Why outputs could not be made or written: a file its format could not
//! render, a page too large for its format, or the set of files not put in
//! place. Nothing is written in any of these cases.

use super::atomic::WriteError;

/// Why a run's outputs were not written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    /// A file could not be rendered.
    #[error("writing {file}: {cause}")]
    Render { file: String, cause: RenderError },
    /// A page too large for a format it is written in (a workbook past
    /// Excel's rows or columns), found before any file is made.
    #[error("{0}")]
    TooLarge(String),
    /// The files could not be put in place.
    #[error("writing to {folder}: {cause}")]
    Place { folder: String, cause: WriteError },
}

/// Why one file could not be rendered.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RenderError {
    #[error(transparent)]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error(transparent)]
    Arrow(#[from] arrow_schema::ArrowError),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    #[error("the HTML template: {0}")]
    Template(#[from] minijinja::Error),
    /// The PDF could not be typeset (Typst's messages).
    #[error("typesetting the PDF: {0}")]
    Typeset(String),
}

impl OutputError {
    /// 3: a run failed while writing.
    pub(crate) fn exit_code(&self) -> u8 {
        crate::error::EXIT_RUN_FAILED
    }
}
