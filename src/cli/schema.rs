//! `rubric schema [--out DIR]`: write the JSON Schemas of the YAML files.

use super::{Failure, Outcome, EXIT_RUN_FAILED};
use crate::config::schema;
use std::path::Path;

pub(super) fn schema(out: &Path) -> Outcome {
    let files: Vec<(&str, Vec<u8>)> = schema::all()
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    match crate::output::atomic::write_all(out, &files) {
        Ok(()) => {
            outln!("wrote {} schemas to {}", files.len(), out.display());
            Ok(())
        }
        Err(e) => Err(Failure::message(
            EXIT_RUN_FAILED,
            format!("error: writing to {}: {e}", out.display()),
        )),
    }
}
