//! A cohort's count: the ids of its member distinct counts, per group,
//! put together and counted once per period. Integer ids are compared as
//! they are; when any member's ids are text, every id is compared as text
//! (an integer id 17 and a text id "17" are the same child).

use super::period_counts::distinct_per_period;
use super::result::{BaseResult, Group};
use super::spans::Spans;
use crate::model::measure::BaseId;
use std::collections::HashMap;

/// Distinct ids across `members` for `group`, per period.
pub(super) fn union_per_period(
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
}
