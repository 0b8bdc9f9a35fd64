//! Writing a command's output. A full disk or a closed pipe on stdout is
//! an error with a message and an exit code, never a panic: the first
//! failure is kept, later writes are skipped, and `main` reports it.

use std::io::Write as _;
use std::sync::Mutex;

static FAILED: Mutex<Option<String>> = Mutex::new(None);

pub(crate) fn write_out(args: std::fmt::Arguments) {
    let mut failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    if failed.is_some() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        *failed = Some(e.to_string());
    }
}

pub(crate) fn write_err(args: std::fmt::Arguments) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// Why writing to stdout failed, if it did.
pub(crate) fn failure() -> Option<String> {
    FAILED.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
