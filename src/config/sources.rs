//! Declared sources: `sources:` in `rubric.yaml` or in a file under
//! `sources/`. A bare `data/NAME.parquet` needs no declaration; one is
//! written to read CSV, Excel or a database, or to state expectations.

use super::span::Spanned;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A file under `sources/`: a list of sources, as under `sources:` in `rubric.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    pub sources: Vec<SourceDoc>,
}

/// One source: its name (what indicators write as `source:`), its kind and
/// where it is read from.
#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct SourceDoc {
    /// The name indicators use: letters, digits and `_`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// `parquet`, `csv`, `xlsx` or `odbc`; by default taken from the
    /// path's extension.
    #[schemars(with = "Option<String>")]
    pub kind: Option<Spanned<String>>,
    /// A file inside the project, or a glob of files read as one table
    /// (`extracts/referrals-*.csv`). Default for a source with no kind:
    /// `data/NAME.parquet`.
    #[schemars(with = "Option<String>")]
    pub path: Option<Spanned<String>>,
    /// CSV: the character between fields (default `,`).
    #[schemars(with = "Option<String>")]
    pub delimiter: Option<Spanned<String>>,
    /// CSV and Excel: the row holding the column names, counting from 1
    /// (default 1); rows above it are skipped.
    #[schemars(with = "Option<u64>")]
    pub header_row: Option<Spanned<u64>>,
    /// CSV: `utf-8` (default; a byte-order mark is skipped) or `windows-1252`.
    #[schemars(with = "Option<String>")]
    pub encoding: Option<Spanned<String>>,
    /// CSV and Excel: how dates written as text are read, tried in order
    /// (default `["%Y-%m-%d", "%d/%m/%Y"]`; chrono's `%` codes).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub date_formats: Vec<Spanned<String>>,
    /// Any kind: the day the source's data was extracted (`2023-05-31`):
    /// figures of months after it have no data from it, and say so.
    #[schemars(with = "Option<String>")]
    pub extracted: Option<Spanned<String>>,
    /// Any kind: columns given names expressions can use, each new name to
    /// the name the source has (`start_date: "Start Date"`).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub rename: BTreeMap<String, Spanned<String>>,
    /// Column types where inference is not wanted: `integer`, `number`,
    /// `text`, `date` or `true/false`, by column name.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub columns: BTreeMap<String, Spanned<String>>,
    /// CSV and Excel: values read as missing besides the empty value
    /// (quote them: `["NULL", "N/A"]`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub missing: Vec<Spanned<Option<String>>>,
    /// Excel: the sheet's name (default: the first sheet).
    #[schemars(with = "Option<String>")]
    pub sheet: Option<Spanned<String>>,
    /// Excel: the cells read, such as `A3:F200` (default: the used cells).
    /// The header row counts from the range's first row.
    #[schemars(with = "Option<String>")]
    pub range: Option<Spanned<String>>,
    /// ODBC: the environment variable holding the connection string (never
    /// the string itself: it carries credentials).
    #[schemars(with = "Option<String>")]
    pub connection: Option<Spanned<String>>,
    /// ODBC: the table read (`dbo.referrals`).
    #[schemars(with = "Option<String>")]
    pub table: Option<Spanned<String>>,
    /// ODBC: a query giving the rows, instead of a table.
    #[schemars(with = "Option<String>")]
    pub query: Option<Spanned<String>>,
    /// ODBC: run the measures over this source in the database, in its
    /// SQL (`postgres` or `tsql`), so only the series cross the wire.
    #[schemars(with = "Option<String>")]
    pub pushdown: Option<Spanned<String>>,
    /// What the data must satisfy, checked on every run and by `rubric check`.
    #[serde(default)]
    pub expect: Vec<ExpectationDoc>,
}

/// One expectation: exactly one of `unique`, `not_null`, `allowed`,
/// `dates`, `rows` or `fresh`, with its severity.
#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExpectationDoc {
    /// No two rows share these columns' values.
    #[schemars(with = "Option<Vec<String>>")]
    pub unique: Option<Spanned<Vec<String>>>,
    /// These columns hold a value on every row.
    #[schemars(with = "Option<Vec<String>>")]
    pub not_null: Option<Spanned<Vec<String>>>,
    /// A column holds only these values (missing values are left to `not_null`).
    pub allowed: Option<AllowedDoc>,
    /// A date column's values lie within a range.
    pub dates: Option<DatesDoc>,
    /// The number of rows lies within bounds.
    pub rows: Option<RowsDoc>,
    /// The latest date of a column is recent: within so many days of the
    /// reporting month's end.
    pub fresh: Option<FreshDoc>,
    /// `error` (the default: the run stops) or `warn` (reported, the run goes on).
    #[schemars(with = "Option<String>")]
    pub severity: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct AllowedDoc {
    #[schemars(with = "String")]
    pub column: Spanned<String>,
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct DatesDoc {
    #[schemars(with = "String")]
    pub column: Spanned<String>,
    /// The earliest date allowed, `YYYY-MM-DD`.
    #[schemars(with = "Option<String>")]
    pub from: Option<Spanned<String>>,
    /// The latest date allowed: `YYYY-MM-DD`, `extracted` for the day the
    /// data was extracted (`quality: extracted`), or `reporting_month` for
    /// the reporting month's last day.
    #[schemars(with = "Option<String>")]
    pub to: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct RowsDoc {
    #[schemars(with = "Option<u64>")]
    pub min: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub max: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct FreshDoc {
    #[schemars(with = "String")]
    pub column: Spanned<String>,
    #[schemars(with = "u64")]
    pub within_days: Spanned<u64>,
}
