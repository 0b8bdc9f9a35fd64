//! Which rows of a looked-up source to keep: the key values the measured
//! sources' rows hold, read from their key columns before the looked-up
//! sources are, so a table of every person holds only the people the
//! measures meet.

use super::lookup::KeyBits;
use super::measure_error::MeasureError;
use crate::error::EvalError;
use crate::expr::column_type::str_at;
use crate::model::Project;
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch};
use arrow_schema::DataType;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The key values the rows read here hold, for one looked-up source and
/// key column: the looked-up source keeps only rows holding one of them, so
/// a table of every person holds only the people the measures meet.
#[derive(Debug, Default)]
pub(super) struct Wanted {
    /// The integer keys as met (sorted and deduplicated once all are
    /// known: cheaper than a set growing by millions of inserts).
    met: Vec<i64>,
    /// How many of `met` were distinct when last deduplicated.
    distinct: usize,
    ints: HashSet<i64>,
    /// The integer keys as a bitmap, once all are known, where that is
    /// small: every row of a looked-up table is checked, and a bit costs
    /// far less than a hash.
    bits: Option<KeyBits>,
    texts: HashSet<String>,
    /// A key brought by an earlier lookup is not known before the join:
    /// every row is kept.
    all: bool,
}

/// The most a bitmap of wanted keys may take: 64 MB, or more where the
/// keys are many (as many bytes as their set would take).
const WANTED_BITS: u64 = 64 * 1024 * 1024 * 8;

impl Wanted {
    fn add(&mut self, keys: &ArrayRef) {
        self.add_keys(keys);
        // Many rows share a key (a child's placements): kept to the keys.
        if self.met.len() > 2 * self.distinct + (1 << 20) {
            self.met.sort_unstable();
            self.met.dedup();
            self.distinct = self.met.len();
        }
    }

    fn add_keys(&mut self, keys: &ArrayRef) {
        if let Some(ints) = keys.as_primitive_opt::<Int64Type>() {
            match ints.nulls() {
                None => self.met.extend_from_slice(ints.values()),
                Some(n) => self.met.extend(n.valid_indices().map(|i| ints.value(i))),
            }
            return;
        }
        // A dictionary's values are looked at once each, those some row holds.
        if let Some(dict) = keys.as_dictionary_opt::<Int32Type>() {
            let mut held = vec![false; dict.values().len()];
            for k in dict.keys().iter().flatten() {
                held[k as usize] = true;
            }
            for (j, _) in held.iter().enumerate().filter(|(_, h)| **h) {
                self.add_text(str_at(dict.values().as_ref(), j));
            }
            return;
        }
        for i in 0..keys.len() {
            self.add_text(str_at(keys.as_ref(), i));
        }
    }

    /// A text key, copied only the first time it is met.
    fn add_text(&mut self, key: Option<&str>) {
        if let Some(k) = key.filter(|k| !self.texts.contains(*k)) {
            self.texts.insert(k.to_string());
        }
    }

    /// All keys are known: the integers become a bitmap where it is small
    /// (a span of keys within the bitmap's limit needs no sort).
    fn seal(&mut self) {
        let mut met = std::mem::take(&mut self.met);
        let (lo, hi) = met
            .iter()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &k| (lo.min(k), hi.max(k)));
        if met.is_empty() {
            return;
        }
        let span = u64::try_from(i128::from(hi) - i128::from(lo) + 1).unwrap_or(u64::MAX);
        if span > WANTED_BITS {
            met.sort_unstable();
            met.dedup();
            if span > 16 * 8 * met.len() as u64 {
                self.ints = met.into_iter().collect();
                return;
            }
        }
        self.bits = Some(KeyBits::of(lo, span as usize, met.into_iter()));
    }

    fn holds(&self, on: &ArrayRef, i: usize) -> bool {
        if self.all {
            return true;
        }
        if on.is_null(i) {
            return false;
        }
        match on.data_type() {
            DataType::Int64 => {
                let k = on.as_primitive::<Int64Type>().value(i);
                match &self.bits {
                    Some(bits) => bits.holds(k),
                    None => self.ints.contains(&k),
                }
            }
            _ => str_at(on.as_ref(), i).is_some_and(|k| self.texts.contains(k)),
        }
    }
}

/// A looked-up source and its key column.
type Target = (String, String);

/// Each looked-up (source, key column) with the keys the measures computed
/// here hold, found by reading their sources' key columns (a small read:
/// one or two columns).
pub(super) fn wanted_keys(
    project: &Project,
    elsewhere: &BTreeSet<usize>,
) -> Result<BTreeMap<Target, Wanted>, EvalError> {
    let mut wanted: BTreeMap<Target, Wanted> = BTreeMap::new();
    // By measured source: (its key column, the looked-up source and column).
    let mut by_source: BTreeMap<&str, Vec<(&str, Target)>> = BTreeMap::new();
    let here = project
        .base_measures
        .iter()
        .enumerate()
        .filter(|(i, _)| !elsewhere.contains(i));
    for (_, base) in here {
        for (at, l) in base.lookups.iter().enumerate() {
            let target = (l.source.clone(), l.on.clone());
            let brought = base.lookups[..at]
                .iter()
                .any(|e| e.columns.contains(&l.key));
            if brought {
                wanted.entry(target).or_default().all = true;
            } else {
                wanted.entry(target.clone()).or_default();
                by_source
                    .entry(base.source.as_str())
                    .or_default()
                    .push((l.key.as_str(), target));
            }
        }
    }
    let found: Vec<Result<Vec<(Target, Wanted)>, EvalError>> = by_source
        .into_par_iter()
        .map(|(name, mut keys)| {
            keys.sort();
            keys.dedup();
            let mut columns: Vec<String> = keys.iter().map(|k| k.0.to_string()).collect();
            columns.dedup();
            let mut found: Vec<(Target, Wanted)> = keys
                .iter()
                .map(|(_, target)| (target.clone(), Wanted::default()))
                .collect();
            crate::source::for_each_batch(&project.sources.by_name[name], &columns, &mut |b| {
                for ((key, _), (_, w)) in keys.iter().zip(found.iter_mut()) {
                    w.add(b.column_by_name(key).expect("the key column is read"));
                }
                Ok(())
            })
            .map_err(EvalError)?;
            Ok(found)
        })
        .collect();
    for f in found {
        for (target, w) in f? {
            let into = wanted.entry(target).or_default();
            into.met.extend(w.met);
            into.texts.extend(w.texts);
        }
    }
    for w in wanted.values_mut() {
        w.seal();
    }
    Ok(wanted)
}

/// The rows of a looked-up source's `batch` that some lookup wants.
pub(super) fn keep_wanted(
    wanted: &BTreeMap<Target, Wanted>,
    source: &str,
    batch: RecordBatch,
) -> Result<RecordBatch, MeasureError> {
    let keys: Vec<(&ArrayRef, &Wanted)> = wanted
        .range((source.to_string(), String::new())..)
        .take_while(|((s, _), _)| s == source)
        .map(|((_, on), w)| (batch.column_by_name(on).expect("the key is read"), w))
        .collect();
    if keys.iter().any(|(_, w)| w.all) {
        return Ok(batch);
    }
    let keep: BooleanArray = match keys.as_slice() {
        // One integer key in a bitmap, the usual case: a word test a row.
        [(
            on,
            Wanted {
                bits: Some(bits), ..
            },
        )] if on.data_type() == &DataType::Int64 => {
            let values = on.as_primitive::<Int64Type>();
            let raw = values.values();
            arrow_buffer::BooleanBuffer::collect_bool(raw.len(), |i| {
                values.is_valid(i) && bits.holds(raw[i])
            })
            .into()
        }
        _ => (0..batch.num_rows())
            .map(|i| Some(keys.iter().any(|(on, w)| w.holds(on, i))))
            .collect(),
    };
    arrow_select::filter::filter_record_batch(&batch, &keep).map_err(MeasureError::from)
}

#[cfg(test)]
mod tests {
    use super::super::lookup::tests::people;
    use super::*;
    use arrow_array::{Int64Array, StringArray};
    use proptest::prelude::*;
    use std::sync::Arc;

    proptest! {
        /// A looked-up table keeps exactly the rows whose key some measured
        /// row holds, whether the wanted keys are a bitmap (close together)
        /// or a set (far apart).
        #[test]
        fn a_looked_up_table_keeps_the_rows_whose_keys_are_wanted(
            table in prop::collection::vec(prop::option::weighted(0.9, 0i64..60), 0..50),
            keys in prop::collection::vec(prop::option::weighted(0.9, 0i64..60), 0..50),
            spread in prop_oneof![Just(1i64), Just(1i64 << 40)],
        ) {
            let table: Vec<Option<i64>> = table.iter().map(|t| t.map(|k| k * spread)).collect();
            let mut w = Wanted::default();
            let key_array: ArrayRef = Arc::new(Int64Array::from(
                keys.iter().map(|k| k.map(|k| k * spread)).collect::<Vec<_>>(),
            ));
            w.add(&key_array);
            w.seal();
            let distinct: std::collections::BTreeSet<i64> = keys.iter().flatten().copied().collect();
            if spread == 1 && !distinct.is_empty() {
                prop_assert!(w.bits.is_some());
            }
            if spread > 1 && distinct.len() > 1 {
                prop_assert!(w.bits.is_none());
            }
            let wanted = BTreeMap::from([(("person".to_string(), "person_id".to_string()), w)]);
            let batch = people(&table, table.len().max(1)).pop();
            let Some(batch) = batch else { return Ok(()) };
            let kept = keep_wanted(&wanted, "person", batch).unwrap();
            let got: Vec<Option<i64>> = kept.column(0).as_primitive::<Int64Type>().iter().collect();
            let expected: Vec<Option<i64>> = table
                .iter()
                .copied()
                .filter(|t| t.is_some_and(|t| keys.iter().flatten().any(|k| k * spread == t)))
                .collect();
            prop_assert_eq!(got, expected);
        }

        /// Text keys, plain or a dictionary's (holding values no row
        /// uses, which are not wanted), keep the rows holding one of them.
        #[test]
        fn a_looked_up_table_keeps_the_rows_whose_text_keys_are_wanted(
            table in prop::collection::vec(prop::option::weighted(0.9, 0u8..8), 0..30),
            keys in prop::collection::vec(prop::option::weighted(0.9, 0u8..8), 0..30),
            dictionary in proptest::bool::ANY,
        ) {
            let text = |k: &Option<u8>| k.map(|k| format!("team {k}"));
            let key_array: ArrayRef = if dictionary {
                let values = StringArray::from((0..8).map(|k| format!("team {k}")).collect::<Vec<_>>());
                let codes = arrow_array::Int32Array::from(
                    keys.iter().map(|k| k.map(i32::from)).collect::<Vec<_>>(),
                );
                Arc::new(arrow_array::DictionaryArray::new(codes, Arc::new(values)))
            } else {
                Arc::new(StringArray::from(keys.iter().map(text).collect::<Vec<_>>()))
            };
            let mut w = Wanted::default();
            w.add(&key_array);
            w.seal();
            let wanted = BTreeMap::from([(("team".to_string(), "name".to_string()), w)]);
            let names: ArrayRef = Arc::new(StringArray::from(table.iter().map(text).collect::<Vec<_>>()));
            let batch = RecordBatch::try_from_iter([("name", names)]).unwrap();
            let kept = keep_wanted(&wanted, "team", batch).unwrap();
            let got: Vec<Option<&str>> = kept.column(0).as_string::<i32>().iter().collect();
            let expected: Vec<Option<String>> = table
                .iter()
                .filter(|t| t.is_some() && keys.contains(t))
                .map(text)
                .collect();
            prop_assert_eq!(got, expected.iter().map(|t| t.as_deref()).collect::<Vec<_>>());
        }
    }
}
