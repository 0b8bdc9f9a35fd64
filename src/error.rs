//! The ways a command can fail, each with its exit code, so the command
//! line never decides a code from a message.

use crate::diagnostic::Diagnostic;

/// 1: problems in the project's definitions.
pub const EXIT_PROBLEMS: u8 = 1;
/// 2: a bad command line.
pub const EXIT_USAGE: u8 = 2;
/// 3: a run failed on the data or while writing.
pub const EXIT_RUN_FAILED: u8 = 3;
/// 4: `run --check` or `diff` found differences.
pub const EXIT_DIFFERENT: u8 = 4;

/// A runtime failure while evaluating: names the indicator or source and why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .0.message)]
pub struct EvalError(pub Diagnostic);

/// Why a run ended without its outputs.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The data, or an expression over it, failed while evaluating.
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// An output could not be rendered or written; the previous outputs
    /// were left as they were.
    #[error("{0}")]
    Write(String),
}

impl RunError {
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Eval(_) | RunError::Write(_) => EXIT_RUN_FAILED,
        }
    }
}
