//! Flows and snapshots: the measures that read a source's rows (rows
//! whose date falls in the period, or rows open at its end), counted,
//! counted by distinct id, summed or averaged, with filters, lookups,
//! histories and `having`.

use super::{Compiling, Kind};
use crate::config::document::{BreakdownDoc, MeasureKind};
use crate::config::span::Spanned;
use crate::expr::column_type::ColumnType;
use crate::model::compile::columns::{column, lookup_source};
use crate::model::compile::filter::{having_filter, row_filter, Reads};
use crate::model::compile::lookup::compile_lookups;
use crate::model::measure::{Aggregate, BaseMeasure, Breakdown, History, Measure, Timing};

/// A measure over a source's rows: a flow (`date`) or a snapshot (`start`
/// and `end`), which take the same keys besides those.
pub(super) struct Base {
    kind: MeasureKind,
    keys: &'static [&'static str],
}

/// Rows whose date falls in the period.
pub(super) const FLOW: Base = Base {
    kind: MeasureKind::Flow,
    keys: &[
        "source",
        "date",
        "filter",
        "distinct",
        "sum",
        "mean",
        "missing_reason",
        "history",
        "having",
        "lookup",
    ],
};

/// Rows open at the end of the period.
pub(super) const SNAPSHOT: Base = Base {
    kind: MeasureKind::Snapshot,
    keys: &[
        "source",
        "start",
        "end",
        "open_on_end_day",
        "filter",
        "distinct",
        "sum",
        "mean",
        "missing_reason",
        "history",
        "having",
        "lookup",
    ],
};

impl Kind for Base {
    fn kind(&self) -> MeasureKind {
        self.kind
    }
    fn keys(&self) -> &'static [&'static str] {
        self.keys
    }
    fn compile(&self, c: Compiling) -> Option<Measure> {
        compile_base(c, self.kind == MeasureKind::Flow)
    }
}

fn compile_base(c: Compiling, flow: bool) -> Option<Measure> {
    let Compiling {
        doc,
        windows,
        site,
        ctx,
        mut ok,
        need,
        ..
    } = c;
    let Some(source_name) = &doc.source else {
        need.missing("source", ctx);
        return None;
    };
    let source = lookup_source(source_name, site, ctx)?;
    // Dates come from the rows themselves: they decide the
    // reporting month before any lookup is read.
    let timing = if flow {
        let Some(date) = &doc.date else {
            need.missing("date", ctx);
            return None;
        };
        Timing::Flow {
            date: column(&source, date, &[ColumnType::Date], "a date", site, ctx)?,
        }
    } else {
        // Without `end`, rows stay open from their start (people, not
        // episodes).
        let Some(start) = &doc.start else {
            need.missing("start", ctx);
            return None;
        };
        let start = column(&source, start, &[ColumnType::Date], "a date", site, ctx);
        let end = match &doc.end {
            Some(end) => Some(column(
                &source,
                end,
                &[ColumnType::Date],
                "a date",
                site,
                ctx,
            )?),
            None => None,
        };
        let open_on_end_day = match &doc.open_on_end_day {
            Some(o) if end.is_none() => {
                ctx.problems.push(
                    site.at(o, "`open_on_end_day` needs an `end` column")
                        .help("without `end` every row stays open from its start: name the column holding each row's end, or remove `open_on_end_day`"),
                );
                return None;
            }
            Some(o) => o.value,
            None => false,
        };
        Timing::Snapshot {
            start: start?,
            end,
            open_on_end_day,
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
        ctx.problems.push(
            site.at(
                aggregates[1].1,
                "a measure computes one thing: choose one of `distinct`, `sum` or `mean`",
            )
            .help("split it into two indicators, or combine them with an expression indicator"),
        );
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
        Some(("sum", c)) => Aggregate::Sum(column(&source, c, &numeric, "a number", site, ctx)?),
        Some((_, c)) => Aggregate::Mean(column(&source, c, &numeric, "a number", site, ctx)?),
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
    if let (Some(o), Some(_)) = (&doc.open_on_end_day, windows.explicit) {
        ctx.problems.push(
            site.at(o, "`open_on_end_day` changes nothing in a window")
                .help("a windowed snapshot counts a row open at any time in the window, its end day included: remove `open_on_end_day`, or move it to a snapshot outside the window"),
        );
        ok = false;
    }
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
