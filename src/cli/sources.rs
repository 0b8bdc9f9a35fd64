//! `rubric snapshot [SOURCE...] --out DIR`: the sources written as Parquet
//! with a manifest; `rubric expect SOURCE [--out rows.csv]`: a source's
//! expectations checked, with the failing rows listed.

use super::failure::{Failure, Outcome};
use super::{compiled, EXIT_RUN_FAILED, EXIT_USAGE};
use crate::calendar::period::Month;
use crate::diagnostic::Diagnostic;
use crate::source::check::evaluate;
use crate::source::expect::Severity;
use crate::source::{read_columns, snapshot, Source};
use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use std::path::Path;
use std::sync::Arc;

pub(super) fn snapshot(project: &Path, names: &[String], out: &Path) -> Outcome {
    let p = compiled(project)?;
    let chosen: Vec<&Source> = if names.is_empty() {
        p.sources.by_name.values().collect()
    } else {
        let mut chosen = Vec::new();
        for n in names {
            match p.sources.by_name.get(n) {
                Some(s) => chosen.push(s),
                None => return Err(no_source(&p, n)),
            }
        }
        chosen
    };
    let files = match snapshot::write(&chosen) {
        Ok(f) => f,
        Err(d) => return Err(Failure::run_failed(d, &p.texts)),
    };
    // The bytes move into the write, not copied: a snapshot can be large.
    let (names, bytes): (Vec<String>, Vec<Vec<u8>>) = files.into_iter().unzip();
    let named: Vec<(&str, Vec<u8>)> = names.iter().map(String::as_str).zip(bytes).collect();
    if let Err(e) = crate::output::atomic::write_all(out, &named) {
        return Err(Failure::message(
            EXIT_RUN_FAILED,
            format!(
                "error: could not write the snapshot into {}: {e}",
                out.display()
            ),
        ));
    }
    outln!(
        "wrote {} source{} and {} into {}; `rubric run --data {}` reads them",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" },
        snapshot::MANIFEST,
        out.display(),
        out.display()
    );
    Ok(())
}

fn no_source(p: &crate::model::Project, name: &str) -> Failure {
    let names: Vec<&str> = p.sources.by_name.keys().map(String::as_str).collect();
    Failure::message(
        EXIT_USAGE,
        format!(
            "error: there is no source `{}`\n  = help: the sources are: {}",
            crate::text::visible(name, false),
            names.join(", ")
        ),
    )
}

pub(super) fn expect(
    project: &Path,
    name: &str,
    period: Option<Month>,
    out: Option<&Path>,
) -> Outcome {
    let p = compiled(project)?;
    let Some(source) = p.sources.by_name.get(name) else {
        return Err(no_source(&p, name));
    };
    if source.expectations.is_empty() {
        outln!("source `{name}` declares no expectations (`expect:` in its declaration)");
        return Ok(());
    }
    let reporting = match crate::run::reporting_or_latest(&p, period) {
        Ok(m) => m,
        Err(e) => {
            return Err(Failure::run_failed(e.0, &p.texts));
        }
    };
    let table = match read_columns(source, &source.usable_columns()) {
        Ok(t) => t,
        Err(d) => return Err(Failure::run_failed(d, &p.texts)),
    };
    let found = evaluate(
        name,
        &source.expectations,
        &table.batches,
        reporting,
        p.quality.extracted,
    );
    let mut code = 0;
    for (i, e) in source.expectations.iter().enumerate() {
        let finding = found.iter().find(|(f, _)| f.expectation == i);
        let mark = match finding {
            None => "ok  ",
            Some((f, _)) if f.severity == Severity::Error => {
                code = EXIT_RUN_FAILED;
                "FAIL"
            }
            Some(_) => "warn",
        };
        outln!("{mark} {}", e.describe());
        if let Some((f, _)) = finding {
            outln!("     {}", f.message);
        }
    }
    if let Some(out) = out {
        let all: Vec<(u64, String, String)> = found
            .iter()
            .flat_map(|(f, rows)| {
                let what = source.expectations[f.expectation].describe();
                rows.iter()
                    .map(move |(r, detail)| (*r, what.clone(), detail.clone()))
            })
            .collect();
        match failing_rows(&table.batches, &all) {
            Ok(rows) => {
                if let Err(e) = super::drill::write_rows(out, &rows) {
                    return Err(Failure::message(EXIT_RUN_FAILED, format!("error: {e}")));
                }
                outln!(
                    "wrote {} failing row{} to {}",
                    all.len(),
                    if all.len() == 1 { "" } else { "s" },
                    out.display()
                );
            }
            Err(e) => {
                let problem = Diagnostic::new(
                    &source.file,
                    crate::diagnostic::Place::WHOLE_FILE,
                    e.to_string(),
                );
                return Err(Failure::run_failed(problem, &p.texts));
            }
        }
    }
    if code == 0 && found.is_empty() {
        outln!("source `{name}`: every expectation holds for {reporting}");
    }
    match code {
        0 => Ok(()),
        // The failing expectations were listed above.
        code => Err(Failure::Reported(code)),
    }
}

/// The failing rows with the source's columns: the row number (from 1,
/// in the order read), the expectation, what is wrong, then the row.
fn failing_rows(
    batches: &[RecordBatch],
    rows: &[(u64, String, String)],
) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let whole = match batches.first() {
        Some(first) => arrow_select::concat::concat_batches(&first.schema(), batches)?,
        None => RecordBatch::new_empty(Arc::new(Schema::empty())),
    };
    let indices = UInt64Array::from(rows.iter().map(|(r, _, _)| r - 1).collect::<Vec<_>>());
    let mut fields = vec![
        Field::new("row", DataType::UInt64, false),
        Field::new("expectation", DataType::Utf8, false),
        Field::new("problem", DataType::Utf8, false),
    ];
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from(
            rows.iter().map(|(r, _, _)| *r).collect::<Vec<_>>(),
        )),
        Arc::new(StringArray::from(
            rows.iter().map(|(_, e, _)| e.as_str()).collect::<Vec<_>>(),
        )),
        Arc::new(StringArray::from(
            rows.iter().map(|(_, _, d)| d.as_str()).collect::<Vec<_>>(),
        )),
    ];
    for (field, column) in whole.schema().fields().iter().zip(whole.columns()) {
        let taken = arrow_select::take::take(column, &indices, None)?;
        fields.push(Field::new(field.name(), taken.data_type().clone(), true));
        arrays.push(taken);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}
