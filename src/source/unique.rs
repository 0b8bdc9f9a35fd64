//! Finding repeated keys over millions of rows without a string or a hash
//! per row: each key column becomes integer codes (text interned once per
//! distinct value, a dictionary's values once per batch); one column of
//! codes in a narrow range is checked against a bitmap, anything else by
//! sorting row numbers by their codes.

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use std::collections::HashMap;

/// Each row's code in one column (`None`: missing).
fn codes(
    batches: &[RecordBatch],
    column: &str,
    interned: &mut HashMap<String, i64>,
) -> Vec<Option<i64>> {
    let mut out = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    let intern = |s: &str, interned: &mut HashMap<String, i64>| -> i64 {
        if let Some(&c) = interned.get(s) {
            return c;
        }
        let c = interned.len() as i64;
        interned.insert(s.to_string(), c);
        c
    };
    for b in batches {
        let Some(a) = b.column_by_name(column) else {
            out.extend(std::iter::repeat_n(None, b.num_rows()));
            continue;
        };
        match a.data_type() {
            DataType::Int64 => out.extend(a.as_primitive::<Int64Type>().iter()),
            DataType::Date32 => out.extend(
                a.as_primitive::<Date32Type>()
                    .iter()
                    .map(|v| v.map(i64::from)),
            ),
            DataType::Boolean => out.extend(a.as_boolean().iter().map(|v| v.map(i64::from))),
            // -0.0 and 0.0 are one value, as `==` says.
            DataType::Float64 => out.extend(
                a.as_primitive::<Float64Type>()
                    .iter()
                    .map(|v| v.map(|f| if f == 0.0 { 0 } else { f.to_bits() as i64 })),
            ),
            DataType::Dictionary(_, _) => {
                let d = a.as_dictionary::<Int32Type>();
                let values = d.values().as_string::<i32>();
                let local: Vec<i64> = values
                    .iter()
                    .map(|v| intern(v.unwrap_or(""), interned))
                    .collect();
                out.extend(d.keys().iter().map(|k| k.map(|k| local[k as usize])));
            }
            _ => {
                let s = a.as_string::<i32>();
                for v in s.iter() {
                    out.push(v.map(|v| intern(v, interned)));
                }
            }
        }
    }
    out
}

/// The rows repeating an earlier row's key, as (row, the earlier row),
/// rows counted from 1 in the order read; rows with a missing key part
/// are left out.
pub(super) fn repeats(batches: &[RecordBatch], columns: &[String]) -> Vec<(u64, u64)> {
    if let [only] = columns {
        let integers = batches.iter().all(|b| {
            b.column_by_name(only)
                .is_some_and(|a| matches!(a.data_type(), DataType::Int64))
        });
        if integers {
            // Read where they lie: no codes are made for a column of integers.
            let present = || {
                batches
                    .iter()
                    .flat_map(|b| {
                        b.column_by_name(only)
                            .expect("checked")
                            .as_primitive::<Int64Type>()
                            .iter()
                    })
                    .enumerate()
                    .filter_map(|(r, c)| c.map(|c| (r, c)))
            };
            if let Some(found) = by_bitmap(present) {
                return found;
            }
        }
    }
    let mut interned = HashMap::new();
    let columns: Vec<Vec<Option<i64>>> = columns
        .iter()
        .map(|c| codes(batches, c, &mut interned))
        .collect();
    if let [only] = columns.as_slice() {
        let present = || {
            only.iter()
                .enumerate()
                .filter_map(|(r, c)| c.map(|c| (r, c)))
        };
        if let Some(found) = by_bitmap(present) {
            return found;
        }
    }
    let rows = columns.first().map_or(0, Vec::len);
    let key = |r: usize| columns.iter().map(move |c| c[r].expect("complete"));
    let mut order: Vec<usize> = (0..rows)
        .filter(|&r| columns.iter().all(|c| c[r].is_some()))
        .collect();
    // Stable: rows of one key stay in the order read.
    order.sort_by(|&a, &b| key(a).cmp(key(b)));
    let mut out = Vec::new();
    let mut first = None;
    for (i, &r) in order.iter().enumerate() {
        if i > 0 && key(r).eq(key(order[i - 1])) {
            out.push((r as u64 + 1, first.expect("set") as u64 + 1));
        } else {
            first = Some(r);
        }
    }
    out.sort_unstable();
    out
}

/// One column of codes within a range at most a few times the rows (ids
/// numbered from 1, interned text): a bitmap finds the repeats in one
/// pass, and a second pass over the repeated codes only finds their first rows.
fn by_bitmap<I: Iterator<Item = (usize, i64)>>(present: impl Fn() -> I) -> Option<Vec<(u64, u64)>> {
    let rows = present().count();
    let (min, max) = present().fold((i64::MAX, i64::MIN), |(lo, hi), (_, v)| {
        (lo.min(v), hi.max(v))
    });
    if min > max {
        return Some(Vec::new());
    }
    let span = u64::try_from(i128::from(max) - i128::from(min))
        .ok()?
        .checked_add(1)?;
    if span > 8 * rows as u64 + 4096 {
        return None;
    }
    let mut seen = vec![0u64; (span as usize).div_ceil(64)];
    let mut repeated = Vec::new();
    for (r, c) in present() {
        let at = (c - min) as usize;
        let (word, bit) = (at / 64, 1u64 << (at % 64));
        if seen[word] & bit != 0 {
            repeated.push((r, c));
        }
        seen[word] |= bit;
    }
    if repeated.is_empty() {
        return Some(Vec::new());
    }
    let wanted: std::collections::HashSet<i64> = repeated.iter().map(|&(_, c)| c).collect();
    let mut first: HashMap<i64, usize> = HashMap::new();
    for (r, c) in present() {
        if wanted.contains(&c) {
            first.entry(c).or_insert(r);
        }
    }
    Some(
        repeated
            .into_iter()
            .map(|(r, c)| (r as u64 + 1, first[&c] as u64 + 1))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int64Array, StringArray};
    use std::sync::Arc;

    fn batch(ids: Vec<Option<i64>>, names: Vec<Option<&str>>) -> RecordBatch {
        RecordBatch::try_from_iter([
            ("id", Arc::new(Int64Array::from(ids)) as _),
            ("name", Arc::new(StringArray::from(names)) as _),
        ])
        .unwrap()
    }

    #[test]
    fn repeats_are_found_by_bitmap_by_sorting_and_over_several_columns() {
        let a = batch(
            vec![Some(1), Some(2), None, Some(2)],
            vec![Some("x"), Some("y"), Some("x"), Some("y")],
        );
        let b = batch(
            vec![Some(1), Some(9_000_000_000)],
            vec![Some("z"), Some("y")],
        );
        let both = [a, b];
        // Ids 2 (rows 2, 4) and 1 (rows 1, 5): the missing id is left out.
        assert_eq!(repeats(&both, &["id".into()]), vec![(4, 2), (5, 1)]);
        // Names: x at rows 1 and 3, y at rows 2, 4 and 6.
        assert_eq!(
            repeats(&both, &["name".into()]),
            vec![(3, 1), (4, 2), (6, 2)]
        );
        assert_eq!(repeats(&both, &["id".into(), "name".into()]), vec![(4, 2)]);
        // A wide range of ids goes by sorting and gives the same answer.
        let wide = batch(
            vec![Some(i64::MIN), Some(i64::MAX), Some(i64::MIN)],
            vec![None, None, None],
        );
        assert_eq!(repeats(&[wide], &["id".into()]), vec![(3, 1)]);
    }
}
