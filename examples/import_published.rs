//! Turns the published board data tables (one CSV row per section and
//! indicator, values as printed: `26%`, `<36%`, `-`, `TBC`, blanks) into the
//! long-form Parquet source `published`: one row per section, indicator and
//! month, with the value as a number or a reason why there is none.
//!
//! Run: `cargo run --example import_published -- [CSV] [PARQUET]`
//! (defaults: data/raw/published-series-2022-07-to-2023-07.csv, data/published.parquet).

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, Date32Array, DictionaryArray, Float64Array, RecordBatch, StringArray};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::error::Error;
use std::sync::Arc;

/// A printed cell: a number (with the comparator printed before it, if
/// any), or the reason there is no number.
#[derive(Debug, PartialEq)]
enum Cell {
    Number {
        value: f64,
        comparator: Option<String>,
    },
    Missing(&'static str),
}

fn parse_cell(text: &str) -> Cell {
    let t = text.trim();
    match t {
        "" => return Cell::Missing("blank in the published table"),
        "-" => return Cell::Missing("not published (-)"),
        "TBC" => return Cell::Missing("to be confirmed (TBC)"),
        _ => {}
    }
    let comparator: String = t
        .chars()
        .take_while(|c| matches!(c, '<' | '>' | '='))
        .collect();
    let number = t[comparator.len()..]
        .trim()
        .trim_end_matches('%')
        .replace(',', "");
    match number.parse::<f64>() {
        Ok(value) => Cell::Number {
            value,
            comparator: (!comparator.is_empty()).then_some(comparator),
        },
        Err(_) => Cell::Missing("not a number in the published table"),
    }
}

fn number(text: &str) -> Option<f64> {
    match parse_cell(text) {
        Cell::Number { value, .. } => Some(value),
        Cell::Missing(_) => None,
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let input = args
        .next()
        .unwrap_or_else(|| "data/raw/published-series-2022-07-to-2023-07.csv".into());
    let output = args
        .next()
        .unwrap_or_else(|| "data/published.parquet".into());
    let mut reader = csv::Reader::from_path(&input)?;
    let headers = reader.headers()?.clone();
    let months: Vec<(usize, i32)> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let d = NaiveDate::parse_from_str(&format!("{h}-01"), "%Y-%m-%d").ok()?;
            Some((i, rubric::calendar::period::days_from_date(d)))
        })
        .collect();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or(format!("no column {name}"))
    };
    let (section, ref_id, indicator) = (col("section")?, col("ref_id")?, col("indicator")?);
    let (target, rag, dot, note) = (col("target")?, col("rag")?, col("dot")?, col("note")?);
    let benchmarks = [
        "own_previous_year",
        "statistical_neighbours",
        "south_east",
        "england",
    ]
    .map(col);
    let mut rows = Rows::default();
    for record in reader.records() {
        let r = record?;
        let text = |i: usize| {
            r.get(i)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let (target_value, comparator) = match parse_cell(r.get(target).unwrap_or("")) {
            Cell::Number { value, comparator } => (Some(value), comparator),
            Cell::Missing(_) => (None, None),
        };
        for &(i, day) in &months {
            let (value, status) = match parse_cell(r.get(i).unwrap_or("")) {
                Cell::Number { value, .. } => (Some(value), "published".to_string()),
                Cell::Missing(why) => (None, why.to_string()),
            };
            rows.section
                .push(r.get(section).unwrap_or("").trim().to_string());
            rows.ref_id.push(text(ref_id));
            rows.indicator
                .push(r.get(indicator).unwrap_or("").trim().to_string());
            rows.period.push(day);
            rows.value.push(value);
            rows.status.push(status);
            rows.target.push(target_value);
            rows.comparator.push(comparator.clone());
            rows.rag.push(text(rag));
            rows.dot.push(text(dot));
            for (b, idx) in rows.benchmarks.iter_mut().zip(&benchmarks) {
                b.push(
                    idx.as_ref()
                        .ok()
                        .and_then(|&i| number(r.get(i).unwrap_or(""))),
                );
            }
            rows.note.push(text(note));
        }
    }
    let batch = rows.batch()?;
    let props = WriterProperties::builder()
        .set_created_by("rubric import_published".to_string())
        .build();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&output)?, batch.schema(), Some(props))?;
    writer.write(&batch)?;
    writer.close()?;
    println!("wrote {} rows to {output}", batch.num_rows());
    Ok(())
}

#[derive(Default)]
struct Rows {
    section: Vec<String>,
    ref_id: Vec<Option<String>>,
    indicator: Vec<String>,
    period: Vec<i32>,
    value: Vec<Option<f64>>,
    status: Vec<String>,
    target: Vec<Option<f64>>,
    comparator: Vec<Option<String>>,
    rag: Vec<Option<String>>,
    dot: Vec<Option<String>>,
    benchmarks: [Vec<Option<f64>>; 4],
    note: Vec<Option<String>>,
}

impl Rows {
    fn batch(self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let dict = |v: &[String]| {
            Arc::new(
                v.iter()
                    .map(String::as_str)
                    .collect::<DictionaryArray<Int32Type>>(),
            ) as ArrayRef
        };
        let text = |v: Vec<Option<String>>| Arc::new(StringArray::from(v)) as ArrayRef;
        let float = |v: Vec<Option<f64>>| Arc::new(Float64Array::from(v)) as ArrayRef;
        let [own, sn, se, england] = self.benchmarks;
        RecordBatch::try_from_iter([
            ("section", dict(&self.section)),
            ("ref_id", text(self.ref_id)),
            ("indicator", dict(&self.indicator)),
            (
                "period",
                Arc::new(Date32Array::from(self.period)) as ArrayRef,
            ),
            ("value", float(self.value)),
            ("status", dict(&self.status)),
            ("target", float(self.target)),
            ("target_comparator", text(self.comparator)),
            ("published_rag", text(self.rag)),
            ("published_dot", text(self.dot)),
            ("own_previous_year", float(own)),
            ("statistical_neighbours", float(sn)),
            ("south_east", float(se)),
            ("england", float(england)),
            ("note", text(self.note)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_cells_become_numbers_or_reasons() {
        assert_eq!(
            parse_cell("26%"),
            Cell::Number {
                value: 26.0,
                comparator: None
            }
        );
        assert_eq!(
            parse_cell("<36%"),
            Cell::Number {
                value: 36.0,
                comparator: Some("<".into())
            }
        );
        assert_eq!(
            parse_cell("1,594"),
            Cell::Number {
                value: 1594.0,
                comparator: None
            }
        );
        assert_eq!(parse_cell("-"), Cell::Missing("not published (-)"));
        assert_eq!(parse_cell("TBC"), Cell::Missing("to be confirmed (TBC)"));
        assert_eq!(
            parse_cell(" "),
            Cell::Missing("blank in the published table")
        );
        assert_eq!(
            parse_cell("Dec-69"),
            Cell::Missing("not a number in the published table")
        );
    }
}
