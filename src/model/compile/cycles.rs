//! The order formulas are evaluated in, and formulas that read each other
//! in a loop. One depth-first walk over the indicators (iterative, with
//! each indicator's state kept), so a chain of 10,000 formulas costs what
//! 10,000 independent ones do: no quadratic search, no deep recursion.

use super::Ctx;
use crate::model::indicator::Indicator;
use crate::model::measure::Measure;
use std::collections::BTreeSet;

/// The indicators each indicator's formulas read, by index.
fn inputs(indicators: &[Indicator]) -> Vec<Vec<usize>> {
    let index = crate::model::indicator::positions(indicators);
    indicators
        .iter()
        .map(|ind| {
            let mut reads: Vec<usize> = ind
                .measures()
                .filter_map(|m| match m {
                    Measure::Expression(f) => Some(f),
                    _ => None,
                })
                .flat_map(|f| f.inputs.iter())
                .filter_map(|id| index.get(id.as_str()).copied())
                .collect();
            reads.sort_unstable();
            reads.dedup();
            reads
        })
        .collect()
}

/// Every indicator once, each after the indicators its formulas read, and
/// the loops found (each as the indices along it, back to its first).
pub(super) fn evaluation_order(indicators: &[Indicator]) -> (Vec<usize>, Vec<Vec<usize>>) {
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let reads = inputs(indicators);
    let mut state = vec![NEW; indicators.len()];
    let mut order = Vec::with_capacity(indicators.len());
    let mut loops = Vec::new();
    for start in 0..indicators.len() {
        if state[start] != NEW {
            continue;
        }
        state[start] = OPEN;
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&input) = reads[node].get(*next) {
                *next += 1;
                match state[input] {
                    NEW => {
                        state[input] = OPEN;
                        stack.push((input, 0));
                    }
                    OPEN => {
                        let from = stack.iter().position(|(n, _)| *n == input).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[from..].iter().map(|(n, _)| *n).collect();
                        cycle.push(input);
                        loops.push(cycle);
                    }
                    _ => {}
                }
            } else {
                state[node] = DONE;
                order.push(node);
                stack.pop();
            }
        }
    }
    (order, loops)
}

/// Reports formulas that read each other in a loop, each loop once, read
/// from its smallest id.
pub(super) fn report_loops(indicators: &[Indicator], loops: Vec<Vec<usize>>, ctx: &mut Ctx) {
    let mut reported = BTreeSet::new();
    for cycle in loops {
        let ring = &cycle[..cycle.len() - 1];
        let first = (0..ring.len())
            .min_by_key(|&k| &indicators[ring[k]].id)
            .unwrap_or(0);
        let mut ids: Vec<&str> = ring[first..]
            .iter()
            .chain(&ring[..first])
            .map(|&i| indicators[i].id.as_str())
            .collect();
        ids.push(ids[0]);
        if !reported.insert(ring.iter().copied().collect::<BTreeSet<usize>>()) {
            continue;
        }
        let Measure::Expression(formula) = &indicators[ring[first]].measure else {
            continue;
        };
        ctx.problems.push(
            formula
                .site
                .diagnostic(
                    rhai::Position::NONE,
                    format!("formulas read each other in a loop: {}", ids.join(" -> ")),
                )
                .help(
                    "break the loop: one of these must be computed from data, not from the others",
                ),
        );
    }
}
