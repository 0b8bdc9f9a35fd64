//! Runs a DoT or RAG rule set for one indicator, group and period. The rule
//! reads a documented scope (see `RULE_SCOPE`); it returns a declared
//! outcome, or `()` for "not rated". Anything else is an error naming the
//! rule, the indicator and the period.

use super::comparisons::Comparison;
use crate::calendar::period::Month;
use crate::diagnostic::Diagnostic;
use crate::error::EvalError;
use crate::expr::site::runtime_message;
use crate::format::period_label;
use crate::measure::series::Point;
use crate::model::indicator::{Indicator, RuleUse};
use crate::model::rule_set::RuleSet;
use crate::model::Project;
use rhai::{Dynamic, Map, Scope};

/// The result of a rule: an outcome with the reason the rule gave for it
/// (when it gave one), or the reason there is no outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Rating {
    Outcome {
        name: String,
        because: Option<String>,
    },
    NotRated(String),
}

impl Rating {
    pub fn outcome(&self) -> Option<&str> {
        match self {
            Rating::Outcome { name, .. } => Some(name),
            Rating::NotRated(_) => None,
        }
    }

    /// Why: the rule's reason for its outcome, or why there is none.
    pub fn note(&self) -> Option<&str> {
        match self {
            Rating::Outcome { because, .. } => because.as_deref(),
            Rating::NotRated(why) => Some(why),
        }
    }
}

/// Everything a rule may read about one indicator, group and period.
pub(crate) struct RuleInput<'a> {
    pub indicator: &'a Indicator,
    pub period: Month,
    pub point: &'a Point,
    pub comparison: &'a Comparison,
    pub target: Option<f64>,
    /// The target as written, when there is one: strict, or a state.
    pub target_term: Option<&'a crate::model::indicator::Target>,
    /// Why the figure's base is small, when it is (see `quality:`).
    pub small_base: Option<crate::rules::flag::Flag>,
    /// Every quality flag of the figure; rules read their names in `flags`.
    pub flags: &'a [crate::rules::flag::Flag],
    /// The benchmarks in force for the period.
    pub benchmarks: &'a [(String, crate::model::benchmark::Figure)],
}

/// Rates one of the indicator's rated comparisons: its rule reads the
/// figure compared with as `previous`, with `change` and `change_pct`
/// against it.
pub(crate) fn rate_against(
    project: &Project,
    rated: &crate::model::indicator::Rated,
    input: &RuleInput,
) -> Result<Rating, EvalError> {
    match comparison_against(rated, input) {
        Ok(comparison) => rate(
            project,
            Some(&rated.rule),
            &RuleInput {
                comparison: &comparison,
                ..*input
            },
        ),
        Err(why) => Ok(Rating::NotRated(why.to_string())),
    }
}

/// Why a rated comparison has nothing to compare with: it is then not
/// rated, and reports say why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum NoComparison {
    /// The benchmark is a state in words (`TBC`, `Local`).
    #[error("the {name} benchmark is {state}")]
    BenchmarkState { name: String, state: String },
    #[error("no {name} benchmark for {period}")]
    NoBenchmark { name: String, period: String },
    /// The previous period, last year or the benchmark has no value.
    #[error("no value for {0}")]
    NoValue(String),
}

/// The comparison a rated comparison's rule reads, or why there is none.
pub(crate) fn comparison_against(
    rated: &crate::model::indicator::Rated,
    input: &RuleInput,
) -> Result<Comparison, NoComparison> {
    use crate::model::indicator::Against;
    let c = input.comparison;
    let other = match &rated.against {
        Against::Previous => c.previous,
        Against::LastYear => c.last_year,
        Against::Benchmark(name) => {
            let shown = name.replace('_', " ");
            match input.benchmarks.iter().find(|(n, _)| n == name) {
                Some((_, f)) => match (f.value, &f.state) {
                    (Some(v), _) => Some(v),
                    (None, Some(state)) => {
                        return Err(NoComparison::BenchmarkState {
                            name: shown,
                            state: state.to_string(),
                        })
                    }
                    (None, None) => None,
                },
                None => {
                    return Err(NoComparison::NoBenchmark {
                        name: shown,
                        period: period_label(input.period, input.indicator.frequency),
                    })
                }
            }
        }
    };
    if other.is_none() {
        return Err(NoComparison::NoValue(rated.against.describe()));
    }
    Ok(c.against(input.point.value, other))
}

pub(crate) fn rate(
    project: &Project,
    rule_use: Option<&RuleUse>,
    input: &RuleInput,
) -> Result<Rating, EvalError> {
    let Some(rule_use) = rule_use else {
        return Ok(Rating::NotRated("no rule set is named".to_string()));
    };
    let rule = &project.rule_sets[&rule_use.rule];
    if input.point.value.is_none() {
        return Ok(Rating::NotRated("no value".to_string()));
    }
    if rule.on_small_base == crate::config::document::SmallBase::NotRated {
        if let Some(why) = &input.small_base {
            return Ok(Rating::NotRated(why.to_string()));
        }
    }
    let mut scope = scope(input, rule_use);
    for required in &rule.requires {
        if let (true, Some(crate::model::indicator::Target::State(state))) =
            (required == "target", input.target_term)
        {
            return Ok(Rating::NotRated(format!(
                "the target for {} is {state}",
                input.period.financial_year()
            )));
        }
        if scope.get(required).is_none_or(Dynamic::is_unit) {
            return Ok(Rating::NotRated(format!(
                "no {}",
                required.replace('_', " ")
            )));
        }
    }
    let result = project
        .engine
        .eval_ast_with_scope::<Dynamic>(&mut scope, &rule.ast)
        .map_err(|e| {
            rule_error(
                rule,
                input,
                rule.site.diagnostic(
                    e.position(),
                    format!(
                        "the rule `{}` failed for {} in {}: {}",
                        rule.name,
                        input.indicator.id,
                        input.period,
                        runtime_message(&e)
                    ),
                ),
            )
        })?;
    if result.is_unit() {
        return Ok(Rating::NotRated(format!(
            "the rule `{}` gave no rating",
            rule.name
        )));
    }
    if let Some(why) = reason_for_no_rating(&result) {
        return Ok(Rating::NotRated(why));
    }
    let (name, because) = outcome_and_reason(&result);
    match name {
        Some(n) if rule.outcome(&n).is_some() => Ok(Rating::Outcome { name: n, because }),
        _ => Err(rule_error(
            rule,
            input,
            rule.site.diagnostic(
                rhai::Position::NONE,
                format!(
                    "the rule `{}` returned {} for {} in {}, which is not one of its outcomes",
                    rule.name,
                    describe(&result),
                    input.indicator.id,
                    input.period
                ),
            ),
        )),
    }
}

/// A rule that gives no rating can say why: `#{ because: "the target is
/// TBC" }` (no `outcome`, or `outcome: ()`).
fn reason_for_no_rating(result: &Dynamic) -> Option<String> {
    let map = result.read_lock::<Map>()?;
    if map.get("outcome").is_some_and(|o| !o.is_unit()) {
        return None;
    }
    let because = map.get("because")?.clone().into_string().ok()?;
    let because = because.trim();
    (!because.is_empty()).then(|| because.chars().take(MAX_REASON_CHARS).collect())
}

/// The longest reason a rule gives that is kept, in characters.
const MAX_REASON_CHARS: usize = 1_000;

/// A rule returns its outcome as a string, or as a map with the outcome
/// and the reason: `#{ outcome: "red", because: "..." }`.
fn outcome_and_reason(result: &Dynamic) -> (Option<String>, Option<String>) {
    if let Some(map) = result.read_lock::<Map>() {
        let text = |key: &str| {
            map.get(key)
                .and_then(|v| v.clone().into_string().ok())
                .filter(|t| !t.trim().is_empty())
        };
        return (text("outcome"), text("because"));
    }
    (result.clone().into_string().ok(), None)
}

fn describe(d: &Dynamic) -> String {
    if d.is_string() {
        format!("\"{d}\"")
    } else {
        format!("{d} ({})", d.type_name())
    }
}

fn rule_error(rule: &RuleSet, input: &RuleInput, d: Diagnostic) -> EvalError {
    let outcomes: Vec<&str> = rule.outcomes.iter().map(|o| o.name.as_str()).collect();
    EvalError(d.help(format!(
        "the rule must return one of: {} (as a string, or as #{{ outcome: \"red\", because: \"why\" }}), or () for not rated; used by indicator {} ({}:{})",
        outcomes.join(", "),
        input.indicator.id,
        crate::text::slashed(&input.indicator.file),
        input.indicator.place.line
    )))
}

fn num(v: Option<f64>) -> Dynamic {
    v.map_or(Dynamic::UNIT, Dynamic::from_float)
}

fn scope<'a>(input: &RuleInput, rule_use: &'a RuleUse) -> Scope<'a> {
    let c = input.comparison;
    let ind = input.indicator;
    let mut scope = Scope::new();
    scope.push_dynamic("value", num(input.point.value));
    scope.push_dynamic("numerator", num(input.point.numerator));
    let flags: rhai::Array = input
        .flags
        .iter()
        .map(|f| Dynamic::from(f.name()))
        .collect();
    scope.push_dynamic("flags", Dynamic::from_array(flags));
    scope.push_dynamic("denominator", num(input.point.denominator));
    scope.push_dynamic("previous", num(c.previous));
    scope.push_dynamic("change", num(c.change));
    scope.push_dynamic("change_pct", num(c.change_pct));
    scope.push_dynamic("last_year", num(c.last_year));
    scope.push_dynamic("change_yoy", num(c.change_yoy));
    scope.push_dynamic("change_yoy_pct", num(c.change_yoy_pct));
    // The changes rounded as reports print them (the difference to the
    // indicator's decimals, the percent change to whole percent), so a band
    // is judged on what the reader sees.
    let shown = |v: Option<f64>, decimals: u8| num(v.map(|v| crate::format::round(v, decimals)));
    scope.push_dynamic("change_shown", shown(c.change, ind.decimals));
    scope.push_dynamic("change_pct_shown", shown(c.change_pct, 0));
    scope.push_dynamic("change_yoy_shown", shown(c.change_yoy, ind.decimals));
    scope.push_dynamic("change_yoy_pct_shown", shown(c.change_yoy_pct, 0));
    scope.push_dynamic("avg_12m", num(c.avg_12m));
    scope.push_dynamic("max_12m", num(c.max_12m));
    scope.push_dynamic("min_12m", num(c.min_12m));
    scope.push_dynamic("target", num(input.target));
    // A strict target (`< 36`) is met only beyond its number.
    scope.push_dynamic(
        "target_strict",
        Dynamic::from_bool(input.target_term.is_some_and(|t| t.strict())),
    );
    scope.push_dynamic(
        "target_state",
        match input.target_term {
            Some(crate::model::indicator::Target::State(s)) => Dynamic::from(s.clone()),
            _ => Dynamic::UNIT,
        },
    );
    scope.push_dynamic(
        "higher_is_better",
        Dynamic::from_bool(ind.polarity == crate::config::document::Polarity::HigherIsBetter),
    );
    scope.push_dynamic("polarity", Dynamic::from(ind.polarity.name()));
    scope.push_dynamic("unit", Dynamic::from(ind.unit.name()));
    scope.push_dynamic("decimals", Dynamic::from_int(i64::from(ind.decimals)));
    scope.push_dynamic(
        "period",
        Dynamic::from(period_label(input.period, ind.frequency)),
    );
    let benchmarks: Map = input
        .benchmarks
        .iter()
        .filter_map(|(k, f)| Some((k.as_str().into(), Dynamic::from_float(f.value?))))
        .collect();
    scope.push_dynamic("outturn", num(c.outturn));
    scope.push_dynamic("benchmarks", Dynamic::from_map(benchmarks));
    for (k, v) in &rule_use.params {
        scope.push_dynamic(k.as_str(), Dynamic::from_float(*v));
    }
    scope
}

/// The values a rule reads for this input, by name, as shown in reviews:
/// the variables its expression uses, in name order.
pub(crate) fn rule_inputs(
    project: &Project,
    rule_use: &RuleUse,
    input: &RuleInput,
) -> Vec<(String, String)> {
    let rule = &project.rule_sets[&rule_use.rule];
    let scope = scope(input, rule_use);
    crate::expr::site::variables(&rule.ast)
        .into_iter()
        .filter_map(|name| {
            let value = scope.get(&name)?;
            let shown = if value.is_unit() {
                "none".to_string()
            } else if let Ok(f) = value.as_float() {
                crate::format::number(f, 2)
            } else if value.is_string() {
                format!("\"{value}\"")
            } else {
                value.to_string()
            };
            Some((name, shown))
        })
        .collect()
}
