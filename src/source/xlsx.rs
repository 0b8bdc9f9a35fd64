//! Excel sources: one sheet of a workbook (a team list, populations,
//! benchmarks), read with calamine. Dates stored as Excel serial numbers
//! become dates; dates written as text are read with the declared formats.

use super::kind::{Batches, Declaration, Declared, NotADate, Reader, SourceKind};
use super::read_error::ReadError;
use super::text::{first_non_date, parse_date};
use crate::config::files::check_inside;
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::ColumnType;
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use calamine::{Data, DataType as _, Reader as _, Xlsx as Workbook};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest workbook read (a sheet of figures is far smaller; a bigger
/// file is an extract that belongs in CSV or a database).
const MAX_WORKBOOK_BYTES: u64 = 100 * 1024 * 1024;

/// The most cells one source reads.
const MAX_CELLS: usize = 20_000_000;

/// A declared Excel source.
#[derive(Debug, Clone)]
pub(super) struct XlsxSource {
    pub path: PathBuf,
    /// The sheet; the first when not named.
    pub sheet: Option<String>,
    /// The header's row, from 1: of the range when given, else of the sheet.
    pub header_row: usize,
    /// The cells read, `((first row, first column), (last row, last column))`, from 0.
    pub range: Option<((u32, u32), (u32, u32))>,
    pub date_formats: Vec<String>,
    pub missing: Vec<String>,
    pub declared: BTreeMap<String, ColumnType>,
}

/// An Excel workbook's sheet, or a range of cells on it.
pub(super) struct Xlsx;

impl SourceKind for Xlsx {
    fn name(&self) -> &'static str {
        "xlsx"
    }

    fn keys(&self) -> &'static [&'static str] {
        &[
            "header_row",
            "date_formats",
            "missing",
            "columns",
            "sheet",
            "range",
        ]
    }

    fn declare(&self, d: &mut Declaration) -> Option<Declared> {
        let path = d.path(self.name())?;
        let full = d.root.join(&path);
        let resolved = match check_inside(d.root, &full) {
            Ok(p) => p,
            Err(problem) => {
                d.problems.push(
                    Diagnostic::new(d.yaml, d.path_place, problem.message)
                        .help(problem.help.unwrap_or_default()),
                );
                return None;
            }
        };
        let doc = d.doc;
        let range = match &doc.range {
            None => None,
            Some(r) => match parse_range(&r.value) {
                Some(range) => Some(range),
                None => {
                    let place = Place::from(&r.referenced);
                    d.refuse(
                        place,
                        format!(
                            "`{}` is not a range of cells",
                            crate::text::visible(&r.value, false)
                        ),
                        "write it as Excel does, such as `A3:F200`",
                    );
                    return None;
                }
            },
        };
        let source = XlsxSource {
            path: resolved,
            sheet: doc.sheet.as_ref().map(|s| s.value.clone()),
            header_row: d.header_row(),
            range,
            date_formats: d.formats.clone(),
            missing: d.missing.clone(),
            declared: d.declared_types.clone(),
        };
        // Messages name the path as written.
        let file = PathBuf::from(
            doc.path
                .as_ref()
                .map(|p| p.value.clone())
                .unwrap_or_default(),
        );
        Some(Declared::Read {
            reader: Arc::new(source),
            file,
        })
    }
}

impl Reader for XlsxSource {
    fn describe(&self, _name: &str, file: &Path) -> String {
        match &self.sheet {
            Some(s) => format!("sheet `{s}` of {}", file.display()),
            None => format!("the first sheet of {}", file.display()),
        }
    }

    fn help_on_failure(&self) -> &'static str {
        "fix the cell, or declare the column's type under `columns:` in the source's declaration"
    }

    fn stored_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    fn schema(&self) -> Result<Vec<(String, DataType)>, ReadError> {
        schema(self)
    }

    fn first_non_date(&self, column: &str) -> Option<NotADate> {
        let sheet = load(self).ok()?;
        let c = sheet.names.iter().position(|n| n == column)?;
        // Cells Excel holds as dates are dates whatever the formats.
        let a_date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)?
            .format(self.date_formats.first()?)
            .to_string();
        let texts: Vec<(usize, String)> = sheet
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r[c] {
                Data::DateTime(_) | Data::DateTimeIso(_) => Some((i, a_date.clone())),
                Data::Empty | Data::Error(_) => None,
                other => Some((i, other.to_string())),
            })
            .collect();
        let values = texts.iter().map(|(i, t)| (*i, t.as_str()));
        let missing = |v: &str| v.trim().is_empty() || self.missing.iter().any(|m| m == v);
        let (value, i) = first_non_date(values, &self.date_formats, missing)?;
        Some(NotADate {
            value,
            place: format!(
                "cell {}",
                cell_name(sheet.first_row + i as u32, sheet.first_col + c as u32)
            ),
            formats: self.date_formats.clone(),
        })
    }

    fn read(
        &self,
        _types: &BTreeMap<String, Option<ColumnType>>,
        columns: &[String],
    ) -> Result<Batches, ReadError> {
        read(self, columns).map(Batches::Whole)
    }
}

/// `A3:F200` as `((2, 0), (199, 5))`.
fn parse_range(text: &str) -> Option<((u32, u32), (u32, u32))> {
    let (a, b) = text.trim().split_once(':')?;
    let (a, b) = (cell(a)?, cell(b)?);
    (a.0 <= b.0 && a.1 <= b.1).then_some((a, b))
}

/// `C7` as `(6, 2)`.
fn cell(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().replace('$', "");
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters
        .to_ascii_uppercase()
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    let row: u32 = digits.parse().ok()?;
    ((1..=1_048_576).contains(&row) && col <= 16_384).then(|| (row - 1, col - 1))
}

/// A cell's name as Excel writes it, for messages.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// The sheet's cells: header names and the rows under them.
struct Sheet {
    names: Vec<String>,
    /// Each row's cells, by column, with its position for messages.
    rows: Vec<Vec<Data>>,
    /// The sheet row of the first data row, from 0.
    first_row: u32,
    first_col: u32,
}

fn load(source: &XlsxSource) -> Result<Sheet, ReadError> {
    let size = std::fs::metadata(&source.path)
        .map_err(ReadError::from)?
        .len();
    if size > MAX_WORKBOOK_BYTES {
        return Err(ReadError::TooLarge(format!("the workbook is {size} bytes, more than the {MAX_WORKBOOK_BYTES} Rubric reads; export the sheet as CSV")));
    }
    let mut book: Workbook<_> = calamine::open_workbook(&source.path).map_err(|e| {
        ReadError::Invalid(format!(
            "not a workbook Rubric can read ({e}); save it as .xlsx"
        ))
    })?;
    let names = book.sheet_names();
    let sheet = match &source.sheet {
        Some(s) if names.contains(s) => s.clone(),
        Some(s) => {
            return Err(ReadError::Invalid(format!(
                "the workbook has no sheet `{s}` (it has {})",
                names.join(", ")
            )))
        }
        None => names
            .first()
            .cloned()
            .ok_or(ReadError::invalid("the workbook has no sheet"))?,
    };
    let used = book
        .worksheet_range(&sheet)
        .map_err(|e| ReadError::Invalid(e.to_string()))?;
    let merged = book.merge_cells_by_sheet_name(&sheet).unwrap_or_default();
    let ((r0, c0), (r1, c1)) = match source.range {
        Some(r) => r,
        None => {
            let (Some(start), Some(end)) = (used.start(), used.end()) else {
                return Err(ReadError::Invalid(format!("sheet `{sheet}` is empty")));
            };
            ((0, start.1), end)
        }
    };
    let cells = (r1 - r0 + 1) as usize * (c1 - c0 + 1) as usize;
    if cells > MAX_CELLS {
        return Err(ReadError::TooLarge(format!(
            "the range holds {cells} cells, more than the {MAX_CELLS} Rubric reads from a sheet"
        )));
    }
    let header_at = r0 + source.header_row as u32 - 1;
    if header_at > r1 {
        return Err(ReadError::Invalid(format!(
            "the header row {} is past the cells read",
            source.header_row
        )));
    }
    let value = |r: u32, c: u32| used.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let mut names: Vec<String> = Vec::new();
    for c in c0..=c1 {
        let name = value(header_at, c).to_string().trim().to_string();
        if !name.is_empty() {
            names.push(name);
            continue;
        }
        // A header merged across columns names the first; the others take
        // its name with their place in the merge.
        let merge = merged.iter().find(|m| {
            m.start.0 <= header_at && header_at <= m.end.0 && m.start.1 < c && c <= m.end.1
        });
        match merge {
            Some(m) => {
                let first = value(m.start.0, m.start.1).to_string().trim().to_string();
                names.push(format!("{first}_{}", c - m.start.1 + 1));
            }
            None if (header_at + 1..=r1).all(|r| value(r, c) == Data::Empty) => {
                // An empty column at the edge of the used cells.
                names.push(String::new());
            }
            None => return Err(ReadError::Invalid(format!("cell {} of the header row is empty, but the column below it holds values; name the column", cell_name(header_at, c)))),
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(twice) = names
        .iter()
        .find(|n| !n.is_empty() && !seen.insert(n.as_str()))
    {
        return Err(ReadError::Invalid(format!(
            "it has two columns named `{twice}`, so which one is meant is unclear"
        )));
    }
    let rows = (header_at + 1..=r1)
        .map(|r| (c0..=c1).map(|c| value(r, c)).collect())
        .collect();
    Ok(Sheet {
        names,
        rows,
        first_row: header_at + 1,
        first_col: c0,
    })
}

/// What a cell holds, as far as types go (`None`: missing).
fn kind_of(cell: &Data, source: &XlsxSource) -> Option<ColumnType> {
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) if s.trim().is_empty() || source.missing.iter().any(|m| m == s) => None,
        Data::Int(_) => Some(ColumnType::Int),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(ColumnType::Int),
        Data::Float(_) => Some(ColumnType::Float),
        Data::Bool(_) => Some(ColumnType::Bool),
        Data::DateTime(d) if d.is_datetime() => Some(ColumnType::Date),
        Data::DateTimeIso(_) => Some(ColumnType::Date),
        Data::String(s) if parse_date(s, &source.date_formats).is_some() => Some(ColumnType::Date),
        _ => Some(ColumnType::Str),
    }
}

/// The type a column's cells share (integers widen to numbers; anything
/// else mixed is text).
fn column_type(sheet: &Sheet, c: usize, source: &XlsxSource) -> ColumnType {
    if let Some(t) = source.declared.get(&sheet.names[c]) {
        return *t;
    }
    let mut found: Option<ColumnType> = None;
    for row in &sheet.rows {
        let Some(k) = kind_of(&row[c], source) else {
            continue;
        };
        found = Some(match (found, k) {
            (None, k) => k,
            (Some(a), b) if a == b => a,
            (Some(ColumnType::Int), ColumnType::Float)
            | (Some(ColumnType::Float), ColumnType::Int) => ColumnType::Float,
            _ => ColumnType::Str,
        });
    }
    found.unwrap_or(ColumnType::Str)
}

/// Each named column's type.
fn schema(source: &XlsxSource) -> Result<Vec<(String, DataType)>, ReadError> {
    let sheet = load(source)?;
    if let Some(unknown) = source.declared.keys().find(|c| !sheet.names.contains(c)) {
        return Err(ReadError::Invalid(format!(
            "`columns:` declares `{unknown}`, which the header does not have (it has {})",
            sheet.names.join(", ")
        )));
    }
    Ok((0..sheet.names.len())
        .filter(|&c| !sheet.names[c].is_empty())
        .map(|c| {
            let t = match column_type(&sheet, c, source) {
                ColumnType::Int => DataType::Int64,
                ColumnType::Float => DataType::Float64,
                ColumnType::Bool => DataType::Boolean,
                ColumnType::Date => DataType::Date32,
                ColumnType::Str => DataType::Utf8,
            };
            (sheet.names[c].clone(), t)
        })
        .collect())
}

/// Reads the named columns.
fn read(source: &XlsxSource, columns: &[String]) -> Result<Vec<RecordBatch>, ReadError> {
    let sheet = load(source)?;
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for name in columns {
        let c = sheet
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| ReadError::MissingColumn(name.clone()))?;
        let t = column_type(&sheet, c, source);
        let at = |r: usize| cell_name(sheet.first_row + r as u32, sheet.first_col + c as u32);
        let wrong = |r: usize, cell: &Data| {
            ReadError::Invalid(format!(
                "cell {} holds `{}`, which is not {} (the type of column `{name}`)",
                at(r),
                crate::text::visible(&cell.to_string(), false),
                article(t)
            ))
        };
        let cells = || sheet.rows.iter().map(|row| &row[c]).enumerate();
        let array: ArrayRef = match t {
            ColumnType::Int => {
                let mut b = Int64Builder::new();
                for (r, cell) in cells() {
                    match (kind_of(cell, source), cell) {
                        (None, _) => b.append_null(),
                        (_, Data::Int(i)) => b.append_value(*i),
                        (Some(ColumnType::Int), Data::Float(f)) => b.append_value(*f as i64),
                        (_, Data::String(s)) if s.trim().parse::<i64>().is_ok() => {
                            b.append_value(s.trim().parse().expect("checked"))
                        }
                        _ => return Err(wrong(r, cell)),
                    }
                }
                Arc::new(b.finish())
            }
            ColumnType::Float => {
                let mut b = Float64Builder::new();
                for (r, cell) in cells() {
                    match (kind_of(cell, source), cell) {
                        (None, _) => b.append_null(),
                        (_, Data::Int(i)) => b.append_value(*i as f64),
                        (_, Data::Float(f)) => b.append_value(*f),
                        (_, Data::String(s))
                            if s.trim().parse::<f64>().is_ok_and(f64::is_finite) =>
                        {
                            b.append_value(s.trim().parse().expect("checked"))
                        }
                        _ => return Err(wrong(r, cell)),
                    }
                }
                Arc::new(b.finish())
            }
            ColumnType::Bool => {
                let mut b = BooleanBuilder::new();
                for (r, cell) in cells() {
                    match (kind_of(cell, source), cell) {
                        (None, _) => b.append_null(),
                        (_, Data::Bool(v)) => b.append_value(*v),
                        (_, Data::String(s)) if s.eq_ignore_ascii_case("true") => {
                            b.append_value(true)
                        }
                        (_, Data::String(s)) if s.eq_ignore_ascii_case("false") => {
                            b.append_value(false)
                        }
                        _ => return Err(wrong(r, cell)),
                    }
                }
                Arc::new(b.finish())
            }
            ColumnType::Date => {
                let mut b = Date32Builder::new();
                for (r, cell) in cells() {
                    let days = match (kind_of(cell, source), cell) {
                        (None, _) => None,
                        (_, Data::DateTime(d)) => d
                            .as_datetime()
                            .map(|t| arrow_array::types::Date32Type::from_naive_date(t.date())),
                        (_, Data::DateTimeIso(s)) => {
                            parse_date(s.get(..10).unwrap_or(s), &["%Y-%m-%d".to_string()])
                        }
                        // A plain number in a column declared as dates: an Excel serial.
                        (_, Data::Int(_) | Data::Float(_)) => cell
                            .as_datetime()
                            .map(|t| arrow_array::types::Date32Type::from_naive_date(t.date())),
                        (_, Data::String(s)) => parse_date(s, &source.date_formats),
                        _ => None,
                    };
                    match days {
                        Some(d) => b.append_value(d),
                        None if kind_of(cell, source).is_none() => b.append_null(),
                        None => return Err(wrong(r, cell)),
                    }
                }
                Arc::new(b.finish())
            }
            ColumnType::Str => {
                let mut b = StringBuilder::new();
                for cell in sheet.rows.iter().map(|row| &row[c]) {
                    match kind_of(cell, source) {
                        None => b.append_null(),
                        Some(_) => b.append_value(cell.to_string()),
                    }
                }
                Arc::new(b.finish())
            }
        };
        fields.push(Field::new(name, array.data_type().clone(), true));
        arrays.push(array);
    }
    let batch =
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(ReadError::from)?;
    super::text::check_text_lengths(&batch)?;
    Ok(vec![batch])
}

fn article(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Int => "a whole number",
        ColumnType::Float => "a number",
        ColumnType::Bool => "true or false",
        ColumnType::Date => "a date",
        ColumnType::Str => "text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_as_excel_writes_them() {
        assert_eq!(parse_range("A3:F200"), Some(((2, 0), (199, 5))));
        assert_eq!(parse_range("$B$2:AA10"), Some(((1, 1), (9, 26))));
        assert_eq!(parse_range("F2:A1"), None);
        assert_eq!(parse_range("A0:B2"), None);
        assert_eq!(parse_range("nonsense"), None);
        assert_eq!(cell_name(6, 2), "C7");
        assert_eq!(cell_name(0, 26), "AA1");
    }
}
