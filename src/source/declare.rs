//! Finding the sources: Parquet files under `data/` by name, and the
//! sources declared in YAML, each checked (name, kind, where) and its
//! columns read (not its rows) so measures can be checked against them.

use super::csv::{CsvSource, Encoding};
use super::expect::compile_expectations;
use super::odbc::{OdbcSource, Rows};
use super::snapshot::Snapshot;
use super::xlsx::XlsxSource;
use super::{parquet, Source, Sources};
use crate::config::files::{check_inside, files_with_extensions};
use crate::config::sources::SourceDoc;
use crate::config::Loaded;
use crate::diagnostic::{Diagnostic, Place};
use crate::dialect::Dialect;
use crate::expr::column_type::ColumnType;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a source's rows come from.
#[derive(Debug, Clone)]
pub enum ReadFrom {
    Parquet { path: PathBuf },
    Csv(CsvSource),
    Xlsx(XlsxSource),
    Odbc(OdbcSource),
}

impl ReadFrom {
    pub(super) fn describe(&self, name: &str, file: &Path) -> String {
        match self {
            ReadFrom::Parquet { .. } => crate::text::slashed(file),
            ReadFrom::Csv(c) => c.describe(),
            ReadFrom::Xlsx(x) => x.describe(file),
            ReadFrom::Odbc(o) => o.describe(name),
        }
    }

    pub(super) fn help_on_failure(&self) -> &'static str {
        match self {
            ReadFrom::Parquet { .. } => {
                "regenerate or re-export the file; it may be truncated or corrupt"
            }
            ReadFrom::Csv(_) => "fix the file at that line, or declare the column's type under `columns:` (and any missing-value marker under `missing:`) in the source's declaration",
            ReadFrom::Xlsx(_) => "fix the cell, or declare the column's type under `columns:` in the source's declaration",
            ReadFrom::Odbc(_) => "check the database is reachable and the query runs there; the connection string is read from the environment variable the source names",
        }
    }
}

/// Finds `data/**/*.parquet` and the declared sources, reading each one's
/// columns (not its rows).
/// With a snapshot, the sources it holds are read from it instead.
pub fn discover(
    root: &Path,
    declared: &[Loaded<Vec<SourceDoc>>],
    snapshot: Option<&Snapshot>,
) -> (Sources, Vec<Diagnostic>) {
    let mut sources = Sources::default();
    let mut problems = Vec::new();
    let data = root.join("data");
    if data.is_dir() {
        let (paths, walk_problems) = files_with_extensions(root, &data, &["parquet"]);
        problems.extend(walk_problems);
        for path in paths {
            let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            if declared_names(declared).any(|n| n == name) {
                // The declaration says how to read it.
                continue;
            }
            if let Some(existing) = sources.by_name.get(&name) {
                problems.push(
                    Diagnostic::new(
                        &file,
                        Place::WHOLE_FILE,
                        format!("two tables are both named `{name}`"),
                    )
                    .help(format!(
                        "rename one of {} and {}: a source is named by its file name",
                        existing.file.display(),
                        file.display()
                    )),
                );
                continue;
            }
            match snapshot.and_then(|s| s.files.get(&name).map(|f| (s, f))) {
                Some((s, f)) => add_parquet(
                    &s.dir,
                    &mut sources,
                    &mut problems,
                    name,
                    f.clone(),
                    f,
                    None,
                ),
                None => add_parquet(root, &mut sources, &mut problems, name, file, &path, None),
            }
        }
    } else if declared.iter().all(|d| d.doc.is_empty()) {
        problems.push(
            Diagnostic::new("data", Place::WHOLE_FILE, "the project has no `data/` folder")
                .help("put the Parquet tables indicators read under data/, or declare sources in rubric.yaml"),
        );
    }
    let mut seen: BTreeMap<String, (PathBuf, Place)> = BTreeMap::new();
    for loaded in declared {
        for doc in &loaded.doc {
            let place = Place::from(&doc.name.referenced);
            let name = doc.name.value.clone();
            let fail = |message: String, help: &str| {
                Diagnostic::new(&loaded.file, place, message)
                    .subject(format!("source {name}"))
                    .help(help)
            };
            if name.is_empty()
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                || name.starts_with(|c: char| c.is_ascii_digit())
            {
                problems.push(fail(
                    format!(
                        "`{}` cannot name a source",
                        crate::text::visible(&name, false)
                    ),
                    "use letters, digits and `_`, starting with a letter: `referrals_extract`",
                ));
                continue;
            }
            if let Some((file, at)) = seen.get(&name) {
                problems.push(fail(
                    format!("the source `{name}` is declared twice"),
                    &format!(
                        "it is also declared at {}:{}:{}; keep one",
                        file.display(),
                        at.line,
                        at.column
                    ),
                ));
                continue;
            }
            seen.insert(name.clone(), (loaded.file.clone(), place));
            let before = problems.len();
            match snapshot.and_then(|s| s.files.get(&name).map(|f| (s, f))) {
                Some((s, f)) => add_parquet(
                    &s.dir,
                    &mut sources,
                    &mut problems,
                    name.clone(),
                    f.clone(),
                    f,
                    Some(((doc, &loaded.file), place)),
                ),
                None => declare(root, &loaded.file, doc, &mut sources, &mut problems),
            }
            for p in &mut problems[before..] {
                p.subject.get_or_insert_with(|| format!("source {name}"));
            }
            if !sources.by_name.contains_key(&name) {
                sources.unreadable.insert(name);
            }
        }
    }
    (sources, problems)
}

fn declared_names(declared: &[Loaded<Vec<SourceDoc>>]) -> impl Iterator<Item = &str> {
    declared
        .iter()
        .flat_map(|l| l.doc.iter().map(|d| d.name.value.as_str()))
}

/// Checks one declaration and, when it can be read, adds the source.
fn declare(
    root: &Path,
    yaml: &Path,
    doc: &SourceDoc,
    sources: &mut Sources,
    problems: &mut Vec<Diagnostic>,
) {
    let name = doc.name.value.clone();
    let at = |loc: &crate::config::span::Location| Place::from(loc);
    let kind = match (&doc.kind, &doc.path) {
        (Some(k), _) => k.value.clone(),
        (None, Some(p)) => Path::new(&p.value)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default(),
        (None, None) => "parquet".to_string(),
    };
    let kind_place = doc
        .kind
        .as_ref()
        .map(|k| at(&k.referenced))
        .or(doc.path.as_ref().map(|p| at(&p.referenced)))
        .unwrap_or(at(&doc.name.referenced));
    let refuse = |problems: &mut Vec<Diagnostic>, place: Place, message: String, help: &str| {
        problems.push(Diagnostic::new(yaml, place, message).help(help));
    };
    let only =
        |field: &str, set: bool, allowed: bool, kinds: &str, problems: &mut Vec<Diagnostic>| {
            if set && !allowed {
                refuse(
                    problems,
                    kind_place,
                    format!("`{field}` applies to {kinds} sources, not to a `{kind}` source"),
                    &format!("remove `{field}`, or change `kind`"),
                );
            }
        };
    let is_csv = kind == "csv";
    let is_xlsx = kind == "xlsx";
    let is_odbc = kind == "odbc";
    only(
        "delimiter",
        doc.delimiter.is_some(),
        is_csv,
        "csv",
        problems,
    );
    only("encoding", doc.encoding.is_some(), is_csv, "csv", problems);
    only(
        "header_row",
        doc.header_row.is_some(),
        is_csv || is_xlsx,
        "csv and xlsx",
        problems,
    );
    only(
        "date_formats",
        !doc.date_formats.is_empty(),
        is_csv || is_xlsx,
        "csv and xlsx",
        problems,
    );
    only(
        "missing",
        !doc.missing.is_empty(),
        is_csv || is_xlsx,
        "csv and xlsx",
        problems,
    );
    only(
        "columns",
        !doc.columns.is_empty(),
        is_csv || is_xlsx,
        "csv and xlsx",
        problems,
    );
    only("sheet", doc.sheet.is_some(), is_xlsx, "xlsx", problems);
    only("range", doc.range.is_some(), is_xlsx, "xlsx", problems);
    only(
        "connection",
        doc.connection.is_some(),
        is_odbc,
        "odbc",
        problems,
    );
    only("table", doc.table.is_some(), is_odbc, "odbc", problems);
    only("query", doc.query.is_some(), is_odbc, "odbc", problems);
    only(
        "pushdown",
        doc.pushdown.is_some(),
        is_odbc,
        "odbc",
        problems,
    );
    let path_place = doc
        .path
        .as_ref()
        .map(|p| at(&p.referenced))
        .unwrap_or(kind_place);
    let path = |problems: &mut Vec<Diagnostic>| -> Option<String> {
        match &doc.path {
            Some(p) => crate::config::project_path::checked(&p.value, yaml, path_place)
                .map_err(|d| problems.push(d))
                .ok(),
            None if kind == "parquet" => Some(format!("data/{name}.parquet")),
            None => {
                refuse(
                    problems,
                    kind_place,
                    format!("a `{kind}` source needs a `path`"),
                    "write the file's path inside the project, such as `path: extracts/referrals.csv`",
                );
                None
            }
        }
    };
    let declared_types = declared_types(doc, yaml, problems);
    let missing = missing_markers(doc, yaml, problems);
    let formats = super::text::date_formats(doc, yaml, problems);
    let read_from = match kind.as_str() {
        "parquet" => {
            let Some(path) = path(problems) else { return };
            let full = root.join(&path);
            let file = PathBuf::from(&path);
            let expectations = (doc, yaml);
            add_parquet(
                root,
                sources,
                problems,
                name,
                file,
                &full,
                Some((expectations, path_place)),
            );
            return;
        }
        "csv" => {
            let Some(pattern) = path(problems) else {
                return;
            };
            let Some(files) =
                super::csv::matching_files(root, &pattern, yaml, path_place, problems)
            else {
                return;
            };
            let encoding = match doc.encoding.as_ref().map(|e| e.value.to_ascii_lowercase()) {
                None => Encoding::Utf8,
                Some(e) if e == "utf-8" || e == "utf8" => Encoding::Utf8,
                Some(e) if e == "windows-1252" || e == "cp1252" || e == "latin1" => {
                    Encoding::Windows1252
                }
                Some(e) => {
                    let place = at(&doc.encoding.as_ref().expect("set").referenced);
                    refuse(
                        problems,
                        place,
                        format!("`{e}` is not an encoding Rubric reads"),
                        "write `utf-8` or `windows-1252`",
                    );
                    return;
                }
            };
            let delimiter = match &doc.delimiter {
                None => b',',
                Some(d) if d.value == "\\t" || d.value == "tab" => b'\t',
                Some(d) if d.value.len() == 1 && d.value.is_ascii() => d.value.as_bytes()[0],
                Some(d) => {
                    refuse(
                        problems,
                        at(&d.referenced),
                        format!(
                            "the delimiter `{}` is not one character",
                            crate::text::visible(&d.value, false)
                        ),
                        "write one character such as `,` or `;`, or `tab`",
                    );
                    return;
                }
            };
            ReadFrom::Csv(CsvSource {
                pattern,
                files,
                delimiter,
                header_row: header_row(doc, yaml, problems),
                encoding,
                date_formats: formats,
                missing: missing.clone(),
                declared: declared_types,
                root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            })
        }
        "xlsx" => {
            let Some(path) = path(problems) else { return };
            let full = root.join(&path);
            let resolved = match check_inside(root, &full) {
                Ok(p) => p,
                Err(d) => {
                    problems.push(
                        Diagnostic::new(yaml, path_place, d.message)
                            .help(d.help.unwrap_or_default()),
                    );
                    return;
                }
            };
            let range = match &doc.range {
                None => None,
                Some(r) => match super::xlsx::parse_range(&r.value) {
                    Some(range) => Some(range),
                    None => {
                        refuse(
                            problems,
                            at(&r.referenced),
                            format!(
                                "`{}` is not a range of cells",
                                crate::text::visible(&r.value, false)
                            ),
                            "write it as Excel does, such as `A3:F200`",
                        );
                        return;
                    }
                },
            };
            ReadFrom::Xlsx(XlsxSource {
                path: resolved,
                sheet: doc.sheet.as_ref().map(|s| s.value.clone()),
                header_row: header_row(doc, yaml, problems),
                range,
                date_formats: formats,
                missing: missing.clone(),
                declared: declared_types,
            })
        }
        "odbc" => {
            let Some(connection) = &doc.connection else {
                refuse(problems, kind_place, "an `odbc` source needs `connection`: the name of the environment variable holding the connection string".to_string(), "write `connection: RUBRIC_DATABASE` and set that variable where Rubric runs (never the connection string itself: it holds credentials)");
                return;
            };
            let rows = match (&doc.table, &doc.query) {
                (Some(t), None) => Rows::Table(t.value.clone()),
                (None, Some(q)) => Rows::Query(q.value.clone()),
                _ => {
                    refuse(
                        problems,
                        kind_place,
                        "an `odbc` source needs exactly one of `table` and `query`".to_string(),
                        "write `table: dbo.referrals`, or `query:` with a SELECT giving the rows",
                    );
                    return;
                }
            };
            if !connection
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                || connection.value.is_empty()
            {
                refuse(problems, at(&connection.referenced), "`connection` names an environment variable, such as `RUBRIC_DATABASE`; it cannot hold the connection string".to_string(), "put the connection string in an environment variable and name that variable here");
                return;
            }
            let pushdown = match &doc.pushdown {
                None => None,
                Some(p) => match p.value.as_str() {
                    "postgres" => Some(Dialect::Postgres),
                    "tsql" => Some(Dialect::Tsql),
                    other => {
                        refuse(problems, at(&p.referenced), format!("`pushdown: {}` is not a database's SQL Rubric writes", crate::text::visible(other, false)), "write `pushdown: postgres` (PostgreSQL) or `pushdown: tsql` (SQL Server), or leave it out to read the rows");
                        return;
                    }
                },
            };
            if let (Some(p), false) = (&doc.pushdown, doc.expect.is_empty()) {
                refuse(problems, at(&p.referenced), "a source whose measures run in the database cannot carry `expect:`: its rows are never read here to check".to_string(), "check the rows in the database, or leave out `pushdown` to read them");
                return;
            }
            ReadFrom::Odbc(OdbcSource {
                variable: connection.value.clone(),
                rows,
                pushdown,
            })
        }
        other => {
            refuse(
                problems,
                kind_place,
                if doc.kind.is_none() && other.is_empty() {
                    "the path has no extension (`.csv`, `.xlsx`, `.parquet`) to tell the kind of source".to_string()
                } else {
                    format!(
                        "`{}` is not a kind of source",
                        crate::text::visible(other, false)
                    )
                },
                "write `kind:` as `parquet`, `csv`, `xlsx` or `odbc`",
            );
            return;
        }
    };
    let file = match &read_from {
        ReadFrom::Csv(c) => c
            .files
            .first()
            .map(|f| {
                f.strip_prefix(root.canonicalize().unwrap_or_default())
                    .unwrap_or(f)
                    .to_path_buf()
            })
            .unwrap_or_else(|| PathBuf::from(&c.pattern)),
        ReadFrom::Xlsx(_) => PathBuf::from(
            doc.path
                .as_ref()
                .map(|p| p.value.clone())
                .unwrap_or_default(),
        ),
        _ => yaml.to_path_buf(),
    };
    let columns = match &read_from {
        ReadFrom::Csv(c) => super::csv::schema(c),
        ReadFrom::Xlsx(x) => super::xlsx::schema(x),
        ReadFrom::Odbc(o) => super::odbc::schema(o),
        ReadFrom::Parquet { .. } => unreachable!("returned above"),
    };
    let columns = match columns {
        Ok(c) => c,
        Err(message) => {
            problems.push(
                Diagnostic::new(
                    yaml,
                    kind_place,
                    format!(
                        "cannot read the columns of source `{name}` ({}): {message}",
                        read_from.describe(&name, &file)
                    ),
                )
                .help(read_from.help_on_failure()),
            );
            return;
        }
    };
    let arrow_types = columns
        .iter()
        .map(|(n, t)| (n.clone(), t.clone()))
        .collect();
    let columns: BTreeMap<String, Option<ColumnType>> = columns
        .into_iter()
        .map(|(n, t)| {
            let usable = ColumnType::of(&t);
            (n, usable)
        })
        .collect();
    let expectations = compile_expectations(doc, yaml, &columns, problems);
    sources.by_name.insert(
        name.clone(),
        Source {
            name,
            file,
            read_from,
            columns,
            arrow_types: stored_types(arrow_types),
            expectations,
        },
    );
}

fn stored_types(types: BTreeMap<String, arrow_schema::DataType>) -> BTreeMap<String, String> {
    types.into_iter().map(|(n, t)| (n, t.to_string())).collect()
}

/// The values read as missing. An unquoted `NULL` or `~` in YAML is
/// itself nothing, so it is refused with the fix.
fn missing_markers(doc: &SourceDoc, yaml: &Path, problems: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut out = Vec::new();
    for m in &doc.missing {
        match &m.value {
            Some(text) => out.push(text.clone()),
            None => problems.push(
                Diagnostic::new(yaml, Place::from(&m.referenced), "a missing-value marker is unquoted `null`, `NULL` or `~`, which YAML reads as nothing")
                    .help("quote it as it is written in the file: `missing: [\"NULL\"]`"),
            ),
        }
    }
    out
}

/// `header_row`, 1 by default.
fn header_row(doc: &SourceDoc, yaml: &Path, problems: &mut Vec<Diagnostic>) -> usize {
    match &doc.header_row {
        None => 1,
        Some(h) if (1..=10_000).contains(&h.value) => h.value as usize,
        Some(h) => {
            problems.push(
                Diagnostic::new(
                    yaml,
                    Place::from(&h.referenced),
                    format!("`header_row` is {}; rows count from 1", h.value),
                )
                .help("write the number of the row holding the column names, such as 1 or 3"),
            );
            1
        }
    }
}

/// The types declared under `columns:`.
fn declared_types(
    doc: &SourceDoc,
    yaml: &Path,
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, ColumnType> {
    let mut out = BTreeMap::new();
    for (column, written) in &doc.columns {
        let t = match written.value.as_str() {
            "integer" => ColumnType::Int,
            "number" => ColumnType::Float,
            "text" => ColumnType::Str,
            "date" => ColumnType::Date,
            "true/false" | "boolean" => ColumnType::Bool,
            other => {
                problems.push(
                    Diagnostic::new(
                        yaml,
                        Place::from(&written.referenced),
                        format!(
                            "`{}` is not a column type",
                            crate::text::visible(other, false)
                        ),
                    )
                    .help("write `integer`, `number`, `text`, `date` or `true/false`"),
                );
                continue;
            }
        };
        out.insert(column.clone(), t);
    }
    out
}

/// Adds a Parquet source, its schema read from the file's footer.
fn add_parquet(
    root: &Path,
    sources: &mut Sources,
    problems: &mut Vec<Diagnostic>,
    name: String,
    file: PathBuf,
    path: &Path,
    declared: Option<((&SourceDoc, &Path), Place)>,
) {
    let path = match check_inside(root, path) {
        Ok(resolved) => resolved,
        Err(problem) => {
            sources.unreadable.insert(name);
            problems.push(match declared {
                Some(((_, yaml), place)) => Diagnostic::new(
                    yaml,
                    place,
                    format!("{}: {}", file.display(), problem.message),
                )
                .help(problem.help.unwrap_or_default()),
                None => problem,
            });
            return;
        }
    };
    match parquet::read_schema(&path).and_then(|schema| {
        let mut seen = std::collections::BTreeSet::new();
        match schema.fields().iter().find(|f| !seen.insert(f.name())) {
            Some(twice) => Err(format!(
                "it has two columns named `{}`, so which one is meant is unclear",
                twice.name()
            )),
            None => Ok(schema),
        }
    }) {
        Ok(schema) => {
            let columns: BTreeMap<String, Option<ColumnType>> = schema
                .fields()
                .iter()
                .map(|f| (f.name().clone(), ColumnType::of(f.data_type())))
                .collect();
            let arrow_types = schema
                .fields()
                .iter()
                .map(|f| (f.name().clone(), f.data_type().to_string()))
                .collect();
            let expectations = match declared {
                Some(((doc, yaml), _)) => compile_expectations(doc, yaml, &columns, problems),
                None => Vec::new(),
            };
            sources.by_name.insert(
                name.clone(),
                Source {
                    name,
                    file,
                    read_from: ReadFrom::Parquet { path },
                    columns,
                    arrow_types,
                    expectations,
                },
            );
        }
        Err(message) => {
            sources.unreadable.insert(name);
            problems.push(
                Diagnostic::new(
                    &file,
                    Place::WHOLE_FILE,
                    format!("cannot read this Parquet file: {message}"),
                )
                .help(if message.starts_with("it has two columns") {
                    "rename one of the two columns where the file is exported"
                } else {
                    "regenerate or re-export the file; it may be truncated or not Parquet at all"
                }),
            );
        }
    }
}
