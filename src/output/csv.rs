//! `scorecard.csv`: the long-form table as CSV; an empty cell is `NA`.
//! Text that a spreadsheet would run as a formula is neutralised.

use super::long_form::{Cell, Column};
use std::borrow::Cow;

/// Text safe to open in a spreadsheet: a text cell starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is run as a formula by Excel and
/// LibreOffice, so it gets a leading `'` (OWASP's advice for CSV). Only
/// text is touched: numbers are written as numbers, and Parquet keeps the
/// raw value.
pub(crate) fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

pub(crate) fn render(columns: &[Column]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(
        columns
            .iter()
            .map(|c| spreadsheet_safe(&c.name).into_owned()),
    )?;
    let rows = columns.first().map_or(0, |c| c.cells.len());
    for i in 0..rows {
        w.write_record(columns.iter().map(|c| match &c.cells[i] {
            Cell::Text(s) => spreadsheet_safe(s).into_owned(),
            Cell::Number(v) => v.to_string(),
            Cell::Null => "NA".to_string(),
        }))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_not() {
        for formula in [
            "=HYPERLINK(\"http://x/\",\"y\")",
            "@SUM(A1)",
            "+1+1",
            "-2+3",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        for plain in ["North 1", "(not recorded)", "–", "", "a=b"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }
}
