//! A rule set in use: its name checked against those declared (with the
//! nearest of the same kind suggested) and its parameters overridden.

use super::{number, Ctx, IndicatorSite};
use crate::config::document::{Number, RuleKind};
use crate::config::span::Spanned;
use crate::diagnostic::did_you_mean;
use crate::model::indicator::RuleUse;
use crate::model::rule_set::RuleSet;
use std::collections::BTreeMap;

pub(super) fn rule_use(
    name: Option<&Spanned<String>>,
    overrides: &BTreeMap<String, Spanned<Number>>,
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
        if ctx.declared_rule_sets.contains(&name.value) || ctx.rules_unreadable {
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
        if let Some(value) = number(v, &format!("`{k}`"), site, ctx) {
            params.insert(k.clone(), value);
        }
    }
    Some(RuleUse {
        rule: set.name.clone(),
        params,
    })
}
