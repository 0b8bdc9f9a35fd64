//! A cohort: distinct counts over several sources (children with a plan,
//! in care or in need, whichever table holds them), combined as sets: the
//! ids held by any of `any_of`, by all of `all_of`, by none of `none_of`,
//! each id counted once in each period.

use super::{Compiling, Kind};
use crate::config::document::{MeasureDoc, MeasureKind};
use crate::model::compile::{Ctx, IndicatorSite};
use crate::model::measure::{Aggregate, Cohort as Sets, Measure};

pub(super) struct Cohort;

impl Kind for Cohort {
    fn kind(&self) -> MeasureKind {
        MeasureKind::Cohort
    }
    fn keys(&self) -> &'static [&'static str] {
        &["any_of", "all_of", "none_of"]
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
        let mut member_list = |list: &[MeasureDoc]| -> Option<Vec<usize>> {
            let mut ok = true;
            let ids: Vec<usize> = list
                .iter()
                .filter_map(|m| {
                    let id = member(m, windows, site, ctx, inner);
                    ok &= id.is_some();
                    id
                })
                .collect();
            ok.then_some(ids)
        };
        let (any_of, all_of, none_of) = (
            member_list(&doc.any_of),
            member_list(&doc.all_of),
            member_list(&doc.none_of),
        );
        let sets = Sets {
            any_of: any_of?,
            all_of: all_of?,
            none_of: none_of?,
        };
        let counted = sets.any_of.len() + sets.all_of.len();
        if counted == 0 || counted + sets.none_of.len() < 2 {
            ctx.problems.push(
                site.at(&doc.kind, "a cohort needs two or more distinct counts, in `any_of` or `all_of` (and `none_of`)")
                    .help("list the distinct counts whose ids make up the cohort: `any_of` an id held by any of them, `all_of` by every one, `none_of` by none, e.g. `all_of: [{ kind: snapshot, source: cla_episodes, start: start_date, end: end_date, distinct: child_id }, ...]`"),
            );
            return None;
        }
        keys_ok.then_some(Measure::Cohort(sets))
    }
}

/// One member: a distinct count (a flow or snapshot, or a window over
/// one), whose ids the cohort keeps.
fn member(
    m: &MeasureDoc,
    windows: super::Windows,
    site: &IndicatorSite,
    ctx: &mut Ctx,
    inner: super::Inner,
) -> Option<usize> {
    let counts_rows = match m.kind.value {
        MeasureKind::Flow | MeasureKind::Snapshot => true,
        MeasureKind::Window => m
            .measure
            .as_ref()
            .is_some_and(|w| matches!(w.kind.value, MeasureKind::Flow | MeasureKind::Snapshot)),
        _ => false,
    };
    if !counts_rows {
        ctx.problems.push(
            site.at(&m.kind, "a cohort is made of flows and snapshots (or a window over one)")
                .help("each member of `any_of`, `all_of` and `none_of` is a flow or snapshot with `distinct:` naming the id counted"),
        );
        return None;
    }
    let Some(Measure::Base(id)) = inner(m, windows, site, ctx) else {
        return None;
    };
    if !matches!(ctx.base_measures[id].aggregate, Aggregate::Distinct(_)) {
        ctx.problems.push(
            site.at(&m.kind, "each measure of a cohort counts distinct ids")
                .help("add `distinct:` naming the id (the same ids in every source, e.g. the person id)"),
        );
        return None;
    }
    ctx.base_measures[id].keep_ids = true;
    Some(id)
}
