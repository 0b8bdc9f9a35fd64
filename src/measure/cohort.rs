//! A cohort's count: the ids of its member distinct counts, per group,
//! combined as sets and counted once per period. Integer ids are compared
//! as they are; when any member's ids are text, every id is compared as
//! text (an integer id 17 and a text id "17" are the same child).

use super::period_counts::distinct_per_period;
use super::result::{BaseResult, Group};
use super::spans::Spans;
use crate::model::measure::{BaseId, Cohort};
use std::collections::HashMap;

/// The cohort's distinct ids for `group`, per period.
pub(super) fn per_period(
    bases: &[BaseResult],
    cohort: &Cohort,
    group: &Group,
    periods: usize,
) -> Vec<i64> {
    if cohort.is_union() {
        return union_per_period(bases, &cohort.any_of, group, periods);
    }
    let as_text = cohort
        .members()
        .any(|m| bases[m].ids.as_ref().is_some_and(|k| !k.texts.is_empty()));
    let mut numbering: HashMap<String, i64> = HashMap::new();
    let mut held = |m: BaseId| held_by(&bases[m], group, as_text, &mut numbering);
    // Start from the ids held by any of `any_of`, or else by the first of
    // `all_of`; keep those every `all_of` holds; drop those a `none_of` holds.
    let (mut kept, all_from) = if cohort.any_of.is_empty() {
        (held(cohort.all_of[0]), 1)
    } else {
        let mut any = Intervals::new();
        for &m in &cohort.any_of {
            for (id, periods) in held(m) {
                let slot: &mut Vec<(u32, u32)> = any.entry(id).or_default();
                slot.extend(periods);
                *slot = merged(std::mem::take(slot));
            }
        }
        (any, 0)
    };
    for &m in &cohort.all_of[all_from..] {
        let other = held(m);
        kept.retain(|id, periods| match other.get(id) {
            Some(o) => {
                *periods = intersection(periods, o);
                !periods.is_empty()
            }
            None => false,
        });
    }
    for &m in &cohort.none_of {
        let other = held(m);
        kept.retain(|id, periods| {
            if let Some(o) = other.get(id) {
                *periods = difference(periods, o);
            }
            !periods.is_empty()
        });
    }
    let mut spans = Spans::default();
    for (id, periods) in kept {
        for (from, to) in periods {
            spans.push((id, from, to));
        }
    }
    distinct_per_period(spans, periods)
}

/// Each id's periods: sorted, disjoint, inclusive ranges of period indexes.
type Intervals = HashMap<i64, Vec<(u32, u32)>>;

/// The periods each id of a member is held in, for `group`.
fn held_by(
    base: &BaseResult,
    group: &Group,
    as_text: bool,
    numbering: &mut HashMap<String, i64>,
) -> Intervals {
    let mut out = Intervals::new();
    let Some(kept) = base.ids.as_ref() else {
        return out;
    };
    let Some(spans) = kept.spans.get(group) else {
        return out;
    };
    for &(id, from, to) in spans {
        let id = if as_text {
            let text = match kept.texts.get(id as usize) {
                Some(t) if !kept.texts.is_empty() => t.clone(),
                _ => id.to_string(),
            };
            let next = numbering.len() as i64;
            *numbering.entry(text).or_insert(next)
        } else {
            id
        };
        out.entry(id).or_default().push((from, to));
    }
    for periods in out.values_mut() {
        *periods = merged(std::mem::take(periods));
    }
    out
}

/// Ranges sorted, with overlapping and touching ones joined.
fn merged(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (from, to) in ranges {
        match out.last_mut() {
            Some(last) if from <= last.1.saturating_add(1) => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// The periods in both.
fn intersection(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let (from, to) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        if from <= to {
            out.push((from, to));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The periods in `a` and not in `b`.
fn difference(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut j = 0;
    for &(from, to) in a {
        while j < b.len() && b[j].1 < from {
            j += 1;
        }
        let (mut start, mut covered) = (from, false);
        for &(bf, bt) in b[j..].iter().take_while(|r| r.0 <= to) {
            if bf > start {
                out.push((start, bf - 1));
            }
            if bt >= to {
                covered = true;
                break;
            }
            start = bt + 1;
        }
        if !covered {
            out.push((start, to));
        }
    }
    out
}

/// Distinct ids across `members` for `group`, per period.
fn union_per_period(
    bases: &[BaseResult],
    members: &[BaseId],
    group: &Group,
    periods: usize,
) -> Vec<i64> {
    let kept: Vec<_> = members
        .iter()
        .filter_map(|m| bases[*m].ids.as_ref())
        .collect();
    let as_text = kept.iter().any(|k| !k.texts.is_empty());
    let mut numbering: HashMap<String, i64> = HashMap::new();
    let mut spans = Spans::default();
    for k in kept {
        let Some(member) = k.spans.get(group) else {
            continue;
        };
        if !as_text {
            member.iter().for_each(|&s| spans.push(s));
            continue;
        }
        for &(id, from, to) in member {
            let text = match k.texts.get(id as usize) {
                Some(t) if !k.texts.is_empty() => t.clone(),
                _ => id.to_string(),
            };
            let next = numbering.len() as i64;
            spans.push((*numbering.entry(text).or_insert(next), from, to));
        }
    }
    distinct_per_period(spans, periods)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::result::KeptIds;
    use std::collections::BTreeMap;

    fn member(spans: Vec<(i64, u32, u32)>, texts: &[&str]) -> BaseResult {
        BaseResult {
            groups: BTreeMap::new(),
            ids: Some(KeptIds {
                spans: BTreeMap::from([(None, spans)]),
                texts: texts.iter().map(|t| t.to_string()).collect(),
            }),
        }
    }

    #[test]
    fn an_id_in_two_members_counts_once() {
        let bases = [
            member(vec![(7, 0, 2), (8, 1, 1)], &[]),
            member(vec![(7, 1, 3)], &[]),
        ];
        assert_eq!(union_per_period(&bases, &[0, 1], &None, 4), [1, 2, 1, 1]);
    }

    #[test]
    fn integer_and_text_ids_meet_as_text() {
        // Member 0 numbers its texts: 0 is "17", 1 is "A".
        let bases = [
            member(vec![(0, 0, 0), (1, 0, 0)], &["17", "A"]),
            member(vec![(17, 0, 0)], &[]),
        ];
        assert_eq!(union_per_period(&bases, &[0, 1], &None, 1), [2]);
    }

    fn cohort(any_of: &[usize], all_of: &[usize], none_of: &[usize]) -> Cohort {
        Cohort {
            any_of: any_of.to_vec(),
            all_of: all_of.to_vec(),
            none_of: none_of.to_vec(),
        }
    }

    #[test]
    fn all_of_keeps_the_periods_every_member_holds_an_id_in() {
        // Child 7 is in care in periods 0 to 3 and has 3+ placements in
        // periods 2 to 5: both in 2 and 3. Child 8 only in care.
        let bases = [
            member(vec![(7, 0, 3), (8, 0, 5)], &[]),
            member(vec![(7, 2, 5), (9, 0, 5)], &[]),
        ];
        let c = cohort(&[], &[0, 1], &[]);
        assert_eq!(per_period(&bases, &c, &None, 6), [0, 0, 1, 1, 0, 0]);
    }

    #[test]
    fn none_of_takes_away_the_periods_another_member_holds_an_id_in() {
        // In need 0 to 5; on a plan in 1 and again 3 to 4: in need, not on
        // a plan, in 0, 2 and 5. Child 8 in need in 2 only.
        let bases = [
            member(vec![(7, 0, 5), (8, 2, 2)], &[]),
            member(vec![(7, 1, 1), (7, 3, 4)], &[]),
        ];
        let c = cohort(&[0], &[], &[1]);
        assert_eq!(per_period(&bases, &c, &None, 6), [1, 0, 2, 0, 0, 1]);
    }

    #[test]
    fn any_of_all_of_and_none_of_together_compare_text_ids_as_text() {
        // Any of members 0 and 1 ("A" 0 to 1; 17 in 2), all of 2 (17 and
        // "A" in 0 to 2), none of 3 ("A" in 1).
        let bases = [
            member(vec![(0, 0, 1)], &["A"]),
            member(vec![(17, 2, 2)], &[]),
            member(vec![(0, 0, 2), (1, 0, 2)], &["17", "A"]),
            member(vec![(0, 1, 1)], &["A"]),
        ];
        let c = cohort(&[0, 1], &[2], &[3]);
        assert_eq!(per_period(&bases, &c, &None, 3), [1, 0, 1]);
    }

    #[test]
    fn ranges_meet_and_part_at_their_edges() {
        assert_eq!(
            merged(vec![(4, 6), (0, 1), (2, 2), (8, 9)]),
            [(0, 2), (4, 6), (8, 9)]
        );
        assert_eq!(
            intersection(&[(0, 4), (6, 9)], &[(4, 6), (9, 12)]),
            [(4, 4), (6, 6), (9, 9)]
        );
        assert_eq!(
            difference(&[(0, 9)], &[(0, 0), (3, 4), (9, 12)]),
            [(1, 2), (5, 8)]
        );
        assert_eq!(difference(&[(0, 2), (5, 7)], &[(1, 6)]), [(0, 0), (7, 7)]);
        assert_eq!(difference(&[(3, 3)], &[]), [(3, 3)]);
        assert_eq!(difference(&[(3, 3)], &[(3, 3)]), []);
    }
}
