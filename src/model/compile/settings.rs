//! `rubric.yaml`'s settings: expression limits, quality flags and the
//! publication policy.

use crate::calendar::parse_day;
use crate::config::document::{ChangeDisplay, ProjectDoc, Unit};
use crate::config::span::Spanned;
use crate::config::Loaded;
use crate::diagnostic::{Diagnostic, Place};
use crate::expr::engine::Limits;

/// When figures are flagged for reading with care.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quality {
    /// A denominator under this is a small base.
    pub small_base: Option<f64>,
    /// The day the data was extracted, as days since 1970-01-01.
    pub extracted: Option<i32>,
}

pub(super) fn build_quality(
    settings: Option<&Loaded<ProjectDoc>>,
    problems: &mut Vec<Diagnostic>,
) -> Quality {
    let mut quality = Quality::default();
    let Some(s) = settings else { return quality };
    let Some(doc) = &s.doc.quality else {
        return quality;
    };
    if let Some(b) = &doc.small_base {
        if b.value.is_finite() && b.value > 0.0 {
            quality.small_base = Some(b.value);
        } else {
            problems.push(
                Diagnostic::new(
                    &s.file,
                    Place::from(&b.referenced),
                    format!("`small_base` is {}, not a positive number", b.value),
                )
                .subject("quality")
                .help("give the smallest denominator worth rating, e.g. `small_base: 10`"),
            );
        }
    }
    if let Some(d) = &doc.extracted {
        match parse_day(&d.value) {
            Some(day) => quality.extracted = Some(day),
            None => problems.push(
                Diagnostic::new(&s.file, Place::from(&d.referenced), format!("`extracted` is `{}`, not a date", d.value))
                    .subject("quality")
                    .help("write the day the data was extracted as YYYY-MM-DD, e.g. `extracted: 2023-07-28`"),
            ),
        }
    }
    quality
}

/// The expression limits: the defaults, with any set in `rubric.yaml`.
/// Each has a ceiling: deeper calls or expressions could exhaust the
/// native stack, which no error can catch.
pub(super) fn build_limits(
    settings: Option<&Loaded<ProjectDoc>>,
    problems: &mut Vec<Diagnostic>,
) -> Limits {
    let mut limits = Limits::default();
    let Some(s) = settings else { return limits };
    let Some(doc) = &s.doc.limits else {
        return limits;
    };
    let mut set = |name: &str, value: &Option<Spanned<u64>>, ceiling: u64, slot: &mut u64| {
        let Some(v) = value else { return };
        if v.value == 0 || v.value > ceiling {
            problems.push(
                Diagnostic::new(
                    &s.file,
                    Place::from(&v.referenced),
                    format!("`limits.{name}` is {}, outside 1 to {ceiling}", v.value),
                )
                .subject("limits")
                .help(format!(
                    "set `{name}` between 1 and {ceiling}, or remove it for the default ({})",
                    *slot
                )),
            );
        } else {
            *slot = v.value;
        }
    };
    set(
        "max_operations",
        &doc.max_operations,
        1_000_000_000,
        &mut limits.max_operations,
    );
    set(
        "max_call_levels",
        &doc.max_call_levels,
        64,
        &mut limits.max_call_levels,
    );
    set(
        "max_expr_depth",
        &doc.max_expr_depth,
        256,
        &mut limits.max_expr_depth,
    );
    set(
        "max_string_size",
        &doc.max_string_size,
        100_000_000,
        &mut limits.max_string_size,
    );
    set(
        "max_array_size",
        &doc.max_array_size,
        10_000_000,
        &mut limits.max_array_size,
    );
    set(
        "max_map_size",
        &doc.max_map_size,
        10_000_000,
        &mut limits.max_map_size,
    );
    limits
}

/// The policy as set in `rubric.yaml` (`publication:`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Counts from 1 to below this are withheld.
    pub suppress_below: f64,
}

/// The publication policy, when `rubric.yaml` sets one.
pub(super) fn build_publication(
    settings: Option<&Loaded<ProjectDoc>>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Policy> {
    let s = settings?;
    let doc = s.doc.publication.as_ref()?;
    let below = &doc.suppress_below;
    if below.value < 2 {
        problems.push(
            Diagnostic::new(&s.file, Place::from(&below.referenced), format!("`suppress_below` is {}, which withholds nothing", below.value))
                .subject("publication")
                .help("give the smallest count that may be published, e.g. `suppress_below: 5` withholds 1 to 4"),
        );
        return None;
    }
    Some(Policy {
        suppress_below: below.value as f64,
    })
}

/// How each unit's changes are printed: today's boards', with any set in
/// `display.change`.
pub(super) fn build_change_display(
    settings: Option<&Loaded<ProjectDoc>>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(Unit, ChangeDisplay)> {
    let units = [
        Unit::Count,
        Unit::Percent,
        Unit::Rate,
        Unit::Days,
        Unit::Number,
    ];
    let mut shown: Vec<(Unit, ChangeDisplay)> = units
        .iter()
        .map(|&u| (u, ChangeDisplay::default_for(u)))
        .collect();
    let Some(s) = settings else { return shown };
    let Some(doc) = &s.doc.display else {
        return shown;
    };
    for (unit, how) in &doc.change {
        match shown.iter_mut().find(|(u, _)| u.name() == unit) {
            Some(slot) => slot.1 = how.value,
            None => problems.push(
                Diagnostic::new(
                    &s.file,
                    Place::from(&how.referenced),
                    format!("`{unit}` is not a unit"),
                )
                .subject("display")
                .help("key `display.change` by unit: count, percent, rate, days or number"),
            ),
        }
    }
    shown
}

/// `benchmarks:` in `rubric.yaml`: a declared source and its names.
pub(super) fn build_benchmark_table(
    settings: Option<&Loaded<ProjectDoc>>,
    sources: &crate::source::Sources,
    problems: &mut Vec<Diagnostic>,
) -> Option<crate::model::benchmark::BenchmarkTable> {
    let s = settings?;
    let doc = s.doc.benchmarks.as_ref()?;
    let source = &doc.source;
    let known = sources.by_name.contains_key(&source.value);
    if !known && !sources.unreadable.contains(&source.value) {
        let names: Vec<&str> = sources.by_name.keys().map(String::as_str).collect();
        let hint = crate::diagnostic::did_you_mean(&source.value, names.iter().copied())
            .map_or(String::new(), |n| format!("did you mean `{n}`? "));
        problems.push(
            Diagnostic::new(
                &s.file,
                Place::from(&source.referenced),
                format!("the benchmark table's source `{}` is not declared", source.value),
            )
            .subject("benchmarks")
            .help(format!("{hint}declare it under `sources:` (a CSV or Parquet file with columns indicator, benchmark, vintage, value, rank, of, state)")),
        );
    }
    let mut names: Vec<String> = Vec::new();
    for n in &doc.names {
        if !super::is_identifier(&n.value) || names.contains(&n.value) {
            problems.push(
                Diagnostic::new(
                    &s.file,
                    Place::from(&n.referenced),
                    format!("`{}` cannot name a benchmark here", n.value),
                )
                .subject("benchmarks")
                .help("name each benchmark once, with letters, digits and `_` (as `statistical_neighbours`)"),
            );
            continue;
        }
        names.push(n.value.clone());
    }
    if names.is_empty() {
        problems.push(
            Diagnostic::new(
                &s.file,
                Place::from(&source.referenced),
                "the benchmark table names no benchmarks",
            )
            .subject("benchmarks")
            .help("list them under `names`, in the order reports print them"),
        );
    }
    Some(crate::model::benchmark::BenchmarkTable {
        source: source.value.clone(),
        names,
        file: s.file.clone(),
        place: Place::from(&source.referenced),
    })
}
