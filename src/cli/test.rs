//! `rubric test [ID...]`: run the expected-value tests written beside the
//! definitions.

use super::failure::{Failure, Outcome};
use super::{compiled, EXIT_PROBLEMS};
use crate::run::definition_tests::run_all;
use std::path::Path;

pub(super) fn test(project: &Path, ids: &[String]) -> Outcome {
    let p = compiled(project)?;
    let results = run_all(&p, ids);
    let failed = results.iter().filter(|r| !r.failures.is_empty()).count();
    for r in &results {
        if r.failures.is_empty() {
            outln!("ok     {}: {}", r.indicator.id, r.test.name);
            continue;
        }
        outln!(
            "FAILED {}: {} ({}:{})",
            r.indicator.id,
            r.test.name,
            r.indicator.file.display(),
            r.test.place.line
        );
        for f in &r.failures {
            outln!("         {f}");
        }
    }
    let indicators = results
        .iter()
        .map(|r| r.indicator.id.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    outln!(
        "\n{} of {}: {} passed, {failed} failed",
        plural(results.len(), "test"),
        plural(indicators, "indicator"),
        results.len() - failed
    );
    if failed > 0 {
        Err(Failure::Reported(EXIT_PROBLEMS))
    } else {
        Ok(())
    }
}
