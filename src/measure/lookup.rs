//! Lookups at run time: each looked-up source is indexed once by its key
//! column (a hash of key to row), and each batch of a measure's source is
//! given the brought columns by taking those rows. A key matching no row,
//! or an empty key, gives empty columns; a key matching several rows is an
//! error naming both sources and the key, when a row actually uses it.

use super::measure_error::MeasureError;
use super::tables::whole_column;
use crate::diagnostic::{Diagnostic, Place};
use crate::error::EvalError;
use crate::expr::column_type::str_at;
use crate::model::measure::Lookup;
use crate::model::Project;
use crate::source::Table;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, RecordBatch, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Marks a key found on several rows.
const SEVERAL: u32 = u32::MAX;

/// One looked-up source indexed by one key column.
#[derive(Debug)]
pub(crate) struct Index {
    keys: Keys,
    /// The brought columns, each whole (the source's batches concatenated).
    columns: BTreeMap<String, ArrayRef>,
}

#[derive(Debug)]
enum Keys {
    Int(HashMap<i64, u32>),
    /// Integer keys packed closely (ids numbered 1, 2, 3, ...): the row of
    /// key `lo + i` at `rows[i]`, `NONE` where no row has it.
    Dense {
        lo: i64,
        rows: Vec<u32>,
    },
    /// Integer keys spread thinly (up to 64 slots a key, as the people a
    /// lookup wants among everyone's ids): a bitmap of the keys present
    /// from `lo`, the keys before each word, and each key's row in key
    /// order, found by counting the bits below its own (no hashing, and
    /// a few megabytes where a hash of millions of keys misses the cache).
    Ranked {
        bits: KeyBits,
        before: Vec<u32>,
        rows: Vec<u32>,
    },
    Text(HashMap<String, u32>),
}

/// Integer keys as bits from `lo`: the wanted keys of a looked-up table,
/// and the keys a ranked index holds.
#[derive(Debug)]
pub(super) struct KeyBits {
    lo: i64,
    words: Vec<u64>,
}

impl KeyBits {
    /// `keys`, all within `span` of `lo`.
    pub(super) fn of(lo: i64, span: usize, keys: impl Iterator<Item = i64>) -> KeyBits {
        let mut words = vec![0u64; span.div_ceil(64)];
        for k in keys {
            let at = (k - lo) as usize;
            words[at / 64] |= 1 << (at % 64);
        }
        KeyBits { lo, words }
    }

    /// The word holding `k`'s bit and the bit's place, if `k` is in range.
    fn at(&self, k: i64) -> Option<(usize, usize)> {
        let at = usize::try_from(i128::from(k) - i128::from(self.lo)).ok()?;
        (at / 64 < self.words.len()).then_some((at / 64, at % 64))
    }

    pub(super) fn holds(&self, k: i64) -> bool {
        self.at(k)
            .is_some_and(|(w, bit)| self.words[w] >> bit & 1 == 1)
    }
}

/// The place of key `k` among the keys of a ranked index.
fn rank(bits: &KeyBits, before: &[u32], k: i64) -> Option<usize> {
    let (w, bit) = bits.at(k)?;
    let word = bits.words[w];
    (word >> bit & 1 == 1)
        .then(|| before[w] as usize + (word & ((1u64 << bit) - 1)).count_ones() as usize)
}

/// Marks a key no row has, in a dense index.
const NONE: u32 = u32::MAX - 1;

/// Every index a run needs, by (looked-up source, key column).
#[derive(Debug, Default)]
pub(crate) struct Indexes {
    by: BTreeMap<(String, String), Index>,
}

/// The columns to read from each looked-up source: its key columns and
/// the columns brought from it.
pub(crate) fn lookup_columns(
    project: &Project,
    elsewhere: &BTreeSet<usize>,
) -> BTreeMap<String, Vec<String>> {
    let mut needed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let here = project
        .base_measures
        .iter()
        .enumerate()
        .filter(|(i, _)| !elsewhere.contains(i));
    for l in here.flat_map(|(_, b)| &b.lookups) {
        let cols = needed.entry(l.source.clone()).or_default();
        cols.push(l.on.clone());
        cols.extend(l.columns.iter().cloned());
    }
    for cols in needed.values_mut() {
        cols.sort();
        cols.dedup();
    }
    needed
}

impl Indexes {
    /// Indexes every (source, key) some lookup uses, from the tables read.
    pub(crate) fn build(
        project: &Project,
        tables: &BTreeMap<String, Table>,
    ) -> Result<Indexes, EvalError> {
        let mut wanted: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for l in project.base_measures.iter().flat_map(|b| &b.lookups) {
            wanted
                .entry((l.source.clone(), l.on.clone()))
                .or_default()
                .extend(l.columns.iter().cloned());
        }
        let mut by = BTreeMap::new();
        for ((source, on), mut columns) in wanted {
            columns.sort();
            columns.dedup();
            let batches = tables
                .get(&source)
                .map_or(&[][..], |t| t.batches.as_slice());
            let index = Index::build(batches, &on, &columns).map_err(|why| {
                let file = &project.sources.by_name[&source].file;
                EvalError(Diagnostic::new(file, Place::WHOLE_FILE, why.to_string()))
            })?;
            by.insert((source, on.clone()), index);
        }
        Ok(Indexes { by })
    }
}

impl Index {
    fn build(batches: &[RecordBatch], on: &str, columns: &[String]) -> Result<Index, MeasureError> {
        let key_arrays: Vec<&ArrayRef> = batches
            .iter()
            .filter_map(|b| b.column_by_name(on))
            .collect();
        let text = key_arrays
            .first()
            .is_some_and(|a| a.data_type() != &DataType::Int64);
        let mut keys = if text {
            Keys::Text(HashMap::new())
        } else {
            dense(&key_arrays).unwrap_or_else(|| Keys::Int(HashMap::new()))
        };
        let mut row = 0u32;
        for array in &key_arrays {
            for i in 0..array.len() {
                if !array.is_null(i) {
                    match &mut keys {
                        Keys::Int(map) => {
                            note(map, array.as_primitive::<Int64Type>().value(i), row)
                        }
                        Keys::Dense { lo, rows } => {
                            let at = &mut rows
                                [(array.as_primitive::<Int64Type>().value(i) - *lo) as usize];
                            *at = if *at == NONE { row } else { SEVERAL };
                        }
                        Keys::Ranked { bits, before, rows } => {
                            let k = array.as_primitive::<Int64Type>().value(i);
                            let at = &mut rows[rank(bits, before, k).expect("every key set")];
                            *at = if *at == NONE { row } else { SEVERAL };
                        }
                        Keys::Text(map) => note(
                            map,
                            str_at(array.as_ref(), i).unwrap_or_default().to_string(),
                            row,
                        ),
                    }
                }
                row = row.checked_add(1).filter(|r| *r < NONE).ok_or_else(|| {
                    MeasureError::TooLarge(
                        "a looked-up source has more than 4 billion rows; look up a smaller table"
                            .to_string(),
                    )
                })?;
            }
        }
        let mut brought = BTreeMap::new();
        for c in columns {
            brought.insert(c.clone(), whole_column(batches, c)?);
        }
        Ok(Index {
            keys,
            columns: brought,
        })
    }
}

/// An index for integer keys close together: dense (at most four slots a
/// key, under 2^31 slots, all empty) or ranked (at most 64 slots a key,
/// keys marked); `None` where a hash fits better.
fn dense(arrays: &[&ArrayRef]) -> Option<Keys> {
    let (mut lo, mut hi, mut n) = (i64::MAX, i64::MIN, 0usize);
    for a in arrays {
        let ints = a.as_primitive_opt::<Int64Type>()?;
        for k in ints.iter().flatten() {
            lo = lo.min(k);
            hi = hi.max(k);
            n += 1;
        }
    }
    let span = usize::try_from(i128::from(hi) - i128::from(lo) + 1).ok()?;
    if n == 0 {
        return None;
    }
    if span <= n.saturating_mul(4).max(1024) && span < 1 << 31 {
        return Some(Keys::Dense {
            lo,
            rows: vec![NONE; span],
        });
    }
    if span > n.saturating_mul(64) || span.div_ceil(64) >= 1 << 31 {
        return None;
    }
    let all = arrays
        .iter()
        .flat_map(|a| a.as_primitive::<Int64Type>().iter().flatten());
    let bits = KeyBits::of(lo, span, all);
    let mut before = Vec::with_capacity(bits.words.len());
    let mut keys = 0u32;
    for w in &bits.words {
        before.push(keys);
        keys += w.count_ones();
    }
    Some(Keys::Ranked {
        bits,
        before,
        rows: vec![NONE; keys as usize],
    })
}

fn note<K: std::hash::Hash + Eq>(map: &mut HashMap<K, u32>, key: K, row: u32) {
    map.entry(key).and_modify(|r| *r = SEVERAL).or_insert(row);
}

/// `batch` with the columns `lookups` bring added, or an error placed on
/// the lookup whose key matched several rows.
pub(crate) fn join(
    project: &Project,
    indexes: &Indexes,
    source: &str,
    lookups: &[Lookup],
    batch: &RecordBatch,
) -> Result<RecordBatch, EvalError> {
    if lookups.is_empty() {
        return Ok(batch.clone());
    }
    let mut fields: Vec<Arc<Field>> = batch.schema().fields().iter().cloned().collect();
    let mut arrays: Vec<ArrayRef> = batch.columns().to_vec();
    for l in lookups {
        if fields.iter().any(|f| l.columns.contains(f.name())) {
            // Brought already, by an earlier lookup of a measure sharing it.
            continue;
        }
        let index = &indexes.by[&(l.source.clone(), l.on.clone())];
        let keys = batch.column_by_name(&l.key).expect("the key is read");
        let rows = matched_rows(source, l, index, keys)?;
        for c in &l.columns {
            let taken = arrow_select::take::take(&index.columns[c], &rows, None)
                .map_err(|e| EvalError(at(l, e.to_string())))?;
            fields.push(Arc::new(Field::new(c, taken.data_type().clone(), true)));
            arrays.push(taken);
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| {
        let file = &project.sources.by_name[source].file;
        EvalError(Diagnostic::new(file, Place::WHOLE_FILE, e.to_string()))
    })
}

/// The looked-up row of each row of `keys` (empty where none matches).
fn matched_rows(
    source: &str,
    l: &Lookup,
    index: &Index,
    keys: &ArrayRef,
) -> Result<UInt32Array, EvalError> {
    let mut out = Vec::with_capacity(keys.len());
    for i in 0..keys.len() {
        let found = if keys.is_null(i) {
            None
        } else {
            match &index.keys {
                Keys::Int(map) if keys.data_type() == &DataType::Int64 => {
                    map.get(&keys.as_primitive::<Int64Type>().value(i)).copied()
                }
                Keys::Dense { lo, rows } if keys.data_type() == &DataType::Int64 => {
                    let k = keys.as_primitive::<Int64Type>().value(i);
                    usize::try_from(i128::from(k) - i128::from(*lo))
                        .ok()
                        .and_then(|at| rows.get(at).copied())
                        .filter(|r| *r != NONE)
                }
                Keys::Ranked { bits, before, rows } if keys.data_type() == &DataType::Int64 => {
                    let k = keys.as_primitive::<Int64Type>().value(i);
                    rank(bits, before, k)
                        .map(|at| rows[at])
                        .filter(|r| *r != NONE)
                }
                Keys::Text(map) => str_at(keys.as_ref(), i).and_then(|k| map.get(k).copied()),
                // An empty looked-up table is indexed as integers.
                Keys::Int(_) | Keys::Dense { .. } | Keys::Ranked { .. } => None,
            }
        };
        if found == Some(SEVERAL) {
            let value = match keys.data_type() {
                DataType::Int64 => keys.as_primitive::<Int64Type>().value(i).to_string(),
                _ => format!("\"{}\"", str_at(keys.as_ref(), i).unwrap_or_default()),
            };
            return Err(EvalError(at(
                l,
                format!(
                    "`{}` has several rows with `{}` = {}, so a row of `{source}` with `{}` = {} matches more than one",
                    l.source,
                    l.on,
                    crate::text::visible(&value, false),
                    l.key,
                    crate::text::visible(&value, false)
                ),
            ).help(format!("a lookup is many-to-one: `{}` must hold one row per `{}` (`rubric expect {}` lists repeats once the source declares `unique: [{}]`)", l.source, l.on, l.source, l.on))));
        }
        out.push(found);
    }
    Ok(UInt32Array::from(out))
}

fn at(l: &Lookup, message: String) -> Diagnostic {
    Diagnostic::new(&l.file, l.place, message).subject(l.subject.clone())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use arrow_array::{Int64Array, StringArray};
    use proptest::prelude::*;

    fn lookup() -> Lookup {
        Lookup {
            source: "person".into(),
            key: "child_id".into(),
            on: "person_id".into(),
            columns: vec!["sex".into()],
            file: "i.yaml".into(),
            place: Place::WHOLE_FILE,
            subject: "indicator T".into(),
        }
    }

    /// The looked-up table: ids with a sex each, in batches of `split`.
    pub(in crate::measure) fn people(ids: &[Option<i64>], split: usize) -> Vec<RecordBatch> {
        ids.chunks(split.max(1))
            .map(|chunk| {
                let sex: Vec<Option<String>> =
                    chunk.iter().map(|id| id.map(|i| format!("s{i}"))).collect();
                RecordBatch::try_from_iter([
                    (
                        "person_id",
                        Arc::new(Int64Array::from(chunk.to_vec())) as ArrayRef,
                    ),
                    ("sex", Arc::new(StringArray::from(sex)) as ArrayRef),
                ])
                .unwrap()
            })
            .collect()
    }

    proptest! {
        // A lookup gives each row what a search of the looked-up table
        // gives: the one row with its key, or nothing (no key, no match);
        // a key on several rows is an error exactly when a row uses it.
        #[test]
        fn a_lookup_is_a_search_for_the_one_matching_row(
            table in prop::collection::vec(prop::option::weighted(0.9, 0i64..30), 0..40),
            keys in prop::collection::vec(prop::option::weighted(0.9, 0i64..40), 1..60),
            split in 1usize..10,
            // Ids 1, 2, 3 take the dense index, ids 37 apart the ranked
            // one, ids a million apart the hash.
            spread in prop_oneof![Just(1i64), Just(37), Just(1_000_003)],
        ) {
            let table: Vec<Option<i64>> = table.iter().map(|t| t.map(|k| k * spread)).collect();
            let keys: Vec<Option<i64>> = keys.iter().map(|t| t.map(|k| k * spread)).collect();
            let batches = people(&table, split);
            let index = Index::build(&batches, "person_id", &["sex".to_string()]).unwrap();
            let key_array: ArrayRef = Arc::new(Int64Array::from(keys.clone()));
            let got = matched_rows("cla_episodes", &lookup(), &index, &key_array);
            let matches = |k: i64| table.iter().filter(|t| **t == Some(k)).count();
            let repeated = keys.iter().flatten().any(|&k| matches(k) > 1);
            match got {
                Err(e) => prop_assert!(repeated, "{}", e.0.message),
                Ok(rows) => {
                    prop_assert!(!repeated);
                    let sex = arrow_select::take::take(&index.columns["sex"], &rows, None).unwrap();
                    for (i, key) in keys.iter().enumerate() {
                        let expected = key.filter(|&k| matches(k) == 1).map(|k| format!("s{k}"));
                        prop_assert_eq!(str_at(sex.as_ref(), i).map(str::to_string), expected);
                    }
                }
            }
        }
    }
}
