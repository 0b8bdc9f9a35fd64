//! Each entity's rows in order, for `previous(column)`: over the whole
//! source (an entity's rows may be in any batch), rows are sorted by
//! entity, then by the order date (an empty date first), then by their
//! place in the source, and each row's previous row is the one before it
//! of the same entity. A row with no entity id has no previous row. Each
//! batch is then given `previous__column` by taking from the whole column.

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
pub struct Previous {
    history: History,
    rows: UInt32Array,
    columns: BTreeMap<String, ArrayRef>,
}

/// The histories the measures of one source need, built once per scan.
#[derive(Default)]
pub struct Histories {
    built: Vec<Previous>,
}

impl Histories {
    pub fn build(batches: &[RecordBatch], measures: &[&BaseMeasure]) -> Result<Histories, String> {
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
                Previous::build(batches, history, &columns)
            })
            .collect::<Result<_, _>>()?;
        Ok(Histories { built })
    }

    /// `batch` (starting at row `first_row` of the source) with the
    /// previous values `base` reads added.
    pub fn add_to(
        &self,
        base: &BaseMeasure,
        batch: &RecordBatch,
        first_row: usize,
    ) -> Result<RecordBatch, String> {
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
                .map_err(|e| e.to_string())?;
            fields.push(Arc::new(Field::new(name, taken.data_type().clone(), true)));
            arrays.push(taken);
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
    }
}

/// The rows with an entity, by entity, then date (empty first), then
/// place. Entity and date are packed into one integer where they fit (an
/// integer sort is several times faster than a tuple's); the place keeps
/// equal keys in file order.
fn order_rows(keys: &[Option<i64>], date: &dyn Fn(usize) -> Option<i32>, n: usize) -> Vec<u32> {
    let (lo, hi) = keys
        .iter()
        .flatten()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    let fits = lo <= hi && (i128::from(hi) - i128::from(lo)) < (1i128 << 31);
    if fits {
        let mut packed: Vec<(u64, u32)> = (0..n)
            .filter_map(|i| {
                let k = keys[i]?;
                // Dates move up by 2^31 so an empty date (0) sorts first.
                let d = date(i).map_or(0, |d| i64::from(d) + (1 << 31)) as u64;
                Some((((k - lo) as u64) << 32 | d, i as u32))
            })
            .collect();
        packed.sort_unstable();
        return packed.into_iter().map(|p| p.1).collect();
    }
    let mut sorted: Vec<u32> = (0..n as u32)
        .filter(|&i| keys[i as usize].is_some())
        .collect();
    sorted.sort_unstable_by_key(|&i| (keys[i as usize], date(i as usize), i));
    sorted
}

impl Previous {
    fn build(
        batches: &[RecordBatch],
        history: History,
        columns: &[String],
    ) -> Result<Previous, String> {
        let whole = |name: &str| whole_column(batches, name);
        let entity = whole(&history.entity)?;
        let order = whole(&history.order)?;
        let n = entity.len();
        if u32::try_from(n).is_err() {
            return Err(format!(
                "an entity's history is read over the whole source, which has {n} rows, more than 4,294,967,295"
            ));
        }
        // Entities as numbers: integers as they are, texts numbered as met.
        let mut texts: HashMap<&str, i64> = HashMap::new();
        let keys: Vec<Option<i64>> = (0..n)
            .map(|i| {
                if entity.is_null(i) {
                    return None;
                }
                Some(match entity.data_type() {
                    DataType::Int64 => entity.as_primitive::<Int64Type>().value(i),
                    _ => {
                        let next = texts.len() as i64;
                        *texts
                            .entry(str_at(entity.as_ref(), i).unwrap_or_default())
                            .or_insert(next)
                    }
                })
            })
            .collect();
        let dates = order.as_primitive_opt::<Date32Type>();
        let date = |i: usize| dates.and_then(|d| (!d.is_null(i)).then(|| d.value(i)));
        let sorted = order_rows(&keys, &date, n);
        let mut previous: Vec<Option<u32>> = vec![None; n];
        for pair in sorted.windows(2) {
            if keys[pair[0] as usize] == keys[pair[1] as usize] {
                previous[pair[1] as usize] = Some(pair[0]);
            }
        }
        let mut brought = BTreeMap::new();
        for c in columns {
            brought.insert(c.clone(), whole(c)?);
        }
        Ok(Previous {
            history,
            rows: UInt32Array::from(previous),
            columns: brought,
        })
    }
}
