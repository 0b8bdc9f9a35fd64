//! A window: a measure over the 12 months, the financial year or the
//! quarter to date at each period's end.

use super::{Compiling, Kind, Windows};
use crate::config::document::MeasureKind;
use crate::model::measure::Measure;

pub(super) struct Window;

impl Kind for Window {
    fn kind(&self) -> MeasureKind {
        MeasureKind::Window
    }
    fn keys(&self) -> &'static [&'static str] {
        &["measure", "window"]
    }
    fn compile(&self, c: Compiling) -> Option<Measure> {
        let Compiling {
            doc,
            windows,
            site,
            ctx,
            ok,
            need,
            inner: compile_inner,
            ..
        } = c;
        let (Some(inner), Some(w)) = (&doc.measure, &doc.window) else {
            need.missing(
                if doc.measure.is_none() {
                    "measure"
                } else {
                    "window"
                },
                ctx,
            );
            return None;
        };
        if windows.explicit.is_some() {
            ctx.problems.push(
                site.at(w, "a window inside a window")
                    .help("use one window around the whole measure"),
            );
            return None;
        }
        if inner.kind.value == MeasureKind::Expression {
            ctx.problems.push(
                site.at(&inner.kind, "a window cannot hold an expression measure")
                    .help("window the measures the formula's inputs are built on instead"),
            );
            return None;
        }
        let measure = compile_inner(
            inner,
            Windows {
                explicit: Some(w.value),
                ..windows
            },
            site,
            ctx,
        );
        (ok).then_some(())?;
        measure
    }
}
