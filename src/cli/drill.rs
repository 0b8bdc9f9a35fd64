//! `rubric drill ID [--period YYYY-MM] [--breakdown team=X] [--part P] [--out FILE]`:
//! the source rows behind a figure.

use super::failure::{Failure, Outcome};
use super::figure::figure;
use super::{EXIT_RUN_FAILED, EXIT_USAGE};
use crate::calendar::period::Month;
use crate::format::period_label;
use crate::measure::drill::{cohort_ids, drill as drill_rows, CohortIds, Part};
use arrow_array::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use std::path::{Path, PathBuf};

/// Rows shown on screen; `--out` writes them all.
const SHOWN: usize = 40;

pub(super) fn drill(
    project: &Path,
    id: &str,
    period: Option<Month>,
    breakdown: Option<&str>,
    part: Part,
    out: Option<PathBuf>,
) -> Outcome {
    let f = figure(project, id, period, breakdown)?;
    let (p, index, row) = (&f.project, f.indicator, f.row());
    let ind = &p.indicators[index];
    if let crate::model::measure::Measure::Expression(formula) = ind.measure_at(row.period) {
        return formula_parts(&f, formula);
    }
    if part == Part::Numerator {
        if let Some(ids) = cohort_ids(p, index, row.period, f.card.reporting, row.group.as_ref()) {
            let ids = ids.map_err(|why| {
                Failure::message(
                    EXIT_USAGE,
                    format!("error: cannot drill into {}: {why}", ind.id),
                )
            })?;
            return cohort_table(&f, &ids, out);
        }
    }
    let drilled = match drill_rows(
        p,
        index,
        row.period,
        f.card.reporting,
        row.group.as_ref(),
        part,
    ) {
        Ok(d) => d,
        Err(why) => {
            return Err(Failure::message(
                EXIT_USAGE,
                format!("error: cannot drill into {why}"),
            ));
        }
    };
    let figure = match part {
        Part::Numerator
            if matches!(
                ind.measure_at(row.period),
                crate::model::measure::Measure::Base(_)
            ) =>
        {
            row.point.value
        }
        Part::Numerator => row.point.numerator,
        Part::Denominator => row.point.denominator,
        Part::Excluded => row
            .point
            .denominator
            .zip(row.point.numerator)
            .map(|(d, n)| d - n),
    };
    let what = match part {
        Part::Numerator => "the rows counted",
        Part::Denominator => "the rows of the denominator",
        Part::Excluded => "the rows in the denominator but not the numerator",
    };
    let heading = format!(
        "{}: {what}, {} of `{}`{}",
        figure_place(&f),
        crate::text::count_of(drilled.rows.num_rows(), "row"),
        drilled.source,
        figure.map_or(String::new(), |f| format!(
            " (the figure: {})",
            crate::format::count(f)
        ))
    );
    show(&heading, &drilled.rows, out)
}

/// The rows under their heading on screen (the first few), or all of them
/// written to `out` with the heading said.
fn show(heading: &str, rows: &RecordBatch, out: Option<PathBuf>) -> Outcome {
    // The heading holds a title and a breakdown value from the data.
    let heading = crate::text::visible(heading, false);
    match &out {
        Some(file) => match write_rows(file, rows) {
            Ok(()) => {
                outln!("{heading}; written to {}", file.display());
                Ok(())
            }
            Err(e) => Err(Failure::message(EXIT_RUN_FAILED, format!("error: {e}"))),
        },
        None => {
            outln!("{heading}\n");
            out!("{}", table(rows));
            Ok(())
        }
    }
}

/// Where the figure is in words: `FD1 2023-07, the whole`.
fn figure_place(f: &super::figure::Figure) -> String {
    let (ind, row) = (&f.project.indicators[f.indicator], f.row());
    format!(
        "{} {}, {}",
        ind.id,
        period_label(row.period, ind.frequency),
        row.group
            .as_ref()
            .map_or("the whole".to_string(), |g| format!(
                "{} = {}",
                g.by, g.value
            ))
    )
}

/// A formula's figure from its parts: each indicator it reads, with its
/// figure for the same period and breakdown value.
fn formula_parts(f: &super::figure::Figure, formula: &crate::model::measure::Formula) -> Outcome {
    let (p, row) = (&f.project, f.row());
    let ind = &p.indicators[f.indicator];
    let shown = |v: Option<f64>, i: &crate::model::indicator::Indicator| {
        v.map_or("no value".to_string(), |v| {
            crate::format::value(v, i.unit, i.decimals)
        })
    };
    let mut text = format!(
        "{}: a formula of other indicators, `{}` = {}\n\n",
        figure_place(f),
        formula.text.trim(),
        shown(row.point.value, ind)
    );
    for id in &formula.inputs {
        let Some(i) = p.indicators.iter().position(|x| &x.id == id) else {
            continue;
        };
        let figure = f
            .card
            .rows
            .iter()
            .find(|r| r.indicator == i && r.period == row.period && r.group == row.group)
            .and_then(|r| r.point.value);
        text += &format!(
            "  {id} = {}  ({})\n",
            shown(figure, &p.indicators[i]),
            p.indicators[i].title
        );
    }
    text += &format!(
        "\ndrill into {} for the rows behind each\n",
        formula.inputs.join(" or ")
    );
    out!("{}", crate::text::visible(&text, true));
    Ok(())
}

/// A cohort's ids for the figure, each with the members holding it.
fn cohort_table(f: &super::figure::Figure, ids: &CohortIds, out: Option<PathBuf>) -> Outcome {
    use arrow_array::{ArrayRef, StringArray};
    let p = &f.project;
    let mut fields = vec![arrow_schema::Field::new(
        "id",
        arrow_schema::DataType::Utf8,
        false,
    )];
    let mut columns: Vec<ArrayRef> = vec![std::sync::Arc::new(StringArray::from_iter_values(
        ids.ids.iter().map(|(id, _)| id.as_str()),
    ))];
    for (n, (base, how)) in ids.members.iter().enumerate() {
        let name = format!("{how}: {}", p.base_measures[*base].source);
        fields.push(arrow_schema::Field::new(
            if fields.iter().any(|f| f.name() == &name) {
                format!("{name} ({})", n + 1)
            } else {
                name
            },
            arrow_schema::DataType::Utf8,
            false,
        ));
        columns.push(std::sync::Arc::new(StringArray::from_iter_values(
            ids.ids
                .iter()
                .map(|(_, held)| if held[n] { "yes" } else { "no" }),
        )));
    }
    let rows = RecordBatch::try_new(
        std::sync::Arc::new(arrow_schema::Schema::new(fields)),
        columns,
    )
    .map_err(|e| Failure::message(EXIT_RUN_FAILED, format!("error: {e}")))?;
    let row = f.row();
    let counted = if matches!(
        p.indicators[f.indicator].measure_at(row.period),
        crate::model::measure::Measure::Cohort(_)
    ) {
        row.point.value
    } else {
        row.point.numerator
    };
    let heading = format!(
        "{}: the ids counted, {} and the members holding each{}",
        figure_place(f),
        crate::text::count_of(ids.ids.len(), "id"),
        counted.map_or(String::new(), |c| format!(
            " (the figure: {})",
            crate::format::count(c)
        ))
    );
    show(&heading, &rows, out)
}

/// Each cell as text, `NA` for a missing value.
fn cells(rows: &RecordBatch) -> Vec<Vec<String>> {
    let options = FormatOptions::default().with_null("NA");
    let formatters: Vec<ArrayFormatter> = rows
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).expect("normalised columns display"))
        .collect();
    (0..rows.num_rows())
        .map(|r| formatters.iter().map(|f| f.value(r).to_string()).collect())
        .collect()
}

fn column_names(rows: &RecordBatch) -> Vec<String> {
    rows.schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

fn table(rows: &RecordBatch) -> String {
    // Data shown on a terminal must not drive it (ANSI escapes, returns).
    let shown = |v: &String| crate::text::visible(v, false).into_owned();
    let names: Vec<String> = column_names(rows).iter().map(shown).collect();
    let body: Vec<Vec<String>> = cells(rows)
        .iter()
        .map(|r| r.iter().map(shown).collect())
        .collect();
    let shown = &body[..body.len().min(SHOWN)];
    let widths: Vec<usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            shown
                .iter()
                .map(|r| r[i].chars().count())
                .chain([n.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |values: &[String]| {
        values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = format!("{}\n", line(&names));
    for r in shown {
        out += &format!("{}\n", line(r));
    }
    if body.len() > SHOWN {
        out += &format!(
            "... and {} more rows: write them all with --out rows.csv\n",
            body.len() - SHOWN
        );
    }
    out
}

/// Why rows could not be written to a file.
#[derive(Debug, thiserror::Error)]
pub(super) enum RowsFileError {
    #[error(transparent)]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{0}: write a .csv or a .parquet file")]
    Extension(String),
    #[error("the file needs a name")]
    NoName,
    #[error("writing {file}: {cause}")]
    Place {
        file: String,
        cause: crate::output::atomic::WriteError,
    },
}

/// Writes the rows as CSV or Parquet (by the file's extension), atomically.
pub(super) fn write_rows(file: &Path, rows: &RecordBatch) -> Result<(), RowsFileError> {
    let bytes = match file.extension().and_then(|e| e.to_str()) {
        Some("parquet") => {
            let mut bytes = Vec::new();
            let mut w = parquet::arrow::ArrowWriter::try_new(&mut bytes, rows.schema(), None)?;
            w.write(rows)?;
            w.close()?;
            bytes
        }
        Some("csv") => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let safe = crate::output::csv::spreadsheet_safe;
            w.write_record(column_names(rows).iter().map(|n| safe(n).into_owned()))?;
            // Only text columns can hold a formula; a negative number is a number.
            let text: Vec<bool> = rows
                .schema()
                .fields()
                .iter()
                .map(|f| !f.data_type().is_numeric())
                .collect();
            for r in cells(rows) {
                let record = r.iter().zip(&text).map(|(v, &is_text)| {
                    if is_text {
                        safe(v).into_owned()
                    } else {
                        v.clone()
                    }
                });
                w.write_record(record)?;
            }
            w.into_inner().map_err(|e| e.into_error())?
        }
        _ => return Err(RowsFileError::Extension(file.display().to_string())),
    };
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or(RowsFileError::NoName)?;
    crate::output::atomic::write_all(dir, &[(name, bytes)]).map_err(|cause| RowsFileError::Place {
        file: file.display().to_string(),
        cause,
    })
}
