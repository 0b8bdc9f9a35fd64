//! CSV sources: one file or a glob of files read as one table, with the
//! Arrow CSV reader in batches (files in parallel), never whole into
//! memory. Types are declared or inferred from the first rows; dates
//! written as text (`05/01/2023`) are read with the declared formats.

use super::kind::{Batches, Declaration, Declared, NotADate, Reader, SourceKind};
use super::read_error::ReadError;
use super::text::{first_non_date, parse_date};
use crate::config::files::{check_inside, files_with_extensions};
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::ColumnType;
use arrow_array::builder::Date32Builder;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const BATCH_ROWS: usize = 65_536;

/// Rows looked at to infer a column's type.
const SAMPLE_ROWS: usize = 2_000;

/// The most files one glob may match: more is a pattern gone wrong.
const MAX_FILES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Utf8,
    Windows1252,
}

/// A declared CSV source.
#[derive(Debug, Clone)]
pub(super) struct CsvSource {
    /// The path or glob as written.
    pub pattern: String,
    /// The files it matches, resolved, in name order.
    pub files: Vec<PathBuf>,
    pub delimiter: u8,
    /// The row holding the names, from 1; rows above are skipped.
    pub header_row: usize,
    pub encoding: Encoding,
    pub date_formats: Vec<String>,
    /// Values read as missing, besides the empty value.
    pub missing: Vec<String>,
    pub declared: BTreeMap<String, ColumnType>,
    /// The project folder, resolved, for naming files in messages.
    pub root: PathBuf,
}

impl CsvSource {
    /// A file as messages name it: inside the project.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// CSV files: one, or every file a glob matches, read as one table.
pub(super) struct Csv;

impl SourceKind for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn keys(&self) -> &'static [&'static str] {
        &[
            "delimiter",
            "encoding",
            "header_row",
            "date_formats",
            "missing",
            "columns",
        ]
    }

    fn declare(&self, d: &mut Declaration) -> Option<Declared> {
        let pattern = d.path(self.name())?;
        let files = matching_files(d.root, &pattern, d.yaml, d.path_place, d.problems)?;
        let doc = d.doc;
        let encoding = match doc.encoding.as_ref().map(|e| e.value.to_ascii_lowercase()) {
            None => Encoding::Utf8,
            Some(e) if e == "utf-8" || e == "utf8" => Encoding::Utf8,
            Some(e) if e == "windows-1252" || e == "cp1252" || e == "latin1" => {
                Encoding::Windows1252
            }
            Some(e) => {
                let place = Place::from(&doc.encoding.as_ref().expect("set").referenced);
                d.refuse(
                    place,
                    format!("`{e}` is not an encoding Rubric reads"),
                    "write `utf-8` or `windows-1252`",
                );
                return None;
            }
        };
        let delimiter = match &doc.delimiter {
            None => b',',
            Some(s) if s.value == "\\t" || s.value == "tab" => b'\t',
            Some(s) if s.value.len() == 1 && s.value.is_ascii() => s.value.as_bytes()[0],
            Some(s) => {
                let place = Place::from(&s.referenced);
                d.refuse(
                    place,
                    format!(
                        "the delimiter `{}` is not one character",
                        crate::text::visible(&s.value, false)
                    ),
                    "write one character such as `,` or `;`, or `tab`",
                );
                return None;
            }
        };
        let file = files
            .first()
            .map(|f| {
                f.strip_prefix(d.root.canonicalize().unwrap_or_default())
                    .unwrap_or(f)
                    .to_path_buf()
            })
            .unwrap_or_else(|| PathBuf::from(&pattern));
        let source = CsvSource {
            pattern,
            files,
            delimiter,
            header_row: d.header_row(),
            encoding,
            date_formats: d.formats.clone(),
            missing: d.missing.clone(),
            declared: d.declared_types.clone(),
            root: d
                .root
                .canonicalize()
                .unwrap_or_else(|_| d.root.to_path_buf()),
        };
        Some(Declared::Read {
            reader: Arc::new(source),
            file,
        })
    }
}

impl Reader for CsvSource {
    fn describe(&self, _name: &str, _file: &Path) -> String {
        match self.files.len() {
            1 => format!("the CSV file {}", self.pattern),
            n => format!("{n} CSV files matching {}", self.pattern),
        }
    }

    fn help_on_failure(&self) -> &'static str {
        "fix the file at that line, or declare the column's type under `columns:` (and any missing-value marker under `missing:`) in the source's declaration"
    }

    fn stored_bytes(&self) -> u64 {
        self.files
            .iter()
            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
            .sum()
    }

    fn schema(&self) -> Result<Vec<(String, DataType)>, ReadError> {
        schema(self)
    }

    fn first_non_date(&self, column: &str) -> Option<NotADate> {
        let file = self.files.first()?;
        let (header, rows) = sample(self, file, SAMPLE_ROWS).ok()?;
        let c = header.iter().position(|h| h == column)?;
        let values = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r.get(c)?.as_str())));
        let (value, i) = first_non_date(values, &self.date_formats, |v| is_missing(self, v))?;
        Some(NotADate {
            value,
            place: format!("data row {} of {}", i + 1, self.shown(file)),
            formats: self.date_formats.clone(),
        })
    }

    fn read(
        &self,
        types: &BTreeMap<String, Option<ColumnType>>,
        columns: &[String],
    ) -> Result<Batches, ReadError> {
        read(self, types, columns).map(Batches::Whole)
    }
}

/// The files a path or glob names, each inside the project.
fn matching_files(
    root: &Path,
    pattern: &str,
    yaml: &Path,
    place: Place,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<PathBuf>> {
    let refuse = |problems: &mut Vec<Diagnostic>, message: String, help: &str| {
        problems.push(Diagnostic::new(yaml, place, message).help(help));
        None
    };
    let is_glob = pattern.contains(['*', '?', '[', '{']);
    if !is_glob {
        return match check_inside(root, &root.join(pattern)) {
            Ok(p) => Some(vec![p]),
            Err(d) => refuse(
                problems,
                format!("{pattern}: {}", d.message),
                d.help.as_deref().unwrap_or(""),
            ),
        };
    }
    let glob = match globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
    {
        Ok(g) => g.compile_matcher(),
        Err(e) => {
            return refuse(
                problems,
                format!(
                    "`{}` is not a glob: {e}",
                    crate::text::visible(pattern, false)
                ),
                "write a path such as `extracts/referrals-*.csv`",
            )
        }
    };
    // The walk starts at the folder before the first wildcard.
    let fixed: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| {
            !c.as_os_str()
                .to_string_lossy()
                .contains(['*', '?', '[', '{'])
        })
        .collect();
    let dir = root.join(&fixed);
    if !dir.is_dir() {
        return refuse(
            problems,
            format!("no folder {} for the glob `{pattern}`", fixed.display()),
            "write the path of the files inside the project",
        );
    }
    let extension = Path::new(pattern)
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .filter(|e| !e.contains(['*', '?', '[', '{']))
        .unwrap_or_else(|| "csv".to_string());
    let (paths, walk_problems) = files_with_extensions(root, &dir, &[extension.as_str()]);
    problems.extend(walk_problems);
    let mut files = Vec::new();
    for path in paths {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let relative = crate::text::slashed(relative);
        if glob.is_match(&relative) {
            match check_inside(root, &path) {
                Ok(p) => files.push(p),
                Err(d) => problems.push(d),
            }
        }
    }
    if files.is_empty() {
        return refuse(
            problems,
            format!("no file matches `{pattern}`"),
            "check the path and the files' names",
        );
    }
    if files.len() > MAX_FILES {
        return refuse(
            problems,
            format!(
                "`{pattern}` matches {} files, more than the {MAX_FILES} one source may read",
                files.len()
            ),
            "narrow the glob",
        );
    }
    Some(files)
}

/// Opens a file as UTF-8 text, past its preamble rows: a UTF-8 byte-order
/// mark is skipped, Windows-1252 is transcoded as it is read.
fn open(source: &CsvSource, path: &Path) -> Result<Box<dyn BufRead + Send>, ReadError> {
    let file = std::fs::File::open(path).map_err(|cause| ReadError::File {
        file: source.shown(path),
        cause,
    })?;
    let mut reader: Box<dyn BufRead + Send> = match source.encoding {
        Encoding::Utf8 => {
            let mut r = BufReader::with_capacity(1 << 20, file);
            let start = r.fill_buf().map_err(ReadError::from)?;
            if start.starts_with(b"\xEF\xBB\xBF") {
                r.consume(3);
            }
            Box::new(r)
        }
        Encoding::Windows1252 => Box::new(BufReader::with_capacity(
            1 << 20,
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::WINDOWS_1252))
                .build(file),
        )),
    };
    let mut skipped = Vec::new();
    for _ in 1..source.header_row {
        skipped.clear();
        reader
            .read_until(b'\n', &mut skipped)
            .map_err(ReadError::from)?;
    }
    Ok(reader)
}

/// The header and the first rows of a file, as text.
fn sample(
    source: &CsvSource,
    path: &Path,
    rows: usize,
) -> Result<(Vec<String>, Vec<Vec<String>>), ReadError> {
    let reader = open(source, path)?;
    let mut csv = ::csv::ReaderBuilder::new()
        .delimiter(source.delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| ReadError::Invalid(invalid_text(source, path, &e.to_string())))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut records = Vec::new();
    for record in csv.records().take(rows) {
        let record =
            record.map_err(|e| ReadError::Invalid(invalid_text(source, path, &e.to_string())))?;
        records.push(record.iter().map(str::to_string).collect());
    }
    Ok((header, records))
}

fn invalid_text(source: &CsvSource, path: &Path, message: &str) -> String {
    if message.contains("UTF-8") {
        format!("{}: the file is not UTF-8 ({message}); if it was saved by Excel on Windows, declare `encoding: windows-1252`", source.shown(path))
    } else {
        format!("{}: {message}", source.shown(path))
    }
}

/// Each column's type as read (declared, or inferred from the first rows
/// of the first file); every file must have the same header.
fn schema(source: &CsvSource) -> Result<Vec<(String, DataType)>, ReadError> {
    let first = source
        .files
        .first()
        .ok_or(ReadError::invalid("no file to read"))?;
    let (header, rows) = sample(source, first, SAMPLE_ROWS)?;
    if header.iter().all(String::is_empty) {
        return Err(ReadError::Invalid(format!(
            "{}: the header row is empty",
            source.shown(first)
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, name) in header.iter().enumerate() {
        if name.is_empty() {
            return Err(ReadError::Invalid(format!(
                "{}: column {} has no name in the header row",
                source.shown(first),
                i + 1
            )));
        }
        if !seen.insert(name) {
            return Err(ReadError::Invalid(format!(
                "{}: it has two columns named `{name}`, so which one is meant is unclear",
                source.shown(first)
            )));
        }
    }
    for other in &source.files[1..] {
        let (h, _) = sample(source, other, 0)?;
        if h != header {
            return Err(ReadError::Invalid(format!("{} has other columns than {} ({} against {}); the files of one source share a header", source.shown(other), source.shown(first), h.join(", "), header.join(", "))));
        }
    }
    if let Some(unknown) = source.declared.keys().find(|c| !header.contains(c)) {
        return Err(ReadError::Invalid(format!(
            "`columns:` declares `{unknown}`, which the header does not have (it has {})",
            header.join(", ")
        )));
    }
    Ok(header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let t = source.declared.get(name).copied().unwrap_or_else(|| {
                let values: Vec<&str> = rows
                    .iter()
                    .filter_map(|r| r.get(i).map(String::as_str))
                    .filter(|v| !is_missing(source, v))
                    .collect();
                infer(&values, &source.date_formats)
            });
            (name.clone(), stored(t))
        })
        .collect())
}

fn is_missing(source: &CsvSource, value: &str) -> bool {
    value.is_empty() || source.missing.iter().any(|m| m == value)
}

/// The type every sampled value fits, trying the narrowest first.
pub(super) fn infer(values: &[&str], formats: &[String]) -> ColumnType {
    if values.is_empty() {
        return ColumnType::Str;
    }
    let all = |f: &dyn Fn(&str) -> bool| values.iter().all(|v| f(v));
    if all(&|v| v.parse::<i64>().is_ok()) {
        ColumnType::Int
    } else if all(&|v| v.parse::<f64>().is_ok_and(f64::is_finite)) {
        ColumnType::Float
    } else if all(&|v| v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")) {
        ColumnType::Bool
    } else if all(&|v| parse_date(v, formats).is_some()) {
        ColumnType::Date
    } else {
        ColumnType::Str
    }
}

/// The Arrow type a column of this kind is held as.
fn stored(t: ColumnType) -> DataType {
    match t {
        ColumnType::Int => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::Str => DataType::Utf8,
    }
}

/// Reads the named columns of every file, files in parallel, batches in
/// file order.
pub(super) fn read(
    source: &CsvSource,
    types: &BTreeMap<String, Option<ColumnType>>,
    columns: &[String],
) -> Result<Vec<RecordBatch>, ReadError> {
    let header: Vec<(String, DataType)> = {
        let first = source
            .files
            .first()
            .ok_or(ReadError::invalid("no file to read"))?;
        let (names, _) = sample(source, first, 0)?;
        names
            .into_iter()
            .map(|n| {
                let t = types.get(&n).copied().flatten().unwrap_or(ColumnType::Str);
                // Dates are read as text and parsed with the declared formats.
                let read_as = if t == ColumnType::Date {
                    DataType::Utf8
                } else {
                    stored(t)
                };
                (n, read_as)
            })
            .collect()
    };
    let schema = Arc::new(Schema::new(
        header
            .iter()
            .map(|(n, t)| Field::new(n, t.clone(), true))
            .collect::<Vec<_>>(),
    ));
    let projection = super::column_indices(&schema, columns)?;
    let dates: Vec<bool> = columns
        .iter()
        .map(|c| types.get(c).copied().flatten() == Some(ColumnType::Date))
        .collect();
    let nulls = null_pattern(source)?;
    let per_file: Vec<Result<Vec<RecordBatch>, ReadError>> = source
        .files
        .par_iter()
        .map(|path| {
            let reader = open(source, path)?;
            let csv = arrow_csv::ReaderBuilder::new(Arc::clone(&schema))
                .with_header(true)
                .with_delimiter(source.delimiter)
                .with_null_regex(nulls.clone())
                .with_projection(projection.clone())
                .with_batch_size(BATCH_ROWS)
                .build_buffered(reader)
                .map_err(ReadError::from)?;
            let mut batches = Vec::new();
            let mut first_row = 0usize;
            for batch in csv {
                let batch =
                    batch.map_err(|e| ReadError::Invalid(located(source, path, &e.to_string())))?;
                let rows = batch.num_rows();
                super::text::check_text_lengths(&batch)?;
                batches.push(parse_dates(source, path, batch, &dates, first_row)?);
                first_row += rows;
            }
            Ok(batches)
        })
        .collect();
    let mut out = Vec::new();
    for batches in per_file {
        out.extend(batches?);
    }
    Ok(out)
}

/// A reader error with the file, and lines counted from the file's top.
fn located(source: &CsvSource, path: &Path, message: &str) -> String {
    let shifted = if source.header_row > 1 {
        format!(" (lines counted from the header row {})", source.header_row)
    } else {
        String::new()
    };
    format!(
        "{}{shifted}: {}",
        source.shown(path),
        invalid_text(source, path, message)
            .trim_start_matches(&format!("{}: ", source.shown(path)))
    )
}

fn null_pattern(source: &CsvSource) -> Result<regex::Regex, ReadError> {
    let markers: Vec<String> = std::iter::once(String::new())
        .chain(source.missing.iter().map(|m| regex::escape(m)))
        .collect();
    regex::Regex::new(&format!("^(?:{})$", markers.join("|")))
        .map_err(|e| ReadError::Invalid(e.to_string()))
}

/// Turns the date columns, read as text, into dates; each distinct text
/// is parsed once per batch.
fn parse_dates(
    source: &CsvSource,
    path: &Path,
    batch: RecordBatch,
    dates: &[bool],
    first_row: usize,
) -> Result<RecordBatch, ReadError> {
    if !dates.iter().any(|d| *d) {
        return Ok(batch);
    }
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(dates.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(dates.len());
    for ((field, array), &is_date) in schema.fields().iter().zip(batch.columns()).zip(dates) {
        if !is_date {
            fields.push(field.as_ref().clone());
            arrays.push(Arc::clone(array));
            continue;
        }
        let text = array.as_string::<i32>();
        let mut seen: HashMap<&str, i32> = HashMap::new();
        let mut out = Date32Builder::with_capacity(text.len());
        for (i, value) in text.iter().enumerate() {
            match value {
                None => out.append_null(),
                Some(v) => {
                    let days = match seen.get(v) {
                        Some(d) => *d,
                        None => {
                            let d = parse_date(v, &source.date_formats).ok_or_else(|| {
                                ReadError::Invalid(format!(
                                    "{}: `{}` in column `{}` of data row {} is not a date in the formats {}",
                                    source.shown(path),
                                    crate::text::visible(v, false),
                                    field.name(),
                                    first_row + i + 1,
                                    source.date_formats.join(", ")
                                ))
                            })?;
                            seen.insert(v, d);
                            d
                        }
                    };
                    out.append_value(days);
                }
            }
        }
        fields.push(Field::new(field.name(), DataType::Date32, true));
        arrays.push(Arc::new(out.finish()));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(ReadError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inference_takes_the_narrowest_type_every_value_fits() {
        let f = vec!["%Y-%m-%d".to_string(), "%d/%m/%Y".to_string()];
        assert_eq!(infer(&["1", "2"], &f), ColumnType::Int);
        assert_eq!(infer(&["1", "2.5"], &f), ColumnType::Float);
        assert_eq!(infer(&["TRUE", "false"], &f), ColumnType::Bool);
        assert_eq!(infer(&["05/01/2023", "2023-01-06"], &f), ColumnType::Date);
        assert_eq!(infer(&["05/01/2023", "soon"], &f), ColumnType::Str);
        assert_eq!(infer(&[], &f), ColumnType::Str);
    }

    #[test]
    fn a_date_reads_day_first_and_with_a_time_of_day() {
        let f = vec!["%d/%m/%Y".to_string()];
        let jan5 = parse_date("2023-01-05", &["%Y-%m-%d".to_string()]).unwrap();
        assert_eq!(parse_date("05/01/2023", &f), Some(jan5));
        assert_eq!(parse_date("05/01/2023 00:00:00", &f), Some(jan5));
        assert_eq!(parse_date("05/01/2023 10:30", &f), Some(jan5));
        assert_eq!(parse_date("05/01/2023 10:30 tomorrow", &f), None);
        assert_eq!(parse_date("31/02/2023", &f), None);
    }
}
