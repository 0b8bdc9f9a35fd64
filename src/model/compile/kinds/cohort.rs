//! A cohort: distinct counts over several sources (children with a plan,
//! in care or in need, whichever table holds them), each id counted once
//! across them all in each period.

use super::{Compiling, Kind};
use crate::config::document::MeasureKind;
use crate::model::measure::{Aggregate, Measure};

pub(super) struct Cohort;

impl Kind for Cohort {
    fn kind(&self) -> MeasureKind {
        MeasureKind::Cohort
    }
    fn keys(&self) -> &'static [&'static str] {
        &["measures"]
    }
    fn compile(&self, c: Compiling) -> Option<Measure> {
        let Compiling {
            doc,
            windows,
            site,
            ctx,
            ok: keys_ok,
            inner,
            ..
        } = c;
        let cohort = members(doc, windows, site, ctx, inner);
        keys_ok.then_some(())?;
        cohort
    }
}

fn members(
    doc: &crate::config::document::MeasureDoc,
    windows: super::Windows,
    site: &crate::model::compile::IndicatorSite,
    ctx: &mut crate::model::compile::Ctx,
    inner: super::Inner,
) -> Option<Measure> {
    if doc.measures.len() < 2 {
        ctx.problems.push(
            site.at(&doc.kind, "a cohort needs `measures`: two or more distinct counts")
                .help("list the distinct counts whose ids make up the cohort, e.g. `measures: [{ kind: snapshot, source: cp_plans, start: start_date, end: end_date, distinct: child_id }, ...]`"),
        );
        return None;
    }
    let mut members = Vec::with_capacity(doc.measures.len());
    let mut ok = true;
    for m in &doc.measures {
        if !matches!(m.kind.value, MeasureKind::Flow | MeasureKind::Snapshot) {
            ctx.problems.push(
                site.at(&m.kind, "a cohort is made of flows and snapshots")
                    .help("each of `measures` is a flow or snapshot with `distinct:` naming the id counted"),
            );
            ok = false;
            continue;
        }
        let Some(Measure::Base(id)) = inner(m, windows, site, ctx) else {
            ok = false;
            continue;
        };
        if !matches!(ctx.base_measures[id].aggregate, Aggregate::Distinct(_)) {
            ctx.problems.push(
                site.at(&m.kind, "each measure of a cohort counts distinct ids")
                    .help("add `distinct:` naming the id (the same ids in every source, e.g. the person id)"),
            );
            ok = false;
            continue;
        }
        ctx.base_measures[id].keep_ids = true;
        members.push(id);
    }
    ok.then_some(Measure::Cohort(members))
}
