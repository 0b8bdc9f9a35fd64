//! One indicator: id, decimals, targets, commentary, tests, the rule sets
//! it uses with their parameters, and its definition's versions.

use super::kinds::Windows;
use super::measure::compile_measure;
use super::rule_use::rule_use;
use super::{is_identifier, number, Ctx, IndicatorSite};
use crate::calendar::period::{FinancialYear, Month};
use crate::config::document::*;
use crate::config::span::Spanned;
use crate::diagnostic::{did_you_mean, Diagnostic, Place};
use crate::model::benchmark::Figure;
use crate::model::indicator::{
    Indicator, IndicatorTest, Target, Version, Written, WrittenKind, YearFigure,
};
use crate::model::measure::{BaseMeasure, Breakdown, Measure};
use crate::model::rule_set::RuleSet;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub(super) fn compile_indicator(
    doc: &IndicatorDoc,
    file: &Path,
    rule_sets: &BTreeMap<String, RuleSet>,
    ctx: &mut Ctx,
) -> Option<Indicator> {
    let id = doc.id.value.clone();
    let before = ctx.problems.len();
    let site = IndicatorSite {
        file,
        subject: format!("indicator {id}"),
        breakdowns: Vec::new(),
    };
    let site = IndicatorSite {
        breakdowns: breakdown_docs(doc, &site, ctx),
        ..site
    };
    if !is_identifier(&id) {
        ctx.problems.push(
            site.at(&doc.id, format!("the id `{id}` is not a valid name"))
                .help("use letters, digits and `_`, starting with a letter (e.g. CP3 or re_referrals), so formulas can refer to it"),
        );
    }
    if doc.decimals.value > 6 {
        ctx.problems.push(
            site.at(
                &doc.decimals,
                format!("{} decimal places is too many", doc.decimals.value),
            )
            .help("use 0 to 6"),
        );
    }
    let mut targets = BTreeMap::new();
    for (key, value) in &doc.targets {
        match FinancialYear::parse(key) {
            Some(fy) => {
                if let Some(t) = target(value, key, doc.polarity, &site, ctx) {
                    targets.insert(fy, t);
                }
            }
            None => ctx.problems.push(
                site.at(value, format!("`{key}` is not a financial year"))
                    .help(
                    "write targets per financial year as `2023-24: 95` (April 2023 to March 2024)",
                ),
            ),
        }
    }
    let mut commentary = BTreeMap::new();
    for (key, text) in &doc.commentary {
        match Month::parse(key) {
            Some(m) => {
                commentary.insert(m, text.value.clone());
            }
            None => ctx.problems.push(
                site.at(text, format!("`{key}` is not a month"))
                    .help("key commentary by month, as `2023-07: ...`"),
            ),
        }
    }
    let tests = compile_tests(doc, &site, ctx);
    let collected_from = doc.collected_from.as_ref().and_then(|c| {
        let m = Month::parse(&c.value);
        if m.is_none() {
            ctx.problems.push(
                site.at(c, format!("`{}` is not a month", c.value))
                    .help("write the first month collected as `2022-04`"),
            );
        }
        m
    });
    let dot = rule_use(
        doc.dot.as_ref(),
        &doc.dot_params,
        RuleKind::Dot,
        rule_sets,
        &site,
        ctx,
    );
    let rag = rule_use(
        doc.rag.as_ref(),
        &doc.rag_params,
        RuleKind::Rag,
        rule_sets,
        &site,
        ctx,
    );
    let windows = Windows {
        explicit: None,
        flow_default: doc.frequency.flow_window(),
    };
    let rated = super::rated::compile_rated(doc, rule_sets, &site, ctx);
    let measure = compile_measure(&doc.measure, windows, &site, ctx);
    let versions = compile_versions(doc, windows, rule_sets, &site, ctx);
    if ctx.problems.len() > before {
        return None;
    }
    let measure = measure?;
    let cumulative = accumulates(&measure, doc.frequency, &ctx.base_measures);
    let year = year_figure(&measure, doc.frequency, &ctx.base_measures);
    Some(Indicator {
        id,
        title: doc.title.clone(),
        section: doc.section.clone(),
        owner: doc.owner.clone(),
        outcome: doc.outcome.clone(),
        unit: doc.unit.value,
        polarity: doc.polarity,
        decimals: doc.decimals.value,
        source_label: first_source(&doc.measure),
        measure,
        targets,
        benchmarks: benchmarks(&doc.benchmarks, &site, ctx),
        dot,
        rag,
        rated,
        reporter: doc.reporter.clone(),
        breakdowns: site
            .breakdowns
            .iter()
            .map(|b| Breakdown::from_doc(&b.value))
            .collect(),
        commentary,
        tests,
        versions,
        collected_from,
        frequency: doc.frequency,
        compare_with: doc.compare_with.unwrap_or(if cumulative {
            CompareWith::SamePeriodLastYear
        } else {
            CompareWith::PreviousPeriod
        }),
        cumulative,
        year_figure: year,
        change_display: doc.change_display.unwrap_or_else(|| {
            ctx.change_display
                .iter()
                .find(|(u, _)| *u == doc.unit.value)
                .map_or(ChangeDisplay::default_for(doc.unit.value), |(_, how)| *how)
        }),
        written: written_numbers(doc),
        file: file.to_path_buf(),
        place: Place::from(&doc.id.referenced),
    })
}

/// The indicator's targets, benchmarks and percentage parameters that are
/// numbers, each with its place.
fn written_numbers(doc: &IndicatorDoc) -> Vec<Written> {
    let number = |n: &Spanned<Number>| match n.value {
        Number::Value(v) => Some((v, Place::from(&n.referenced))),
        _ => None,
    };
    let mut out = Vec::new();
    for (year, n) in &doc.targets {
        if let Some((value, place)) = number(n) {
            out.push(Written {
                what: format!("the target for {year}"),
                value,
                kind: WrittenKind::Target,
                place,
            });
        }
    }
    for (name, n) in &doc.benchmarks {
        if let Some((value, place)) = number(n) {
            out.push(Written {
                what: format!("the benchmark `{name}`"),
                value,
                kind: WrittenKind::Benchmark,
                place,
            });
        }
    }
    let params = |from: &str,
                  dot: &BTreeMap<String, Spanned<Number>>,
                  rag: &BTreeMap<String, Spanned<Number>>,
                  out: &mut Vec<Written>| {
        for (rule, params) in [("DoT", dot), ("RAG", rag)] {
            for (name, n) in params.iter().filter(|(k, _)| k.ends_with("_pct")) {
                if let Some((value, place)) = number(n) {
                    out.push(Written {
                        what: format!("`{name}` of its {rule} rule{from}"),
                        value,
                        kind: WrittenKind::PercentParameter,
                        place,
                    });
                }
            }
        }
    };
    params("", &doc.dot_params, &doc.rag_params, &mut out);
    // A dated version's numbers are read from its month on: as plausible
    // or not as the indicator's own.
    for v in &doc.versions {
        let from = format!(" from {}", v.value.from.value);
        for (name, n) in v.value.benchmarks.iter().flatten() {
            if let Some((value, place)) = number(n) {
                out.push(Written {
                    what: format!("the benchmark `{name}`{from}"),
                    value,
                    kind: WrittenKind::Benchmark,
                    place,
                });
            }
        }
        params(&from, &v.value.dot_params, &v.value.rag_params, &mut out);
    }
    out
}

/// Whether every figure of `measure` is a to-date total that resets less
/// often than the indicator is reported (a financial year to date shown
/// monthly or quarterly, a quarter to date shown monthly).
fn accumulates(measure: &Measure, frequency: Frequency, bases: &[BaseMeasure]) -> bool {
    let ids = measure.base_ids();
    !ids.is_empty()
        && ids.iter().all(|&i| match bases[i].window {
            Some(WindowKind::FinancialYearToDate) => frequency.step() < 12,
            Some(WindowKind::QuarterToDate) => frequency.step() < 3,
            _ => false,
        })
}

/// How the figure of a whole financial year is had from the periods:
/// the value at its end, where that stands for the year (an annual or
/// year-to-date figure, a snapshot, a rolling 12 months); the sum of its
/// periods for a plain count or sum of a flow; otherwise none.
fn year_figure(measure: &Measure, frequency: Frequency, bases: &[BaseMeasure]) -> YearFigure {
    use crate::model::measure::{Aggregate, Timing};
    let ids = measure.base_ids();
    let year_end = |b: &BaseMeasure| match b.window {
        Some(WindowKind::Rolling12m | WindowKind::FinancialYearToDate) => true,
        Some(WindowKind::QuarterToDate) => false,
        None => matches!(b.timing, Timing::Snapshot { .. }),
    };
    if frequency == Frequency::Annual
        || (!ids.is_empty() && ids.iter().all(|&i| year_end(&bases[i])))
    {
        return YearFigure::AtYearEnd;
    }
    match measure {
        Measure::Base(i)
            if matches!(bases[*i].timing, Timing::Flow { .. })
                && matches!(bases[*i].aggregate, Aggregate::Count | Aggregate::Sum(_)) =>
        {
            YearFigure::Sum
        }
        _ => YearFigure::None,
    }
}

/// The changes of an indicator's definition, in month order: each month
/// parses, comes after the one before, and changes something.
fn compile_versions(
    doc: &IndicatorDoc,
    windows: Windows,
    rule_sets: &BTreeMap<String, RuleSet>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Vec<Version> {
    let mut versions: Vec<Version> = Vec::new();
    for v in &doc.versions {
        let Some(from) = Month::parse(&v.value.from.value) else {
            ctx.problems.push(
                site.at(
                    &v.value.from,
                    format!("`{}` is not a month", v.value.from.value),
                )
                .help("write the first month the change applies to, as `2023-04`"),
            );
            continue;
        };
        if let Some(last) = versions.last() {
            if from <= last.from {
                ctx.problems.push(
                    site.at(
                        &v.value.from,
                        format!(
                            "the change from {from} is listed after the one from {}",
                            last.from
                        ),
                    )
                    .help("list changes in month order, each from a later month"),
                );
                continue;
            }
        }
        let nothing = v.value.measure.is_none()
            && v.value.dot_params.is_empty()
            && v.value.rag_params.is_empty()
            && v.value.benchmarks.is_none();
        if nothing {
            ctx.problems.push(
                site.at(
                    &v.value.from,
                    format!("the change from {from} changes nothing"),
                )
                .help("give a new `measure`, `dot_params`, `rag_params` or `benchmarks`"),
            );
            continue;
        }
        let measure = v
            .value
            .measure
            .as_ref()
            .map(|m| compile_measure(m, windows, site, ctx));
        // New parameters lie over the indicator's own, for the same rule set.
        let params = |base: &BTreeMap<String, Spanned<Number>>,
                      new: &BTreeMap<String, Spanned<Number>>| {
            let mut all = base.clone();
            all.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
            all
        };
        let dot = (!v.value.dot_params.is_empty()).then(|| {
            rule_use(
                doc.dot.as_ref(),
                &params(&doc.dot_params, &v.value.dot_params),
                RuleKind::Dot,
                rule_sets,
                site,
                ctx,
            )
        });
        let rag = (!v.value.rag_params.is_empty()).then(|| {
            rule_use(
                doc.rag.as_ref(),
                &params(&doc.rag_params, &v.value.rag_params),
                RuleKind::Rag,
                rule_sets,
                site,
                ctx,
            )
        });
        versions.push(Version {
            from,
            why: v.value.why.clone(),
            measure: measure.flatten(),
            dot: dot.flatten(),
            rag: rag.flatten(),
            benchmarks: v
                .value
                .benchmarks
                .as_ref()
                .map(|b| benchmarks(b, site, ctx)),
        });
    }
    versions
}

/// Checks an indicator's tests name sources and columns that exist and
/// months that parse; the rows' values are checked when the tests run.
fn compile_tests(doc: &IndicatorDoc, site: &IndicatorSite, ctx: &mut Ctx) -> Vec<IndicatorTest> {
    let mut tests = Vec::new();
    for test in &doc.tests {
        let place = Place::from(&test.referenced);
        let problem = |message: String, help: String| {
            Diagnostic::new(site.file, place, message)
                .subject(site.subject.clone())
                .help(help)
        };
        let before = ctx.problems.len();
        for (source, rows) in &test.value.rows {
            let Some(s) = ctx.sources.by_name.get(source) else {
                if ctx.sources.unreadable.contains(source) {
                    // Its own problem is reported where it is found or declared.
                    continue;
                }
                let names: Vec<&str> = ctx.sources.by_name.keys().map(String::as_str).collect();
                let hint = did_you_mean(source, names.iter().copied())
                    .map_or(String::new(), |n| format!("did you mean `{n}`? "));
                ctx.problems.push(problem(
                    format!(
                        "the test `{}` gives rows for `{source}`, which is not a source",
                        test.value.name
                    ),
                    format!(
                        "{hint}sources are the .parquet files under data/ and those declared in rubric.yaml or sources/: {}",
                        names.join(", ")
                    ),
                ));
                continue;
            };
            let unknown: BTreeSet<&String> = rows
                .iter()
                .flat_map(|r| r.keys())
                .filter(|c| !matches!(s.columns.get(*c), Some(Some(_))))
                .collect();
            for column in unknown {
                let hint = did_you_mean(column, s.columns.keys().map(String::as_str))
                    .map_or(String::new(), |n| format!("did you mean `{n}`? "));
                ctx.problems.push(problem(
                    format!("the test `{}` gives `{column}`, which is not a usable column of `{source}`", test.value.name),
                    format!("{hint}`{source}` has: {}", s.column_list()),
                ));
            }
        }
        let mut expect = BTreeMap::new();
        for (key, e) in &test.value.expect {
            match Month::parse(key) {
                Some(m) => {
                    expect.insert(m, e.clone());
                }
                None => ctx.problems.push(problem(
                    format!("the test `{}` expects figures for `{key}`, which is not a month", test.value.name),
                    "key expected figures by month, as `2023-03: { value: 85 }` (a quarter or year by its last month)".to_string(),
                )),
            }
        }
        if ctx.problems.len() == before {
            tests.push(IndicatorTest {
                name: test.value.name.clone(),
                place,
                rows: test.value.rows.clone(),
                expect,
            });
        }
    }
    tests
}

fn first_source(doc: &MeasureDoc) -> String {
    if let Some(s) = &doc.source {
        return s.value.clone();
    }
    if doc.kind.value == MeasureKind::Expression {
        return "(formula)".to_string();
    }
    [&doc.numerator, &doc.measure]
        .into_iter()
        .flatten()
        .map(|m| first_source(m))
        .next()
        .unwrap_or_default()
}

/// Benchmarks by name, each value checked (every bad one reported).
/// Benchmarks by name: a number, or a state in words as targets take
/// them (`TBC`, `Local`, `-`).
fn benchmarks(
    written: &BTreeMap<String, Spanned<Number>>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> BTreeMap<String, Figure> {
    written
        .iter()
        .filter_map(|(name, v)| {
            if let Number::Text(text) = &v.value {
                let text = text.trim();
                if let Some(state) = TARGET_STATES.iter().find(|s| s.eq_ignore_ascii_case(text)) {
                    return Some((
                        name.clone(),
                        Figure {
                            value: None,
                            state: Some(state.to_string()),
                            ..Figure::number(0.0)
                        },
                    ));
                }
            }
            number(v, &format!("the benchmark `{name}`"), site, ctx)
                .map(|v| (name.clone(), Figure::number(v)))
        })
        .collect()
}

/// The indicator's breakdowns as written, `breakdown: team` as a list of
/// one; names that two breakdowns share, bands out of order and the two
/// keys together are reported.
fn breakdown_docs(
    doc: &IndicatorDoc,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Vec<Spanned<BreakdownDoc>> {
    let mut all: Vec<Spanned<BreakdownDoc>> = Vec::new();
    if let Some(b) = &doc.breakdown {
        if let Some(first) = doc.breakdowns.first() {
            ctx.problems.push(
                site.at(first, "`breakdown` and `breakdowns` are both given")
                    .help(format!(
                        "list `{}` in `breakdowns` and remove `breakdown:`",
                        b.value
                    )),
            );
        }
        all.push(Spanned {
            value: BreakdownDoc::Column {
                column: b.value.clone(),
                name: None,
            },
            referenced: b.referenced,
            defined: b.defined,
        });
    }
    all.extend(doc.breakdowns.iter().cloned());
    let mut names: BTreeSet<String> = BTreeSet::new();
    for b in &all {
        let name = Breakdown::from_doc(&b.value).name;
        if name.trim().is_empty() || name.chars().count() > MAX_BREAKDOWN_NAME {
            ctx.problems.push(
                site.at(b, "a breakdown's name must be 1 to 100 characters")
                    .help("name it as a report's heading would, e.g. `name: age band`"),
            );
        } else if !names.insert(name.clone()) {
            ctx.problems.push(
                site.at(b, format!("two breakdowns are named `{name}`"))
                    .help(
                        "each breakdown is its own table: give each a different column or `name:`",
                    ),
            );
        }
        if let BreakdownDoc::AgeBand { bands, .. } = &b.value {
            let ascending = bands.windows(2).all(|w| w[0] < w[1]);
            if bands.is_empty() || bands[0] == 0 || !ascending || bands.len() > MAX_BANDS {
                ctx.problems.push(
                    site.at(b, format!("the bands {bands:?} are not a list of first ages"))
                        .help(format!("give each band's first age after the first band, ascending and above 0, at most {MAX_BANDS}: `bands: [1, 5, 10, 16]` gives under 1, 1 to 4, 5 to 9, 10 to 15 and 16 and over")),
                );
            }
        }
    }
    all
}

/// The longest name a breakdown may have, in characters.
const MAX_BREAKDOWN_NAME: usize = 100;

/// The most age bands a breakdown may have.
const MAX_BANDS: usize = 30;

/// The states a target can be in instead of a number, as boards print
/// them (matched without regard to case, kept as written).
const TARGET_STATES: [&str; 6] = ["TBC", "TBA", "Not set", "Local", "-", "n/a"];

/// A target as written: a number, a strict comparator (`< 36`, `> 95`;
/// `<=` and `>=` are the plain number), or a state in words (`TBC`).
fn target(
    value: &Spanned<Number>,
    year: &str,
    polarity: Polarity,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<Target> {
    let Number::Text(written) = &value.value else {
        let v = number(value, &format!("the target for {year}"), site, ctx)?;
        return Some(Target::Value {
            value: v,
            strict: false,
        });
    };
    let text = written.trim();
    let (comparator, rest) = ["<=", ">=", "<", ">"]
        .iter()
        .find_map(|c| text.strip_prefix(c).map(|rest| (Some(*c), rest.trim())))
        .unwrap_or((None, text));
    let parsed = rest
        .strip_suffix('%')
        .unwrap_or(rest)
        .trim()
        .parse::<f64>()
        .ok();
    let problem = match (comparator, parsed) {
        (Some(c), Some(v)) if v.is_finite() => {
            let lower = c.starts_with('<');
            let fits = match polarity {
                Polarity::LowerIsBetter => lower,
                Polarity::HigherIsBetter => !lower,
                Polarity::Neutral => false,
            };
            if fits {
                return Some(Target::Value {
                    value: v,
                    strict: c.len() == 1,
                });
            }
            format!(
                "the target for {year} is `{text}`, which points the other way from the indicator's polarity ({})",
                polarity.name().replace('_', " ")
            )
        }
        (Some(_), _) => {
            format!("the target for {year} is `{text}`: no number follows the comparator")
        }
        (None, Some(_)) => format!("the target for {year} is `{text}`, a number written as text"),
        (None, None) if TARGET_STATES.iter().any(|s| s.eq_ignore_ascii_case(text)) => {
            return Some(Target::State(text.to_string()));
        }
        (None, None) => format!(
            "the target for {year} is `{}`, neither a number, a strict comparator nor a state ({})",
            text.chars().take(60).collect::<String>(),
            TARGET_STATES.join(", ")
        ),
    };
    ctx.problems.push(site.at(value, problem).help(
        "write a number (95), a strict comparator in the direction of the polarity (`< 36` when lower is better: exactly 36 is not met), or a state in words (`TBC`, `Not set`)",
    ));
    None
}
