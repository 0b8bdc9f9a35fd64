//! Why to read a figure with care: the quality flags a run puts on a
//! figure (`quality:` in `rubric.yaml`), which rules can read.

use crate::config::document::Frequency;
use crate::measure::series::Point;
use crate::model::Quality;

/// Why to read a figure with care (`quality:` in `rubric.yaml`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Flag {
    /// The denominator is under `quality.small_base`.
    SmallBase { denominator: f64, min: f64 },
    /// The data was extracted before the period ended.
    Incomplete {
        extracted: chrono::NaiveDate,
        period_end: chrono::NaiveDate,
    },
    /// The 12-month statistics are over fewer periods than the window holds.
    PartialWindow {
        periods: u32,
        of: u32,
        frequency: Frequency,
    },
}

impl Flag {
    /// The flag's name, as rules read it in `flags`.
    pub fn name(&self) -> &'static str {
        match self {
            Flag::SmallBase { .. } => "small_base",
            Flag::Incomplete { .. } => "incomplete",
            Flag::PartialWindow { .. } => "partial_12m",
        }
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Flag::SmallBase { denominator, min } => write!(
                f,
                "small base: the denominator {} is under {}",
                crate::format::count(*denominator),
                crate::format::count(*min)
            ),
            Flag::Incomplete {
                extracted,
                period_end,
            } => write!(
                f,
                "incomplete: the data was extracted on {extracted}, before the period ends on {period_end}"
            ),
            Flag::PartialWindow {
                periods,
                of,
                frequency,
            } => {
                let unit = match frequency {
                    Frequency::Monthly => "months",
                    Frequency::Quarterly => "quarters",
                    Frequency::Annual => "years",
                };
                write!(
                    f,
                    "partial: the 12-month average, highest and lowest are over {periods} of {of} {unit}"
                )
            }
        }
    }
}

/// The small-base flag of a figure, when its denominator is under
/// `quality.small_base`.
pub(crate) fn small_base(quality: Quality, point: &Point) -> Option<Flag> {
    let min = quality.small_base?;
    let d = point.denominator?;
    (d < min).then_some(Flag::SmallBase {
        denominator: d,
        min,
    })
}
