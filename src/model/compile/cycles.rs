//! Formulas that read each other in a loop.

use super::Ctx;
use crate::model::indicator::Indicator;
use crate::model::measure::{Formula, Measure};
use std::collections::{BTreeMap, BTreeSet};

/// Reports formulas that read each other in a loop.
pub(super) fn check_formula_cycles(indicators: &[Indicator], ctx: &mut Ctx) {
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
