//! A ratio: one measure over another, times a scale (100 for a percentage).

use super::{Compiling, Kind};
use crate::config::document::MeasureKind;
use crate::model::measure::Measure;

pub(super) struct Ratio;

impl Kind for Ratio {
    fn kind(&self) -> MeasureKind {
        MeasureKind::Ratio
    }
    fn keys(&self) -> &'static [&'static str] {
        &["numerator", "denominator", "scale"]
    }
    fn compile(&self, c: Compiling) -> Option<Measure> {
        let Compiling {
            doc,
            windows,
            site,
            ctx,
            ok,
            need,
            inner,
            ..
        } = c;
        let (Some(num), Some(den)) = (&doc.numerator, &doc.denominator) else {
            need.missing(
                if doc.numerator.is_none() {
                    "numerator"
                } else {
                    "denominator"
                },
                ctx,
            );
            return None;
        };
        let numerator = inner(num, windows, site, ctx);
        let denominator = inner(den, windows, site, ctx);
        let scale = doc.scale.as_ref().map(|s| s.value).unwrap_or(100.0);
        if let Some(s) = &doc.scale {
            if !(s.value.is_finite() && s.value > 0.0) {
                ctx.problems.push(
                    site.at(s, "the scale must be a positive number")
                        .help("use 100 for a percentage, 1 for a plain ratio"),
                );
                return None;
            }
        }
        (ok).then_some(())?;
        Some(Measure::Ratio {
            numerator: Box::new(numerator?),
            denominator: Box::new(denominator?),
            scale,
        })
    }
}
