//! The compile pass: YAML documents in, validated project out. Every
//! problem found is collected (not just the first), each with its place.
//!
//! One file per part: `settings` (limits, quality, publication),
//! `calendar`, `rule_sets`, `indicator` (targets, versions, tests, rule
//! uses), `measure` (the measure kinds and their fields) and `cycles`
//! (formulas reading each other).

mod calendar;
mod columns;
mod cycles;
mod filter;
mod indicator;
mod kinds;
mod lookup;
mod measure;
mod page;
mod rated;
mod rule_sets;
mod rule_use;
mod settings;

pub use calendar::builtin_calendar;
pub use measure::accepted_keys;
pub use settings::{Policy, Quality};

use super::indicator::Indicator;
use super::measure::BaseMeasure;
use super::rule_set::RuleSet;
use crate::calendar::Calendar;
use crate::config::document::Number;
use crate::config::load_project;
use crate::config::span::Spanned;
use crate::diagnostic::{Diagnostic, Place, SourceTexts};
use crate::expr::engine::sandboxed_engine;
use crate::expr::site::known_functions;
use crate::source::{discover, Sources};
use rhai::Engine;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A validated project: everything needed to run.
pub struct Project {
    pub root: PathBuf,
    /// The working-day calendar expressions use.
    pub calendar: Arc<Calendar>,
    pub indicators: Vec<Indicator>,
    /// Every indicator's index, each after those its formulas read.
    pub evaluation_order: Vec<usize>,
    pub base_measures: Vec<BaseMeasure>,
    pub rule_sets: BTreeMap<String, RuleSet>,
    pub sources: Sources,
    /// The publication policy, when `rubric.yaml` sets one.
    pub publication: Option<crate::model::Policy>,
    /// When figures are flagged (`quality:` in `rubric.yaml`).
    pub quality: Quality,
    /// How a run without `--period` chooses its month.
    pub reporting_month: crate::config::document::ReportingMonth,
    /// Benchmarks read from a table, when `rubric.yaml` names one.
    pub benchmark_table: Option<crate::model::benchmark::BenchmarkTable>,
    /// The page files, in path order (the default board is not among them).
    pub pages: Vec<crate::model::page::Page>,
    /// Every format a page can be written in (the default board's too).
    pub formats: Vec<crate::model::page::Format>,
    pub engine: Engine,
    pub texts: SourceTexts,
}

/// Where an indicator's data stops: the month of the earliest extraction
/// day declared on a source it reads. Months after it have no data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataEnd {
    pub month: crate::calendar::period::Month,
    pub day: i32,
    pub source: String,
}

impl DataEnd {
    /// Why a month after it has no value.
    pub fn reason(&self) -> String {
        format!(
            "no data after {}: `{}` was extracted then",
            crate::calendar::period::date_from_days(self.day),
            self.source
        )
    }
}

impl Project {
    /// Where an indicator's data stops, when a source it reads declares
    /// the day it was extracted.
    pub fn data_end(&self, ind: &crate::model::indicator::Indicator) -> Option<DataEnd> {
        ind.measures()
            .flat_map(|m| m.base_ids())
            .filter_map(|b| {
                let source = &self.base_measures[b].source;
                let day = self.sources.by_name.get(source)?.extracted?;
                Some(DataEnd {
                    month: crate::calendar::period::Month::of_days(day),
                    day,
                    source: source.clone(),
                })
            })
            .min_by_key(|e| (e.day, e.source.clone()))
    }
}

/// Problems found while compiling, with the texts needed to quote them.
pub struct CompileFailure {
    pub problems: Vec<Diagnostic>,
    pub texts: SourceTexts,
}

/// Loads and validates the project in `root`, whose pages may be written
/// in `formats` (the output floor's writers: `output::formats()`).
pub fn compile_project(
    root: &Path,
    formats: &[crate::model::page::Format],
) -> Result<Project, CompileFailure> {
    compile_project_with(root, None, formats)
}

/// Loads and validates the project, reading the sources a snapshot holds
/// from it instead of from where they live.
pub fn compile_project_with(
    root: &Path,
    snapshot: Option<&crate::source::snapshot::Snapshot>,
    formats: &[crate::model::page::Format],
) -> Result<Project, CompileFailure> {
    let mut files = load_project(root);
    let (sources, source_problems) = discover(root, &files.sources, snapshot);
    let mut problems = files.problems;
    problems.extend(source_problems);
    let calendar = Arc::new(calendar::build_calendar(
        files.settings.as_ref(),
        root,
        &mut files.texts,
        &mut problems,
    ));
    let limits = settings::build_limits(files.settings.as_ref(), &mut problems);
    let publication = settings::build_publication(files.settings.as_ref(), &mut problems);
    let quality = settings::build_quality(files.settings.as_ref(), &mut problems);
    let change_display = settings::build_change_display(files.settings.as_ref(), &mut problems);
    if quality.extracted.is_none() {
        needs_extracted(&sources, &mut problems);
    }
    let benchmark_table =
        settings::build_benchmark_table(files.settings.as_ref(), &sources, &mut problems);
    let engine = sandboxed_engine(limits, Arc::clone(&calendar));
    let problems_in_rules = problems.iter().any(|p| p.file.starts_with("rules"));
    let mut ctx = Ctx {
        calendar: Arc::clone(&calendar),
        known_functions: known_functions(&engine),
        engine,
        sources,
        texts: files.texts,
        problems,
        base_measures: Vec::new(),
        indicator_ids: BTreeSet::new(),
        declared_rule_sets: BTreeSet::new(),
        rules_unreadable: problems_in_rules,
        change_display,
        benchmark_names: benchmark_table
            .iter()
            .flat_map(|t| t.names.iter().cloned())
            .collect(),
    };
    let rule_sets = rule_sets::compile_rule_sets(&files.rules, &mut ctx);
    for file in &files.indicators {
        for ind in &file.doc.indicators {
            ctx.indicator_ids.insert(ind.value.id.value.clone());
        }
    }
    let mut indicators = Vec::new();
    let mut seen: BTreeMap<String, (PathBuf, Place)> = BTreeMap::new();
    // Ids that differ only in case name one file on Windows and macOS
    // (`reviews/A1.snap` and `reviews/a1.snap`).
    let mut folded: BTreeMap<String, String> = BTreeMap::new();
    for file in &files.indicators {
        for doc in &file.doc.indicators {
            let id = &doc.value.id;
            let place = Place::from(&id.referenced);
            if let Some(other) = folded.get(&id.value.to_lowercase()) {
                if *other != id.value {
                    ctx.problems.push(
                        Diagnostic::new(
                            &file.file,
                            place,
                            format!(
                                "the indicator id `{}` differs from `{other}` only in case",
                                id.value
                            ),
                        )
                        .subject(format!("indicator {}", id.value))
                        .help("rename one: their reviews and drill files would be one file on Windows and macOS"),
                    );
                    continue;
                }
            }
            folded.insert(id.value.to_lowercase(), id.value.clone());
            if let Some((other_file, other_place)) = seen.get(&id.value) {
                ctx.problems.push(
                    Diagnostic::new(
                        &file.file,
                        place,
                        format!("the indicator id `{}` is used twice", id.value),
                    )
                    .subject(format!("indicator {}", id.value))
                    .help(format!(
                        "it is also declared at {}:{}:{}; ids must be unique across all files",
                        other_file.display(),
                        other_place.line,
                        other_place.column
                    )),
                );
                continue;
            }
            seen.insert(id.value.clone(), (file.file.clone(), place));
            if let Some(ind) =
                indicator::compile_indicator(&doc.value, &file.file, &rule_sets, &mut ctx)
            {
                indicators.push(ind);
            }
        }
    }
    let (evaluation_order, loops) = cycles::evaluation_order(&indicators);
    cycles::report_loops(&indicators, loops, &mut ctx);
    let benchmark_names: BTreeSet<String> = indicators
        .iter()
        .flat_map(|i| i.benchmark_names().map(str::to_string))
        .chain(ctx.benchmark_names.iter().cloned())
        .collect();
    let pages = page::compile_pages(
        &files.pages,
        &indicators,
        &benchmark_names,
        formats,
        &mut ctx.problems,
    );
    if !ctx.problems.is_empty() {
        ctx.problems.sort();
        ctx.problems.dedup();
        return Err(CompileFailure {
            problems: ctx.problems,
            texts: ctx.texts,
        });
    }
    Ok(Project {
        root: root.to_path_buf(),
        calendar: ctx.calendar,
        indicators,
        evaluation_order,
        base_measures: ctx.base_measures,
        rule_sets,
        sources: ctx.sources,
        publication,
        quality,
        reporting_month: files
            .settings
            .as_ref()
            .and_then(|s| s.doc.reporting_month.as_ref())
            .map(|r| r.value)
            .unwrap_or_default(),
        benchmark_table,
        pages,
        formats: formats.to_vec(),
        engine: ctx.engine,
        texts: ctx.texts,
    })
}

/// An expectation dated `to: extracted` needs the extraction day.
fn needs_extracted(sources: &crate::source::Sources, problems: &mut Vec<Diagnostic>) {
    use crate::source::expect::{Check, Until};
    for source in sources.by_name.values() {
        for e in &source.expectations {
            if let Check::Dates {
                to: Some(Until::Extracted),
                ..
            } = e.check
            {
                problems.push(
                    Diagnostic::new(&e.file, e.place, "`to: extracted` is the day the data was extracted, which `rubric.yaml` does not give")
                        .subject(format!("source {}", source.name))
                        .help("add `quality: { extracted: YYYY-MM-DD }` to rubric.yaml, or write the last day allowed"),
                );
            }
        }
    }
}

pub(super) struct Ctx {
    engine: Engine,
    calendar: Arc<Calendar>,
    known_functions: BTreeSet<String>,
    sources: Sources,
    texts: SourceTexts,
    problems: Vec<Diagnostic>,
    base_measures: Vec<BaseMeasure>,
    indicator_ids: BTreeSet<String>,
    /// Every rule set declared, compiled or not: one that failed to compile
    /// has its problems reported, so indicators naming it add none.
    declared_rule_sets: BTreeSet<String>,
    /// A rule file could not be read: a rule set it may declare is
    /// unknown, so indicators naming one add no problem of their own.
    rules_unreadable: bool,
    /// How each unit's changes are printed, unless an indicator says.
    change_display: Vec<(
        crate::config::document::Unit,
        crate::config::document::ChangeDisplay,
    )>,
    /// The benchmarks the benchmark table may hold (`benchmarks.names`).
    benchmark_names: BTreeSet<String>,
}

/// Where in the files an indicator's parts are, for messages.
pub(super) struct IndicatorSite<'a> {
    file: &'a Path,
    subject: String,
    /// The indicator's breakdowns, `breakdown:` and `breakdowns:` alike.
    breakdowns: Vec<Spanned<crate::config::document::BreakdownDoc>>,
}

impl IndicatorSite<'_> {
    pub(super) fn at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file, Place::from(&spanned.referenced), message)
            .subject(self.subject.clone())
    }
}

pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A number from a map of numbers, or a problem at its place.
pub(super) fn number(
    value: &crate::config::span::Spanned<Number>,
    what: &str,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<f64> {
    let problem = match &value.value {
        Number::Value(v) if v.is_finite() => return Some(*v),
        Number::Value(_) => format!("{what} is not a finite number"),
        Number::Other(written) => format!("{what} is {written}, not a number"),
        Number::Text(written) => format!("{what} is `{written}`, not a number"),
    };
    ctx.problems.push(
        site.at(value, problem)
            .help("write a plain number such as 95 or 12.5, without % or words"),
    );
    None
}
