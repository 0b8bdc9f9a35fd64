//! Outputs of a run, one file per format, written all or nothing.

pub(crate) mod atomic;
pub(crate) mod compare;
pub(crate) mod csv;
pub(crate) mod explain;
pub(crate) mod html;
pub(crate) mod long_form;
pub(crate) mod markdown;
pub(crate) mod parquet;
pub mod review;
pub(crate) mod xlsx;

use crate::error::RunError;
use crate::model::Project;
use crate::scorecard::Scorecard;
use std::path::Path;

/// The names of the files a run writes.
pub const FILES: [&str; 5] = [
    "scorecard.parquet",
    "scorecard.csv",
    "scorecard.md",
    "scorecard.html",
    "scorecard.xlsx",
];

/// Renders every output in memory.
pub fn render_all(
    project: &Project,
    card: &Scorecard,
) -> Result<Vec<(&'static str, Vec<u8>)>, RunError> {
    render_files(project, card).map_err(RunError::Write)
}

fn render_files(
    project: &Project,
    card: &Scorecard,
) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let columns = long_form::columns(project, card);
    let board = crate::layout::Board::build(project, card);
    // Before any output is made: a workbook Excel cannot open is no output.
    xlsx::fits(&board, &columns)?;
    let parquet =
        parquet::render(&columns).map_err(|e| format!("writing scorecard.parquet: {e}"))?;
    let csv = csv::render(&columns).map_err(|e| format!("writing scorecard.csv: {e}"))?;
    let md = markdown::render(&board).into_bytes();
    let xlsx =
        xlsx::render(&board, &columns).map_err(|e| format!("writing scorecard.xlsx: {e}"))?;
    let html = html::render(&board)
        .map_err(|e| format!("writing scorecard.html: {e}"))?
        .into_bytes();
    Ok(vec![
        (FILES[0], parquet),
        (FILES[1], csv),
        (FILES[2], md),
        (FILES[3], html),
        (FILES[4], xlsx),
    ])
}

/// Renders and writes every output into `out_dir`, all or nothing.
pub fn write(project: &Project, card: &Scorecard, out_dir: &Path) -> Result<(), RunError> {
    let files = render_all(project, card)?;
    atomic::write_all(out_dir, &files)
        .map_err(|e| RunError::Write(format!("writing to {}: {e}", out_dir.display())))
}
