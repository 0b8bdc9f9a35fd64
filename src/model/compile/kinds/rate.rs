//! A rate: a measure per so many of a population, fixed or from a table
//! with one row per year.

use super::{Compiling, Kind};
use crate::config::document::{MeasureKind, PopulationDoc};
use crate::config::span::Spanned;
use crate::expr::column_type::ColumnType;
use crate::model::compile::columns::{column, lookup_source};
use crate::model::compile::filter::{row_filter, Reads};
use crate::model::compile::{Ctx, IndicatorSite};
use crate::model::measure::{Measure, Population};

pub(super) struct Rate;

impl Kind for Rate {
    fn kind(&self) -> MeasureKind {
        MeasureKind::Rate
    }
    fn keys(&self) -> &'static [&'static str] {
        &["measure", "population", "per"]
    }
    fn compile(&self, c: Compiling) -> Option<Measure> {
        let Compiling {
            doc,
            windows,
            site,
            ctx,
            ok,
            need,
            inner: compile_inner,
            ..
        } = c;
        let Some(inner) = &doc.measure else {
            need.missing("measure", ctx);
            return None;
        };
        let Some(pop) = &doc.population else {
            need.missing("population", ctx);
            return None;
        };
        let measure = compile_inner(inner, windows, site, ctx);
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
}

fn compile_population(
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
