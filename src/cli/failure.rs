//! How a command ends when it does not succeed. Each command returns its
//! `Failure` (or `Ok`); `main` prints it, once, to stderr, and exits with
//! its code, so no command decides an exit code and prints beside it.

use crate::diagnostic::{render_all, Diagnostic, SourceTexts};

/// Why a command failed, with its exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Diagnostics shown with their excerpts: problems in the definitions
    /// (exit code 1), or a run that failed on the data (3).
    Diagnostics {
        code: u8,
        problems: Vec<Diagnostic>,
        texts: SourceTexts,
    },
    /// One message, printed as written (`error: ...` and its help lines).
    Message { code: u8, text: String },
    /// The command's own report said what is wrong (the differences `diff`
    /// or `run --check` listed, the problems `check` printed, the failing
    /// tests): only the exit code is left to give.
    Reported(u8),
}

/// What a command returns.
pub(crate) type Outcome = Result<(), Failure>;

impl Failure {
    /// Problems in the definitions (exit code 1).
    pub(crate) fn problems(problems: Vec<Diagnostic>, texts: &SourceTexts) -> Failure {
        Failure::Diagnostics {
            code: super::EXIT_PROBLEMS,
            problems,
            texts: texts.clone(),
        }
    }

    /// A run that failed on the data (exit code 3), as its diagnostic.
    pub(crate) fn run_failed(problem: Diagnostic, texts: &SourceTexts) -> Failure {
        Failure::Diagnostics {
            code: super::EXIT_RUN_FAILED,
            problems: vec![problem],
            texts: texts.clone(),
        }
    }

    /// A message with its exit code.
    pub(crate) fn message(code: u8, text: impl Into<String>) -> Failure {
        Failure::Message {
            code,
            text: text.into(),
        }
    }

    pub(crate) fn code(&self) -> u8 {
        match self {
            Failure::Diagnostics { code, .. }
            | Failure::Message { code, .. }
            | Failure::Reported(code) => *code,
        }
    }

    /// Says it on stderr (nothing for a failure the report already said).
    pub(crate) fn print(&self) {
        match self {
            Failure::Diagnostics {
                problems, texts, ..
            } => err!("{}", render_all(problems, texts)),
            Failure::Message { text, .. } => errln!("{text}"),
            Failure::Reported(_) => {}
        }
    }
}
