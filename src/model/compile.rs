//! The compile pass: YAML documents in, validated project out. Every
//! problem found is collected (not just the first), each with its place.

use super::indicator::{Indicator, IndicatorTest, RuleUse, Version};
use super::measure::{Aggregate, BaseMeasure, Formula, Measure, Population, Timing};
use super::rule_set::{RuleSet, RULE_SCOPE};
use crate::calendar::{parse_day, Calendar, BUILTIN};
use crate::config::document::*;
use crate::config::load::{parse, read_text};
use crate::config::{load_project, Loaded};
use crate::diagnostic::{did_you_mean, Diagnostic, Place, SourceTexts};
use crate::expr::column_type::ColumnType;
use crate::expr::engine::{sandboxed_engine, Limits};
use crate::expr::row_expr::RowExpr;
use crate::expr::site::{
    known_functions, parse_error, unknown_calls, unknown_function, variables, ExprSite,
};
use crate::measure::period::{FinancialYear, Month};
use crate::measure::source::{discover, Source, Sources};
use rhai::{Dynamic, Engine, Scope};
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A validated project: everything needed to run.
pub struct Project {
    pub root: PathBuf,
    /// The working-day calendar expressions use.
    pub calendar: Arc<Calendar>,
    pub indicators: Vec<Indicator>,
    pub base_measures: Vec<BaseMeasure>,
    pub rule_sets: BTreeMap<String, RuleSet>,
    pub sources: Sources,
    /// The publication policy, when `rubric.yaml` sets one.
    pub publication: Option<crate::publication::Policy>,
    /// When figures are flagged (`quality:` in `rubric.yaml`).
    pub quality: Quality,
    pub engine: Engine,
    pub texts: SourceTexts,
}

/// Problems found while compiling, with the texts needed to quote them.
pub struct CompileFailure {
    pub problems: Vec<Diagnostic>,
    pub texts: SourceTexts,
}

/// Loads and validates the project in `root`.
pub fn compile_project(root: &Path) -> Result<Project, CompileFailure> {
    let mut files = load_project(root);
    let (sources, source_problems) = discover(root);
    let mut problems = files.problems;
    problems.extend(source_problems);
    let calendar = Arc::new(build_calendar(
        files.settings.as_ref(),
        root,
        &mut files.texts,
        &mut problems,
    ));
    let limits = build_limits(files.settings.as_ref(), &mut problems);
    let publication = files.settings.as_ref().and_then(|s| {
        let doc = s.doc.publication.as_ref()?;
        let below = &doc.suppress_below;
        if below.value < 2 {
            problems.push(
                Diagnostic::new(&s.file, Place::from_location(&below.referenced), format!("`suppress_below` is {}, which withholds nothing", below.value))
                    .subject("publication")
                    .help("give the smallest count that may be published, e.g. `suppress_below: 5` withholds 1 to 4"),
            );
            return None;
        }
        Some(crate::publication::Policy {
            suppress_below: below.value as f64,
        })
    });
    let quality = build_quality(files.settings.as_ref(), &mut problems);
    let engine = sandboxed_engine(limits, Arc::clone(&calendar));
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
    };
    let rule_sets = compile_rule_sets(&files.rules, &mut ctx);
    for file in &files.indicators {
        for ind in &file.doc.indicators {
            ctx.indicator_ids.insert(ind.value.id.value.clone());
        }
    }
    let mut indicators = Vec::new();
    let mut seen: BTreeMap<String, (PathBuf, Place)> = BTreeMap::new();
    for file in &files.indicators {
        for doc in &file.doc.indicators {
            let id = &doc.value.id;
            let place = Place::from_location(&id.referenced);
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
            if let Some(ind) = compile_indicator(&doc.value, &file.file, &rule_sets, &mut ctx) {
                indicators.push(ind);
            }
        }
    }
    check_formula_cycles(&indicators, &mut ctx);
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
        base_measures: ctx.base_measures,
        rule_sets,
        sources: ctx.sources,
        publication,
        quality,
        engine: ctx.engine,
        texts: ctx.texts,
    })
}

struct Ctx {
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
}

/// Where in the files an indicator's parts are, for messages.
struct IndicatorSite<'a> {
    file: &'a Path,
    subject: String,
    breakdown: Option<&'a Spanned<String>>,
}

impl IndicatorSite<'_> {
    fn at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            self.file,
            Place::from_location(&spanned.referenced),
            message,
        )
        .subject(self.subject.clone())
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn compile_rule_sets(files: &[Loaded<RuleFile>], ctx: &mut Ctx) -> BTreeMap<String, RuleSet> {
    let mut sets = BTreeMap::new();
    for file in files {
        for doc in &file.doc.rules {
            let doc = &doc.value;
            let name = doc.name.value.clone();
            let subject = format!("rule set {name}");
            ctx.declared_rule_sets.insert(name.clone());
            let at = |s: &Spanned<String>, m: String| {
                Diagnostic::new(&file.file, Place::from_location(&s.referenced), m)
                    .subject(subject.clone())
            };
            if sets.contains_key(&name) {
                ctx.problems.push(
                    at(
                        &doc.name,
                        format!("the rule set `{name}` is declared twice"),
                    )
                    .help("rename one of them"),
                );
                continue;
            }
            let mut ok = true;
            if doc.outcomes.is_empty() {
                ctx.problems.push(
                    at(&doc.name, "the rule set declares no outcomes".into())
                        .help("list the names the rule may return under `outcomes:`"),
                );
                ok = false;
            }
            let mut outcome_names = BTreeSet::new();
            for o in &doc.outcomes {
                if !outcome_names.insert(o.name.clone()) {
                    ctx.problems.push(
                        at(
                            &doc.name,
                            format!("the outcome `{}` is listed twice", o.name),
                        )
                        .help("each outcome name must be unique"),
                    );
                    ok = false;
                }
            }
            let mut scope_names: BTreeSet<String> =
                RULE_SCOPE.iter().map(|s| s.to_string()).collect();
            for p in doc.params.keys() {
                if !is_identifier(p) {
                    ctx.problems.push(
                        at(
                            &doc.name,
                            format!("the parameter name `{p}` is not a valid name"),
                        )
                        .help("use letters, digits and `_`, starting with a letter"),
                    );
                    ok = false;
                }
                scope_names.insert(p.clone());
            }
            for r in &doc.requires {
                if !scope_names.contains(&r.value) {
                    let help = match did_you_mean(&r.value, scope_names.iter().map(String::as_str))
                    {
                        Some(s) => format!(
                            "did you mean `{s}`? rules can read: {}",
                            RULE_SCOPE.join(", ")
                        ),
                        None => format!("rules can read: {}", RULE_SCOPE.join(", ")),
                    };
                    ctx.problems.push(
                        at(r, format!("`{}` is not a variable rules can read", r.value)).help(help),
                    );
                    ok = false;
                }
            }
            let site = ExprSite::new(
                file.file.clone(),
                &doc.expression.referenced,
                &ctx.texts,
                subject.clone(),
                &doc.expression.value,
            );
            let mut scope = Scope::new();
            for n in &scope_names {
                scope.push_dynamic(n.as_str(), Dynamic::UNIT);
            }
            let ast = match ctx.engine.compile_with_scope(&scope, &doc.expression.value) {
                Ok(ast) => ast,
                Err(e) => {
                    ctx.problems
                        .push(parse_error(&site, &e, &scope_names, "rules can read"));
                    continue;
                }
            };
            for (fname, pos) in unknown_calls(&ast, &ctx.known_functions) {
                ctx.problems
                    .push(unknown_function(&site, &fname, pos, &ctx.known_functions));
                ok = false;
            }
            if ok {
                sets.insert(
                    name.clone(),
                    RuleSet {
                        name,
                        kind: doc.kind,
                        description: doc.description.clone(),
                        params: doc.params.clone(),
                        requires: doc.requires.iter().map(|r| r.value.clone()).collect(),
                        outcomes: doc.outcomes.clone(),
                        on_small_base: doc.on_small_base,
                        text: doc.expression.value.clone(),
                        site,
                        ast,
                    },
                );
            }
        }
    }
    sets
}

fn compile_indicator(
    doc: &IndicatorDoc,
    file: &Path,
    rule_sets: &BTreeMap<String, RuleSet>,
    ctx: &mut Ctx,
) -> Option<Indicator> {
    let id = doc.id.value.clone();
    let site = IndicatorSite {
        file,
        subject: format!("indicator {id}"),
        breakdown: doc.breakdown.as_ref(),
    };
    let before = ctx.problems.len();
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
                if !value.value.is_finite() {
                    ctx.problems.push(
                        site.at(value, "the target is not a finite number")
                            .help("write a plain number such as 95"),
                    );
                }
                targets.insert(fy, value.value);
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
    let measure = compile_measure(&doc.measure, windows, &site, ctx);
    let versions = compile_versions(doc, windows, rule_sets, &site, ctx);
    if ctx.problems.len() > before {
        return None;
    }
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
        measure: measure?,
        targets,
        benchmarks: doc.benchmarks.clone(),
        dot,
        rag,
        breakdown: doc.breakdown.as_ref().map(|b| b.value.clone()),
        commentary,
        tests,
        versions,
        collected_from,
        frequency: doc.frequency,
        file: file.to_path_buf(),
        place: Place::from_location(&doc.id.referenced),
    })
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
        let params = |base: &BTreeMap<String, Spanned<f64>>,
                      new: &BTreeMap<String, Spanned<f64>>| {
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
            benchmarks: v.value.benchmarks.clone(),
        });
    }
    versions
}

/// Checks an indicator's tests name sources and columns that exist and
/// months that parse; the rows' values are checked when the tests run.
fn compile_tests(doc: &IndicatorDoc, site: &IndicatorSite, ctx: &mut Ctx) -> Vec<IndicatorTest> {
    let mut tests = Vec::new();
    for test in &doc.tests {
        let place = Place::from_location(&test.referenced);
        let problem = |message: String, help: String| {
            Diagnostic::new(site.file, place, message)
                .subject(site.subject.clone())
                .help(help)
        };
        let before = ctx.problems.len();
        for (source, rows) in &test.value.rows {
            let Some(s) = ctx.sources.by_name.get(source) else {
                let names: Vec<&str> = ctx.sources.by_name.keys().map(String::as_str).collect();
                let hint = did_you_mean(source, names.iter().copied())
                    .map_or(String::new(), |n| format!("did you mean `{n}`? "));
                ctx.problems.push(problem(
                    format!(
                        "the test `{}` gives rows for `{source}`, which is not a source",
                        test.value.name
                    ),
                    format!(
                        "{hint}sources are the .parquet files under data/: {}",
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

fn rule_use(
    name: Option<&Spanned<String>>,
    overrides: &BTreeMap<String, Spanned<f64>>,
    kind: RuleKind,
    rule_sets: &BTreeMap<String, RuleSet>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<RuleUse> {
    let kind_name = if kind == RuleKind::Dot { "dot" } else { "rag" };
    let Some(name) = name else {
        if let Some((k, v)) = overrides.iter().next() {
            ctx.problems.push(
                site.at(
                    v,
                    format!("`{k}` overrides a parameter, but no `{kind_name}` rule set is named"),
                )
                .help(format!("name the rule set with `{kind_name}: ...`")),
            );
        }
        return None;
    };
    let Some(set) = rule_sets.get(&name.value) else {
        if ctx.declared_rule_sets.contains(&name.value) {
            return None;
        }
        let same_kind: Vec<&str> = rule_sets
            .values()
            .filter(|r| r.kind == kind)
            .map(|r| r.name.as_str())
            .collect();
        let help = match did_you_mean(&name.value, same_kind.iter().copied()) {
            Some(s) => format!(
                "did you mean `{s}`? {kind_name} rule sets: {}",
                same_kind.join(", ")
            ),
            None => format!(
                "{kind_name} rule sets in rules/: {}",
                if same_kind.is_empty() {
                    "none".to_string()
                } else {
                    same_kind.join(", ")
                }
            ),
        };
        ctx.problems.push(
            site.at(name, format!("there is no rule set named `{}`", name.value))
                .help(help),
        );
        return None;
    };
    if set.kind != kind {
        ctx.problems.push(
            site.at(
                name,
                format!("`{}` is not a {kind_name} rule set", name.value),
            )
            .help(format!(
                "`{kind_name}:` must name a rule set with `kind: {kind_name}`"
            )),
        );
        return None;
    }
    let mut params = set.params.clone();
    for (k, v) in overrides {
        if !params.contains_key(k) {
            let known: Vec<&str> = set.params.keys().map(String::as_str).collect();
            ctx.problems.push(
                site.at(
                    v,
                    format!("the rule set `{}` has no parameter `{k}`", set.name),
                )
                .help(format!(
                    "its parameters are: {}",
                    if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    }
                )),
            );
            continue;
        }
        params.insert(k.clone(), v.value);
    }
    Some(RuleUse {
        rule: set.name.clone(),
        params,
    })
}

/// The windows in force while compiling a measure: one written in the
/// YAML, and the one a quarterly or annual indicator gives its flows (a
/// quarter's referrals are the quarter to date at its last month).
#[derive(Debug, Clone, Copy)]
struct Windows {
    explicit: Option<WindowKind>,
    flow_default: Option<WindowKind>,
}

/// The fields a measure may carry, with whether each is set and where.
fn set_fields(doc: &MeasureDoc) -> Vec<(&'static str, Option<&serde_saphyr::Location>)> {
    fn loc<T>(s: &Option<Spanned<T>>) -> Option<&serde_saphyr::Location> {
        s.as_ref().map(|s| &s.referenced)
    }
    let kind_loc = Some(&doc.kind.referenced);
    vec![
        ("source", loc(&doc.source)),
        ("date", loc(&doc.date)),
        ("start", loc(&doc.start)),
        ("end", loc(&doc.end)),
        ("filter", loc(&doc.filter)),
        ("distinct", loc(&doc.distinct)),
        ("sum", loc(&doc.sum)),
        ("mean", loc(&doc.mean)),
        ("missing_reason", loc(&doc.missing_reason)),
        ("numerator", doc.numerator.as_ref().and(kind_loc)),
        ("denominator", doc.denominator.as_ref().and(kind_loc)),
        ("scale", loc(&doc.scale)),
        ("measure", doc.measure.as_ref().and(kind_loc)),
        ("population", doc.population.as_ref().and(kind_loc)),
        ("per", loc(&doc.per)),
        ("window", loc(&doc.window)),
        ("formula", loc(&doc.formula)),
    ]
}

fn compile_measure(
    doc: &MeasureDoc,
    windows: Windows,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<Measure> {
    let kind = doc.kind.value;
    let (kind_name, allowed): (&str, &[&str]) = match kind {
        MeasureKind::Flow => (
            "flow",
            &[
                "source",
                "date",
                "filter",
                "distinct",
                "sum",
                "mean",
                "missing_reason",
            ],
        ),
        MeasureKind::Snapshot => (
            "snapshot",
            &[
                "source",
                "start",
                "end",
                "filter",
                "distinct",
                "sum",
                "mean",
                "missing_reason",
            ],
        ),
        MeasureKind::Ratio => ("ratio", &["numerator", "denominator", "scale"]),
        MeasureKind::Rate => ("rate", &["measure", "population", "per"]),
        MeasureKind::Window => ("window", &["measure", "window"]),
        MeasureKind::Expression => ("expression", &["formula"]),
    };
    let mut ok = true;
    for (field, location) in set_fields(doc) {
        if let Some(location) = location {
            if !allowed.contains(&field) {
                ctx.problems.push(
                    Diagnostic::new(
                        site.file,
                        Place::from_location(location),
                        format!("`{field}` is not used by a {kind_name} measure"),
                    )
                    .subject(site.subject.clone())
                    .help(format!(
                        "a {kind_name} measure takes: kind, {}",
                        allowed.join(", ")
                    )),
                );
                ok = false;
            }
        }
    }
    let missing = |field: &str, ctx: &mut Ctx| {
        ctx.problems.push(
            site.at(&doc.kind, format!("a {kind_name} measure needs `{field}`"))
                .help(format!(
                    "a {kind_name} measure takes: kind, {}",
                    allowed.join(", ")
                )),
        );
    };
    match kind {
        MeasureKind::Flow | MeasureKind::Snapshot => {
            let Some(source_name) = &doc.source else {
                missing("source", ctx);
                return None;
            };
            let source = lookup_source(source_name, site, ctx)?;
            let timing = if kind == MeasureKind::Flow {
                let Some(date) = &doc.date else {
                    missing("date", ctx);
                    return None;
                };
                Timing::Flow {
                    date: column(&source, date, &[ColumnType::Date], "a date", site, ctx)?,
                }
            } else {
                let (Some(start), Some(end)) = (&doc.start, &doc.end) else {
                    missing(if doc.start.is_none() { "start" } else { "end" }, ctx);
                    return None;
                };
                let start = column(&source, start, &[ColumnType::Date], "a date", site, ctx);
                let end = column(&source, end, &[ColumnType::Date], "a date", site, ctx);
                Timing::Snapshot {
                    start: start?,
                    end: end?,
                }
            };
            let aggregates: Vec<_> = [
                ("distinct", &doc.distinct),
                ("sum", &doc.sum),
                ("mean", &doc.mean),
            ]
            .into_iter()
            .filter_map(|(n, v)| v.as_ref().map(|v| (n, v)))
            .collect();
            if aggregates.len() > 1 {
                ctx.problems.push(site.at(aggregates[1].1, "a measure computes one thing: choose one of `distinct`, `sum` or `mean`").help("split it into two indicators, or combine them with an expression indicator"));
                return None;
            }
            let numeric = [ColumnType::Int, ColumnType::Float];
            let aggregate = match aggregates.first() {
                None => Aggregate::Count,
                Some(("distinct", c)) => Aggregate::Distinct(column(
                    &source,
                    c,
                    &[ColumnType::Int, ColumnType::Str, ColumnType::Date],
                    "an id (integer, text or date)",
                    site,
                    ctx,
                )?),
                Some(("sum", c)) => {
                    Aggregate::Sum(column(&source, c, &numeric, "a number", site, ctx)?)
                }
                Some((_, c)) => {
                    Aggregate::Mean(column(&source, c, &numeric, "a number", site, ctx)?)
                }
            };
            let breakdown = match site.breakdown {
                Some(b) => Some(column(
                    &source,
                    b,
                    &[ColumnType::Str, ColumnType::Int],
                    "text or an integer",
                    site,
                    ctx,
                )?),
                None => None,
            };
            let missing_reason = match &doc.missing_reason {
                Some(r) if !matches!(aggregate, Aggregate::Sum(_) | Aggregate::Mean(_)) => {
                    ctx.problems.push(
                        site.at(r, "`missing_reason` goes with `sum` or `mean`")
                            .help("a count has no empty values to explain"),
                    );
                    return None;
                }
                Some(r) => Some(column(&source, r, &[ColumnType::Str], "text", site, ctx)?),
                None => None,
            };
            let filter = match &doc.filter {
                Some(f) => Some(row_filter(f, &source, site, ctx)?),
                None => None,
            };
            if !ok {
                return None;
            }
            let base = BaseMeasure {
                source: source.name.clone(),
                window: match timing {
                    Timing::Flow { .. } => windows.explicit.or(windows.flow_default),
                    Timing::Snapshot { .. } => windows.explicit,
                },
                timing,
                filter,
                aggregate,
                missing_reason,
                breakdown,
            };
            // Indicators often share a measure (a count of referrals is the
            // denominator of several): compute it once.
            if let Some(id) = ctx.base_measures.iter().position(|b| b.same_work(&base)) {
                return Some(Measure::Base(id));
            }
            ctx.base_measures.push(base);
            Some(Measure::Base(ctx.base_measures.len() - 1))
        }
        MeasureKind::Ratio => {
            let (Some(num), Some(den)) = (&doc.numerator, &doc.denominator) else {
                missing(
                    if doc.numerator.is_none() {
                        "numerator"
                    } else {
                        "denominator"
                    },
                    ctx,
                );
                return None;
            };
            let numerator = compile_measure(num, windows, site, ctx);
            let denominator = compile_measure(den, windows, site, ctx);
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
        MeasureKind::Rate => {
            let Some(inner) = &doc.measure else {
                missing("measure", ctx);
                return None;
            };
            let Some(pop) = &doc.population else {
                missing("population", ctx);
                return None;
            };
            let measure = compile_measure(inner, windows, site, ctx);
            let population = compile_population(pop, &doc.kind, site, ctx);
            let per = doc.per.as_ref().map(|p| p.value).unwrap_or(10_000.0);
            if let Some(p) = &doc.per {
                if !(p.value.is_finite() && p.value > 0.0) {
                    ctx.problems.push(
                        site.at(p, "`per` must be a positive number")
                            .help("e.g. per: 10000 for a rate per 10,000 children"),
                    );
                    return None;
                }
            }
            (ok).then_some(())?;
            Some(Measure::Rate {
                measure: Box::new(measure?),
                population: population?,
                per,
            })
        }
        MeasureKind::Window => {
            let (Some(inner), Some(w)) = (&doc.measure, &doc.window) else {
                missing(
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
            let measure = compile_measure(
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
        MeasureKind::Expression => {
            let Some(formula) = &doc.formula else {
                missing("formula", ctx);
                return None;
            };
            if let Some(b) = site.breakdown {
                ctx.problems.push(site.at(b, "an expression indicator cannot have a breakdown").help("remove `breakdown:`; break down the indicators the formula reads instead"));
                return None;
            }
            let fsite = ExprSite::new(
                site.file.to_path_buf(),
                &formula.referenced,
                &ctx.texts,
                site.subject.clone(),
                &formula.value,
            );
            let mut scope = Scope::new();
            for id in &ctx.indicator_ids {
                scope.push_dynamic(id.as_str(), Dynamic::UNIT);
            }
            let ast = match ctx
                .engine
                .compile_expression_with_scope(&scope, &formula.value)
            {
                Ok(ast) => ast,
                Err(e) => {
                    ctx.problems.push(parse_error(
                        &fsite,
                        &e,
                        &ctx.indicator_ids,
                        "indicator ids are",
                    ));
                    return None;
                }
            };
            let unknown = unknown_calls(&ast, &ctx.known_functions);
            if !unknown.is_empty() {
                for (fname, pos) in unknown {
                    ctx.problems
                        .push(unknown_function(&fsite, &fname, pos, &ctx.known_functions));
                }
                return None;
            }
            (ok).then_some(())?;
            let inputs = variables(&ast).into_iter().collect();
            Some(Measure::Expression(Formula {
                text: formula.value.clone(),
                site: fsite,
                ast,
                inputs,
            }))
        }
    }
}

fn compile_population(
    doc: &PopulationDoc,
    kind: &Spanned<MeasureKind>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<Population> {
    if let Some(v) = &doc.value {
        if doc.source.is_some()
            || doc.year.is_some()
            || doc.column.is_some()
            || doc.filter.is_some()
        {
            ctx.problems.push(site.at(v, "a population is either a `value` or a table (`source`, `year`, `column`), not both").help("keep one of the two"));
            return None;
        }
        if !(v.value.is_finite() && v.value > 0.0) {
            ctx.problems.push(
                site.at(v, "the population must be a positive number")
                    .help("e.g. value: 49500"),
            );
            return None;
        }
        return Some(Population::Fixed(v.value));
    }
    let (Some(source_name), Some(year), Some(col)) = (&doc.source, &doc.year, &doc.column) else {
        ctx.problems.push(
            site.at(
                kind,
                "the population needs either `value`, or `source`, `year` and `column`",
            )
            .help("e.g. population: { source: population, year: year, column: children_0_17 }"),
        );
        return None;
    };
    if let Some(b) = site.breakdown {
        ctx.problems.push(site.at(b, "a rate over a population table cannot have a breakdown").help("the population is for the whole area; remove `breakdown:` or use a fixed `value`"));
        return None;
    }
    let source = lookup_source(source_name, site, ctx)?;
    let year = column(
        &source,
        year,
        &[ColumnType::Int],
        "an integer year",
        site,
        ctx,
    );
    let col = column(
        &source,
        col,
        &[ColumnType::Int, ColumnType::Float],
        "a number",
        site,
        ctx,
    );
    let filter = match &doc.filter {
        Some(f) => Some(Box::new(row_filter(f, &source, site, ctx)?)),
        None => None,
    };
    Some(Population::Table {
        source: source.name.clone(),
        year: year?,
        column: col?,
        filter,
    })
}

fn lookup_source(name: &Spanned<String>, site: &IndicatorSite, ctx: &mut Ctx) -> Option<Source> {
    if let Some(s) = ctx.sources.by_name.get(&name.value) {
        return Some(s.clone());
    }
    if ctx.sources.unreadable.contains(&name.value) {
        // Its file was found but cannot be read, already reported.
        return None;
    }
    let names: Vec<&str> = ctx.sources.by_name.keys().map(String::as_str).collect();
    let help = match did_you_mean(&name.value, names.iter().copied()) {
        Some(s) => format!(
            "did you mean `{s}`? sources are the .parquet files under data/: {}",
            names.join(", ")
        ),
        None => format!(
            "sources are the .parquet files under data/: {}",
            if names.is_empty() {
                "none found".to_string()
            } else {
                names.join(", ")
            }
        ),
    };
    ctx.problems.push(
        site.at(name, format!("there is no source named `{}`", name.value))
            .help(help),
    );
    None
}

fn column(
    source: &Source,
    name: &Spanned<String>,
    types: &[ColumnType],
    wanted: &str,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<String> {
    match source.columns.get(&name.value) {
        Some(Some(t)) if types.contains(t) => Some(name.value.clone()),
        Some(t) => {
            let actual = t
                .map(|t| t.name().to_string())
                .unwrap_or_else(|| source.arrow_types[&name.value].clone());
            ctx.problems.push(
                site.at(
                    name,
                    format!(
                        "column `{}` of `{}` holds {actual} values, but this needs {wanted}",
                        name.value, source.name
                    ),
                )
                .help(format!(
                    "choose a column of the right type; `{}` has: {}",
                    source.name,
                    source.column_list()
                )),
            );
            None
        }
        None => {
            let help = match did_you_mean(&name.value, source.columns.keys().map(String::as_str)) {
                Some(s) => format!(
                    "did you mean `{s}`? `{}` has: {}",
                    source.name,
                    source.column_list()
                ),
                None => format!("`{}` has: {}", source.name, source.column_list()),
            };
            ctx.problems.push(
                site.at(
                    name,
                    format!(
                        "there is no column `{}` in `{}` ({})",
                        name.value,
                        source.name,
                        source.file.display()
                    ),
                )
                .help(help),
            );
            None
        }
    }
}

fn row_filter(
    text: &Spanned<String>,
    source: &Source,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<RowExpr> {
    let esite = ExprSite::new(
        site.file.to_path_buf(),
        &text.referenced,
        &ctx.texts,
        site.subject.clone(),
        &text.value,
    );
    match RowExpr::compile(
        &ctx.engine,
        &ctx.calendar,
        &text.value,
        esite,
        &source.columns,
        &ctx.known_functions,
    ) {
        Ok(f) => Some(f),
        Err(problems) => {
            ctx.problems.extend(problems);
            None
        }
    }
}

/// Reports formulas that read each other in a loop.
fn check_formula_cycles(indicators: &[Indicator], ctx: &mut Ctx) {
    let formulas: BTreeMap<&str, &Formula> = indicators
        .iter()
        .filter_map(|i| match &i.measure {
            Measure::Expression(f) => Some((i.id.as_str(), f)),
            _ => None,
        })
        .collect();
    let mut reported = BTreeSet::new();
    for (&start, formula) in &formulas {
        let mut path = vec![start];
        if let Some(cycle) = find_cycle(start, &formulas, &mut path) {
            let key: BTreeSet<&str> = cycle.iter().copied().collect();
            if reported.insert(key) {
                ctx.problems.push(
                    formula.site.diagnostic(rhai::Position::NONE, format!("formulas read each other in a loop: {}", cycle.join(" -> ")))
                        .help("break the loop: one of these must be computed from data, not from the others"),
                );
            }
        }
    }
}

fn find_cycle<'a>(
    node: &'a str,
    formulas: &BTreeMap<&'a str, &'a Formula>,
    path: &mut Vec<&'a str>,
) -> Option<Vec<&'a str>> {
    let formula = formulas.get(node)?;
    for input in &formula.inputs {
        let input = input.as_str();
        if let Some(i) = path.iter().position(|p| *p == input) {
            let mut cycle = path[i..].to_vec();
            cycle.push(input);
            return Some(cycle);
        }
        if formulas.contains_key(input) {
            path.push(input);
            if let Some(c) = find_cycle(input, formulas, path) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

/// The calendar named in `rubric.yaml` (England and Wales by default), with
/// the project's closure days.
/// When figures are flagged for reading with care.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quality {
    /// A denominator under this is a small base.
    pub small_base: Option<f64>,
    /// The day the data was extracted, as days since 1970-01-01.
    pub extracted: Option<i32>,
}

fn build_quality(settings: Option<&Loaded<ProjectDoc>>, problems: &mut Vec<Diagnostic>) -> Quality {
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
                    Place::from_location(&b.referenced),
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
                Diagnostic::new(&s.file, Place::from_location(&d.referenced), format!("`extracted` is `{}`, not a date", d.value))
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
fn build_limits(settings: Option<&Loaded<ProjectDoc>>, problems: &mut Vec<Diagnostic>) -> Limits {
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
                    Place::from_location(&v.referenced),
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

fn build_calendar(
    settings: Option<&Loaded<ProjectDoc>>,
    root: &Path,
    texts: &mut SourceTexts,
    problems: &mut Vec<Diagnostic>,
) -> Calendar {
    let builtin = |name: &str, problems: &mut Vec<Diagnostic>| {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        let file = PathBuf::from(format!("calendars/{name}.yaml"));
        parse::<CalendarDoc>(text, &file, problems).map(|d| (d, file))
    };
    let chosen = match settings.and_then(|s| s.doc.calendar.as_ref().map(|c| (s, c))) {
        None => builtin(BUILTIN[0].0, problems),
        Some((_, name)) if BUILTIN.iter().any(|(n, _)| *n == name.value) => {
            builtin(&name.value, problems)
        }
        Some((s, name)) => {
            let inside = Path::new(&name.value)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                problems.push(
                    Diagnostic::new(&s.file, Place::from_location(&name.referenced), format!("the calendar `{}` is outside the project", name.value))
                        .help("put the calendar file inside the project folder and give its path relative to it, e.g. `calendars/local.yaml`"),
                );
                return Calendar::new("(no calendar)", []);
            }
            let path = root.join(&name.value);
            if !path.is_file() {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                problems.push(
                    Diagnostic::new(&s.file, Place::from_location(&name.referenced), format!("there is no calendar `{}`", name.value))
                        .help(format!("name a built-in calendar ({}) or the path of a calendar file in the project", names.join(", "))),
                );
                return Calendar::new("(no calendar)", []);
            }
            let relative = PathBuf::from(&name.value);
            read_text(&path, &relative, problems).and_then(|t| {
                texts.insert(relative.clone(), t.clone());
                parse::<CalendarDoc>(&t, &relative, problems).map(|d| (d, relative))
            })
        }
    };
    let Some((doc, file)) = chosen else {
        return Calendar::new("(no calendar)", []);
    };
    let mut days = Vec::new();
    for h in &doc.holidays {
        match parse_day(&h.date.value) {
            Some(d) => days.push(d),
            None => problems.push(
                Diagnostic::new(
                    &file,
                    Place::from_location(&h.date.referenced),
                    format!("`{}` is not a date", h.date.value),
                )
                .help("write holidays as `- { date: 2023-05-08, title: ... }`"),
            ),
        }
    }
    let mut closures = Vec::new();
    if let Some(s) = settings {
        for c in &s.doc.closure_days {
            match parse_day(&c.value) {
                Some(d) => closures.push(d),
                None => problems.push(
                    Diagnostic::new(
                        &s.file,
                        Place::from_location(&c.referenced),
                        format!("`{}` is not a date", c.value),
                    )
                    .help("write closure days as dates: `closure_days: [2023-12-29]`"),
                ),
            }
        }
    }
    Calendar::new(doc.name, days).with_closures(closures)
}

/// A built-in calendar by name (`england-and-wales`, `scotland`, `northern-ireland`).
pub fn builtin_calendar(name: &str) -> Option<Calendar> {
    let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
    let doc: CalendarDoc = parse(text, Path::new(name), &mut Vec::new())?;
    let days: Vec<i32> = doc
        .holidays
        .iter()
        .filter_map(|h| parse_day(&h.date.value))
        .collect();
    Some(Calendar::new(doc.name, days))
}
