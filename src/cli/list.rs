//! `rubric list`: the indicators, one line each.

use super::compiled;
use super::failure::Outcome;
use std::path::Path;

pub(super) fn list(project: &Path) -> Outcome {
    let p = compiled(project)?;
    let rows: Vec<[&str; 5]> = p
        .indicators
        .iter()
        .map(|i| {
            [
                i.id.as_str(),
                i.title.as_str(),
                i.section.as_str(),
                i.unit.name(),
                i.source_label.as_str(),
            ]
        })
        .collect();
    let header = ["ID", "TITLE", "SECTION", "UNIT", "SOURCE"];
    let widths: Vec<usize> = (0..5)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(header).chain(rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        outln!(
            "{}",
            crate::text::visible(line.join("  ").trim_end(), false)
        );
    }
    Ok(())
}
