//! Each entity's rows in order, for `previous(column)`: over the whole
//! source (an entity's rows may be in any batch), rows are sorted by
//! entity, then by the order date (an empty date first), then by their
//! place in the source, and each row's previous row is the one before it
//! of the same entity. A row with no entity id has no previous row. Each
//! batch is then given `previous__column` by taking from the whole column.
//!
//! What is kept is a row number a row and the columns previous values come
//! from. The sort is done in passes, each over the rows of a share of the
//! entities (entity number modulo the passes), so a source of any size is
//! sorted a few million rows at a time; a source read from a file is read
//! again for each pass (only the entity and order columns), never whole.

use super::measure_error::MeasureError;
use super::tables::whole_column;
use crate::expr::column_type::str_at;
use crate::expr::history::previous_column;
use crate::model::measure::{BaseMeasure, History};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One history over a source's batches: each row's previous row (global
/// row numbers) and the whole columns previous values are taken from.
pub(crate) struct Previous {
    history: History,
    rows: UInt32Array,
    columns: BTreeMap<String, ArrayRef>,
}

/// The histories the measures of one source need, built once per scan.
#[derive(Default)]
pub(crate) struct Histories {
    built: Vec<Previous>,
}

/// The rows of a source, as often as a history needs them: batches in
/// memory, or a source read again each time.
pub(crate) enum Rows<'a> {
    Batches(&'a [RecordBatch]),
    Source(&'a crate::source::Source),
}

impl Rows<'_> {
    /// Hands each batch (with at least `columns`) to `f`, in order.
    fn each(
        &self,
        columns: &[String],
        f: &mut dyn FnMut(&RecordBatch) -> Result<(), MeasureError>,
    ) -> Result<(), MeasureError> {
        match self {
            Rows::Batches(batches) => batches.iter().try_for_each(f),
            Rows::Source(source) => {
                let mut failed = None;
                crate::source::for_each_batch(source, columns, &mut |b| {
                    if failed.is_none() {
                        failed = f(&b).err();
                    }
                    Ok(())
                })
                .map_err(MeasureError::from)?;
                failed.map_or(Ok(()), Err)
            }
        }
    }
}

/// Rows sorted a pass at a time: at most about this many in one sort.
const PASS_ROWS: usize = 1 << 21;

impl Histories {
    pub(crate) fn build(
        batches: &[RecordBatch],
        measures: &[&BaseMeasure],
    ) -> Result<Histories, MeasureError> {
        Histories::from_rows(&Rows::Batches(batches), measures)
    }

    pub(crate) fn from_rows(
        rows: &Rows,
        measures: &[&BaseMeasure],
    ) -> Result<Histories, MeasureError> {
        let mut wanted: Vec<(History, Vec<String>)> = Vec::new();
        for base in measures {
            let (Some(h), columns) = (&base.history, base.previous_columns()) else {
                continue;
            };
            if columns.is_empty() {
                continue;
            }
            match wanted.iter_mut().find(|(w, _)| w == h) {
                Some((_, cols)) => cols.extend(columns),
                None => wanted.push((h.clone(), columns)),
            }
        }
        let built = wanted
            .into_iter()
            .map(|(history, mut columns)| {
                columns.sort();
                columns.dedup();
                Previous::build(rows, history, &columns, PASS_ROWS)
            })
            .collect::<Result<_, _>>()?;
        Ok(Histories { built })
    }

    /// `batch` (starting at row `first_row` of the source) with the
    /// previous values `base` reads added.
    pub(crate) fn add_to(
        &self,
        base: &BaseMeasure,
        batch: &RecordBatch,
        first_row: usize,
    ) -> Result<RecordBatch, MeasureError> {
        let Some(h) = &base.history else {
            return Ok(batch.clone());
        };
        let columns = base.previous_columns();
        let Some(previous) = self.built.iter().find(|p| &p.history == h) else {
            return Ok(batch.clone());
        };
        let rows = previous.rows.slice(first_row, batch.num_rows());
        let mut fields: Vec<Arc<Field>> = batch.schema().fields().iter().cloned().collect();
        let mut arrays: Vec<ArrayRef> = batch.columns().to_vec();
        for c in columns {
            let name = previous_column(&c);
            if fields.iter().any(|f| f.name() == &name) {
                continue;
            }
            let taken = arrow_select::take::take(&previous.columns[&c], &rows, None)
                .map_err(MeasureError::from)?;
            fields.push(Arc::new(Field::new(name, taken.data_type().clone(), true)));
            arrays.push(taken);
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(MeasureError::from)
    }
}

/// The rows' order by entity, then date (empty first), then place.
/// Entity, date and place are packed into one integer (an integer sort is
/// several times faster than a tuple's): 64 bits where the entities', the
/// dates' and the rows' spans fit (a few million rows of realistic ids),
/// else 128 bits for entity and date beside the place.
fn order_rows(keys: &[i64], date: &dyn Fn(usize) -> Option<i32>) -> Vec<u32> {
    let n = keys.len();
    let (lo, hi) = keys
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    if n == 0 {
        return Vec::new();
    }
    let (first, last) = (0..n)
        .filter_map(date)
        .fold((i32::MAX, i32::MIN), |(a, b), d| (a.min(d), b.max(d)));
    // A date's code: 0 when empty, else from 1.
    let code = |i: usize| date(i).map_or(0, |d| (i64::from(d) - i64::from(first) + 1) as u128);
    let bits = |top: u128| 128 - top.leading_zeros();
    let key_bits = bits((i128::from(hi) - i128::from(lo)) as u128);
    let date_bits = bits((i64::from(last) - i64::from(first) + 1).max(0) as u128);
    let place_bits = bits(n as u128 - 1);
    let key = |i: usize| (i128::from(keys[i]) - i128::from(lo)) as u128;
    if key_bits + date_bits + place_bits <= 64 {
        let mut packed: Vec<u64> = (0..n)
            .map(|i| {
                (key(i) << (date_bits + place_bits) | code(i) << place_bits | i as u128) as u64
            })
            .collect();
        packed.sort_unstable();
        let place = (1u64 << place_bits) - 1;
        return packed.into_iter().map(|p| (p & place) as u32).collect();
    }
    let mut packed: Vec<(u128, u32)> = (0..n).map(|i| (key(i) << 33 | code(i), i as u32)).collect();
    packed.sort_unstable();
    packed.into_iter().map(|p| p.1).collect()
}

/// An entity's number: an integer as it is, a text numbered as first met.
fn entity_at(entity: &ArrayRef, i: usize, texts: &mut HashMap<String, i64>) -> Option<i64> {
    if entity.is_null(i) {
        return None;
    }
    Some(match entity.data_type() {
        DataType::Int64 => entity.as_primitive::<Int64Type>().value(i),
        _ => {
            let text = str_at(entity.as_ref(), i).unwrap_or_default();
            if let Some(&n) = texts.get(text) {
                return Some(n);
            }
            let n = texts.len() as i64;
            texts.insert(text.to_string(), n);
            n
        }
    })
}

impl Previous {
    fn build(
        rows: &Rows,
        history: History,
        columns: &[String],
        pass_rows: usize,
    ) -> Result<Previous, MeasureError> {
        // First the columns previous values come from, whole, and the
        // number of rows and of entities; while the rows fit in one pass,
        // their entities and order dates too, so a small source is read
        // once, not again for its pass.
        let mut first: Vec<String> = columns.to_vec();
        first.push(history.entity.clone());
        first.push(history.order.clone());
        first.sort();
        first.dedup();
        let mut kept: Vec<RecordBatch> = Vec::new();
        let mut n = 0usize;
        let mut texts: HashMap<String, i64> = HashMap::new();
        let mut spread = (i64::MAX, i64::MIN);
        let mut one_pass = Some(PassRows::default());
        rows.each(&first, &mut |b| {
            let entity = b
                .column_by_name(&history.entity)
                .ok_or_else(|| MeasureError::NotRead(history.entity.clone()))?;
            let mut keys = Vec::with_capacity(b.num_rows());
            for i in 0..b.num_rows() {
                let k = entity_at(entity, i, &mut texts);
                if let Some(k) = k {
                    spread = (spread.0.min(k), spread.1.max(k));
                }
                keys.push(k);
            }
            if n + b.num_rows() > pass_rows {
                one_pass = None;
            }
            if let Some(pass) = &mut one_pass {
                pass.add(b, &history, &keys, n as u32)?;
            }
            n += b.num_rows();
            kept.push(
                b.project(&column_positions(b, columns)?)
                    .map_err(MeasureError::from)?,
            );
            Ok(())
        })?;
        if u32::try_from(n).is_err() {
            return Err(MeasureError::TooLarge(format!(
                "an entity's history is read over the whole source, which has {n} rows, more than 4,294,967,295"
            )));
        }
        let mut brought = BTreeMap::new();
        for c in columns {
            brought.insert(c.clone(), whole_column(&kept, c)?);
        }
        drop(kept);
        let passes = n.div_ceil(pass_rows).max(1) as i64;
        let mut previous: Vec<Option<u32>> = vec![None; n];
        let pair = [history.entity.clone(), history.order.clone()];
        for pass in 0..passes {
            let rows_of_pass = match one_pass.take() {
                Some(all) => all,
                None => {
                    // This pass's rows: (entity, order date, row in the source).
                    let mut these = PassRows::default();
                    let mut row = 0u32;
                    rows.each(&pair, &mut |b| {
                        let entity = b
                            .column_by_name(&history.entity)
                            .ok_or_else(|| MeasureError::NotRead(history.entity.clone()))?;
                        let keys: Vec<Option<i64>> = (0..b.num_rows())
                            .map(|i| {
                                entity_at(entity, i, &mut texts).filter(|k| {
                                    (i128::from(*k) - i128::from(spread.0)) % i128::from(passes)
                                        == i128::from(pass)
                                })
                            })
                            .collect();
                        these.add(b, &history, &keys, row)?;
                        row += b.num_rows() as u32;
                        Ok(())
                    })?;
                    these
                }
            };
            let PassRows {
                keys,
                dates,
                places,
            } = rows_of_pass;
            let date = |i: usize| dates[i];
            let sorted = order_rows(&keys, &date);
            for w in sorted.windows(2) {
                if keys[w[0] as usize] == keys[w[1] as usize] {
                    previous[places[w[1] as usize] as usize] = Some(places[w[0] as usize]);
                }
            }
        }
        Ok(Previous {
            history,
            rows: UInt32Array::from(previous),
            columns: brought,
        })
    }
}

/// The rows of one pass: each one's entity, order date and row in the
/// source.
#[derive(Default)]
struct PassRows {
    keys: Vec<i64>,
    dates: Vec<Option<i32>>,
    places: Vec<u32>,
}

impl PassRows {
    /// Adds the rows of `b` (from source row `first`) whose key is given.
    fn add(
        &mut self,
        b: &RecordBatch,
        history: &History,
        keys: &[Option<i64>],
        first: u32,
    ) -> Result<(), MeasureError> {
        let order = b
            .column_by_name(&history.order)
            .ok_or_else(|| MeasureError::NotRead(history.order.clone()))?;
        let order = order.as_primitive_opt::<Date32Type>();
        for (i, k) in keys.iter().enumerate() {
            if let Some(k) = k {
                self.keys.push(*k);
                self.dates
                    .push(order.and_then(|d| (!d.is_null(i)).then(|| d.value(i))));
                self.places.push(first + i as u32);
            }
        }
        Ok(())
    }
}

/// The positions of `columns` in a batch.
fn column_positions(b: &RecordBatch, columns: &[String]) -> Result<Vec<usize>, MeasureError> {
    columns
        .iter()
        .map(|c| {
            b.schema()
                .index_of(c)
                .map_err(|_| MeasureError::NotRead(c.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Date32Array, Int64Array, StringArray};
    use proptest::prelude::*;

    fn by_tuple(keys: &[Option<i64>], dates: &[Option<i32>]) -> Vec<u32> {
        let mut rows: Vec<u32> = (0..keys.len() as u32)
            .filter(|&i| keys[i as usize].is_some())
            .collect();
        rows.sort_by_key(|&i| (keys[i as usize], dates[i as usize], i));
        rows
    }

    fn previous_rows(batches: &[RecordBatch], pass_rows: usize) -> Vec<Option<u32>> {
        let history = History {
            entity: "child".into(),
            order: "day".into(),
        };
        let built = Previous::build(
            &Rows::Batches(batches),
            history,
            &["day".to_string()],
            pass_rows,
        )
        .unwrap();
        built.rows.iter().collect()
    }

    proptest! {
        /// Sorted in passes over a share of the entities each (a few rows a
        /// pass here), every row's previous row is the one a single sort
        /// finds; for integer and text entities alike.
        #[test]
        fn histories_built_in_passes_agree_with_one_sort(
            rows in proptest::collection::vec(
                (proptest::option::weighted(0.9, 0i64..8), proptest::option::weighted(0.8, 0i32..6)),
                0..50,
            ),
            split in 1usize..7,
            pass_rows in 1usize..9,
            text in proptest::bool::ANY,
        ) {
            let batches: Vec<RecordBatch> = rows
                .chunks(split)
                .map(|chunk| {
                    let days: ArrayRef = Arc::new(Date32Array::from(
                        chunk.iter().map(|r| r.1).collect::<Vec<_>>(),
                    ));
                    let children: ArrayRef = if text {
                        Arc::new(StringArray::from(
                            chunk.iter().map(|r| r.0.map(|c| format!("c{c}"))).collect::<Vec<_>>(),
                        ))
                    } else {
                        Arc::new(Int64Array::from(chunk.iter().map(|r| r.0).collect::<Vec<_>>()))
                    };
                    RecordBatch::try_from_iter([("child", children), ("day", days)]).unwrap()
                })
                .collect();
            prop_assert_eq!(previous_rows(&batches, pass_rows), previous_rows(&batches, PASS_ROWS));
            // And the one sort is the plain order: by child, day, place.
            let keys: Vec<Option<i64>> = rows.iter().map(|r| r.0).collect();
            let dates: Vec<Option<i32>> = rows.iter().map(|r| r.1).collect();
            let mut expected = vec![None; rows.len()];
            let order = by_tuple(&keys, &dates);
            for w in order.windows(2) {
                if keys[w[0] as usize] == keys[w[1] as usize] {
                    expected[w[1] as usize] = Some(w[0]);
                }
            }
            prop_assert_eq!(previous_rows(&batches, pass_rows), expected);
        }

        /// Packed into 64 bits (entities close together) or 128 (ids far
        /// apart, as when each of many sources numbers its own), the order
        /// is the plain (entity, date, place) order.
        #[test]
        fn packed_orders_agree_with_the_plain_order(
            rows in proptest::collection::vec(
                (0i64..6, proptest::option::of(-5i32..5)),
                0..40,
            ),
            spread in prop_oneof![Just(1i64), Just(1_000_000_007i64), Just(i64::MAX / 8)],
        ) {
            let keys: Vec<i64> = rows.iter().map(|r| (r.0 - 3) * spread).collect();
            let dates: Vec<Option<i32>> = rows.iter().map(|r| r.1).collect();
            let date = |i: usize| dates[i];
            let some: Vec<Option<i64>> = keys.iter().copied().map(Some).collect();
            prop_assert_eq!(order_rows(&keys, &date), by_tuple(&some, &dates));
        }
    }
}
