//! Finding the sources: Parquet files under `data/` by name, and the
//! sources declared in YAML, each checked (name, kind, where) and its
//! columns read (not its rows) so measures can be checked against them.

use super::expect::compile_expectations;
use super::kind::{Declaration, Declared, Reader, SourceKind};
use super::snapshot::Snapshot;
use super::{csv, odbc, parquet, xlsx, Source, Sources};
use crate::config::files::files_with_extensions;
use crate::config::sources::SourceDoc;
use crate::config::Loaded;
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::ColumnType;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a source's rows come from: its kind's reader.
pub(crate) type ReadFrom = Arc<dyn Reader>;

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
                Some((s, f)) => parquet::add(
                    &s.dir,
                    &mut sources,
                    &mut problems,
                    name,
                    f.clone(),
                    f,
                    None,
                ),
                None => parquet::add(root, &mut sources, &mut problems, name, file, &path, None),
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
                Some((s, f)) => parquet::add(
                    &s.dir,
                    &mut sources,
                    &mut problems,
                    name.clone(),
                    f.clone(),
                    f,
                    Some(parquet::DeclaredAt {
                        doc,
                        yaml: &loaded.file,
                        place,
                        rename: false,
                    }),
                ),
                None => declare(root, &loaded.file, doc, &mut sources, &mut problems),
            }
            if let Some(e) = &doc.extracted {
                match crate::calendar::parse_day(&e.value) {
                    Some(day) => {
                        if let Some(s) = sources.by_name.get_mut(&name) {
                            s.extracted = Some(day);
                        }
                    }
                    None => problems.push(
                        Diagnostic::new(&loaded.file, Place::from(&e.referenced), format!("`extracted` is `{}`, not a date", crate::text::visible(&e.value, false)))
                            .help("write the day the source's data was extracted as YYYY-MM-DD, e.g. `extracted: 2023-05-31`"),
                    ),
                }
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

/// Every kind of source, each in its own file: one line each.
const KINDS: &[&dyn SourceKind] = &[&parquet::Parquet, &csv::Csv, &xlsx::Xlsx, &odbc::Odbc];

/// Whether a declaration sets a key.
type IsSet = fn(&SourceDoc) -> bool;

/// The keys some kinds take and others refuse, and whether a declaration
/// sets each (every kind's `keys()` are among them: a test holds it).
const KIND_KEYS: &[(&str, IsSet)] = &[
    ("delimiter", |d| d.delimiter.is_some()),
    ("encoding", |d| d.encoding.is_some()),
    ("header_row", |d| d.header_row.is_some()),
    ("date_formats", |d| !d.date_formats.is_empty()),
    ("missing", |d| !d.missing.is_empty()),
    ("columns", |d| !d.columns.is_empty()),
    ("sheet", |d| d.sheet.is_some()),
    ("range", |d| d.range.is_some()),
    ("connection", |d| d.connection.is_some()),
    ("table", |d| d.table.is_some()),
    ("query", |d| d.query.is_some()),
    ("pushdown", |d| d.pushdown.is_some()),
];

/// The kinds that take `key`, in words: `csv and xlsx`.
fn kinds_taking(key: &str) -> String {
    let names: Vec<&str> = KINDS
        .iter()
        .filter(|k| k.keys().contains(&key))
        .map(|k| k.name())
        .collect();
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
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
    let written = match (&doc.kind, &doc.path) {
        (Some(k), _) => k.value.clone(),
        (None, Some(p)) => Path::new(&p.value)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default(),
        (None, None) => parquet::Parquet.name().to_string(),
    };
    let kind = KINDS.iter().find(|k| k.name() == written).copied();
    let kind_place = doc
        .kind
        .as_ref()
        .map(|k| at(&k.referenced))
        .or(doc.path.as_ref().map(|p| at(&p.referenced)))
        .unwrap_or(at(&doc.name.referenced));
    for (key, set) in KIND_KEYS {
        if set(doc) && !kind.is_some_and(|k| k.keys().contains(key)) {
            problems.push(
                Diagnostic::new(
                    yaml,
                    kind_place,
                    format!(
                        "`{key}` applies to {} sources, not to a `{written}` source",
                        kinds_taking(key)
                    ),
                )
                .help(format!("remove `{key}`, or change `kind`")),
            );
        }
    }
    let path_place = doc
        .path
        .as_ref()
        .map(|p| at(&p.referenced))
        .unwrap_or(kind_place);
    let declared_types = declared_types(doc, yaml, problems);
    let missing = missing_markers(doc, yaml, problems);
    let formats = super::text::date_formats(doc, yaml, problems);
    let Some(kind) = kind else {
        let names: Vec<String> = KINDS.iter().map(|k| format!("`{}`", k.name())).collect();
        let (last, rest) = names.split_last().expect("kinds");
        problems.push(
            Diagnostic::new(
                yaml,
                kind_place,
                if doc.kind.is_none() && written.is_empty() {
                    "the path has no extension (`.csv`, `.xlsx`, `.parquet`) to tell the kind of source".to_string()
                } else {
                    format!(
                        "`{}` is not a kind of source",
                        crate::text::visible(&written, false)
                    )
                },
            )
            .help(format!("write `kind:` as {} or {last}", rest.join(", "))),
        );
        return;
    };
    let mut d = Declaration {
        root,
        yaml,
        doc,
        name: name.clone(),
        kind_place,
        path_place,
        declared_types,
        missing,
        formats,
        sources,
        problems,
    };
    let (read_from, file) = match kind.declare(&mut d) {
        Some(Declared::Read { reader, file }) => (reader, file),
        Some(Declared::Added) | None => return,
    };
    let columns = match read_from.schema() {
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
    let Some((read_from, columns, stored_names)) =
        super::rename::apply(&doc.rename, yaml, read_from, columns, problems)
    else {
        return;
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
            stored_names,
            extracted: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kinds_keys_are_checked_and_every_checked_key_has_a_kind() {
        let checked: Vec<&str> = KIND_KEYS.iter().map(|(k, _)| *k).collect();
        for kind in KINDS {
            for key in kind.keys() {
                assert!(
                    checked.contains(key),
                    "the {} kind takes `{key}`, which KIND_KEYS does not check",
                    kind.name()
                );
            }
        }
        for key in checked {
            assert!(!kinds_taking(key).is_empty(), "no kind takes `{key}`");
        }
        assert_eq!(kinds_taking("header_row"), "csv and xlsx");
        assert_eq!(kinds_taking("sheet"), "xlsx");
    }
}
