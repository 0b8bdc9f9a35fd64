//! A cohort: distinct counts over several sources (children with a plan,
//! in care or in need, whichever table holds them), each id counted once
//! across them all in each period.

use super::{Ctx, IndicatorSite};
use crate::config::document::{MeasureDoc, MeasureKind};
use crate::model::measure::{Aggregate, Measure};

/// `compile_member` compiles one member as a measure standing in the
/// cohort (passed in, so this file does not climb back to `measure`).
pub(super) fn compile_cohort(
    doc: &MeasureDoc,
    site: &IndicatorSite,
    ctx: &mut Ctx,
    compile_member: &mut dyn FnMut(&MeasureDoc, &mut Ctx) -> Option<Measure>,
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
        let Some(Measure::Base(id)) = compile_member(m, ctx) else {
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
