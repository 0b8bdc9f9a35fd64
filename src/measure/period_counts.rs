//! Per-period counts from spans of periods: running totals of difference
//! arrays, and distinct ids per period.

/// Counts the distinct ids of each period from each row's (id, first
/// period, last period): sorted by id and start, each id's overlapping or
/// touching spans are merged, and each merged span adds one to the periods
/// it covers. When the ids span fewer than 2^40 values (always, for text
/// ids and realistic numbers) and periods fit in 12 bits, each span is
/// packed into one integer, which sorts about twice as fast as the tuple.
pub(super) fn distinct_per_period(mut spans: Vec<(i64, u32, u32)>, periods: usize) -> Vec<i64> {
    let mut diff = vec![0i64; periods + 1];
    let mut current: Option<(i64, u32, u32)> = None;
    let mut add = |span: (i64, u32, u32)| match current {
        Some((id, from, to)) if id == span.0 && span.1 <= to + 1 => {
            current = Some((id, from, to.max(span.2)));
        }
        _ => {
            if let Some((_, from, to)) = current.replace(span) {
                diff[from as usize] += 1;
                diff[to as usize + 1] -= 1;
            }
        }
    };
    let (lo, hi) = spans
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &(id, _, _)| {
            (lo.min(id), hi.max(id))
        });
    const ID_BITS: u32 = 40;
    const PERIOD_BITS: u32 = 12;
    let span = (hi as i128) - (lo as i128);
    if spans.is_empty() || span >= 1i128 << ID_BITS || periods >= 1 << PERIOD_BITS {
        spans.sort_unstable();
        spans.into_iter().for_each(&mut add);
    } else {
        let mask = (1u64 << PERIOD_BITS) - 1;
        let mut packed: Vec<u64> = spans
            .iter()
            .map(|&(id, from, to)| {
                ((id.wrapping_sub(lo) as u64) << (2 * PERIOD_BITS))
                    | (u64::from(from) << PERIOD_BITS)
                    | u64::from(to)
            })
            .collect();
        drop(spans);
        packed.sort_unstable();
        for key in packed {
            let id = (key >> (2 * PERIOD_BITS)) as i64;
            add((
                id,
                ((key >> PERIOD_BITS) & mask) as u32,
                (key & mask) as u32,
            ));
        }
    }
    if let Some((_, from, to)) = current {
        diff[from as usize] += 1;
        diff[to as usize + 1] -= 1;
    }
    running_totals(&diff[..periods])
}

/// Each period's count from the changes at each period's start.
pub(super) fn running_totals(diff: &[i64]) -> Vec<i64> {
    let mut running = 0;
    diff.iter()
        .map(|d| {
            running += d;
            running
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_counts_agree_whether_spans_are_packed_or_not() {
        // Period 0: ids 5, 5, 7 (two distinct); period 2: id 5; period 1: none.
        let narrow = vec![(5, 0, 0), (5, 2, 2), (7, 0, 0), (5, 0, 0)];
        assert_eq!(distinct_per_period(narrow, 3), vec![2, 0, 1]);
        // Ids too far apart to pack: the tuple sort gives the same counts.
        let wide = vec![
            (i64::MIN, 0, 0),
            (i64::MAX, 2, 2),
            (i64::MAX, 0, 0),
            (i64::MIN, 0, 0),
        ];
        assert_eq!(distinct_per_period(wide, 3), vec![2, 0, 1]);
        assert_eq!(distinct_per_period(Vec::new(), 2), vec![0, 0]);
    }

    #[test]
    fn an_id_open_in_overlapping_spans_counts_once_per_period() {
        // Id 1 spans 0-2 and 1-4 (one id in 0..=4); id 2 spans 3-3 and 4-5
        // (touching: one id in 3..=5); id 3 spans 0-0 and 5-5 (a gap).
        let spans = vec![
            (1, 0, 2),
            (1, 1, 4),
            (2, 3, 3),
            (2, 4, 5),
            (3, 5, 5),
            (3, 0, 0),
        ];
        assert_eq!(
            distinct_per_period(spans.clone(), 6),
            vec![2, 1, 1, 2, 2, 2]
        );
        // The same by brute force: every (period, id) pair, deduplicated.
        let mut pairs: Vec<(u32, i64)> = spans
            .iter()
            .flat_map(|&(id, a, b)| (a..=b).map(move |p| (p, id)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut brute = vec![0i64; 6];
        for (p, _) in pairs {
            brute[p as usize] += 1;
        }
        assert_eq!(distinct_per_period(spans, 6), brute);
    }
}
