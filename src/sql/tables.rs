//! Where a query's rows come from: sources as tables in each dialect,
//! their columns, their place in the file, and population tables.

use super::{Builder, NoSql};
use crate::dialect::{DatePart, Dialect};
use crate::expr::row_expr::RowExpr;
use crate::model::measure::Population;
use crate::source::Rows;

impl Builder<'_> {
    /// A population table's value for the grid row's year: the latest
    /// year's total at or before it.
    pub(super) fn population(&mut self, population: &Population) -> Result<String, NoSql> {
        let Population::Table {
            source: name,
            year,
            column,
            filter,
        } = population
        else {
            unreachable!("fixed populations are written as numbers");
        };
        let d = self.d;
        let source = self.source(name)?;
        let (y, c) = (self.column(name, year), self.column(name, column));
        let mut conditions = vec![format!("{y} IS NOT NULL"), format!("{c} IS NOT NULL")];
        if let Some(f) = filter {
            conditions.push(self.filter(name, f)?);
        }
        let cte = format!("pop{}", self.populations);
        self.populations += 1;
        self.ctes.push(format!(
            "{cte}_by_year AS (SELECT {y} AS y, sum(CAST({c} AS {})) AS v FROM {source} WHERE {} GROUP BY {y})",
            d.double(),
            conditions.join(" AND ")
        ));
        self.ctes.push(format!(
            "{cte} AS (SELECT p, v FROM (SELECT periods.p, {cte}_by_year.v, row_number() OVER (PARTITION BY periods.p ORDER BY {cte}_by_year.y DESC) AS rubric_latest \
             FROM periods JOIN {cte}_by_year ON {cte}_by_year.y <= {}) AS rubric_years WHERE rubric_latest = 1)",
            d.int_div("periods.p", "12")
        ));
        self.joins
            .push(format!("LEFT JOIN {cte} ON {cte}.p = grid.p"));
        Ok(format!("{cte}.v"))
    }

    pub(super) fn filter(&self, source: &str, f: &RowExpr) -> Result<String, NoSql> {
        self.condition(f, &|c| self.column(source, c))
            .ok_or_else(|| NoSql::Filter(f.text.trim().to_string()))
    }

    /// The rows of a source as a table: its Parquet file for an engine
    /// reading files, else its table in the database (the table or query
    /// a database source names, or a table named after the source).
    pub(super) fn source(&self, name: &str) -> Result<String, NoSql> {
        let s = self
            .project
            .sources
            .by_name
            .get(name)
            .ok_or_else(|| NoSql::NoSource(name.to_string()))?;
        if !self.d.reads_files() {
            return Ok(match s.database_rows() {
                Some(Rows::Table(t)) => t
                    .split('.')
                    .map(|p| self.d.ident(p))
                    .collect::<Vec<_>>()
                    .join("."),
                Some(Rows::Query(q)) => {
                    format!("({}) AS rubric_query", q.trim().trim_end_matches(';'))
                }
                None => self.d.ident(name),
            });
        }
        let path = s.parquet_file().ok_or_else(|| NoSql::NotParquet {
            name: name.to_string(),
            from: s.describe(),
        })?;
        let path = crate::text::slashed(path);
        Ok(self.d.parquet(&path))
    }

    /// The rows of a source with their place in it, where the engine knows
    /// one: DuckDB's row number in the file, Spark's increasing id (in file
    /// order for one file), PostgreSQL's physical row of a table (the order
    /// rows were loaded in). SQL Server and queries give none: rows of one
    /// entity on the same date then come in the engine's order.
    pub(super) fn numbered(&self, name: &str) -> Result<(String, Option<String>), NoSql> {
        let source = self.source(name)?;
        let in_table = self
            .project
            .sources
            .by_name
            .get(name)
            .is_some_and(|s| !matches!(s.database_rows(), Some(Rows::Query(_))));
        Ok(match self.d {
            Dialect::Duckdb => match source.strip_suffix(')') {
                Some(call) if source.starts_with("read_parquet(") => (
                    format!("{call}, file_row_number = true)"),
                    Some("file_row_number".to_string()),
                ),
                _ => (source, None),
            },
            Dialect::Spark => (
                format!("(SELECT *, monotonically_increasing_id() AS rubric_place FROM {source}) AS rubric_numbered"),
                Some("rubric_place".to_string()),
            ),
            Dialect::Postgres if in_table => (
                format!("(SELECT *, ctid AS rubric_place FROM {source}) AS rubric_numbered"),
                Some("rubric_place".to_string()),
            ),
            Dialect::Postgres | Dialect::Tsql => (source, None),
        })
    }

    /// A column as the scan sees it: dates of any stored kind as dates,
    /// under the name the source stores.
    pub(super) fn column(&self, source: &str, name: &str) -> String {
        let source = self.project.sources.by_name.get(source);
        // A column `rename:` named is read by the name the source stores.
        let quoted = self.d.ident(
            source
                .and_then(|s| s.stored_names.get(name))
                .map_or(name, String::as_str),
        );
        let stored = source
            .and_then(|s| s.arrow_types.get(name))
            .map(String::as_str);
        match stored {
            Some(t) if t.starts_with("Date64") || t.starts_with("Timestamp") => {
                format!("CAST({quoted} AS DATE)")
            }
            _ => quoted,
        }
    }

    /// The month of a date as `year * 12 + month - 1` (Rubric's month number).
    pub(super) fn month_of(&self, date: &str) -> String {
        format!(
            "({} * 12 + {} - 1)",
            self.d.date_part(DatePart::Year, date),
            self.d.date_part(DatePart::Month, date)
        )
    }
}
