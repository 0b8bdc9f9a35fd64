//! `scorecard.csv`: the long-form table as CSV; an empty cell is `NA`.

use super::long_form::{Cell, Column};

pub fn render(columns: &[Column]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns.iter().map(|c| c.name.as_str()))?;
    let rows = columns.first().map_or(0, |c| c.cells.len());
    for i in 0..rows {
        w.write_record(columns.iter().map(|c| match &c.cells[i] {
            Cell::Text(s) => s.clone(),
            Cell::Number(v) => v.to_string(),
            Cell::Null => "NA".to_string(),
        }))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
