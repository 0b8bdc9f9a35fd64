//! `rubric review [ID...]`: the definition review of each indicator.

use super::{compiled, report, EXIT_PROBLEMS, EXIT_RUN_FAILED};
use crate::output::review;
use crate::scorecard;
use std::path::{Path, PathBuf};

pub fn review(project: &Path, ids: &[String], out: Option<PathBuf>) -> u8 {
    let p = match compiled(project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let unknown: Vec<&String> = ids
        .iter()
        .filter(|id| !p.indicators.iter().any(|i| &i.id == *id))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
        errln!(
            "error: no indicator {}\n  = help: the indicators are: {}",
            unknown
                .iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", "),
            known.join(", ")
        );
        return EXIT_PROBLEMS;
    }
    let card = match scorecard::run(&p, scorecard::RunOptions::new(&p)) {
        Ok(card) => card,
        Err(e) => {
            report(&[e.0], &p.texts);
            return EXIT_RUN_FAILED;
        }
    };
    let mut files = Vec::new();
    for (i, ind) in p.indicators.iter().enumerate() {
        if review::matches(ind, ids) {
            files.push((
                format!("{}.md", ind.id),
                review::render(&p, &card, i).into_bytes(),
            ));
        }
    }
    match out {
        Some(dir) => {
            let refs: Vec<(&str, Vec<u8>)> =
                files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
            if let Err(e) = crate::output::atomic::write_all(&dir, &refs) {
                errln!("error: writing to {}: {e}", dir.display());
                return EXIT_RUN_FAILED;
            }
            outln!("wrote {} reviews to {}", files.len(), dir.display());
        }
        None => {
            let texts: Vec<String> = files
                .into_iter()
                .map(|(_, b)| String::from_utf8_lossy(&b).to_string())
                .collect();
            out!("{}", texts.join("\n---\n\n"));
        }
    }
    0
}
