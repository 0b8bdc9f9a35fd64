//! Judging one expectation batch by batch: a source streamed through a run
//! is checked as it passes, without being held whole. Row checks (values
//! present, allowed, dates in range), row counts and freshness need only
//! the batch in hand; a unique key over one integer column keeps the keys
//! seen as a bitmap (ids numbered closely) or a set, and finds the first
//! rows of any repeated keys by reading that column again. A unique key
//! over several columns or text is judged over the whole table (`whole`).

use super::expect::SHOWN_ROWS;
use super::expect::{shown, text_at, value_at, Check, Expectation, Failing, Finding, Until};
use crate::calendar::period::{date_from_days, days_from_date, Month};
use crate::diagnostic::Diagnostic;
use crate::expr::column_type::{str_at, ColumnType};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use std::collections::{HashMap, HashSet};

/// One expectation being judged.
pub(super) struct Judge<'e> {
    e: &'e Expectation,
    month_end: i32,
    /// The last day a `dates` expectation allows.
    to: Option<i32>,
    /// Judged as a source streams: only the failing rows a message shows
    /// are kept, and a unique key keeps its ids (`ids`). Over a whole
    /// table (`rubric expect`), every failing row is kept.
    streamed: bool,
    rows: u64,
    failing: Failing,
    count: u64,
    latest: Option<i32>,
    ids: Option<Ids>,
}

impl<'e> Judge<'e> {
    pub(super) fn new(
        e: &'e Expectation,
        reporting: Month,
        extracted: Option<i32>,
        streamed: bool,
    ) -> Judge<'e> {
        let month_end = days_from_date(reporting.last_day());
        let to = match &e.check {
            Check::Dates { to, .. } => to.map(|t| match t {
                Until::Day(d) => d,
                Until::ReportingMonth => month_end,
                // Checked when the project is compiled: `extracted` is set.
                Until::Extracted => extracted.unwrap_or(month_end),
            }),
            _ => None,
        };
        Judge {
            e,
            month_end,
            to,
            streamed,
            rows: 0,
            failing: Vec::new(),
            count: 0,
            latest: None,
            ids: (streamed && matches!(e.check, Check::Unique(_))).then(Ids::default),
        }
    }

    fn fail(&mut self, row: u64, what: impl FnOnce() -> String) {
        self.count += 1;
        if !self.streamed || self.failing.len() < SHOWN_ROWS {
            self.failing.push((row, what()));
        }
    }

    pub(super) fn feed(&mut self, b: &RecordBatch) {
        let first = self.rows;
        self.rows += b.num_rows() as u64;
        match &self.e.check {
            Check::Rows { .. } => {}
            Check::Fresh { column, .. } => {
                let latest = b
                    .column_by_name(column)
                    .and_then(|c| arrow_arith::aggregate::max(c.as_primitive::<Date32Type>()));
                self.latest = self.latest.max(latest);
            }
            Check::Unique(columns) => {
                let Some(ids) = self.ids.as_mut() else { return };
                let Some(a) = b.column_by_name(&columns[0]) else {
                    return;
                };
                let a = a.as_primitive::<Int64Type>();
                match a.nulls() {
                    None => ids.add_all(first + 1, a.values()),
                    Some(n) => {
                        for r in n.valid_indices() {
                            ids.add(first + r as u64 + 1, a.value(r));
                        }
                    }
                }
            }
            Check::NotNull(columns) => {
                let arrays: Vec<(&String, &dyn Array)> = columns
                    .iter()
                    .filter_map(|c| b.column_by_name(c).map(|a| (c, a.as_ref())))
                    .collect();
                // Only the rows some column has no value in: none, mostly.
                let nulls = arrays
                    .iter()
                    .filter_map(|(_, a)| a.logical_nulls())
                    .map(|n| n.inner().clone())
                    .reduce(|a, b| &a & &b);
                let Some(present) = nulls else { return };
                let absent = !&present;
                for r in absent.set_indices() {
                    if arrays.iter().any(|(_, a)| a.is_null(r)) {
                        let missing: Vec<&str> = arrays
                            .iter()
                            .filter(|(_, a)| a.is_null(r))
                            .map(|(c, _)| c.as_str())
                            .collect();
                        self.fail(first + r as u64 + 1, || {
                            format!("no {}", missing.join(", "))
                        });
                    }
                }
            }
            Check::Allowed { column, values } => {
                let Some(a) = b.column_by_name(column) else {
                    return;
                };
                let text = matches!(a.data_type(), DataType::Utf8 | DataType::Dictionary(_, _));
                // A dictionary's values are judged once: all allowed, no row fails.
                if let Some(dict) = a.as_any_dictionary_opt() {
                    let dict_values = dict.values();
                    let allowed = (0..dict_values.len()).all(|i| {
                        dict_values.is_null(i)
                            || str_at(dict_values.as_ref(), i).is_some_and(|v| values.contains(v))
                    });
                    if allowed {
                        return;
                    }
                }
                for r in 0..b.num_rows() {
                    // Text is compared where it lies; only other kinds are written out.
                    let allowed = match (text, a.is_null(r)) {
                        (_, true) => true,
                        (true, false) => str_at(a.as_ref(), r).is_some_and(|v| values.contains(v)),
                        (false, false) => {
                            text_at(a.as_ref(), r).is_some_and(|v| values.contains(&v))
                        }
                    };
                    if allowed {
                        continue;
                    }
                    if let Some(v) = text_at(a.as_ref(), r) {
                        self.fail(first + r as u64 + 1, || {
                            format!("{column} = {}", crate::text::visible(&v, false))
                        });
                    }
                }
            }
            Check::Dates { column, from, .. } => {
                let Some(a) = b.column_by_name(column) else {
                    return;
                };
                let (from, to) = (*from, self.to);
                let a = a.as_primitive::<Date32Type>();
                // Rows are looked at one by one only when some are out of range.
                let low = arrow_arith::aggregate::min(a);
                let high = arrow_arith::aggregate::max(a);
                let inside = |d: Option<i32>| {
                    d.is_none_or(|d| !(from.is_some_and(|f| d < f) || to.is_some_and(|t| d > t)))
                };
                if inside(low) && inside(high) {
                    return;
                }
                for r in 0..b.num_rows() {
                    if a.is_null(r) {
                        continue;
                    }
                    let d = a.value(r);
                    if from.is_some_and(|f| d < f) || to.is_some_and(|t| d > t) {
                        self.fail(first + r as u64 + 1, || {
                            format!("{column} = {}", date_from_days(d))
                        });
                    }
                }
            }
        }
    }

    /// The failing rows and, when it fails, the message. A unique key is
    /// judged over `whole` when given; streamed, the first rows of its
    /// repeated keys are found by `first_rows`.
    pub(super) fn finish(
        mut self,
        whole: Option<&[RecordBatch]>,
        first_rows: FirstRows,
    ) -> Result<(Failing, Option<String>, u64), Diagnostic> {
        let total = self.rows;
        match &self.e.check {
            Check::Rows { min, max } => {
                let wrong = min.is_some_and(|m| total < m) || max.is_some_and(|m| total > m);
                return Ok((
                    Vec::new(),
                    wrong.then(|| format!("it has {total} rows; expected {}", self.e.describe())),
                    1,
                ));
            }
            Check::Fresh {
                column,
                within_days,
            } => {
                let oldest_allowed = self.month_end
                    - i32::try_from(*within_days)
                        .unwrap_or(i32::MAX)
                        .min(self.month_end.saturating_add(1_000_000));
                let message = match self.latest {
                    None => Some(format!("`{column}` holds no date, so the data cannot be shown to be fresh")),
                    Some(d) if d < oldest_allowed => Some(format!(
                        "the latest `{column}` is {}, {} days before the reporting month's end ({}); expected within {within_days} days",
                        date_from_days(d),
                        self.month_end - d,
                        date_from_days(self.month_end)
                    )),
                    Some(_) => None,
                };
                return Ok((Vec::new(), message, 1));
            }
            Check::Unique(columns) => match (whole, self.ids.take()) {
                (Some(batches), _) => {
                    for (r, first) in super::unique::repeats(batches, columns) {
                        let parts: Vec<String> = columns
                            .iter()
                            .map(|c| value_at(batches, c, r).unwrap_or_default())
                            .collect();
                        self.fail(r, || format!("{} (as row {first})", shown(columns, &parts)));
                    }
                }
                (None, Some(ids)) if !ids.repeated.is_empty() => {
                    let values: HashSet<i64> = ids.repeated.iter().map(|r| r.1).collect();
                    let firsts = first_rows(&values)?;
                    for (r, v) in ids.repeated {
                        let first = firsts.get(&v).copied().unwrap_or(r);
                        self.fail(r, || {
                            format!("{} (as row {first})", shown(columns, &[v.to_string()]))
                        });
                    }
                }
                _ => {}
            },
            Check::NotNull(_) | Check::Allowed { .. } | Check::Dates { .. } => {}
        }
        if self.count == 0 {
            return Ok((self.failing, None, 0));
        }
        let examples: Vec<String> = self
            .failing
            .iter()
            .take(SHOWN_ROWS)
            .map(|(r, what)| format!("row {r}: {what}"))
            .collect();
        let more = if self.count > SHOWN_ROWS as u64 {
            "; ..."
        } else {
            ""
        };
        let message = format!(
            "{} of {total} rows fail the expectation {}: {}{more}",
            self.count,
            self.e.describe(),
            examples.join("; ")
        );
        Ok((self.failing, Some(message), self.count))
    }
}

/// Finds the first row (from 1) holding each of some repeated keys.
type FirstRows<'a> = &'a mut dyn FnMut(&HashSet<i64>) -> Result<HashMap<i64, u64>, Diagnostic>;

/// A source's expectations judged as its batches stream past.
pub struct Streamed<'s> {
    source: &'s super::Source,
    judges: Vec<Judge<'s>>,
}

impl<'s> Streamed<'s> {
    /// `None` when an expectation needs the whole table: a unique key over
    /// several columns, or over a column that is not of integers.
    pub fn new(
        source: &'s super::Source,
        reporting: Month,
        extracted: Option<i32>,
    ) -> Option<Streamed<'s>> {
        let streams = |e: &Expectation| match &e.check {
            Check::Unique(columns) => {
                matches!(columns.as_slice(), [only] if source.columns.get(only) == Some(&Some(ColumnType::Int)))
            }
            _ => true,
        };
        source.expectations.iter().all(streams).then(|| Streamed {
            source,
            judges: source
                .expectations
                .iter()
                .map(|e| Judge::new(e, reporting, extracted, true))
                .collect(),
        })
    }

    pub fn feed(&mut self, b: &RecordBatch) {
        for j in &mut self.judges {
            j.feed(b);
        }
    }

    /// The warnings, or the first failing `error` placed where it is
    /// declared (as `check_source` gives them).
    pub fn finish(self) -> Result<Vec<Finding>, Diagnostic> {
        let source = self.source;
        let found = findings(&source.name, self.judges, &mut |column, values| {
            first_rows_of(source, column, values)
        })?;
        super::expect::stop_or_warn(source, found.into_iter())
    }
}

/// Reads a column again for the first rows of some repeated keys.
type Reread<'a> = &'a mut dyn FnMut(&str, &HashSet<i64>) -> Result<HashMap<i64, u64>, Diagnostic>;

/// What each judge found, in the expectations' order.
fn findings(source: &str, judges: Vec<Judge>, reread: Reread) -> Result<Vec<Finding>, Diagnostic> {
    let mut found = Vec::new();
    for (i, judge) in judges.into_iter().enumerate() {
        let e = judge.e;
        let column = match &e.check {
            Check::Unique(columns) => columns[0].clone(),
            _ => String::new(),
        };
        let mut first_rows = |values: &HashSet<i64>| reread(&column, values);
        let (_, message, count) = judge.finish(None, &mut first_rows)?;
        if let Some(message) = message {
            found.push(Finding {
                source: source.to_string(),
                expectation: i,
                severity: e.severity,
                failing: count.max(1),
                message,
            });
        }
    }
    Ok(found)
}

/// The first row (from 1) holding each of `values` in `column`, read again.
fn first_rows_of(
    source: &super::Source,
    column: &str,
    values: &HashSet<i64>,
) -> Result<HashMap<i64, u64>, Diagnostic> {
    let mut first = HashMap::new();
    let mut row = 0u64;
    super::for_each_batch(source, &[column.to_string()], &mut |b| {
        let a = b.column_by_name(column).expect("the column is read");
        for v in a.as_primitive::<Int64Type>().iter() {
            row += 1;
            if let Some(v) = v.filter(|v| values.contains(v)) {
                first.entry(v).or_insert(row);
            }
        }
        Ok(())
    })?;
    Ok(first)
}

/// Integer keys seen, for a unique key streamed: a bitmap in pages of
/// 65,536 keys while ids are close together (a bit a key), a set once
/// they are sparse (a page would hold only a few).
#[derive(Default)]
struct Ids {
    pages: HashMap<i64, Box<[u64]>>,
    /// The page last written and its words, taken out of `pages`: ids in
    /// file order mostly follow one another.
    last: Option<(i64, Box<[u64]>)>,
    set: Option<HashSet<i64>>,
    seen: u64,
    /// (row, key) of each row repeating an earlier key, in row order.
    repeated: Vec<(u64, i64)>,
}

const PAGE_KEYS: i64 = 1 << 16;

impl Ids {
    fn add(&mut self, row: u64, v: i64) {
        self.seen += 1;
        if let Some(set) = &mut self.set {
            if !set.insert(v) {
                self.repeated.push((row, v));
            }
            return;
        }
        let (page, at) = (v.div_euclid(PAGE_KEYS), v.rem_euclid(PAGE_KEYS) as usize);
        let mut fresh = false;
        if self.last.as_ref().is_none_or(|l| l.0 != page) {
            if let Some((p, words)) = self.last.take() {
                self.pages.insert(p, words);
            }
            let words = self.pages.remove(&page).unwrap_or_else(|| {
                fresh = true;
                vec![0u64; (PAGE_KEYS / 64) as usize].into_boxed_slice()
            });
            self.last = Some((page, words));
        }
        let words = &mut self.last.as_mut().expect("set above").1;
        if mark(words, at) {
            self.repeated.push((row, v));
        }
        // A page (8 KB) is worth it while it holds a few hundred keys.
        let pages = self.pages.len() as u64 + 1;
        if fresh && pages >= 16 && self.seen / pages < 256 {
            self.switch_to_set();
        }
    }

    /// Adds `values`, the first on row `first`: ids on the page of the
    /// one before (ids mostly follow one another) are a bit test each.
    fn add_all(&mut self, first: u64, values: &[i64]) {
        let mut i = 0;
        while i < values.len() {
            self.add(first + i as u64, values[i]);
            i += 1;
            let Some((page, words)) = &mut self.last else {
                continue;
            };
            while let Some(&v) = values.get(i).filter(|v| v.div_euclid(PAGE_KEYS) == *page) {
                if mark(words, v.rem_euclid(PAGE_KEYS) as usize) {
                    self.repeated.push((first + i as u64, v));
                }
                self.seen += 1;
                i += 1;
            }
        }
    }

    fn switch_to_set(&mut self) {
        let mut set = HashSet::new();
        let last = self.last.take();
        for (page, words) in self.pages.drain().chain(last) {
            for (w, word) in words.iter().enumerate() {
                for b in 0..64 {
                    if word & (1 << b) != 0 {
                        set.insert(page * PAGE_KEYS + (w * 64 + b) as i64);
                    }
                }
            }
        }
        self.set = Some(set);
    }
}

/// Sets the bit of key `at` of a page; whether it was set already.
fn mark(words: &mut [u64], at: usize) -> bool {
    let bit = 1u64 << (at % 64);
    let seen = words[at / 64] & bit != 0;
    words[at / 64] |= bit;
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Place;
    use crate::source::check::evaluate;
    use crate::source::expect::Severity;
    use arrow_array::{ArrayRef, Date32Array, Int64Array};
    use proptest::prelude::*;
    use std::sync::Arc;

    fn expectations() -> Vec<Expectation> {
        let e = |check| Expectation {
            check,
            severity: Severity::Warn,
            file: "sources.yaml".into(),
            place: Place::WHOLE_FILE,
        };
        vec![
            e(Check::Unique(vec!["id".into()])),
            e(Check::NotNull(vec!["id".into(), "day".into()])),
            e(Check::Dates {
                column: "day".into(),
                from: Some(10),
                to: Some(Until::Day(40)),
            }),
            e(Check::Rows {
                min: Some(3),
                max: Some(30),
            }),
            e(Check::Fresh {
                column: "day".into(),
                within_days: 20,
            }),
        ]
    }

    /// Dates within range and a dictionary of allowed values skip the
    /// row-by-row look; a batch with a failing row still names each one.
    #[test]
    fn whole_batch_checks_still_name_every_failing_row() {
        let e = |check| Expectation {
            check,
            severity: Severity::Warn,
            file: "sources.yaml".into(),
            place: Place::WHOLE_FILE,
        };
        let expectations = vec![
            e(Check::Dates {
                column: "day".into(),
                from: Some(10),
                to: Some(Until::Day(40)),
            }),
            e(Check::Allowed {
                column: "team".into(),
                values: ["North".to_string(), "South".to_string()].into(),
            }),
        ];
        let batch = |days: Vec<Option<i32>>, keys: Vec<Option<i32>>| {
            // "East" is in the dictionary whether or not a row holds it.
            let teams = arrow_array::DictionaryArray::<arrow_array::types::Int32Type>::new(
                arrow_array::Int32Array::from(keys),
                Arc::new(arrow_array::StringArray::from(vec![
                    "North", "South", "East",
                ])),
            );
            RecordBatch::try_from_iter([
                ("day", Arc::new(Date32Array::from(days)) as ArrayRef),
                ("team", Arc::new(teams) as ArrayRef),
            ])
            .unwrap()
        };
        let failing = |batches: &[RecordBatch]| -> Vec<Vec<u64>> {
            let found = evaluate("t", &expectations, batches, Month::new(1970, 2), None);
            let mut rows = vec![Vec::new(); expectations.len()];
            for (f, failing) in found {
                rows[f.expectation] = failing.iter().map(|r| r.0).collect();
            }
            rows
        };
        let clean = batch(vec![Some(10), None, Some(40)], vec![Some(0), Some(1), None]);
        assert_eq!(
            failing(std::slice::from_ref(&clean)),
            vec![Vec::<u64>::new(), Vec::new()]
        );
        let wrong = batch(
            vec![Some(9), Some(20), Some(41)],
            vec![Some(2), Some(0), Some(2)],
        );
        assert_eq!(failing(&[clean, wrong]), vec![vec![4, 6], vec![4, 6]]);
    }

    proptest! {
        /// Judged as batches stream past (repeats' first rows found by
        /// reading the column again), a source's expectations give the
        /// findings they give over the whole table.
        #[test]
        fn streamed_expectations_find_what_the_whole_table_shows(
            rows in proptest::collection::vec(
                (proptest::option::weighted(0.9, 0i64..25), proptest::option::weighted(0.9, 0i32..50)),
                0..60,
            ),
            split in 1usize..8,
        ) {
            let batches: Vec<RecordBatch> = rows
                .chunks(split)
                .map(|chunk| {
                    let ids: Vec<Option<i64>> = chunk.iter().map(|r| r.0).collect();
                    let days: Vec<Option<i32>> = chunk.iter().map(|r| r.1).collect();
                    RecordBatch::try_from_iter([
                        ("id", Arc::new(Int64Array::from(ids)) as ArrayRef),
                        ("day", Arc::new(Date32Array::from(days)) as ArrayRef),
                    ])
                    .unwrap()
                })
                .collect();
            let expectations = expectations();
            let reporting = Month::new(1970, 2);
            let whole: Vec<(usize, String, u64)> = evaluate("t", &expectations, &batches, reporting, None)
                .into_iter()
                .map(|(f, _)| (f.expectation, f.message, f.failing))
                .collect();
            let mut judges: Vec<Judge> = expectations
                .iter()
                .map(|e| Judge::new(e, reporting, None, true))
                .collect();
            for b in &batches {
                judges.iter_mut().for_each(|j| j.feed(b));
            }
            let mut reread = |column: &str, values: &HashSet<i64>| {
                let mut first = HashMap::new();
                let mut row = 0;
                for b in &batches {
                    for v in b.column_by_name(column).unwrap().as_primitive::<Int64Type>().iter() {
                        row += 1;
                        if let Some(v) = v.filter(|v| values.contains(v)) {
                            first.entry(v).or_insert(row);
                        }
                    }
                }
                Ok(first)
            };
            let streamed: Vec<(usize, String, u64)> = findings("t", judges, &mut reread)
                .unwrap()
                .into_iter()
                .map(|f| (f.expectation, f.message, f.failing))
                .collect();
            prop_assert_eq!(streamed, whole);
        }
    }

    proptest! {
        /// Close ids (bitmap), far apart ones (a set, switched to as they
        /// spread): the repeats are those a plain set finds, whether the
        /// ids are added one by one or a batch at a time.
        #[test]
        fn streamed_ids_find_the_repeats_a_set_finds(
            ids in proptest::collection::vec(0i64..3000, 0..400),
            spread in prop_oneof![Just(1i64), Just(70_001), Just(-1_000_000_007)],
            split in 1usize..50,
        ) {
            let mut streamed = Ids::default();
            let mut plain = HashSet::new();
            let mut expected = Vec::new();
            for (r, id) in ids.iter().enumerate() {
                let v = id * spread;
                streamed.add(r as u64 + 1, v);
                if !plain.insert(v) {
                    expected.push((r as u64 + 1, v));
                }
            }
            prop_assert_eq!(&streamed.repeated, &expected);
            // Added a batch at a time, as a column with no missing ids is.
            let mut batched = Ids::default();
            let values: Vec<i64> = ids.iter().map(|id| id * spread).collect();
            for (at, chunk) in values.chunks(split).enumerate() {
                batched.add_all((at * split) as u64 + 1, chunk);
            }
            prop_assert_eq!(batched.repeated, expected);
        }
    }
}
