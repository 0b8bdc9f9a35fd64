//! Compares two long-form scorecards, indicator by indicator: what a
//! definition or rule change did to the figures. Used by `rubric diff` and
//! `rubric run --check`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The columns worth reporting, in the order they are reported.
const COMPARED: &[&str] = &[
    "status",
    "reason",
    "value",
    "numerator",
    "denominator",
    "target",
    "rag",
    "rag_note",
    "dot",
    "dot_note",
];

/// A long-form scorecard keyed by (indicator, breakdown value, period).
pub(crate) type Rows = BTreeMap<(String, String, String), BTreeMap<String, String>>;

/// Reads the rows of a long-form CSV.
pub(crate) fn read_csv(bytes: &[u8]) -> Result<Rows, csv::Error> {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    let mut rows = Rows::new();
    for record in reader.records() {
        let record = record?;
        let row: BTreeMap<String, String> = headers
            .iter()
            .cloned()
            .zip(record.iter().map(String::from))
            .collect();
        let key = |c: &str| row.get(c).cloned().unwrap_or_default();
        rows.insert(
            (key("indicator"), key("breakdown_value"), key("period")),
            row,
        );
    }
    Ok(rows)
}

/// Per indicator, the lines describing what changed; empty when nothing did.
pub(crate) fn differences(old: &Rows, new: &Rows) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let old_ids: BTreeSet<&String> = old.keys().map(|k| &k.0).collect();
    let new_ids: BTreeSet<&String> = new.keys().map(|k| &k.0).collect();
    for id in old_ids.difference(&new_ids) {
        out.entry((*id).clone())
            .or_default()
            .push("removed".to_string());
    }
    for id in new_ids.difference(&old_ids) {
        out.entry((*id).clone())
            .or_default()
            .push("added".to_string());
    }
    let keys: BTreeSet<&(String, String, String)> = old.keys().chain(new.keys()).collect();
    for key in keys {
        let (id, group, period) = key;
        if !(old_ids.contains(id) && new_ids.contains(id)) {
            continue;
        }
        let place = if group == "all" {
            period.clone()
        } else {
            format!("{period} {group}")
        };
        match (old.get(key), new.get(key)) {
            (Some(a), Some(b)) => {
                let changes: Vec<String> = COMPARED
                    .iter()
                    .filter_map(|c| {
                        let (x, y) = (
                            a.get(*c).map_or("NA", String::as_str),
                            b.get(*c).map_or("NA", String::as_str),
                        );
                        (x != y).then(|| format!("{c} {} -> {}", shown(x), shown(y)))
                    })
                    .collect();
                if !changes.is_empty() {
                    out.entry(id.clone())
                        .or_default()
                        .push(format!("{place}: {}", changes.join("; ")));
                }
            }
            (None, Some(_)) => out
                .entry(id.clone())
                .or_default()
                .push(format!("{place}: new row")),
            (Some(_), None) => out
                .entry(id.clone())
                .or_default()
                .push(format!("{place}: row gone")),
            (None, None) => {}
        }
    }
    out
}

/// Numbers shortened to 4 decimal places so float noise does not hide the change.
fn shown(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(f) if v.contains('.') => {
            let s = format!("{f:.4}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        _ => v.to_string(),
    }
}

/// The differences as text, one block per indicator.
pub(crate) fn render(diffs: &BTreeMap<String, Vec<String>>) -> String {
    let mut out = String::new();
    for (id, lines) in diffs {
        let _ = writeln!(out, "{id}");
        for l in lines {
            let _ = writeln!(out, "  {l}");
        }
    }
    out
}

/// Why a scorecard to compare could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ScorecardError {
    #[error("cannot open {file}: {cause}")]
    Open { file: String, cause: std::io::Error },
    #[error("cannot read {file}: {cause}")]
    Parquet {
        file: String,
        cause: parquet::errors::ParquetError,
    },
    #[error("cannot read {file}: {cause}")]
    Arrow {
        file: String,
        cause: arrow_schema::ArrowError,
    },
    #[error("{file} is not a Rubric scorecard (column `{column}` is {kind})")]
    NotAScorecard {
        file: String,
        column: String,
        kind: String,
    },
}

/// Reads the rows of a `scorecard.parquet`, or of the one in a folder.
pub(crate) fn read_scorecard(path: &std::path::Path) -> Result<Rows, ScorecardError> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    use arrow_array::Array;
    use arrow_schema::DataType;
    let file_path = if path.is_dir() {
        path.join("scorecard.parquet")
    } else {
        path.to_path_buf()
    };
    let file = std::fs::File::open(&file_path).map_err(|cause| ScorecardError::Open {
        file: file_path.display().to_string(),
        cause,
    })?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|cause| ScorecardError::Parquet {
            file: file_path.display().to_string(),
            cause,
        })?;
    let mut rows = Rows::new();
    for batch in reader {
        let batch = batch.map_err(|cause| ScorecardError::Arrow {
            file: file_path.display().to_string(),
            cause,
        })?;
        let schema = batch.schema();
        for i in 0..batch.num_rows() {
            let mut row = BTreeMap::new();
            for (field, col) in schema.fields().iter().zip(batch.columns()) {
                let cell = if col.is_null(i) {
                    "NA".to_string()
                } else {
                    match col.data_type() {
                        DataType::Float64 => col.as_primitive::<Float64Type>().value(i).to_string(),
                        DataType::Utf8 => col.as_string::<i32>().value(i).to_string(),
                        other => {
                            return Err(ScorecardError::NotAScorecard {
                                file: file_path.display().to_string(),
                                column: field.name().clone(),
                                kind: other.to_string(),
                            })
                        }
                    }
                };
                row.insert(field.name().clone(), cell);
            }
            let key = |c: &str| row.get(c).cloned().unwrap_or_default();
            rows.insert(
                (key("indicator"), key("breakdown_value"), key("period")),
                row,
            );
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(csv: &str) -> Rows {
        read_csv(csv.as_bytes()).unwrap()
    }

    #[test]
    fn reports_changed_columns_added_and_removed_indicators() {
        let old = rows("indicator,breakdown_value,period,value,rag\nA,all,2023-07,1.5,red\nB,all,2023-07,2,green\n");
        let new = rows("indicator,breakdown_value,period,value,rag\nA,all,2023-07,1.5,amber\nC,all,2023-07,3,green\n");
        let d = differences(&old, &new);
        assert_eq!(d["A"], vec!["2023-07: rag red -> amber"]);
        assert_eq!(d["B"], vec!["removed"]);
        assert_eq!(d["C"], vec!["added"]);
        assert!(differences(&old, &old).is_empty());
    }
}
