//! Excel sources: a sheet with a title above its header, dates stored as
//! Excel serial numbers and as text, a header cell merged over two
//! columns, read as a table the indicators count.

use crate::common;

use common::{indicator, indicators, Fixture};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A workbook like a team's hand-kept list: a title in row 1, the header
/// in row 3 (its `team` cell merged over C3:D3: team and locality), dates
/// as serial numbers with a date format, and a second date column typed
/// as text.
fn workbook(path: &std::path::Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Referrals").unwrap();
    let day = Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_string(0, 0, "Referrals kept by the duty team")
        .unwrap();
    sheet.write_string(2, 0, "referral_date").unwrap();
    sheet.write_string(2, 1, "closed").unwrap();
    sheet
        .merge_range(2, 2, 2, 3, "team", &Format::new())
        .unwrap();
    sheet.write_string(2, 4, "children").unwrap();
    type Row<'a> = ((u16, u8, u8), &'a str, &'a str, &'a str, f64);
    let rows: [Row; 4] = [
        ((2023, 1, 5), "10/01/2023", "North", "Coast", 1.0),
        ((2023, 1, 31), "", "North", "Coast", 2.0),
        ((2023, 2, 1), "01/03/2023", "South", "Inland", 1.0),
        ((2023, 2, 28), "", "South", "Coast", 3.0),
    ];
    for (i, ((y, m, d), closed, team, locality, children)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        let date = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet.write_datetime_with_format(r, 0, &date, &day).unwrap();
        if !closed.is_empty() {
            sheet.write_string(r, 1, *closed).unwrap();
        }
        sheet.write_string(r, 2, *team).unwrap();
        sheet.write_string(r, 3, *locality).unwrap();
        sheet.write_number(r, 4, *children).unwrap();
    }
    book.save(path).unwrap();
}

fn project(declaration: &str) -> Fixture {
    let f = Fixture::new();
    f.standard_rules();
    workbook(&f.path().join("referrals.xlsx"));
    f.file(
        "indicators/a.yaml",
        &indicators(&[
            indicator(
                "X1",
                "count",
                "neutral",
                "kind: flow\nsource: referrals\ndate: referral_date\nfilter: team_2 == \"Coast\"",
                "breakdown: team",
            ),
            indicator(
                "X2",
                "count",
                "neutral",
                "kind: flow\nsource: referrals\ndate: closed\nsum: children",
                "",
            ),
        ]),
    );
    f.file(
        "rubric.yaml",
        &format!("sources:\n  - name: referrals\n    path: referrals.xlsx\n{declaration}"),
    );
    f
}

#[test]
fn serial_dates_text_dates_and_a_merged_header_read_as_a_table() {
    let f = project("    sheet: Referrals\n    header_row: 3\n");
    let t = f.run(&[]);
    // Coast rows: 5 Jan and 31 Jan (North), 28 Feb (South).
    assert_eq!(t.value("X1", "2023-01"), "2");
    assert_eq!(t.value("X1", "2023-02"), "1");
    assert_eq!(t.group("X1", "North", "2023-01", "value"), "2");
    assert_eq!(t.group("X1", "South", "2023-02", "value"), "1");
    // Closed dates written as text, day first: 10 Jan (1 child), 1 Mar (1 child).
    assert_eq!(t.value("X2", "2023-01"), "1");
    assert_eq!(t.value("X2", "2023-03"), "1");
}

#[test]
fn a_range_picks_the_cells_and_counts_its_header_row_from_its_top() {
    let f = project("    range: A3:E5\n");
    let t = f.run(&[]);
    // Rows 4 and 5 only: both in January, which is then the latest month.
    assert_eq!(t.value("X1", "2023-01"), "2");
    assert!(!t.rows.keys().any(|(_, _, _, period)| period == "2023-02"));
}

#[test]
fn a_missing_sheet_and_a_wrong_type_are_named_with_their_place() {
    let f = project("    sheet: Referals\n    header_row: 3\n");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the workbook has no sheet `Referals` (it has Referrals)"),
        "{}",
        out.stderr
    );

    let f = project("    header_row: 3\n    columns: { team: integer }\n");
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("cell C4 holds `North`, which is not a whole number"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_column_of_text_dates_read_as_text_names_the_cell_that_is_not_a_date() {
    let f = project("    sheet: Referrals\n    header_row: 3\n");
    // The same sheet with one closing date written another way (row 6).
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Referrals").unwrap();
    for (c, name) in ["referral_date", "closed", "team", "team_2", "children"]
        .iter()
        .enumerate()
    {
        sheet.write_string(2, c as u16, *name).unwrap();
    }
    for (i, closed) in ["10/01/2023", "11/01/2023", "1st March"].iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write_string(r, 0, "05/01/2023").unwrap();
        sheet.write_string(r, 1, *closed).unwrap();
        sheet.write_string(r, 2, "North").unwrap();
        sheet.write_string(r, 3, "Coast").unwrap();
        sheet.write_number(r, 4, 1.0).unwrap();
    }
    book.save(f.path().join("referrals.xlsx")).unwrap();
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "column `closed` of `referrals` is read as text, not dates: `1st March` (cell B6) is not a date"
        ),
        "{}",
        out.stderr
    );
}
