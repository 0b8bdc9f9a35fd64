//! The exit codes, and a run's failure while evaluating. Each stage's
//! failures are their own types with their exit code (reading:
//! `source::ReadError`, writing: `output::OutputError`), so the command
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
