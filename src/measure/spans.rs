//! The (id, first period, last period) spans a distinct count keeps until
//! the scan ends. Memory grows with them (one a row), so each is held in 8
//! bytes where it can be (an id from 0 to 2^40 and periods under 4,096,
//! packed so that the integers sort as the tuples do), in the blocks the
//! batches built (merging moves blocks, never copies them, and no vector
//! doubles past what it holds). Anything else is kept as a tuple.

const ID_BITS: u32 = 40;
const PERIOD_BITS: u32 = 12;
const PERIOD_MASK: u64 = (1 << PERIOD_BITS) - 1;

/// One span as a tuple.
pub(super) type Span = (i64, u32, u32);

#[derive(Debug, Default)]
pub(super) struct Spans {
    blocks: Vec<Vec<u64>>,
    wide: Vec<Span>,
}

fn pack((id, from, to): Span) -> Option<u64> {
    let fits = (0..1i64 << ID_BITS).contains(&id)
        && u64::from(from) <= PERIOD_MASK
        && u64::from(to) <= PERIOD_MASK;
    fits.then(|| (id as u64) << (2 * PERIOD_BITS) | u64::from(from) << PERIOD_BITS | u64::from(to))
}

pub(super) fn unpack(key: u64) -> Span {
    (
        (key >> (2 * PERIOD_BITS)) as i64,
        ((key >> PERIOD_BITS) & PERIOD_MASK) as u32,
        (key & PERIOD_MASK) as u32,
    )
}

impl Spans {
    pub(super) fn push(&mut self, span: Span) {
        match pack(span) {
            Some(key) => match self.blocks.last_mut() {
                Some(block) => block.push(key),
                None => self.blocks.push(vec![key]),
            },
            None => self.wide.push(span),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.blocks.iter().map(Vec::len).sum::<usize>() + self.wide.len()
    }

    /// Adds another's spans, their ids first changed by `id` (text ids
    /// are numbered per batch).
    pub(super) fn append(&mut self, other: Spans, id: Option<&dyn Fn(i64) -> i64>) {
        match id {
            None => {
                self.blocks
                    .extend(other.blocks.into_iter().filter(|b| !b.is_empty()));
                self.wide.extend(other.wide);
            }
            Some(f) => {
                for (i, from, to) in other.into_iter_spans() {
                    self.push((f(i), from, to));
                }
            }
        }
    }

    fn into_iter_spans(self) -> impl Iterator<Item = Span> {
        let packed = self.blocks.into_iter().flatten().map(unpack);
        packed.chain(self.wide)
    }

    /// Every span as a tuple, in no particular order.
    pub(super) fn to_vec(&self) -> Vec<Span> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.blocks.iter().flatten().map(|&k| unpack(k)));
        out.extend(self.wide.iter().copied());
        out
    }

    pub(super) fn into_vec(self) -> Vec<Span> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.into_iter_spans());
        out
    }

    /// The packed spans in one vector (each block freed as it is copied),
    /// or the spans as they are when some would not pack.
    pub(super) fn into_packed(self) -> Result<Vec<u64>, Spans> {
        if !self.wide.is_empty() {
            return Err(self);
        }
        let mut out = Vec::with_capacity(self.len());
        for block in self.blocks {
            out.extend(block);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Packed integers sort as the tuples do, and unpack to them.
        #[test]
        fn packed_spans_sort_as_tuples(
            spans in proptest::collection::vec((0i64..1 << 40, 0u32..4096, 0u32..4096), 0..50),
        ) {
            let mut packed: Vec<u64> = spans.iter().map(|&s| pack(s).unwrap()).collect();
            packed.sort_unstable();
            let mut tuples = spans.clone();
            tuples.sort_unstable();
            prop_assert_eq!(packed.into_iter().map(unpack).collect::<Vec<_>>(), tuples);
        }

        /// Spans pushed and appended come back the same, packed or not.
        #[test]
        fn spans_come_back_as_pushed(
            a in proptest::collection::vec((prop_oneof![0i64..100, Just(-1), Just(i64::MAX)], 0u32..5000, 0u32..5000), 0..30),
            b in proptest::collection::vec((0i64..100, 0u32..50, 0u32..50), 0..30),
        ) {
            let (mut x, mut y) = (Spans::default(), Spans::default());
            a.iter().for_each(|&s| x.push(s));
            b.iter().for_each(|&s| y.push(s));
            x.append(y, None);
            let mut got = x.into_vec();
            let mut want: Vec<Span> = a.iter().chain(&b).copied().collect();
            got.sort_unstable();
            want.sort_unstable();
            prop_assert_eq!(got, want);
        }
    }
}
