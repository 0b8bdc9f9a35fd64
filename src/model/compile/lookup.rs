//! A measure's lookups: each source, key and column checked, and the
//! measure's source seen with the brought columns added, so filters,
//! breakdowns and aggregates check them as the row's own.

use super::columns::lookup_source;
use super::{Ctx, IndicatorSite};
use crate::config::document::LookupDoc;
use crate::config::span::Spanned;
use crate::diagnostic::Place;
use crate::expr::column_type::ColumnType;
use crate::model::measure::Lookup;
use crate::source::Source;

/// The lookups of a measure over `source`, and `source` with their
/// columns added; `None` when one is wrong (reported).
pub(super) fn compile_lookups(
    docs: &[Spanned<LookupDoc>],
    source: Source,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<(Vec<Lookup>, Source)> {
    let mut seen = source;
    let mut lookups = Vec::with_capacity(docs.len());
    for doc in docs {
        let doc_at = &doc.value;
        let other = lookup_source(&doc_at.source, site, ctx)?;
        if other.name == seen.name {
            ctx.problems.push(
                site.at(&doc_at.source, format!("`{}` looks itself up", other.name))
                    .help("a lookup brings columns from another source; a row's own columns need no lookup"),
            );
            return None;
        }
        let on = doc_at.on.as_ref().unwrap_or(&doc_at.key);
        let key_type = key_column(&seen, &doc_at.key, site, ctx)?;
        let on_type = key_column(&other, on, site, ctx)?;
        if key_type != on_type {
            ctx.problems.push(
                site.at(
                    on,
                    format!(
                        "the key `{}` of `{}` holds {} values but `{}` of `{}` holds {}: they never match",
                        doc_at.key.value,
                        seen.name,
                        key_type.name(),
                        on.value,
                        other.name,
                        on_type.name()
                    ),
                )
                .help("match columns of one kind: integers with integers, text with text"),
            );
            return None;
        }
        if doc_at.columns.is_empty() {
            ctx.problems.push(
                site.at(
                    &doc_at.source,
                    "a lookup needs `columns`: the columns it brings",
                )
                .help(format!("`{}` has: {}", other.name, other.column_list())),
            );
            return None;
        }
        let mut columns = Vec::with_capacity(doc_at.columns.len());
        for c in &doc_at.columns {
            let Some(t) = other.columns.get(&c.value) else {
                ctx.problems.push(
                    site.at(
                        c,
                        format!("there is no column `{}` in `{}`", c.value, other.name),
                    )
                    .help(format!(
                        "`{}` has: {}",
                        other.name,
                        other.column_list()
                    )),
                );
                return None;
            };
            if seen.columns.contains_key(&c.value) {
                ctx.problems.push(
                    site.at(
                        c,
                        format!(
                            "`{}` is already a column of the measure's rows (from `{}` or an earlier lookup)",
                            c.value, seen.name
                        ),
                    )
                    .help("a lookup brings columns the rows do not have; leave this one out"),
                );
                return None;
            }
            seen.columns.insert(c.value.clone(), *t);
            if let Some(stored) = other.arrow_types.get(&c.value) {
                seen.arrow_types.insert(c.value.clone(), stored.clone());
            }
            columns.push(c.value.clone());
        }
        lookups.push(Lookup {
            source: other.name.clone(),
            key: doc_at.key.value.clone(),
            on: on.value.clone(),
            columns,
            file: site.file.to_path_buf(),
            place: Place::from(&doc.referenced),
            subject: site.subject.clone(),
        });
    }
    Some((lookups, seen))
}

/// A key column's kind: integers or text.
fn key_column(
    source: &Source,
    name: &Spanned<String>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<ColumnType> {
    super::columns::column(
        source,
        name,
        &[ColumnType::Int, ColumnType::Str],
        "a key (integers or text)",
        site,
        ctx,
    )?;
    source.columns.get(&name.value).copied().flatten()
}
