//! Limits on text values, whatever the source.

use super::read_error::ReadError;
use arrow_array::RecordBatch;

/// The longest text value Rubric reads (1 MiB): past it the source is
/// refused, naming the column (a value that long is an export gone wrong).
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// Refuses a batch holding a text value over `MAX_TEXT_BYTES`.
pub(super) fn check_text_lengths(batch: &RecordBatch) -> Result<(), ReadError> {
    use arrow_array::cast::AsArray;
    use arrow_schema::DataType;
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        // No value can be longer than all of them together: most batches
        // are passed on their total alone.
        let total = match array.data_type() {
            DataType::Utf8 => array.as_string::<i32>().values().len(),
            DataType::LargeUtf8 => array.as_string::<i64>().values().len(),
            DataType::Dictionary(_, _) => {
                array.as_any_dictionary().values().get_buffer_memory_size()
            }
            _ => 0,
        };
        if total <= MAX_TEXT_BYTES && !matches!(array.data_type(), DataType::Utf8View) {
            continue;
        }
        let longest = match array.data_type() {
            DataType::Utf8 => array
                .as_string::<i32>()
                .iter()
                .flatten()
                .map(str::len)
                .max(),
            DataType::LargeUtf8 => array
                .as_string::<i64>()
                .iter()
                .flatten()
                .map(str::len)
                .max(),
            DataType::Utf8View => array.as_string_view().iter().flatten().map(str::len).max(),
            DataType::Dictionary(_, _) => {
                let values = arrow_cast::cast(array.as_any_dictionary().values(), &DataType::Utf8)
                    .map_err(ReadError::from)?;
                values
                    .as_string::<i32>()
                    .iter()
                    .flatten()
                    .map(str::len)
                    .max()
            }
            _ => None,
        };
        if let Some(n) = longest.filter(|&n| n > MAX_TEXT_BYTES) {
            return Err(ReadError::TooLarge(format!(
                "column `{}` holds a text value of {n} bytes; Rubric reads text values of at most {MAX_TEXT_BYTES} bytes",
                field.name()
            )));
        }
    }
    Ok(())
}

/// The date formats a CSV or Excel source reads text dates with: those
/// declared, each checked, or ISO then day/month/year.
pub(super) fn date_formats(
    doc: &crate::config::sources::SourceDoc,
    yaml: &std::path::Path,
    problems: &mut Vec<crate::diagnostic::Diagnostic>,
) -> Vec<String> {
    use chrono::format::{Item, StrftimeItems};
    if doc.date_formats.is_empty() {
        return vec!["%Y-%m-%d".to_string(), "%d/%m/%Y".to_string()];
    }
    let mut formats = Vec::new();
    for f in &doc.date_formats {
        let broken = StrftimeItems::new(&f.value).any(|i| matches!(i, Item::Error));
        let has_day = ["%d", "%e", "%j", "%F", "%D", "%x"]
            .iter()
            .any(|code| f.value.contains(code));
        if broken || !has_day {
            problems.push(
                crate::diagnostic::Diagnostic::new(
                    yaml,
                    crate::diagnostic::Place::from(&f.referenced),
                    format!(
                        "`{}` is not a date format",
                        crate::text::visible(&f.value, false)
                    ),
                )
                .help("write it with chrono's codes for day, month and year, such as `%d/%m/%Y` or `%Y-%m-%d`"),
            );
            continue;
        }
        formats.push(f.value.clone());
    }
    formats
}

/// A date written as text, read with the first format that fits it
/// whole, as days since 1970-01-01.
pub(super) fn parse_date(text: &str, formats: &[String]) -> Option<i32> {
    let text = text.trim();
    formats.iter().find_map(|f| {
        chrono::NaiveDate::parse_from_str(text, f)
            .ok()
            .or_else(|| {
                // A date exported with a midnight time (`05/01/2023 00:00:00`).
                let (day, time) = text.split_once(' ')?;
                let t = time.trim();
                (t == "00:00" || t == "00:00:00")
                    .then(|| chrono::NaiveDate::parse_from_str(day, f).ok())
                    .flatten()
            })
            .map(arrow_array::types::Date32Type::from_naive_date)
    })
}
