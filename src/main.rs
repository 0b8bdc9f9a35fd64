fn main() -> std::process::ExitCode {
    restore_sigpipe();
    rubric::cli::main()
}

/// `rubric list | head` should stop quietly when `head` has read enough,
/// as other command-line tools do, not panic on the closed pipe: Rust
/// ignores SIGPIPE by default, so writes fail and `println!` panics.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: called first thing in main, before any thread starts; it only
    // puts back the default action for one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
