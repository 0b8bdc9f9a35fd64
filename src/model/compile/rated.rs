//! An indicator's `rated:` comparisons: each names what it compares
//! with and the rule set that rates it.

use super::rule_use::rule_use;
use super::{is_identifier, Ctx, IndicatorSite};
use crate::config::document::{IndicatorDoc, RuleKind};
use crate::model::indicator::{Against, Rated};
use crate::model::rule_set::RuleSet;
use std::collections::{BTreeMap, BTreeSet};

/// Names a page uses for the DoT and RAG columns, so a rated comparison
/// cannot take them.
const RESERVED: [&str; 2] = ["dot", "rag"];

pub(super) fn compile_rated(
    doc: &IndicatorDoc,
    rule_sets: &BTreeMap<String, RuleSet>,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Vec<Rated> {
    let mut seen = BTreeSet::new();
    let mut all = Vec::new();
    for r in &doc.rated {
        let r = &r.value;
        let name = &r.name.value;
        if !is_identifier(name) || RESERVED.contains(&name.as_str()) {
            ctx.problems.push(
                site.at(&r.name, format!("`{name}` cannot name a rated comparison"))
                    .help("use letters, digits and `_`, starting with a letter; `dot` and `rag` name the indicator's own ratings"),
            );
            continue;
        }
        if !seen.insert(name.clone()) {
            ctx.problems.push(
                site.at(
                    &r.name,
                    format!("the rated comparison `{name}` is named twice"),
                )
                .help("give each rated comparison its own name"),
            );
            continue;
        }
        let against = match r.against.value.as_str() {
            "previous" => Against::Previous,
            "last_year" => Against::LastYear,
            b if doc.benchmarks.contains_key(b) || ctx.benchmark_names.contains(b) => {
                Against::Benchmark(b.to_string())
            }
            other => {
                let mut known: Vec<&str> = vec!["previous", "last_year"];
                known.extend(doc.benchmarks.keys().map(String::as_str));
                known.extend(ctx.benchmark_names.iter().map(String::as_str));
                let hint = crate::diagnostic::did_you_mean(other, known.iter().copied())
                    .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                ctx.problems.push(
                    site.at(&r.against, format!("`against: {other}` is neither a period nor a benchmark of this indicator"))
                        .help(format!("{hint}write one of: {}", known.join(", "))),
                );
                continue;
            }
        };
        // Either kind of rule set can rate a comparison.
        let kind = rule_sets
            .get(&r.rule.value)
            .map_or(RuleKind::Dot, |s| s.kind);
        if let Some(rule) = rule_use(Some(&r.rule), &r.params, kind, rule_sets, site, ctx) {
            all.push(Rated {
                name: name.clone(),
                against,
                rule,
            });
        }
    }
    all
}
