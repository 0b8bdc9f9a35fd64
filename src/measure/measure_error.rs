//! Why computing a measure's columns failed below the scan (a column not
//! read, an Arrow kernel's error, a source read that failed, a source too
//! large for a history). The scan places each on its measure and source.

/// A failure while computing over a source's rows.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    #[error(transparent)]
    Arrow(#[from] arrow_schema::ArrowError),
    /// A column the measure reads is not among those read.
    #[error("column `{0}` was not read")]
    NotRead(String),
    /// Reading the source failed (its message, placed on the source).
    #[error("{0}")]
    Read(String),
    /// More rows than one pass can number.
    #[error("{0}")]
    TooLarge(String),
}

impl From<crate::diagnostic::Diagnostic> for MeasureError {
    fn from(d: crate::diagnostic::Diagnostic) -> MeasureError {
        MeasureError::Read(d.message)
    }
}
