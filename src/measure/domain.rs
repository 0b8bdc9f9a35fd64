//! The run of months a run computes: the four years to the reporting
//! month, enough for 13 months, 5 quarters or 3 financial years shown, each
//! with its previous period, the same period last year and 12-month stats.

use crate::calendar::period::{Month, MonthTable};

/// How many months before the reporting month are computed.
pub(crate) const HISTORY_MONTHS: i32 = 47;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Domain {
    pub first: Month,
    pub last: Month,
}

impl Domain {
    pub fn ending(last: Month) -> Domain {
        Domain {
            first: last.offset(-HISTORY_MONTHS),
            last,
        }
    }

    pub fn len(&self) -> usize {
        (self.last.0 - self.first.0 + 1) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.last < self.first
    }

    pub fn index(&self, m: Month) -> Option<usize> {
        (m >= self.first && m <= self.last).then(|| (m.0 - self.first.0) as usize)
    }

    pub fn month(&self, index: usize) -> Month {
        self.first.offset(index as i32)
    }

    /// The month of any day, by lookup from a year before the domain (rows
    /// dated then still count in a 12-month window ending in it).
    pub fn month_table(&self) -> MonthTable {
        MonthTable::new(self.first.offset(-12), self.last)
    }

    /// Clips an inclusive month range to the domain, as indices.
    pub fn clip(&self, from: Month, to: Month) -> Option<(usize, usize)> {
        let from = from.max(self.first);
        let to = to.min(self.last);
        (from <= to).then(|| {
            (
                (from.0 - self.first.0) as usize,
                (to.0 - self.first.0) as usize,
            )
        })
    }
}
