//! The publication policy: small counts are withheld from published
//! outputs so no child can be identified. Primary suppression withholds a
//! count from 1 to below the threshold, and any percentage or rate whose
//! numerator or denominator is such a count. Secondary suppression then
//! makes sure no withheld cell can be worked out from what is shown: in a
//! period where exactly one breakdown value is withheld, the smallest other
//! one (by its count, or denominator) is withheld too, since the whole less
//! the others would reveal it.

use crate::measure::result::Group;
use crate::measure::series::Point;
use crate::model::measure::{Aggregate, Measure};
use crate::model::{Policy, Project};
use std::collections::BTreeMap;

/// Which parts of a point are counts of rows (and so can identify someone).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    value: bool,
    parts: bool,
}

fn counts_of(project: &Project, m: &Measure) -> Counts {
    let is_count = |m: &Measure| match m {
        Measure::Base(b) => matches!(
            project.base_measures[*b].aggregate,
            Aggregate::Count | Aggregate::Distinct(_)
        ),
        _ => false,
    };
    match m {
        Measure::Base(_) => Counts {
            value: is_count(m),
            parts: false,
        },
        Measure::Ratio {
            numerator,
            denominator,
            ..
        } => Counts {
            value: false,
            parts: is_count(numerator) || is_count(denominator),
        },
        Measure::Rate { measure, .. } => Counts {
            value: false,
            parts: is_count(measure),
        },
        Measure::Expression(_) => Counts::default(),
        Measure::Cohort(_) => Counts {
            value: true,
            parts: false,
        },
    }
}

/// Withholds the small counts of one indicator's points, every group and
/// period, in place.
pub(crate) fn suppress(
    project: &Project,
    measure: &Measure,
    groups: &mut BTreeMap<Group, Vec<Point>>,
    policy: Policy,
) {
    let counts = counts_of(project, measure);
    if !counts.value && !counts.parts {
        return;
    }
    let small = |x: Option<f64>| x.is_some_and(|v| v >= 1.0 && v < policy.suppress_below);
    let below = format!(
        "suppressed: a count from 1 to {} (publication policy)",
        policy.suppress_below - 1.0
    );
    for points in groups.values_mut() {
        for p in points.iter_mut() {
            let primary = (counts.value && small(p.value))
                || (counts.parts && (small(p.numerator) || small(p.denominator)));
            if primary {
                withhold(p, &below);
            }
        }
    }
    // The size a cell is judged by when choosing what else to withhold.
    let size = |p: &Point| {
        if counts.value {
            p.value
        } else {
            p.denominator.or(p.numerator)
        }
    };
    // Each breakdown adds up to the whole on its own: one withheld value
    // of a breakdown is found from the total and its other values.
    let mut breakdowns: BTreeMap<&str, Vec<Group>> = BTreeMap::new();
    for g in groups.keys().flatten() {
        breakdowns.entry(&g.by).or_default().push(Some(g.clone()));
    }
    let periods = groups.values().map(Vec::len).max().unwrap_or(0);
    let breakdowns: Vec<Vec<Group>> = breakdowns.into_values().collect();
    for parts in breakdowns {
        if parts.len() >= 2 {
            withhold_another(groups, &parts, periods, size);
        }
    }
}

/// In each period where exactly one of a breakdown's values is withheld,
/// withholds the smallest other.
fn withhold_another(
    groups: &mut BTreeMap<Group, Vec<Point>>,
    parts: &[Group],
    periods: usize,
    size: impl Fn(&Point) -> Option<f64>,
) {
    for t in 0..periods {
        let withheld = parts.iter().filter(|g| groups[*g][t].suppressed).count();
        if withheld != 1 {
            continue;
        }
        let next = parts
            .iter()
            .filter(|g| {
                let p = &groups[*g][t];
                !p.suppressed && size(p).is_some_and(|v| v > 0.0)
            })
            .min_by(|a, b| {
                let (x, y) = (size(&groups[*a][t]), size(&groups[*b][t]));
                x.partial_cmp(&y)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.cmp(b))
            })
            .cloned();
        if let Some(g) = next {
            let p = &mut groups.get_mut(&g).expect("a group")[t];
            withhold(
                p,
                "suppressed: secondary, so that a withheld count cannot be worked out from the total (publication policy)",
            );
        }
    }
}

fn withhold(p: &mut Point, reason: &str) {
    *p = Point {
        value: None,
        numerator: None,
        denominator: None,
        missing: Some(reason.to_string()),
        suppressed: true,
    };
}
