//! How far a run has got, for a progress bar. The library says what it is
//! doing; the command line decides whether and how to show it.

/// Told as a run moves through its stages; called from several threads.
pub trait Progress: Sync {
    /// A stage begins, with this many steps.
    fn stage(&self, _name: &str, _steps: usize) {}
    /// One step of the current stage is done.
    fn step(&self) {}
}

/// Shows nothing.
pub(crate) struct Silent;

impl Progress for Silent {}
