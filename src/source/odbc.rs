//! Database sources through ODBC (SQL Server, PostgreSQL, Oracle,
//! Snowflake, ... whichever driver is installed), read with arrow-odbc in
//! Arrow batches. The connection string comes from an environment variable
//! the YAML names, never from the YAML, and is never printed: messages
//! carry the driver's words with every credential removed. Only the
//! columns the indicators read are selected.

use super::kind::{Batches, Declaration, Declared, Reader, SourceKind};
use super::read_error::ReadError;
use crate::diagnostic::Place;
use crate::dialect::Dialect;
use crate::expr::column_type::ColumnType;
use arrow_array::RecordBatch;
use arrow_odbc::odbc_api::{self, Connection, ConnectionOptions};
use arrow_odbc::OdbcReaderBuilder;
use arrow_schema::DataType;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The most bytes one batch's buffers take.
const BATCH_BYTES: usize = 16 * 1024 * 1024;

/// The most rows in one batch.
const BATCH_ROWS: usize = 65_536;

/// Text columns whose database type gives no length (`text`,
/// `varchar(max)`) are read up to this many bytes a value.
const MAX_TEXT_BYTES: usize = 8_192;

/// Where the rows are.
#[derive(Debug, Clone)]
pub enum Rows {
    /// A table, possibly with its schema: `dbo.referrals`.
    Table(String),
    /// A query giving the rows.
    Query(String),
}

/// A declared database source.
#[derive(Debug, Clone)]
pub struct OdbcSource {
    /// The environment variable holding the connection string.
    pub variable: String,
    pub rows: Rows,
    /// The SQL the database runs the measures in, when they are pushed down.
    pub pushdown: Option<crate::dialect::Dialect>,
}

impl OdbcSource {
    /// What the rows are selected from: the table's name quoted part by
    /// part, or the query as a derived table.
    fn from(&self) -> String {
        match &self.rows {
            Rows::Table(t) => t.split('.').map(quote).collect::<Vec<_>>().join("."),
            Rows::Query(q) => format!("({}) AS rubric_rows", q.trim().trim_end_matches(';')),
        }
    }
}

/// A table or query in a database, through ODBC.
pub(super) struct Odbc;

impl SourceKind for Odbc {
    fn name(&self) -> &'static str {
        "odbc"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["connection", "table", "query", "pushdown"]
    }

    fn declare(&self, d: &mut Declaration) -> Option<Declared> {
        let doc = d.doc;
        let Some(connection) = &doc.connection else {
            d.refuse(d.kind_place, "an `odbc` source needs `connection`: the name of the environment variable holding the connection string".to_string(), "write `connection: RUBRIC_DATABASE` and set that variable where Rubric runs (never the connection string itself: it holds credentials)");
            return None;
        };
        let rows = match (&doc.table, &doc.query) {
            (Some(t), None) => Rows::Table(t.value.clone()),
            (None, Some(q)) => Rows::Query(q.value.clone()),
            _ => {
                d.refuse(
                    d.kind_place,
                    "an `odbc` source needs exactly one of `table` and `query`".to_string(),
                    "write `table: dbo.referrals`, or `query:` with a SELECT giving the rows",
                );
                return None;
            }
        };
        if !connection
            .value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
            || connection.value.is_empty()
        {
            d.refuse(Place::from(&connection.referenced), "`connection` names an environment variable, such as `RUBRIC_DATABASE`; it cannot hold the connection string".to_string(), "put the connection string in an environment variable and name that variable here");
            return None;
        }
        let pushdown = match &doc.pushdown {
            None => None,
            Some(p) => match p.value.as_str() {
                "postgres" => Some(Dialect::Postgres),
                "tsql" => Some(Dialect::Tsql),
                other => {
                    d.refuse(Place::from(&p.referenced), format!("`pushdown: {}` is not a database's SQL Rubric writes", crate::text::visible(other, false)), "write `pushdown: postgres` (PostgreSQL) or `pushdown: tsql` (SQL Server), or leave it out to read the rows");
                    return None;
                }
            },
        };
        if let (Some(p), false) = (&doc.pushdown, doc.expect.is_empty()) {
            d.refuse(Place::from(&p.referenced), "a source whose measures run in the database cannot carry `expect:`: its rows are never read here to check".to_string(), "check the rows in the database, or leave out `pushdown` to read them");
            return None;
        }
        let source = OdbcSource {
            variable: connection.value.clone(),
            rows,
            pushdown,
        };
        Some(Declared::Read {
            reader: Arc::new(source),
            file: d.yaml.to_path_buf(),
        })
    }
}

impl Reader for OdbcSource {
    fn describe(&self, name: &str, _file: &Path) -> String {
        match &self.rows {
            Rows::Table(t) => format!(
                "table `{t}` through ODBC, connecting with ${}",
                self.variable
            ),
            Rows::Query(_) => format!(
                "the query of source `{name}` through ODBC, connecting with ${}",
                self.variable
            ),
        }
    }

    fn help_on_failure(&self) -> &'static str {
        "check the database is reachable and the query runs there; the connection string is read from the environment variable the source names"
    }

    fn stored_bytes(&self) -> u64 {
        0
    }

    fn schema(&self) -> Result<Vec<(String, DataType)>, ReadError> {
        schema(self)
    }

    fn read(
        &self,
        _types: &BTreeMap<String, Option<ColumnType>>,
        columns: &[String],
    ) -> Result<Batches, ReadError> {
        read(self, columns).map(Batches::Whole)
    }

    fn maxima(&self, columns: &[String]) -> Option<Result<Vec<RecordBatch>, ReadError>> {
        Some(read_maxima(self, columns))
    }

    fn database(&self) -> Option<&OdbcSource> {
        Some(self)
    }
}

/// A name quoted as an SQL identifier: it can hold no SQL.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The connection string, from its environment variable.
fn connection_string(source: &OdbcSource) -> Result<String, ReadError> {
    match std::env::var(&source.variable) {
        Ok(s) if !s.trim().is_empty() => Ok(s),
        Ok(_) => Err(ReadError::Invalid(format!("the environment variable {} is empty; set it to the connection string", source.variable))),
        Err(std::env::VarError::NotPresent) => Err(ReadError::Invalid(format!(
            "the environment variable {} is not set; set it to the connection string (for example `Driver={{ODBC Driver 18 for SQL Server}};Server=...;Database=...;Trusted_Connection=yes`)",
            source.variable
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(ReadError::Invalid(format!("the environment variable {} is not valid text", source.variable))),
    }
}

/// A connection to the source's database, with its connection string
/// (to scrub from messages).
fn connect(source: &OdbcSource) -> Result<(Connection<'static>, String), ReadError> {
    let conn_str = connection_string(source)?;
    let env = odbc_api::environment()
        .map_err(|e| ReadError::Database(scrub(&format!("cannot start ODBC: {e}"), &conn_str)))?;
    let connection = env
        .connect_with_connection_string(&conn_str, ConnectionOptions::default())
        .map_err(|e| ReadError::Database(scrub(&format!("cannot connect: {e}"), &conn_str)))?;
    Ok((connection, conn_str))
}

/// Runs a query Rubric wrote (a measure pushed down to the database) and
/// read its result in `schema`'s types (drivers may describe a double as a
/// float of less precision: PostgreSQL's does).
pub fn query(
    source: &OdbcSource,
    select: &str,
    schema: arrow_schema::SchemaRef,
) -> Result<Vec<RecordBatch>, ReadError> {
    run_as(source, select, Some(schema))
}

/// Runs `select` and reads its rows in Arrow batches.
fn run(source: &OdbcSource, select: &str) -> Result<Vec<RecordBatch>, ReadError> {
    run_as(source, select, None)
}

/// `run`, with the result's types given or else as the driver describes
/// them.
fn run_as(
    source: &OdbcSource,
    select: &str,
    schema: Option<arrow_schema::SchemaRef>,
) -> Result<Vec<RecordBatch>, ReadError> {
    let (connection, conn_str) = connect(source)?;
    let scrub = |message: String| ReadError::Database(scrub(&message, &conn_str));
    let cursor = connection
        .into_cursor(select, (), None)
        .map_err(|e| scrub(format!("the database refused the query: {}", e.error)))?
        .ok_or(ReadError::invalid(
            "the query gave no rows to read (it is not a SELECT)",
        ))?;
    let mut builder = OdbcReaderBuilder::new();
    builder
        .with_max_bytes_per_batch(BATCH_BYTES)
        .with_max_num_rows_per_batch(BATCH_ROWS)
        .with_max_text_size(MAX_TEXT_BYTES);
    if let Some(schema) = schema {
        builder.with_schema(schema);
    }
    let reader = builder
        .build(cursor)
        .map_err(|e| scrub(format!("cannot read the result: {e}")))?
        .into_concurrent()
        .map_err(|e| scrub(format!("cannot read the result: {e}")))?;
    let mut batches = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| scrub(format!("reading stopped part way: {e}")))?;
        super::text::check_text_lengths(&batch)?;
        batches.push(batch);
    }
    Ok(batches)
}

/// The columns and their types, from a query giving no rows.
fn schema(source: &OdbcSource) -> Result<Vec<(String, DataType)>, ReadError> {
    let select = format!("SELECT * FROM {} WHERE 1 = 0", source.from());
    let (connection, conn_str) = connect(source)?;
    let scrub = |message: String| ReadError::Database(scrub(&message, &conn_str));
    let mut cursor = connection
        .execute(&select, (), None)
        .map_err(|e| scrub(format!("the database refused the query: {e}")))?
        .ok_or(ReadError::invalid(
            "the query gave no rows to read (it is not a SELECT)",
        ))?;
    let schema = arrow_odbc::arrow_schema_from(&mut cursor, None, false)
        .map_err(|e| scrub(format!("cannot read the result's columns: {e}")))?;
    Ok(schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect())
}

/// Reads the named columns, and only those.
fn read(source: &OdbcSource, columns: &[String]) -> Result<Vec<RecordBatch>, ReadError> {
    let listed = columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ");
    run(source, &format!("SELECT {listed} FROM {}", source.from()))
}

/// The latest value of each named column, computed by the database: one row.
fn read_maxima(source: &OdbcSource, columns: &[String]) -> Result<Vec<RecordBatch>, ReadError> {
    let listed = columns
        .iter()
        .map(|c| format!("MAX({0}) AS {0}", quote(c)))
        .collect::<Vec<_>>()
        .join(", ");
    run(source, &format!("SELECT {listed} FROM {}", source.from()))
}

/// `message` with the connection string and each credential in it
/// replaced: drivers may quote either back.
pub(super) fn scrub(message: &str, connection: &str) -> String {
    // Drivers write several lines; a message is one.
    let mut out: String = message
        .replace(connection, "<connection string>")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    for (key, value) in attributes(connection) {
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        let secret = [
            "pwd",
            "password",
            "passwd",
            "secret",
            "token",
            "accesstoken",
            "key",
            "uid",
            "user",
            "user id",
            "username",
        ]
        .iter()
        .any(|k| key == *k || key.ends_with("password") || key.ends_with("secret"));
        if secret && value.len() >= 2 {
            out = out.replace(value, "***");
        }
    }
    out
}

/// The `key=value` pairs of a connection string; a value in braces may
/// hold `;` (and `}}` for a brace).
fn attributes(connection: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = connection.chars().peekable();
    loop {
        let key: String = chars.by_ref().take_while(|&c| c != '=').collect();
        if key.is_empty() && chars.peek().is_none() {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'{') {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '}' {
                    if chars.peek() == Some(&'}') {
                        chars.next();
                    } else {
                        break;
                    }
                }
                value.push(c);
            }
            // Up to the next `;`.
            for c in chars.by_ref() {
                if c == ';' {
                    break;
                }
            }
        } else {
            value = chars.by_ref().take_while(|&c| c != ';').collect();
        }
        out.push((key.trim().to_string(), value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_removes_the_password_and_the_user_wherever_they_are_quoted() {
        let conn = "Driver={PostgreSQL};Server=db;UID=analyst;PWD={s3cr;et};Database=csc";
        let said = "FATAL: password authentication failed for user \"analyst\" (PWD=s3cr;et)";
        let clean = scrub(said, conn);
        assert!(
            !clean.contains("analyst") && !clean.contains("s3cr;et"),
            "{clean}"
        );
        assert!(clean.contains("***"), "{clean}");
        assert_eq!(
            scrub(&format!("using {conn}"), conn),
            "using <connection string>"
        );
    }

    #[test]
    fn a_table_name_is_quoted_part_by_part() {
        let s = OdbcSource {
            variable: "X".into(),
            rows: Rows::Table("dbo.refer\"rals".into()),
            pushdown: None,
        };
        assert_eq!(s.from(), "\"dbo\".\"refer\"\"rals\"");
    }
}
