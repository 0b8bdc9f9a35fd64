//! Measures: each kind's fields checked against one table, sources and
//! columns resolved with their types, filters and formulas compiled.

use super::cohort::compile_cohort;
use super::columns::{column, lookup_source};
use super::filter::{having_filter, row_filter, Reads};
use super::lookup::compile_lookups;
use super::{Ctx, IndicatorSite};
use crate::config::document::*;
use crate::config::span::{Location, Spanned};
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::column_type::ColumnType;
use crate::expr::site::{parse_error, unknown_calls, unknown_function, variables, ExprSite};
use crate::model::measure::{
    Aggregate, BaseMeasure, Breakdown, Formula, History, Measure, Population, Timing,
};

/// The windows in force while compiling a measure: one written in the
/// YAML, and the one a quarterly or annual indicator gives its flows (a
/// quarter's referrals are the quarter to date at its last month).
#[derive(Debug, Clone, Copy)]
pub(super) struct Windows {
    pub(super) explicit: Option<WindowKind>,
    pub(super) flow_default: Option<WindowKind>,
}

use MeasureKind::{Cohort, Expression, Flow, Rate, Ratio, Snapshot, Window};

/// A field of a measure: its name, the kinds that take it and where it
/// is set in a document (a nested measure at its `kind:`).
struct Field {
    name: &'static str,
    kinds: &'static [MeasureKind],
    at: fn(&MeasureDoc) -> Option<&Location>,
}

fn loc<T>(s: &Option<Spanned<T>>) -> Option<&Location> {
    s.as_ref().map(|s| &s.referenced)
}

/// Every field of `MeasureDoc` but `kind`, with the kinds that take it:
/// the one table behind both the check and its messages (a test holds it
/// to the document type).
const FIELDS: &[Field] = &[
    Field {
        name: "source",
        kinds: &[Flow, Snapshot],
        at: |d| loc(&d.source),
    },
    Field {
        name: "date",
        kinds: &[Flow],
        at: |d| loc(&d.date),
    },
    Field {
        name: "start",
        kinds: &[Snapshot],
        at: |d| loc(&d.start),
    },
    Field {
        name: "end",
        kinds: &[Snapshot],
        at: |d| loc(&d.end),
    },
    Field {
        name: "filter",
        kinds: &[Flow, Snapshot],
        at: |d| loc(&d.filter),
    },
    Field {
        name: "distinct",
        kinds: &[Flow, Snapshot],
        at: |d| loc(&d.distinct),
    },
    Field {
        name: "sum",
        kinds: &[Flow, Snapshot],
        at: |d| loc(&d.sum),
    },
    Field {
        name: "mean",
        kinds: &[Flow, Snapshot],
        at: |d| loc(&d.mean),
    },
    Field {
        name: "missing_reason",
        kinds: &[Flow, Snapshot],
        at: |d| loc(&d.missing_reason),
    },
    Field {
        name: "history",
        kinds: &[Flow, Snapshot],
        at: |d| d.history.as_ref().map(|h| &h.referenced),
    },
    Field {
        name: "having",
        kinds: &[Flow, Snapshot],
        at: |d| loc(&d.having),
    },
    Field {
        name: "lookup",
        kinds: &[Flow, Snapshot],
        at: |d| d.lookup.first().map(|l| &l.referenced),
    },
    Field {
        name: "numerator",
        kinds: &[Ratio],
        at: |d| d.numerator.as_ref().map(|_| &d.kind.referenced),
    },
    Field {
        name: "denominator",
        kinds: &[Ratio],
        at: |d| d.denominator.as_ref().map(|_| &d.kind.referenced),
    },
    Field {
        name: "scale",
        kinds: &[Ratio],
        at: |d| loc(&d.scale),
    },
    Field {
        name: "measure",
        kinds: &[Rate, Window],
        at: |d| d.measure.as_ref().map(|_| &d.kind.referenced),
    },
    Field {
        name: "measures",
        kinds: &[Cohort],
        at: |d| d.measures.first().map(|m| &m.kind.referenced),
    },
    Field {
        name: "population",
        kinds: &[Rate],
        at: |d| d.population.as_ref().map(|_| &d.kind.referenced),
    },
    Field {
        name: "per",
        kinds: &[Rate],
        at: |d| loc(&d.per),
    },
    Field {
        name: "window",
        kinds: &[Window],
        at: |d| loc(&d.window),
    },
    Field {
        name: "formula",
        kinds: &[Expression],
        at: |d| loc(&d.formula),
    },
];

fn kind_name(kind: MeasureKind) -> &'static str {
    match kind {
        Flow => "flow",
        Snapshot => "snapshot",
        Ratio => "ratio",
        Rate => "rate",
        Window => "window",
        Cohort => "cohort",
        Expression => "expression",
    }
}

/// Every (kind, key) pair a measure accepts besides `kind`, from the one
/// table the check uses: the test that no key is silently ignored is
/// generated from it, so a new key cannot be added without its case.
pub fn accepted_keys() -> Vec<(&'static str, &'static str)> {
    FIELDS
        .iter()
        .flat_map(|f| f.kinds.iter().map(move |k| (kind_name(*k), f.name)))
        .collect()
}

/// What a measure of this kind takes, for messages: `kind, source, date, ...`.
fn takes(kind: MeasureKind) -> String {
    let fields: Vec<&str> = FIELDS
        .iter()
        .filter(|f| f.kinds.contains(&kind))
        .map(|f| f.name)
        .collect();
    format!(
        "a {} measure takes: kind, {}",
        kind_name(kind),
        fields.join(", ")
    )
}

pub(super) fn compile_measure(
    doc: &MeasureDoc,
    windows: Windows,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<Measure> {
    let kind = doc.kind.value;
    let kind_name = kind_name(kind);
    let mut ok = true;
    for field in FIELDS {
        if let Some(location) = (field.at)(doc) {
            if !field.kinds.contains(&kind) {
                ctx.problems.push(
                    Diagnostic::new(
                        site.file,
                        Place::from(location),
                        format!("`{}` is not used by a {kind_name} measure", field.name),
                    )
                    .subject(site.subject.clone())
                    .help(takes(kind)),
                );
                ok = false;
            }
        }
    }
    let missing = |field: &str, ctx: &mut Ctx| {
        ctx.problems.push(
            site.at(&doc.kind, format!("a {kind_name} measure needs `{field}`"))
                .help(takes(kind)),
        );
    };
    match kind {
        MeasureKind::Flow | MeasureKind::Snapshot => {
            let Some(source_name) = &doc.source else {
                missing("source", ctx);
                return None;
            };
            let source = lookup_source(source_name, site, ctx)?;
            // Dates come from the rows themselves: they decide the
            // reporting month before any lookup is read.
            let timing = if kind == MeasureKind::Flow {
                let Some(date) = &doc.date else {
                    missing("date", ctx);
                    return None;
                };
                Timing::Flow {
                    date: column(&source, date, &[ColumnType::Date], "a date", site, ctx)?,
                }
            } else {
                let (Some(start), Some(end)) = (&doc.start, &doc.end) else {
                    missing(if doc.start.is_none() { "start" } else { "end" }, ctx);
                    return None;
                };
                let start = column(&source, start, &[ColumnType::Date], "a date", site, ctx);
                let end = column(&source, end, &[ColumnType::Date], "a date", site, ctx);
                Timing::Snapshot {
                    start: start?,
                    end: end?,
                }
            };
            let history = match &doc.history {
                Some(h) => Some(History {
                    entity: column(
                        &source,
                        &h.value.entity,
                        &[ColumnType::Int, ColumnType::Str],
                        "an id (integers or text)",
                        site,
                        ctx,
                    )?,
                    order: column(
                        &source,
                        &h.value.order,
                        &[ColumnType::Date],
                        "a date",
                        site,
                        ctx,
                    )?,
                }),
                None => None,
            };
            let own = source.clone();
            let (lookups, source) = compile_lookups(&doc.lookup, source, site, ctx)?;
            let aggregates: Vec<_> = [
                ("distinct", &doc.distinct),
                ("sum", &doc.sum),
                ("mean", &doc.mean),
            ]
            .into_iter()
            .filter_map(|(n, v)| v.as_ref().map(|v| (n, v)))
            .collect();
            if aggregates.len() > 1 {
                ctx.problems.push(site.at(aggregates[1].1, "a measure computes one thing: choose one of `distinct`, `sum` or `mean`").help("split it into two indicators, or combine them with an expression indicator"));
                return None;
            }
            let numeric = [ColumnType::Int, ColumnType::Float];
            let aggregate = match aggregates.first() {
                None => Aggregate::Count,
                Some(("distinct", c)) => Aggregate::Distinct(column(
                    &source,
                    c,
                    &[ColumnType::Int, ColumnType::Str, ColumnType::Date],
                    "an id (integer, text or date)",
                    site,
                    ctx,
                )?),
                Some(("sum", c)) => {
                    Aggregate::Sum(column(&source, c, &numeric, "a number", site, ctx)?)
                }
                Some((_, c)) => {
                    Aggregate::Mean(column(&source, c, &numeric, "a number", site, ctx)?)
                }
            };
            let mut breakdowns = Vec::with_capacity(site.breakdowns.len());
            for b in &site.breakdowns {
                let at = |name: &str| Spanned {
                    value: name.to_string(),
                    referenced: b.referenced,
                    defined: b.defined,
                };
                let checked = match &b.value {
                    BreakdownDoc::Column { column: c, .. } => column(
                        &source,
                        &at(c),
                        &[ColumnType::Str, ColumnType::Int],
                        "text or an integer",
                        site,
                        ctx,
                    ),
                    BreakdownDoc::AgeBand { of, .. } => column(
                        &source,
                        &at(of),
                        &[ColumnType::Date],
                        "dates of birth",
                        site,
                        ctx,
                    ),
                };
                ok &= checked.is_some();
                breakdowns.push(Breakdown::from_doc(&b.value));
            }
            let missing_reason = match &doc.missing_reason {
                Some(r) if !matches!(aggregate, Aggregate::Sum(_) | Aggregate::Mean(_)) => {
                    ctx.problems.push(
                        site.at(r, "`missing_reason` goes with `sum` or `mean`")
                            .help("a count has no empty values to explain"),
                    );
                    return None;
                }
                Some(r) => Some(column(&source, r, &[ColumnType::Str], "text", site, ctx)?),
                None => None,
            };
            let filter = match &doc.filter {
                Some(f) => {
                    let reads = Reads::RowsAndPeriod {
                        history: history.is_some().then_some(&own),
                    };
                    Some(row_filter(f, &source, reads, site, ctx)?)
                }
                None => None,
            };
            let having = match (&doc.having, &aggregate) {
                (None, _) => None,
                (Some(h), Aggregate::Distinct(_)) => Some(having_filter(h, site, ctx)?),
                (Some(h), _) => {
                    ctx.problems.push(
                        site.at(h, "`having` counts ids: it goes with `distinct`")
                            .help("add `distinct: child_id` (the id of what is counted), so `having` judges each id's rows"),
                    );
                    return None;
                }
            };
            if !ok {
                return None;
            }
            let base = BaseMeasure {
                keep_ids: false,
                having,
                history,
                source: source.name.clone(),
                lookups,
                window: match timing {
                    Timing::Flow { .. } => windows.explicit.or(windows.flow_default),
                    Timing::Snapshot { .. } => windows.explicit,
                },
                timing,
                filter,
                aggregate,
                missing_reason,
                breakdowns,
            };
            // Indicators often share a measure (a count of referrals is the
            // denominator of several): compute it once.
            if let Some(id) = ctx.base_measures.iter().position(|b| b.same_work(&base)) {
                return Some(Measure::Base(id));
            }
            ctx.base_measures.push(base);
            Some(Measure::Base(ctx.base_measures.len() - 1))
        }
        MeasureKind::Ratio => {
            let (Some(num), Some(den)) = (&doc.numerator, &doc.denominator) else {
                missing(
                    if doc.numerator.is_none() {
                        "numerator"
                    } else {
                        "denominator"
                    },
                    ctx,
                );
                return None;
            };
            let numerator = compile_measure(num, windows, site, ctx);
            let denominator = compile_measure(den, windows, site, ctx);
            let scale = doc.scale.as_ref().map(|s| s.value).unwrap_or(100.0);
            if let Some(s) = &doc.scale {
                if !(s.value.is_finite() && s.value > 0.0) {
                    ctx.problems.push(
                        site.at(s, "the scale must be a positive number")
                            .help("use 100 for a percentage, 1 for a plain ratio"),
                    );
                    return None;
                }
            }
            (ok).then_some(())?;
            Some(Measure::Ratio {
                numerator: Box::new(numerator?),
                denominator: Box::new(denominator?),
                scale,
            })
        }
        MeasureKind::Rate => {
            let Some(inner) = &doc.measure else {
                missing("measure", ctx);
                return None;
            };
            let Some(pop) = &doc.population else {
                missing("population", ctx);
                return None;
            };
            let measure = compile_measure(inner, windows, site, ctx);
            let population = compile_population(pop, &doc.kind, site, ctx);
            let per = doc.per.as_ref().map(|p| p.value).unwrap_or(10_000.0);
            if let Some(p) = &doc.per {
                if !(p.value.is_finite() && p.value > 0.0) {
                    ctx.problems.push(
                        site.at(p, "`per` must be a positive number")
                            .help("e.g. per: 10000 for a rate per 10,000 children"),
                    );
                    return None;
                }
            }
            (ok).then_some(())?;
            Some(Measure::Rate {
                measure: Box::new(measure?),
                population: population?,
                per,
            })
        }
        MeasureKind::Cohort => {
            let cohort = compile_cohort(doc, site, ctx, &mut |m, ctx| {
                compile_measure(m, windows, site, ctx)
            });
            (ok).then_some(())?;
            cohort
        }
        MeasureKind::Window => {
            let (Some(inner), Some(w)) = (&doc.measure, &doc.window) else {
                missing(
                    if doc.measure.is_none() {
                        "measure"
                    } else {
                        "window"
                    },
                    ctx,
                );
                return None;
            };
            if windows.explicit.is_some() {
                ctx.problems.push(
                    site.at(w, "a window inside a window")
                        .help("use one window around the whole measure"),
                );
                return None;
            }
            if inner.kind.value == MeasureKind::Expression {
                ctx.problems.push(
                    site.at(&inner.kind, "a window cannot hold an expression measure")
                        .help("window the measures the formula's inputs are built on instead"),
                );
                return None;
            }
            let measure = compile_measure(
                inner,
                Windows {
                    explicit: Some(w.value),
                    ..windows
                },
                site,
                ctx,
            );
            (ok).then_some(())?;
            measure
        }
        MeasureKind::Expression => {
            let Some(formula) = &doc.formula else {
                missing("formula", ctx);
                return None;
            };
            if let Some(b) = site.breakdowns.first() {
                ctx.problems.push(site.at(b, "an expression indicator cannot have a breakdown").help("remove `breakdown:`; break down the indicators the formula reads instead"));
                return None;
            }
            let fsite = ExprSite::new(
                site.file.to_path_buf(),
                Place::from(&formula.referenced),
                &ctx.texts,
                site.subject.clone(),
                &formula.value,
            );
            // Only the ids the text names go in the scope: compiling against
            // every id would cost each formula the size of the project.
            let mut scope = rhai::Scope::new();
            let named: std::collections::BTreeSet<&str> = formula
                .value
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| ctx.indicator_ids.contains(*w))
                .collect();
            for id in named {
                scope.push_dynamic(id, rhai::Dynamic::UNIT);
            }
            let ast = match ctx
                .engine
                .compile_expression_with_scope(&scope, &formula.value)
            {
                Ok(ast) => ast,
                Err(e) => {
                    ctx.problems.push(parse_error(
                        &fsite,
                        &e,
                        &ctx.indicator_ids,
                        "indicator ids are",
                    ));
                    return None;
                }
            };
            let unknown = unknown_calls(&ast, &ctx.known_functions);
            if !unknown.is_empty() {
                for (fname, pos) in unknown {
                    ctx.problems
                        .push(unknown_function(&fsite, &fname, pos, &ctx.known_functions));
                }
                return None;
            }
            (ok).then_some(())?;
            let inputs = variables(&ast).into_iter().collect();
            Some(Measure::Expression(Formula {
                text: formula.value.clone(),
                site: fsite,
                ast,
                inputs,
            }))
        }
    }
}

pub(super) fn compile_population(
    doc: &PopulationDoc,
    kind: &Spanned<MeasureKind>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<Population> {
    if let Some(v) = &doc.value {
        if doc.source.is_some()
            || doc.year.is_some()
            || doc.column.is_some()
            || doc.filter.is_some()
        {
            ctx.problems.push(site.at(v, "a population is either a `value` or a table (`source`, `year`, `column`), not both").help("keep one of the two"));
            return None;
        }
        if !(v.value.is_finite() && v.value > 0.0) {
            ctx.problems.push(
                site.at(v, "the population must be a positive number")
                    .help("e.g. value: 49500"),
            );
            return None;
        }
        return Some(Population::Fixed(v.value));
    }
    let (Some(source_name), Some(year), Some(col)) = (&doc.source, &doc.year, &doc.column) else {
        ctx.problems.push(
            site.at(
                kind,
                "the population needs either `value`, or `source`, `year` and `column`",
            )
            .help("e.g. population: { source: population, year: year, column: children_0_17 }"),
        );
        return None;
    };
    if let Some(b) = site.breakdowns.first() {
        ctx.problems.push(site.at(b, "a rate over a population table cannot have a breakdown").help("the population is for the whole area; remove `breakdown:` or use a fixed `value`"));
        return None;
    }
    let source = lookup_source(source_name, site, ctx)?;
    let year = column(
        &source,
        year,
        &[ColumnType::Int],
        "an integer year",
        site,
        ctx,
    );
    let col = column(
        &source,
        col,
        &[ColumnType::Int, ColumnType::Float],
        "a number",
        site,
        ctx,
    );
    let filter = match &doc.filter {
        Some(f) => Some(Box::new(row_filter(f, &source, Reads::Rows, site, ctx)?)),
        None => None,
    };
    Some(Population::Table {
        source: source.name.clone(),
        year: year?,
        column: col?,
        filter,
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_table_names_every_field_of_the_document_type() {
        let schema = schemars::schema_for!(MeasureDoc);
        let properties = schema.as_value()["properties"]
            .as_object()
            .expect("a measure document is an object");
        let mut declared: Vec<&str> = properties
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "kind")
            .collect();
        declared.sort_unstable();
        let mut table: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        table.sort_unstable();
        assert_eq!(table, declared);
    }

    #[test]
    fn every_kind_takes_a_field() {
        for kind in [Flow, Snapshot, Ratio, Rate, Window, Expression, Cohort] {
            assert!(
                FIELDS.iter().any(|f| f.kinds.contains(&kind)),
                "{}",
                kind_name(kind)
            );
        }
    }
}
