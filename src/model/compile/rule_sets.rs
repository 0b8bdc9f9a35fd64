//! Rule sets: each rule's outcomes, parameters and variables checked, its
//! expression compiled once.

use super::{is_identifier, Ctx};
use crate::config::document::RuleFile;
use crate::config::span::Spanned;
use crate::config::Loaded;
use crate::diagnostic::{did_you_mean, Diagnostic, Place};
use crate::expr::site::{parse_error, unknown_calls, unknown_function, ExprSite};
use crate::model::rule_set::{RuleSet, RULE_SCOPE};
use rhai::{Dynamic, Scope};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn compile_rule_sets(
    files: &[Loaded<RuleFile>],
    ctx: &mut Ctx,
) -> BTreeMap<String, RuleSet> {
    let mut sets = BTreeMap::new();
    for file in files {
        for doc in &file.doc.rules {
            let doc = &doc.value;
            let name = doc.name.value.clone();
            let subject = format!("rule set {name}");
            ctx.declared_rule_sets.insert(name.clone());
            let at = |s: &Spanned<String>, m: String| {
                Diagnostic::new(&file.file, Place::from(&s.referenced), m).subject(subject.clone())
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
                if o.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
                    ctx.problems.push(
                        at(
                            &doc.name,
                            format!("the outcome `{}` has an empty `label`", o.name),
                        )
                        .help("a cell showing only its symbol says nothing to a screen reader: give it a label such as `Red`, or leave `label` out to show its name"),
                    );
                    ok = false;
                }
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
                Place::from(&doc.expression.referenced),
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
