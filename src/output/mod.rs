//! Outputs of a run, one file per format, written all or nothing.

mod anchor;
pub(crate) mod atomic;
mod chart;
pub(crate) mod compare;
pub(crate) mod csv;
pub(crate) mod explain;
mod fold;
pub(crate) mod html;
mod index;
pub(crate) mod long_form;
pub(crate) mod markdown;
mod output_error;
pub(crate) mod parquet;
mod pdf;
pub mod review;
pub(crate) mod review_snapshot;
mod sparkline;
pub(crate) mod xlsx;
mod xlsx_change;
mod xlsx_definitions;
mod xlsx_style;
pub(crate) mod zip_host;

pub(crate) use output_error::{OutputError, RenderError};

use crate::layout::Board;
use crate::model::page::{Format, Page};
use crate::model::Project;
use crate::rules::scorecard::Scorecard;
use std::path::Path;

/// The names of the files every run writes: the long form, then the
/// default board (pages add their own, and the pack's index comes last).
pub const FILES: [&str; 6] = [
    "scorecard.parquet",
    "scorecard.csv",
    "scorecard.md",
    "scorecard.html",
    "scorecard.xlsx",
    "scorecard.pdf",
];

/// The pack's index, listing every file.
const INDEX: &str = "index.html";

/// Renders every output in memory: the long form, the default board and
/// each page in the formats it lists, by file name.
pub(crate) fn render_all(
    project: &Project,
    card: &Scorecard,
) -> Result<Vec<(String, Vec<u8>)>, OutputError> {
    render_files(project, card)
}

/// The names of every file a run of `project` writes.
pub fn file_names(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    for page in &project.pages {
        for format in &page.formats {
            names.push(format!("{}.{}", page.name, format.extension));
        }
    }
    names.push(INDEX.to_string());
    names
}

/// Files by name, in the order they are listed.
type Files = Vec<(String, Vec<u8>)>;

fn render_files(project: &Project, card: &Scorecard) -> Result<Files, OutputError> {
    let columns = long_form::columns(project, card);
    let default = Page::default_board(&project.indicators, &project.formats);
    let pages: Vec<&Page> = std::iter::once(&default).chain(&project.pages).collect();
    // Each file is rendered on its own (in parallel), and the first
    // failure in file order is the one reported.
    let (tables, pages) = rayon::join(
        || -> Result<Files, OutputError> {
            let failed = |file: &str, cause: RenderError| OutputError::Render {
                file: file.to_string(),
                cause,
            };
            let parquet = parquet::render(&columns).map_err(|e| failed(FILES[0], e.into()))?;
            let csv = csv::render(&columns).map_err(|e| failed(FILES[1], e.into()))?;
            Ok(vec![
                (FILES[0].to_string(), parquet),
                (FILES[1].to_string(), csv),
            ])
        },
        || -> Vec<Result<Files, OutputError>> {
            use rayon::prelude::*;
            pages
                .par_iter()
                .map(|page| render_page(project, card, page, &columns))
                .collect()
        },
    );
    let mut files = tables?;
    for page in pages {
        files.extend(page?);
    }
    let index = index::render(project, card).map_err(|cause| OutputError::Render {
        file: INDEX.to_string(),
        cause: cause.into(),
    })?;
    files.push((INDEX.to_string(), index));
    Ok(files)
}

/// One page's files, in its formats' order.
fn render_page(
    project: &Project,
    card: &Scorecard,
    page: &Page,
    columns: &[long_form::Column],
) -> Result<Files, OutputError> {
    let board = Board::build(project, card, page);
    // A page's workbook holds the figures of its own indicators.
    let page_columns;
    let columns = if page.file.is_some() {
        page_columns = long_form::only(
            columns,
            &board
                .lines()
                .map(|l| l.indicator.id.as_str())
                .collect::<Vec<_>>(),
        );
        &page_columns
    } else {
        columns
    };
    // Before any output is made: a page a format cannot hold (a workbook
    // Excel cannot open) is no output.
    for format in &page.formats {
        writer(format).fits(&board, columns)?;
    }
    let mut files = Vec::new();
    for format in &page.formats {
        let name = format!("{}.{}", page.name, format.extension);
        let bytes =
            writer(format)
                .render(&board, columns)
                .map_err(|cause| OutputError::Render {
                    file: name.clone(),
                    cause,
                })?;
        files.push((name, bytes));
    }
    Ok(files)
}

/// A format a page is written in: one file in `output/` implementing
/// this, and one line of `FORMATS`.
pub(crate) trait PageWriter: Sync {
    /// Its name, extension and words: what a page's `formats:` is checked
    /// against.
    fn format(&self) -> Format;
    /// Whether the page can be written in this format at all, checked for
    /// every format before any is rendered.
    fn fits(&self, _board: &Board, _long: &[long_form::Column]) -> Result<(), OutputError> {
        Ok(())
    }
    /// The file's bytes; `long` is the page's long-form figures.
    fn render(&self, board: &Board, long: &[long_form::Column]) -> Result<Vec<u8>, RenderError>;
}

/// Every format a page can be written in, in the order a page's files
/// are written.
const FORMATS: &[&dyn PageWriter] = &[&markdown::Markdown, &html::Html, &xlsx::Xlsx, &pdf::Pdf];

/// What the compiler checks a page's `formats:` against.
pub fn formats() -> Vec<Format> {
    FORMATS.iter().map(|w| w.format()).collect()
}

/// The writer of a format the compiler accepted.
fn writer(format: &Format) -> &'static dyn PageWriter {
    FORMATS
        .iter()
        .copied()
        .find(|w| w.format().name == format.name)
        .expect("a page's formats come from FORMATS")
}

/// Renders and writes every output into `out_dir`, all or nothing.
pub(crate) fn write(
    project: &Project,
    card: &Scorecard,
    out_dir: &Path,
) -> Result<(), OutputError> {
    let files = render_all(project, card)?;
    atomic::write_all(out_dir, &files).map_err(|cause| OutputError::Place {
        folder: out_dir.display().to_string(),
        cause,
    })
}
