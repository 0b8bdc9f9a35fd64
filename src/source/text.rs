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
/// whole, as days since 1970-01-01. A date followed by a time of day
/// (`2023-03-31 14:30:00`, `2023-03-31T14:30:00.5Z`, `05/01/2023 09:15`,
/// any offset) is cut to its date as written, as a Parquet timestamp is
/// cut to its date.
pub(super) fn parse_date(text: &str, formats: &[String]) -> Option<i32> {
    let text = text.trim();
    let on_its_own = |day: &str| {
        formats
            .iter()
            .find_map(|f| chrono::NaiveDate::parse_from_str(day, f).ok())
    };
    on_its_own(text)
        .or_else(|| {
            let (day, time) = text.split_once([' ', 'T'])?;
            is_time_of_day(time.trim()).then(|| on_its_own(day))?
        })
        .map(arrow_array::types::Date32Type::from_naive_date)
}

/// `14:30`, `14:30:00`, `14:30:00.123`, each with an optional `Z` or
/// offset (`+01:00`, `-0500`).
fn is_time_of_day(text: &str) -> bool {
    let clock = text
        .strip_suffix(['Z', 'z'])
        .or_else(|| {
            let at = text.rfind(['+', '-'])?;
            let offset = &text[at + 1..];
            let digits: String = offset.chars().filter(|c| *c != ':').collect();
            (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit())).then(|| &text[..at])
        })
        .unwrap_or(text);
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .any(|f| chrono::NaiveTime::parse_from_str(clock, f).is_ok())
}

/// The first value of a sample that is neither missing nor a date, with
/// its 0-based place: why a column read as text is not dates.
pub(super) fn first_non_date<'a>(
    values: impl Iterator<Item = (usize, &'a str)>,
    formats: &[String],
    is_missing: impl Fn(&str) -> bool,
) -> Option<(String, usize)> {
    let mut any_date = false;
    let mut first = None;
    for (i, v) in values {
        if is_missing(v) {
            continue;
        }
        if parse_date(v, formats).is_some() {
            any_date = true;
        } else if first.is_none() {
            first = Some((v.to_string(), i));
        }
        if any_date && first.is_some() {
            break;
        }
    }
    // A column of no dates at all is text, not dates gone wrong.
    first.filter(|_| any_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formats() -> Vec<String> {
        vec!["%Y-%m-%d".to_string(), "%d/%m/%Y".to_string()]
    }

    #[test]
    fn a_time_of_day_after_a_date_is_cut_off() {
        let day = |t: &str| parse_date(t, &formats());
        let march31 = day("2023-03-31");
        assert!(march31.is_some());
        for t in [
            "2023-03-31 14:30",
            "2023-03-31 14:30:00",
            "2023-03-31T14:30:00",
            "2023-03-31T14:30:00.123456Z",
            "2023-03-31T23:59:59+01:00",
            "2023-03-31 00:00:00-0500",
            "31/03/2023 09:15",
        ] {
            assert_eq!(day(t), march31, "{t}");
        }
        for t in [
            "2023-03-31 25:00",
            "2023-03-31 soon",
            "2023-03-31T",
            "2023-03-31 14:30 +1",
        ] {
            assert_eq!(day(t), None, "{t}");
        }
    }

    #[test]
    fn the_first_value_that_is_not_a_date_is_found_only_among_dates() {
        let values = ["", "2023-01-05", "31.01.2023", "later"];
        let found = first_non_date(values.into_iter().enumerate(), &formats(), str::is_empty);
        assert_eq!(found, Some(("31.01.2023".to_string(), 2)));
        let words = ["North", "South"];
        assert_eq!(
            first_non_date(words.into_iter().enumerate(), &formats(), str::is_empty),
            None
        );
    }
}
