//! `rubric run`: evaluate the project and write the scorecard.

use super::{report, EXIT_PROBLEMS, EXIT_RUN_FAILED};
use crate::measure::period::Month;
use crate::model::compile_project;
use crate::{output, scorecard};
use std::path::{Path, PathBuf};

pub fn run(project: &Path, out: Option<PathBuf>, period: Option<Month>) -> u8 {
    let p = match compile_project(project) {
        Ok(p) => p,
        Err(failure) => {
            report(&failure.problems, &failure.texts);
            return EXIT_PROBLEMS;
        }
    };
    let card = match scorecard::build(&p, period) {
        Ok(card) => card,
        Err(e) => {
            report(&[e.0], &p.texts);
            return EXIT_RUN_FAILED;
        }
    };
    let out_dir = out.unwrap_or_else(|| project.join("out"));
    if let Err(e) = output::write(&p, &card, &out_dir) {
        eprintln!("error: {e}\n  = help: check the folder is writable; the previous outputs were left as they were");
        return EXIT_RUN_FAILED;
    }
    println!(
        "wrote {} to {} (reporting period {}, {} indicators)",
        output::FILES.join(", "),
        out_dir.display(),
        card.reporting,
        p.indicators.len()
    );
    0
}
