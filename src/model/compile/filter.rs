//! A measure's or a population's row filter, compiled against its
//! source's columns (and, for a measure, the measured period's days).

use super::{Ctx, IndicatorSite};
use crate::config::span::Spanned;
use crate::diagnostic::Place;
use crate::expr::column_type::ColumnType;
use crate::expr::history::{previous_column, rewrite_previous};
use crate::expr::row_expr::{RowExpr, PERIOD_END, PERIOD_START};
use crate::expr::site::ExprSite;
use crate::model::measure::HAVING_ROWS as ROWS;
use crate::source::Source;

/// What a filter may read: a measure's filter sees the measured period
/// too, and with a history the previous row of the same entity (of the
/// source's own columns); a population's filter (one total per year) only
/// its rows.
#[derive(Clone, Copy)]
pub(super) enum Reads<'s> {
    Rows,
    RowsAndPeriod { history: Option<&'s Source> },
}

pub(super) fn row_filter(
    text: &Spanned<String>,
    source: &Source,
    reads: Reads,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<RowExpr> {
    let esite = expr_site(text, site, ctx);
    let (written, previous) = rewrite_previous(&text.value);
    let mut columns = source.columns.clone();
    if !previous.is_empty() {
        let Reads::RowsAndPeriod { history: Some(own) } = reads else {
            ctx.problems.push(
                esite
                    .diagnostic(rhai::Position::NONE, "`previous(...)` reads the same entity's previous row, but the measure has no `history`")
                    .help("add `history: { entity: child_id, order: start_date }` to the measure: the column naming the entity and the date ordering its rows"),
            );
            return None;
        };
        for name in &previous {
            match own.columns.get(name) {
                Some(t) => {
                    columns.insert(previous_column(name), *t);
                }
                None => {
                    ctx.problems.push(
                        esite
                            .diagnostic(
                                rhai::Position::NONE,
                                format!(
                                    "`previous({name})`: there is no column `{name}` in `{}`",
                                    own.name
                                ),
                            )
                            .help(format!(
                                "`previous` reads the source's own columns: {}",
                                own.column_list()
                            )),
                    );
                    return None;
                }
            }
        }
    }
    if let Reads::RowsAndPeriod { .. } = reads {
        for name in [PERIOD_START, PERIOD_END] {
            if columns.contains_key(name) && mentions(&text.value, name) {
                ctx.problems.push(
                    esite
                        .diagnostic(
                            rhai::Position::NONE,
                            format!("`{name}` is both a column of `{}` and the measured period's day", source.name),
                        )
                        .help(format!("a filter reads `{name}` as the period's day; give the column another name in the source (a view, or the extract's header)")),
                );
                return None;
            }
            columns.insert(name.to_string(), Some(ColumnType::Date));
        }
    }
    let mut f = compile(&written, esite, &columns, ctx)?;
    // Messages quote the filter as written.
    f.text = text.value.clone();
    Some(f)
}

/// Whether `name` appears in `text` as a whole word.
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let word = |c: char| c.is_alphanumeric() || c == '_';
        !text[..i].ends_with(word) && !text[i + name.len()..].starts_with(word)
    })
}

/// A measure's `having`: an expression over `rows`, the rows an id has in
/// the period.
pub(super) fn having_filter(
    text: &Spanned<String>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<RowExpr> {
    let esite = expr_site(text, site, ctx);
    let columns = [(ROWS.to_string(), Some(ColumnType::Int))]
        .into_iter()
        .collect();
    compile(&text.value, esite, &columns, ctx)
}

/// Where an expression written in an indicator's YAML sits, for messages.
fn expr_site(text: &Spanned<String>, site: &IndicatorSite, ctx: &Ctx) -> ExprSite {
    ExprSite::new(
        site.file.to_path_buf(),
        Place::from(&text.referenced),
        &ctx.texts,
        site.subject.clone(),
        &text.value,
    )
}

/// Compiles `text` against `columns`; its problems are reported.
fn compile(
    text: &str,
    esite: ExprSite,
    columns: &std::collections::BTreeMap<String, Option<ColumnType>>,
    ctx: &mut Ctx,
) -> Option<RowExpr> {
    match RowExpr::compile(
        &ctx.engine,
        &ctx.calendar,
        text,
        esite,
        columns,
        &ctx.known_functions,
    ) {
        Ok(f) => Some(f),
        Err(problems) => {
            ctx.problems.extend(problems);
            None
        }
    }
}
