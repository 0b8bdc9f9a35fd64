//! `scorecard.xlsx` read back the way a spreadsheet would: the sheets, the
//! figures as numbers (a percentage a fraction formatted as %), missing
//! figures said with a reason, no dates and no formulas, RAG coloured by
//! conditional formatting, and the same bytes on every run.

use crate::common;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

use std::io::{Cursor, Read};
use std::path::Path;

fn workbook(out: &Path) -> Vec<u8> {
    let run = common::example(&["run", "--out", out.to_str().expect("a UTF-8 path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::read(out.join("scorecard.xlsx")).expect("scorecard.xlsx written")
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The row of the Scorecard sheet whose first cell is `id`.
fn scorecard_row(range: &calamine::Range<Data>, id: &str) -> Vec<Data> {
    range
        .rows()
        .find(|r| r.first() == Some(&Data::String(id.to_string())))
        .unwrap_or_else(|| panic!("{id} not on the Scorecard sheet"))
        .to_vec()
}

#[test]
fn the_workbook_reads_back_with_numbers_formats_and_no_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = workbook(dir.path());
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let names = book.sheet_names();
    assert_eq!(&names[..3], ["Scorecard", "Data", "Definitions"]);
    assert!(names.contains(&"AS2 teams".to_string()), "{names:?}");

    let card = book.worksheet_range("Scorecard").unwrap();
    let header = card
        .rows()
        .find(|r| r.first() == Some(&Data::String("ID".into())))
        .unwrap();
    assert_eq!(header[2], Data::String("Jul-22".into()));
    assert_eq!(header[14], Data::String("Jul-23".into()));
    // AS2, July 2023: 237 of 293 within 45 working days (the shipped
    // scorecard.md says 81% (237/293)), stored as the fraction.
    let as2 = scorecard_row(&card, "AS2");
    match &as2[14] {
        Data::Float(v) => assert!((v - 237.0 / 293.0).abs() < 1e-12, "{v}"),
        other => panic!("AS2 July is not a number: {other:?}"),
    }
    // Target 90%, RAG red by word.
    assert_eq!(as2[19], Data::Float(0.9));
    assert_eq!(as2[20], Data::String("Red".into()));
    // Every indicator is on the sheet.
    for id in ["FD1", "AS5", "CP12", "CIC9", "PUB8"] {
        scorecard_row(&card, id);
    }

    // No cell anywhere is a date, and none holds a formula.
    for name in &names {
        let range = book.worksheet_range(name).unwrap();
        assert!(
            range
                .used_cells()
                .all(|(_, _, d)| !matches!(d, Data::DateTime(_) | Data::DateTimeIso(_))),
            "{name} has a date"
        );
        let formulas = book.worksheet_formula(name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{name} has a formula"
        );
    }

    // Percentages are formatted as percentages; RAG colours are
    // conditional formats on the RAG column.
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0%\""), "{styles}");
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    for word in ["Red", "Amber", "Green"] {
        assert!(
            sheet.contains(&format!("<formula>NOT(ISERROR(SEARCH(\"{word}\"")),
            "no conditional format for {word}"
        );
    }

    // The Data sheet is the long form: a row per CSV row.
    let data = book.worksheet_range("Data").unwrap();
    let csv = std::fs::read_to_string(dir.path().join("scorecard.csv")).unwrap();
    assert_eq!(data.height(), csv.lines().count());
    assert_eq!(data.get((0, 0)), Some(&Data::String("indicator".into())));
}

#[test]
fn a_missing_figure_says_why_in_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = workbook(dir.path());
    let notes: String = (1..=3)
        .filter_map(|n| {
            let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).ok()?;
            let mut f = zip.by_name(&format!("xl/comments{n}.xml")).ok()?;
            let mut s = String::new();
            f.read_to_string(&mut s).ok()?;
            Some(s)
        })
        .collect();
    assert!(
        notes.contains("not collected before"),
        "no reason for a missing value"
    );
}

#[test]
fn the_workbook_is_the_same_bytes_every_run() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(workbook(a.path()), workbook(b.path()));
}

#[test]
fn regression_a_missing_value_in_the_data_sheet_is_an_empty_cell_not_the_text_na() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = workbook(dir.path());
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let data = book.worksheet_range("Data").unwrap();
    let header: Vec<String> = data
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (numerator, status) = (column("numerator"), column("status"));
    // A count has no numerator: its cells are empty, so the column holds
    // numbers only; the CSV still says NA.
    let mut empty = 0;
    for row in data.rows().skip(1) {
        assert_ne!(row[numerator], Data::String("NA".into()), "{row:?}");
        if row[numerator] == Data::Empty {
            empty += 1;
        }
        assert_ne!(
            row[status],
            Data::Empty,
            "every row says its status: {row:?}"
        );
    }
    assert!(empty > 100, "{empty}");
    let csv = std::fs::read_to_string(dir.path().join("scorecard.csv")).unwrap();
    assert!(csv.contains(",ok,NA,1705,NA,NA,"), "the CSV keeps NA");
}
