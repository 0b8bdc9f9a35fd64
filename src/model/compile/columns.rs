//! A measure's source and columns found by name, with their types, or a
//! diagnostic naming what there is.

use super::{Ctx, IndicatorSite};
use crate::config::span::Spanned;
use crate::diagnostic::did_you_mean;
use crate::expr::column_type::ColumnType;
use crate::source::Source;

pub(super) fn lookup_source(
    name: &Spanned<String>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<Source> {
    if let Some(s) = ctx.sources.by_name.get(&name.value) {
        return Some(s.clone());
    }
    if ctx.sources.unreadable.contains(&name.value) {
        // Its file was found but cannot be read, already reported.
        return None;
    }
    let names: Vec<&str> = ctx.sources.by_name.keys().map(String::as_str).collect();
    let help = match did_you_mean(&name.value, names.iter().copied()) {
        Some(s) => format!(
            "did you mean `{s}`? sources are the .parquet files under data/ and those declared in rubric.yaml or sources/: {}",
            names.join(", ")
        ),
        None => format!(
            "sources are the .parquet files under data/ and those declared in rubric.yaml or sources/: {}",
            if names.is_empty() {
                "none found".to_string()
            } else {
                names.join(", ")
            }
        ),
    };
    ctx.problems.push(
        site.at(name, format!("there is no source named `{}`", name.value))
            .help(help),
    );
    None
}

pub(super) fn column(
    source: &Source,
    name: &Spanned<String>,
    types: &[ColumnType],
    wanted: &str,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<String> {
    match source.columns.get(&name.value) {
        Some(Some(t)) if types.contains(t) => Some(name.value.clone()),
        Some(t) => {
            let actual = t
                .map(|t| t.name().to_string())
                .unwrap_or_else(|| source.arrow_types[&name.value].clone());
            // A column of dates read as text for one value: say which.
            let not_a_date = (types.contains(&ColumnType::Date) && *t == Some(ColumnType::Str))
                .then(|| source.first_non_date(&name.value))
                .flatten();
            let problem = match not_a_date {
                Some(n) => site
                    .at(
                        name,
                        format!(
                            "column `{}` of `{}` is read as text, not dates: `{}` ({}) is not a date in the formats {}",
                            name.value,
                            source.name,
                            crate::text::visible(&n.value, false),
                            n.place,
                            n.formats.join(", ")
                        ),
                    )
                    .help(format!(
                        "set `date_formats` in the declaration of `{}` to the formats its dates are written in (chrono's codes, e.g. `%d.%m.%Y`), or correct the value",
                        source.name
                    )),
                None => site
                    .at(
                        name,
                        format!(
                            "column `{}` of `{}` holds {actual} values, but this needs {wanted}",
                            name.value, source.name
                        ),
                    )
                    .help(format!(
                        "choose a column of the right type; `{}` has: {}",
                        source.name,
                        source.column_list()
                    )),
            };
            ctx.problems.push(problem);
            None
        }
        None => {
            let help = match did_you_mean(&name.value, source.columns.keys().map(String::as_str)) {
                Some(s) => format!(
                    "did you mean `{s}`? `{}` has: {}",
                    source.name,
                    source.column_list()
                ),
                None => format!("`{}` has: {}", source.name, source.column_list()),
            };
            ctx.problems.push(
                site.at(
                    name,
                    format!(
                        "there is no column `{}` in `{}` ({})",
                        name.value,
                        source.name,
                        source.describe()
                    ),
                )
                .help(help),
            );
            None
        }
    }
}
