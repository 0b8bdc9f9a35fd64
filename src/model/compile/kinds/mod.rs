//! Measure kinds, one file each: the keys a kind takes and how it
//! compiles. A kind compiles the measures it holds (a ratio's sides, a
//! rate's or window's measure, a cohort's members) through `inner`, so no
//! kind reaches back to the dispatcher in `measure.rs`. Adding a kind is
//! its file, its name in `config::document::MeasureKind`, and one line in
//! `KINDS`.

mod base;
mod cohort;
mod expression;
mod rate;
mod ratio;
mod window;

use super::{Ctx, IndicatorSite};
use crate::config::document::{MeasureDoc, MeasureKind, WindowKind};
use crate::config::span::Spanned;
use crate::model::measure::Measure;

/// A kind of measure.
pub(super) trait Kind: Sync {
    /// Its variant of `MeasureKind` (what `kind:` says).
    fn kind(&self) -> MeasureKind;
    /// As written in `kind:`.
    fn name(&self) -> &'static str {
        self.kind().name()
    }
    /// The keys besides `kind` it takes, wherever it stands; any other is
    /// refused there, naming the key.
    fn keys(&self) -> &'static [&'static str];
    /// The measure, or `None` with the problems said.
    fn compile(&self, c: Compiling) -> Option<Measure>;
}

/// Every kind, one line each.
pub(super) const KINDS: &[&dyn Kind] = &[
    &base::FLOW,
    &base::SNAPSHOT,
    &ratio::Ratio,
    &rate::Rate,
    &window::Window,
    &cohort::Cohort,
    &expression::Expression,
];

/// The kind `kind:` names.
pub(super) fn kind(kind: MeasureKind) -> &'static dyn Kind {
    KINDS
        .iter()
        .copied()
        .find(|k| k.kind() == kind)
        .expect("every MeasureKind has its Kind (a test holds it)")
}

/// The windows in force while compiling a measure: one written in the
/// YAML, and the one a quarterly or annual indicator gives its flows (a
/// quarter's referrals are the quarter to date at its last month).
#[derive(Debug, Clone, Copy)]
pub(in crate::model::compile) struct Windows {
    pub(in crate::model::compile) explicit: Option<WindowKind>,
    pub(in crate::model::compile) flow_default: Option<WindowKind>,
}

/// Compiles a measure standing inside another.
pub(super) type Inner = fn(&MeasureDoc, Windows, &IndicatorSite, &mut Ctx) -> Option<Measure>;

/// One measure being compiled, and what its kind needs to do it.
pub(super) struct Compiling<'a> {
    pub(super) doc: &'a MeasureDoc,
    pub(super) windows: Windows,
    pub(super) site: &'a IndicatorSite<'a>,
    pub(super) ctx: &'a mut Ctx,
    /// Whether every key is one the kind takes: a kind still compiles
    /// what it holds (so every problem is reported), then refuses.
    pub(super) ok: bool,
    /// Says a key the kind needs is missing.
    pub(super) need: Need<'a>,
    pub(super) inner: Inner,
}

/// Says a needed key is missing, with what the kind takes (worked out
/// only then: most measures miss nothing).
#[derive(Clone, Copy)]
pub(super) struct Need<'a> {
    pub(super) kind: &'a Spanned<MeasureKind>,
    pub(super) takes: fn(MeasureKind) -> String,
    pub(super) site: &'a IndicatorSite<'a>,
}

impl Need<'_> {
    pub(super) fn missing(&self, field: &str, ctx: &mut Ctx) {
        let kind = self.kind.value;
        ctx.problems.push(
            self.site
                .at(
                    self.kind,
                    format!("a {} measure needs `{field}`", kind.name()),
                )
                .help((self.takes)(kind)),
        );
    }
}
