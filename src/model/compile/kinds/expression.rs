//! An expression: a formula over other indicators' values (Rhai).

use super::{Compiling, Kind};
use crate::config::document::MeasureKind;
use crate::diagnostic::Place;
use crate::expr::site::{parse_error, unknown_calls, unknown_function, variables, ExprSite};
use crate::model::measure::{Formula, Measure};

pub(super) struct Expression;

impl Kind for Expression {
    fn kind(&self) -> MeasureKind {
        MeasureKind::Expression
    }
    fn keys(&self) -> &'static [&'static str] {
        &["formula"]
    }
    fn compile(&self, c: Compiling) -> Option<Measure> {
        let Compiling {
            doc,
            site,
            ctx,
            ok,
            need,
            ..
        } = c;
        let Some(formula) = &doc.formula else {
            need.missing("formula", ctx);
            return None;
        };
        if let Some(b) = site.breakdowns.first() {
            ctx.problems.push(
                site.at(b, "an expression indicator cannot have a breakdown")
                    .help(
                        "remove `breakdown:`; break down the indicators the formula reads instead",
                    ),
            );
            return None;
        }
        let fsite = ExprSite::new(
            site.file.to_path_buf(),
            Place::from(&formula.referenced),
            &ctx.texts,
            site.subject.clone(),
            &formula.value,
        );
        // Only the ids the text names go in the scope: compiling against
        // every id would cost each formula the size of the project.
        let mut scope = rhai::Scope::new();
        let named: std::collections::BTreeSet<&str> = formula
            .value
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| ctx.indicator_ids.contains(*w))
            .collect();
        for id in named {
            scope.push_dynamic(id, rhai::Dynamic::UNIT);
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
