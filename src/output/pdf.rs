//! `<page>.pdf`: a page as a board receives it, typeset by the Typst
//! compiler linked into Rubric (no browser, no system fonts): A4
//! landscape, tables breaking across pages with their headings repeated,
//! one type size for figures and words, commentary under each section,
//! the title, period and "page X of Y" on every page. Tagged for screen
//! readers, with the open-licence fonts Typst ships embedded.
//!
//! The page goes in as data: `html::view` (what the web page prints, with
//! the page's markers) as JSON, read by a fixed template (`page.typ`).
//! Text from a definition is never Typst markup, so it cannot run as code.

use super::RenderError;
use crate::layout::Board;
use crate::model::page::Format;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The template every PDF page is typeset from.
const TEMPLATE: &str = include_str!("page.typ");

/// Where the template reads the page's data.
const DATA: &str = "/page.json";

/// The PDF page.
pub(super) struct Pdf;

impl super::PageWriter for Pdf {
    fn format(&self) -> Format {
        Format {
            name: "pdf",
            extension: "pdf",
            words: "PDF",
            default: true,
        }
    }

    fn render(
        &self,
        board: &Board,
        _long: &[super::long_form::Column],
    ) -> Result<Vec<u8>, RenderError> {
        let data = serde_json::to_vec(&super::html::view(board))
            .map_err(|e| RenderError::Typeset(e.to_string()))?;
        typeset(data, &board.page.name)
    }
}

/// What every page shares: the standard library and the fonts, loaded
/// once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|bytes| Font::iter(Bytes::new(bytes)))
            .collect();
        Shared {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// One page's world: the template and its data, nothing else. Any other
/// file, package or the clock is refused, so a run is the same bytes on
/// every machine.
struct PageWorld {
    shared: &'static Shared,
    main: Source,
    data_id: FileId,
    data: Bytes,
}

fn file_id(path: &str) -> FileId {
    let path = VirtualPath::new(path).expect("a fixed absolute path");
    RootedPath::new(VirtualRoot::Project, path).intern()
}

impl World for PageWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// The PDF of the page whose view is `data`; `name` identifies the
/// document (the same on every run, as the file name is).
fn typeset(data: Vec<u8>, name: &str) -> Result<Vec<u8>, RenderError> {
    let world = PageWorld {
        shared: shared(),
        main: Source::new(file_id("/page.typ"), TEMPLATE.to_string()),
        data_id: file_id(DATA),
        data: Bytes::new(data),
    };
    let document = typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .map_err(|errors| RenderError::Typeset(messages(&errors)))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(format!("rubric-{name}")),
        creator: Smart::Custom(Some("Rubric".to_string())),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| RenderError::Typeset(messages(&errors)))
}

/// Typst's errors in one line each.
fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
