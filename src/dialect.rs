//! What differs between the engines `rubric sql` writes for: quoting,
//! literals, type names, date arithmetic and booleans. Everything else in
//! the SQL is the part of the standard all four share (common table
//! expressions, `VALUES` lists with aliases, grouping sets, window
//! functions), so one writer serves them all.

use crate::calendar::period::date_from_days;

/// An engine's SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Dialect {
    /// DuckDB, reading the project's Parquet files (`read_parquet`).
    #[default]
    Duckdb,
    /// PostgreSQL, reading tables named after the sources.
    Postgres,
    /// SQL Server (Transact-SQL, 2012 or later), reading tables named
    /// after the sources.
    Tsql,
    /// Apache Spark SQL (3.4 or later, Databricks), reading the project's
    /// Parquet files (``parquet.`path` ``).
    Spark,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "DuckDB",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Tsql => "SQL Server (T-SQL)",
            Dialect::Spark => "Spark SQL",
        }
    }

    /// An identifier quoted, whatever it holds.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Tsql => format!("[{}]", name.replace(']', "]]")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A string constant, whatever it holds. Spark reads a backslash as an
    /// escape and two adjacent quoted strings as one, so there both are
    /// escaped with a backslash; SQL Server's `N` keeps any character.
    pub fn string(self, s: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("'{}'", s.replace('\'', "''")),
            Dialect::Tsql => format!("N'{}'", s.replace('\'', "''")),
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    pub fn double(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Spark => "DOUBLE",
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::Tsql => "FLOAT",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Postgres => "VARCHAR",
            Dialect::Tsql => "NVARCHAR(4000)",
            Dialect::Spark => "STRING",
        }
    }

    /// A number as a double.
    pub fn float(self, v: f64) -> String {
        format!("CAST({v:?} AS {})", self.double())
    }

    /// Integer division towards zero (as Rhai divides).
    pub fn int_div(self, x: &str, y: &str) -> String {
        match self {
            Dialect::Duckdb => format!("({x} // {y})"),
            Dialect::Postgres | Dialect::Tsql => format!("({x} / {y})"),
            Dialect::Spark => format!("({x} div {y})"),
        }
    }

    /// The year, month or day of a date, as a big integer.
    pub fn date_part(self, part: DatePart, date: &str) -> String {
        let (f, unit) = match part {
            DatePart::Year => ("year", "YEAR"),
            DatePart::Month => ("month", "MONTH"),
            DatePart::Day => ("day", "DAY"),
        };
        match self {
            Dialect::Postgres => format!("CAST(EXTRACT({unit} FROM {date}) AS BIGINT)"),
            _ => format!("CAST({f}({date}) AS BIGINT)"),
        }
    }

    /// A date constant (days since 1970-01-01).
    pub fn date(self, days: i32) -> String {
        let text = date_from_days(days).format("%Y-%m-%d");
        match self {
            Dialect::Tsql => format!("CAST('{text}' AS DATE)"),
            _ => format!("DATE '{text}'"),
        }
    }

    /// The first day of month number `m` (`year * 12 + month - 1`).
    pub fn first_day(self, m: &str) -> String {
        let m = format!("({m})");
        let (year, month) = (self.int_div(&m, "12"), format!("{m} % 12 + 1"));
        match self {
            Dialect::Duckdb => {
                format!("make_date(CAST({year} AS BIGINT), CAST({month} AS BIGINT), 1)")
            }
            Dialect::Postgres | Dialect::Spark => {
                format!("make_date(CAST({year} AS INT), CAST({month} AS INT), 1)")
            }
            Dialect::Tsql => format!("DATEFROMPARTS({year}, {month}, 1)"),
        }
    }

    /// The last day of month number `m`.
    pub fn last_day(self, m: &str) -> String {
        let first = self.first_day(m);
        match self {
            Dialect::Duckdb | Dialect::Spark => format!("last_day({first})"),
            Dialect::Postgres => format!("({} - 1)", self.first_day(&format!("({m}) + 1"))),
            Dialect::Tsql => format!("EOMONTH({first})"),
        }
    }

    /// Days from date `a` to date `b` (`b - a`).
    pub fn days_between(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("({b} - {a})"),
            Dialect::Spark => format!("datediff({b}, {a})"),
            Dialect::Tsql => format!("DATEDIFF(day, {a}, {b})"),
        }
    }

    /// The date `n` days after `date` (a whole number of either sign).
    pub fn add_days(self, date: &str, n: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("({date} + CAST({n} AS INTEGER))"),
            Dialect::Spark => format!("date_add({date}, CAST({n} AS INT))"),
            Dialect::Tsql => format!("DATEADD(day, CAST({n} AS INT), {date})"),
        }
    }

    /// A condition that always holds (or never does).
    pub fn truth(self, holds: bool) -> String {
        match (self, holds) {
            (Dialect::Tsql, true) => "(1 = 1)".to_string(),
            (Dialect::Tsql, false) => "(1 = 0)".to_string(),
            (_, true) => "TRUE".to_string(),
            (_, false) => "FALSE".to_string(),
        }
    }

    /// A boolean value (SQL Server has none: a bit).
    pub fn boolean(self, b: bool) -> String {
        match self {
            Dialect::Tsql => format!("CAST({} AS BIT)", u8::from(b)),
            _ => self.truth(b),
        }
    }

    /// A condition from a boolean value that may be missing: missing is
    /// false.
    pub fn is_true(self, value: &str) -> String {
        match self {
            Dialect::Tsql => format!("(coalesce({value}, 0) = 1)"),
            _ => format!("coalesce({value}, false)"),
        }
    }

    /// A condition that may be unknown (a comparison with a missing value)
    /// as one that is false instead.
    pub fn known(self, condition: &str) -> String {
        match self {
            Dialect::Tsql => format!("(CASE WHEN {condition} THEN 1 ELSE 0 END = 1)"),
            _ => format!("coalesce({condition}, false)"),
        }
    }

    /// A condition as a boolean value.
    pub fn value_of(self, condition: &str) -> String {
        match self {
            Dialect::Tsql => {
                format!("CASE WHEN {condition} THEN CAST(1 AS BIT) ELSE CAST(0 AS BIT) END")
            }
            _ => condition.to_string(),
        }
    }

    /// `x` and `y` are equal or both missing (never unknown).
    pub fn same(self, x: &str, y: &str) -> String {
        match self {
            Dialect::Tsql => {
                format!(
                    "(CASE WHEN {x} = {y} OR ({x} IS NULL AND {y} IS NULL) THEN 1 ELSE 0 END = 1)"
                )
            }
            _ => format!("({x} IS NOT DISTINCT FROM {y})"),
        }
    }

    /// Text joined (every part known to be present).
    pub fn concat(self, parts: &[String]) -> String {
        format!("concat({})", parts.join(", "))
    }

    /// What puts missing values first in an ascending order (SQL Server
    /// does so anyway and has no words for it).
    pub fn nulls_first(self) -> &'static str {
        match self {
            Dialect::Tsql => "",
            _ => " NULLS FIRST",
        }
    }

    /// What makes a common table expression computed once: PostgreSQL
    /// otherwise inlines one used once, working out each row's months again
    /// for every month it is compared with (six times slower on the example).
    pub fn materialized(self) -> &'static str {
        match self {
            Dialect::Postgres => " MATERIALIZED",
            _ => "",
        }
    }

    /// Whether the engine reads the project's Parquet files itself; the
    /// others read tables named after the sources.
    pub fn reads_files(self) -> bool {
        matches!(self, Dialect::Duckdb | Dialect::Spark)
    }

    /// A Parquet file as a table.
    pub fn parquet(self, path: &str) -> String {
        match self {
            Dialect::Spark => format!("parquet.{}", self.ident(path)),
            _ => format!("read_parquet({})", self.string(path)),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum DatePart {
    Year,
    Month,
    Day,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_literals_hold_any_text() {
        let hostile = "a'b\"c]d`e\\f";
        assert_eq!(Dialect::Duckdb.string(hostile), "'a''b\"c]d`e\\f'");
        assert_eq!(Dialect::Tsql.string(hostile), "N'a''b\"c]d`e\\f'");
        assert_eq!(Dialect::Spark.string(hostile), "'a\\'b\"c]d`e\\\\f'");
        assert_eq!(Dialect::Postgres.ident(hostile), "\"a'b\"\"c]d`e\\f\"");
        assert_eq!(Dialect::Tsql.ident(hostile), "[a'b\"c]]d`e\\f]");
        assert_eq!(Dialect::Spark.ident(hostile), "`a'b\"c]d``e\\f`");
    }

    #[test]
    fn dates_and_months() {
        assert_eq!(Dialect::Tsql.date(0), "CAST('1970-01-01' AS DATE)");
        assert_eq!(Dialect::Spark.date(19_000), "DATE '2022-01-08'");
        assert_eq!(
            Dialect::Postgres.last_day("p"),
            "(make_date(CAST((((p) + 1) / 12) AS INT), CAST(((p) + 1) % 12 + 1 AS INT), 1) - 1)"
        );
        assert_eq!(
            Dialect::Tsql.first_day("p"),
            "DATEFROMPARTS(((p) / 12), (p) % 12 + 1, 1)"
        );
    }
}
