//! A base measure's accumulation over one batch: each kept row (or, for a
//! filter reading the period, each kept row and period) is added to the
//! whole and its breakdown group: counts through difference arrays, sums
//! and distinct ids per period. Batches' partial results merge in order.

use super::breakdown::written_group;
use super::breakdown::{
    breakdown_error, check_reason, GroupProblem, MAX_BREAKDOWN_VALUES, MAX_SHOWN_CHARS,
};
use super::domain::Domain;
use super::having::entities_having;
use super::period_counts::{distinct_per_period, running_totals};
use super::period_filter::{held_pairs, CHUNK_PAIRS};
use super::result::{BaseResult, BreakdownValue, Cells, Group, KeptIds};
use super::row_periods::{flow_periods, group_at, kept_rows, snapshot_ends, RowPeriods};
use super::spans::Spans;
use crate::calendar::period::days_from_date;
use crate::calendar::period::MonthTable;
use crate::error::EvalError;
use crate::expr::column_type::str_at;
use crate::model::measure::UNRECORDED_GROUP;
use crate::model::measure::{band_at, band_values, Breakdown, By};
use crate::model::measure::{Aggregate, BaseMeasure, Timing};
use crate::model::Project;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use std::collections::HashMap;

/// A batch's columns a kept row is accumulated from.
struct RowValues<'b> {
    project: &'b Project,
    base: &'b BaseMeasure,
    values: Option<&'b arrow_array::Float64Array>,
    ids: Option<&'b dyn Array>,
    /// Each column breakdown's group of every row.
    columns: &'b [Vec<usize>],
    /// Each age band breakdown's dates of birth and groups.
    bands: &'b [AgeBands<'b>],
    reasons: Option<&'b dyn Array>,
}

/// An age band breakdown over one batch: a row's band is its age at the
/// end of each period it counts in, so one row can count in two bands.
struct AgeBands<'b> {
    name: &'b str,
    births: arrow_array::Date32Array,
    firsts: &'b [u32],
    /// Unborn, each band, not recorded.
    labels: Vec<String>,
    /// Each label's group once made.
    groups: Vec<std::cell::Cell<Option<usize>>>,
}

impl<'b> AgeBands<'b> {
    fn new(name: &'b str, births: arrow_array::Date32Array, firsts: &'b [u32]) -> Self {
        let labels = band_values(firsts);
        AgeBands {
            name,
            births,
            firsts,
            groups: vec![std::cell::Cell::new(None); labels.len()],
            labels,
        }
    }

    /// The label a row has at a period ending on day `end`.
    fn label(&self, row: usize, end: i32) -> usize {
        let birth = (!self.births.is_null(row)).then(|| self.births.value(row));
        band_at(self.firsts, birth, end)
    }
}

#[derive(Default)]
pub(super) struct GroupAcc {
    rows_diff: Vec<i64>,
    sums: Vec<f64>,
    /// (id, first period, last period) of each row of a distinct count,
    /// counted per period only when the scan ends (sorted, each id's spans
    /// merged), not hashed row by row or repeated for every period.
    ids: Spans,
    reasons: Vec<Option<String>>,
}

pub(super) struct Accumulator<'a> {
    domain: Domain,
    /// Shared by every accumulator of a scan: built once, never copied.
    months: &'a MonthTable,
    /// Index 0 is the whole; the others are breakdown values, as first met.
    pub(super) groups: Vec<GroupAcc>,
    names: Vec<Group>,
    /// Per breakdown, by its name: each value's group.
    index: HashMap<String, HashMap<String, usize>>,
    /// The last day of each period, for ages at its end.
    period_ends: Vec<i32>,
    /// The (group, first period, last period) a row is added to, reused.
    targets: Vec<(usize, usize, usize)>,
    /// Text ids as numbers, so distinct counts sort integers.
    text_ids: HashMap<String, i64>,
}

impl<'a> Accumulator<'a> {
    pub(super) fn new(domain: Domain, months: &'a MonthTable) -> Self {
        Accumulator {
            domain,
            months,
            groups: vec![GroupAcc::new(domain.len())],
            names: vec![None],
            index: HashMap::new(),
            period_ends: (0..domain.len())
                .map(|t| days_from_date(domain.month(t).last_day()))
                .collect(),
            targets: Vec::new(),
            text_ids: HashMap::new(),
        }
    }

    /// A breakdown whose values, over every batch, are more than the limit.
    pub(super) fn over_limit<'b>(&self, base: &'b BaseMeasure) -> Option<&'b Breakdown> {
        base.breakdowns.iter().find(|b| {
            self.index
                .get(&b.name)
                .is_some_and(|values| values.len() > MAX_BREAKDOWN_VALUES)
        })
    }

    /// Adds the partial results of a later batch.
    pub(super) fn merge(&mut self, other: Accumulator<'a>) {
        // Text ids are numbered per accumulator: renumber the other's.
        let mut texts = vec![String::new(); other.text_ids.len()];
        for (text, id) in other.text_ids {
            texts[id as usize] = text;
        }
        let renumber: Vec<i64> = texts.iter().map(|t| self.text_id(t)).collect();
        for (name, part) in other.names.into_iter().zip(other.groups) {
            let g = match name {
                None => 0,
                Some(n) => self.group_slot(n),
            };
            let acc = &mut self.groups[g];
            for (a, b) in acc.rows_diff.iter_mut().zip(&part.rows_diff) {
                *a += b;
            }
            for (a, b) in acc.sums.iter_mut().zip(&part.sums) {
                *a += b;
            }
            if renumber.is_empty() {
                acc.ids.append(part.ids, None);
            } else {
                acc.ids.append(part.ids, Some(&|id| renumber[id as usize]));
            }
            for (a, b) in acc.reasons.iter_mut().zip(part.reasons) {
                if let Some(b) = b {
                    least_reason(a, &b);
                }
            }
        }
    }

    fn text_id(&mut self, text: &str) -> i64 {
        if let Some(&id) = self.text_ids.get(text) {
            return id;
        }
        let id = self.text_ids.len() as i64;
        self.text_ids.insert(text.to_string(), id);
        id
    }

    /// The id of a row as a number: integers and dates as they are, text
    /// through a table of the texts met (one column is one kind).
    fn id_at(&mut self, array: &dyn Array, row: usize) -> i64 {
        match array.data_type() {
            DataType::Int64 => array.as_primitive::<Int64Type>().value(row),
            DataType::Date32 => i64::from(array.as_primitive::<Date32Type>().value(row)),
            _ => self.text_id(str_at(array, row).unwrap_or_default()),
        }
    }

    /// The group of a column breakdown's value, made if new and acceptable.
    fn group_id(&mut self, by: &str, value: &str) -> Result<usize, GroupProblem> {
        let values = self.index.get(by);
        if let Some(&i) = values.and_then(|v| v.get(value)) {
            return Ok(i);
        }
        let chars = value.chars().count();
        if chars > MAX_SHOWN_CHARS {
            return Err(GroupProblem::TooLong(chars));
        }
        if values.is_some_and(|v| v.len() >= MAX_BREAKDOWN_VALUES) {
            return Err(GroupProblem::TooMany);
        }
        Ok(self.group_slot(BreakdownValue::new(by, 0, value)))
    }

    /// The group of a value already found acceptable (by a batch's scan).
    fn group_slot(&mut self, part: BreakdownValue) -> usize {
        let values = self.index.entry(part.by.clone()).or_default();
        if let Some(&i) = values.get(&part.value) {
            return i;
        }
        values.insert(part.value.clone(), self.groups.len());
        self.groups.push(GroupAcc::new(self.domain.len()));
        self.names.push(Some(part));
        self.groups.len() - 1
    }

    /// The group of an age band's label, made when first met.
    fn band_group(&mut self, bands: &AgeBands, label: usize) -> usize {
        if let Some(g) = bands.groups[label].get() {
            return g;
        }
        let g = self.group_slot(BreakdownValue::new(
            bands.name,
            label as u32,
            &bands.labels[label],
        ));
        bands.groups[label].set(Some(g));
        g
    }

    /// The group of every row of a breakdown column. A dictionary's values
    /// are looked up once each, and only those some row holds (a looked-up
    /// column keeps its whole table's: groups a CSV would not have).
    fn row_groups(&mut self, by: &str, array: &dyn Array) -> Result<Vec<usize>, GroupProblem> {
        match array.data_type() {
            DataType::Dictionary(_, _) => {
                let dict = array.as_dictionary::<arrow_array::types::Int32Type>();
                let values = dict.values().as_string::<i32>();
                let keys = dict.keys();
                // Each value's group, looked up when a row first holds it;
                // rows with no value share one group, made only if met.
                let mut ids: Vec<Option<usize>> = vec![None; values.len()];
                let mut unrecorded = None;
                let mut groups = Vec::with_capacity(array.len());
                for (row, &k) in keys.values().iter().enumerate() {
                    let k = k as usize;
                    // A null row's key may be anything: only a valid one is read.
                    let held = keys.is_valid(row) && !values.is_null(k);
                    let slot = if held { &mut ids[k] } else { &mut unrecorded };
                    let g = match *slot {
                        Some(g) => g,
                        None if held => {
                            *slot.insert(self.group_id(by, &written_group(values.value(k)))?)
                        }
                        None => *slot.insert(self.group_id(by, UNRECORDED_GROUP)?),
                    };
                    groups.push(g);
                }
                Ok(groups)
            }
            _ => (0..array.len())
                .map(|row| self.group_id(by, &group_at(array, row)))
                .collect(),
        }
    }

    pub(super) fn add_batch(
        &mut self,
        project: &Project,
        base: &BaseMeasure,
        batch: &RecordBatch,
        first_row: usize,
    ) -> Result<(), EvalError> {
        let filter_error = |f: &crate::expr::row_expr::RowExpr,
                            e: crate::expr::row_expr::RowError| {
            EvalError(
                f.site
                    .diagnostic(rhai::Position::NONE, format!("the filter failed on row {} of `{}`: {}", first_row + e.row + 1, base.source, e.message))
                    .help(format!("the filter is: {}; a missing value in `&&`, `||` or `!` is an error: compare it first, e.g. `flag == true`", f.text.trim())),
            )
        };
        // A filter reading the period is judged per row and period below.
        let period_filter = base.filter.as_ref().filter(|f| f.reads_period);
        let mask = match &base.filter {
            Some(f) if !f.reads_period => Some(
                f.evaluate(&project.engine, batch)
                    .map_err(|e| filter_error(f, e))?,
            ),
            _ => None,
        };
        let col = |name: &str| batch.column_by_name(name).expect("projected column");
        let dates = |name: &str| col(name).as_primitive::<Date32Type>().clone();
        let (starts, ends) = match &base.timing {
            Timing::Flow { date } => (dates(date), None),
            Timing::Snapshot {
                start,
                end,
                open_on_end_day,
            } => {
                let starts = dates(start);
                let ends = end.as_deref().map(dates);
                let ends =
                    snapshot_ends(ends.as_ref(), starts.len(), *open_on_end_day, base.window);
                (starts, Some(ends))
            }
        };
        let values = match &base.aggregate {
            Aggregate::Sum(c) | Aggregate::Mean(c) => Some(
                arrow_cast::cast(col(c), &DataType::Float64)
                    .expect("numeric column casts to float"),
            ),
            _ => None,
        };
        let values = values.as_ref().map(|v| v.as_primitive::<Float64Type>());
        let ids = match &base.aggregate {
            Aggregate::Distinct(c) => Some(col(c)),
            _ => None,
        };
        let mut columns = Vec::new();
        let mut bands = Vec::new();
        for b in &base.breakdowns {
            match &b.by {
                By::Column(c) => columns.push(
                    self.row_groups(&b.name, col(c).as_ref())
                        .map_err(|p| breakdown_error(project, base, c, p))?,
                ),
                By::AgeBand {
                    birth,
                    bands: firsts,
                } => {
                    let band = AgeBands::new(&b.name, dates(birth), firsts);
                    // Every band is shown, with the rows it has or none.
                    for label in 1..band.labels.len() - 1 {
                        self.band_group(&band, label);
                    }
                    bands.push(band);
                }
            }
        }
        let kept = kept_rows(mask.as_ref(), &starts);
        let periods = RowPeriods {
            starts: &starts,
            ends: ends.as_ref(),
            window: base.window,
            domain: self.domain,
            months: self.months,
        };
        // Plain counts, of the whole and any column breakdown: every branch
        // of the general loop that cannot apply taken out.
        let plain = period_filter.is_none() && values.is_none() && bands.is_empty();
        match (&ends, ids) {
            _ if !plain => {}
            (None, None) => {
                self.add_day_counts(&kept, &starts, base.window, &columns);
                return Ok(());
            }
            (None, Some(ids)) if base.window.is_none() && columns.is_empty() => {
                self.add_monthly_distinct(&kept, &starts, ids.as_ref());
                return Ok(());
            }
            (Some(_), None) => {
                for r in kept.set_indices() {
                    if let Some((from, to)) = periods.of(r) {
                        for g in std::iter::once(0).chain(columns.iter().map(|c| c[r])) {
                            let acc = &mut self.groups[g];
                            acc.rows_diff[from] += 1;
                            acc.rows_diff[to + 1] -= 1;
                        }
                    }
                }
                return Ok(());
            }
            _ => {}
        }
        let row = RowValues {
            project,
            base,
            values,
            ids: ids.map(|a| a.as_ref()),
            columns: &columns,
            bands: &bands,
            reasons: base.missing_reason.as_ref().map(|r| col(r).as_ref()),
        };
        let Some(filter) = period_filter else {
            for r in kept.set_indices() {
                if let Some((from, to)) = periods.of(r) {
                    self.add_row(&row, r, from, to)?;
                }
            }
            return Ok(());
        };
        // Each row once per period it could count in, a chunk at a time.
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(CHUNK_PAIRS);
        let mut rows = kept.set_indices();
        loop {
            let next = rows.next();
            if let Some((from, to)) = next.and_then(|r| periods.of(r)) {
                let r = next.expect("a row") as u32;
                pairs.extend((from..=to).map(|t| (r, t as u32)));
            }
            if pairs.len() >= CHUNK_PAIRS || (next.is_none() && !pairs.is_empty()) {
                let held = held_pairs(
                    &project.engine,
                    filter,
                    batch,
                    base.window,
                    self.domain,
                    &pairs,
                )
                .map_err(|e| filter_error(filter, e))?;
                // A row's held periods in runs: one span per run, not per period.
                let mut run: Option<(u32, u32, u32)> = None;
                for (&(r, t), held) in pairs.iter().zip(held) {
                    if !held {
                        continue;
                    }
                    match &mut run {
                        Some((row_at, _, to)) if *row_at == r && *to + 1 == t => *to = t,
                        _ => {
                            if let Some((r0, from, to)) = run.replace((r, t, t)) {
                                self.add_row(&row, r0 as usize, from as usize, to as usize)?;
                            }
                        }
                    }
                }
                if let Some((r0, from, to)) = run {
                    self.add_row(&row, r0 as usize, from as usize, to as usize)?;
                }
                pairs.clear();
            }
            if next.is_none() {
                return Ok(());
            }
        }
    }

    /// Adds one kept row to the periods `from..=to` of the whole and its
    /// groups.
    fn add_row(
        &mut self,
        row: &RowValues,
        r: usize,
        from: usize,
        to: usize,
    ) -> Result<(), EvalError> {
        let value = match row.values {
            Some(v) if v.is_null(r) => {
                if let Some(reason) = row.reasons.and_then(|a| str_at(a, r)) {
                    check_reason(row.project, row.base, reason)?;
                    let targets = self.targets_of(row, r, from, to);
                    for &(g, from, to) in &targets {
                        for slot in &mut self.groups[g].reasons[from..=to] {
                            least_reason(slot, reason);
                        }
                    }
                    self.targets = targets;
                }
                return Ok(());
            }
            Some(v) => v.value(r),
            None => 0.0,
        };
        let id = match row.ids {
            Some(a) if a.is_null(r) => return Ok(()),
            Some(a) => Some(self.id_at(a, r)),
            None => None,
        };
        let targets = self.targets_of(row, r, from, to);
        for &(g, from, to) in &targets {
            let acc = &mut self.groups[g];
            acc.rows_diff[from] += 1;
            acc.rows_diff[to + 1] -= 1;
            if row.values.is_some() {
                for s in &mut acc.sums[from..=to] {
                    *s += value;
                }
            }
            if let Some(id) = id {
                acc.ids.push((id, from as u32, to as u32));
            }
        }
        self.targets = targets;
        Ok(())
    }

    /// The groups a row counts in over `from..=to`, with the periods of
    /// each: the whole and its column values throughout, and its age band
    /// in runs (it changes at birthdays). The caller puts the list back.
    fn targets_of(
        &mut self,
        row: &RowValues,
        r: usize,
        from: usize,
        to: usize,
    ) -> Vec<(usize, usize, usize)> {
        let mut targets = std::mem::take(&mut self.targets);
        targets.clear();
        targets.push((0, from, to));
        targets.extend(row.columns.iter().map(|g| (g[r], from, to)));
        for bands in row.bands {
            // A row's band only rises with the period's end (its age
            // does), so each run's last period is found by halving.
            let mut t = from;
            while t <= to {
                let label = bands.label(r, self.period_ends[t]);
                let run =
                    self.period_ends[t..=to].partition_point(|&end| bands.label(r, end) == label);
                targets.push((self.band_group(bands, label), t, t + run - 1));
                t += run;
            }
        }
        targets
    }

    /// A count of rows by their date, of the whole and each row's column
    /// breakdown groups, over each row's month or window: rows are counted
    /// per group and day of the month table, the days folded into months,
    /// and each month's count added to the periods it counts in. Days
    /// outside the table are outside every period computed (a window
    /// reaches at most 11 months on, the table starts a year before the
    /// first period).
    fn add_day_counts(
        &mut self,
        kept: &arrow_buffer::BooleanBuffer,
        dates: &arrow_array::Date32Array,
        window: Option<crate::config::document::WindowKind>,
        columns: &[Vec<usize>],
    ) {
        let (first_day, days) = self.months.days();
        // Per group, made when a row first counts in it; the whole's first.
        let mut per_day: Vec<Vec<i64>> = vec![Vec::new(); self.groups.len()];
        let mut whole = vec![0i64; days.len()];
        let values = dates.values();
        let day = |row: usize| {
            let d = i64::from(values[row]) - i64::from(first_day);
            usize::try_from(d).ok().filter(|d| *d < days.len())
        };
        if columns.is_empty() && kept.count_set_bits() == kept.len() {
            // Every row kept: the dates are read in order, no bit walked.
            for row in 0..values.len() {
                if let Some(d) = day(row) {
                    whole[d] += 1;
                }
            }
        } else {
            for row in kept.set_indices() {
                let Some(d) = day(row) else { continue };
                whole[d] += 1;
                for c in columns {
                    let counts = &mut per_day[c[row]];
                    if counts.is_empty() {
                        counts.resize(days.len(), 0);
                    }
                    counts[d] += 1;
                }
            }
        }
        per_day[0] = whole;
        for (g, counts) in per_day.into_iter().enumerate() {
            let mut per_month: Vec<(crate::calendar::period::Month, i64)> = Vec::new();
            for (month, n) in days.iter().zip(counts) {
                match per_month.last_mut() {
                    Some((m, total)) if m == month => *total += n,
                    _ => per_month.push((*month, n)),
                }
            }
            let acc = &mut self.groups[g];
            for (month, n) in per_month {
                if n == 0 {
                    continue;
                }
                if let Some((from, to)) = flow_periods(self.domain, month, window) {
                    acc.rows_diff[from] += n;
                    acc.rows_diff[to + 1] -= n;
                }
            }
        }
    }

    /// A distinct count of ids by the month of their row's date, for the
    /// whole.
    fn add_monthly_distinct(
        &mut self,
        kept: &arrow_buffer::BooleanBuffer,
        dates: &arrow_array::Date32Array,
        ids: &dyn Array,
    ) {
        let (domain, months) = (self.domain, self.months);
        for row in kept.set_indices() {
            let Some(p) = domain.index(months.month_clamped(dates.value(row))) else {
                continue;
            };
            if ids.is_null(row) {
                continue;
            }
            let id = self.id_at(ids, row);
            let acc = &mut self.groups[0];
            acc.rows_diff[p] += 1;
            acc.rows_diff[p + 1] -= 1;
            acc.ids.push((id, p as u32, p as u32));
        }
    }

    /// The per-period results; with `having`, the distinct count keeps
    /// only the ids whose rows meet it.
    pub(super) fn finish(
        self,
        project: &Project,
        base: &BaseMeasure,
    ) -> Result<BaseResult, EvalError> {
        let mut groups = std::collections::BTreeMap::new();
        let mut kept = base.keep_ids.then(|| {
            let mut texts = vec![String::new(); self.text_ids.len()];
            for (text, id) in &self.text_ids {
                texts[*id as usize] = text.clone();
            }
            KeptIds {
                spans: std::collections::BTreeMap::new(),
                texts,
            }
        });
        for (k, acc) in self.names.into_iter().zip(self.groups) {
            let rows = running_totals(&acc.rows_diff[..acc.rows_diff.len() - 1]);
            let periods = acc.sums.len();
            let distinct = match &base.having {
                None => {
                    if let Some(kept) = &mut kept {
                        kept.spans.insert(k.clone(), acc.ids.to_vec());
                    }
                    distinct_per_period(acc.ids, periods)
                }
                Some(h) => {
                    // A cohort keeps only the (id, period)s meeting `having`.
                    let mut held = kept.as_ref().map(|_| Vec::new());
                    let counts = entities_having(
                        acc.ids.into_vec(),
                        periods,
                        &project.engine,
                        h,
                        held.as_mut(),
                    )
                    .map_err(|e| {
                        EvalError(h.site.diagnostic(
                            rhai::Position::NONE,
                            format!("`having` failed: {}", e.message),
                        ))
                    })?;
                    if let (Some(kept), Some(held)) = (&mut kept, held) {
                        kept.spans.insert(k.clone(), held);
                    }
                    counts
                }
            };
            groups.insert(
                k,
                Cells {
                    rows,
                    sums: acc.sums,
                    distinct,
                    reasons: acc.reasons,
                },
            );
        }
        Ok(BaseResult { groups, ids: kept })
    }
}

impl GroupAcc {
    fn new(len: usize) -> Self {
        GroupAcc {
            rows_diff: vec![0; len + 1],
            sums: vec![0.0; len],
            ids: Spans::default(),
            reasons: vec![None; len],
        }
    }
}
/// Keeps the least of the reasons a period's rows give: whichever order
/// the rows are read in (batches in parallel, or another engine running
/// `rubric sql`), the reason shown is the same.
fn least_reason(slot: &mut Option<String>, reason: &str) {
    if slot.as_deref().is_none_or(|s| reason < s) {
        *slot = Some(reason.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::least_reason;

    #[test]
    fn regression_the_reason_shown_does_not_depend_on_row_order() {
        let mut a = None;
        for r in ["TBC", "Not set", "Local"] {
            least_reason(&mut a, r);
        }
        let mut b = None;
        for r in ["Local", "TBC", "Not set"] {
            least_reason(&mut b, r);
        }
        assert_eq!(a.as_deref(), Some("Local"));
        assert_eq!(a, b);
    }
}
