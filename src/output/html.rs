//! `scorecard.html`: the scorecard for a screen or a board pack, in one
//! self-contained file (inline CSS, SVG and a few lines of script; nothing
//! fetched). Per indicator: the latest value with its parts, a sparkline
//! of the periods shown with the target, changes, 12-month average and
//! maximum, target, DoT and RAG (colour, symbol and word), benchmarks,
//! commentary, and expandable teams and explanation. The markup is plain
//! tables, so it reads without the script, by keyboard and in print.

use super::{explain, format};
use crate::measure::period::{period_heading, period_label};
use crate::model::indicator::{Indicator, RuleUse};
use crate::model::Project;
use crate::rules::evaluate::Rating;
use crate::scorecard::{Row, Scorecard};
use serde::Serialize;
use std::collections::BTreeMap;

const TEMPLATE: &str = include_str!("scorecard.html.j2");

/// Shown where a value could not be computed.
const MISSING: &str = "n/a";
/// Shown where an indicator has no such thing.
const NONE: &str = "–";

#[derive(Serialize)]
struct Page {
    reporting: String,
    reporting_label: String,
    count: usize,
    sections: Vec<Section>,
    rag_counts: Vec<(String, usize)>,
}

#[derive(Serialize)]
struct Section {
    name: String,
    anchor: String,
    indicators: Vec<Card>,
}

#[derive(Serialize)]
struct Card {
    id: String,
    title: String,
    owner: String,
    period: String,
    value: String,
    missing_reason: Option<String>,
    change: String,
    change_yoy: String,
    avg_12m: String,
    max_12m: String,
    target: String,
    dot: Badge,
    rag: Badge,
    benchmarks: Vec<(String, String)>,
    commentary: Option<String>,
    flags: Vec<String>,
    sparkline: String,
    sparkline_label: String,
    teams: Vec<Team>,
    explain: String,
}

#[derive(Serialize)]
struct Badge {
    /// The outcome's name (a CSS class and the filter's key), or `none`.
    key: String,
    symbol: String,
    label: String,
    because: String,
}

#[derive(Serialize)]
struct Team {
    name: String,
    value: String,
    rag: Badge,
}

pub fn render(project: &Project, card: &Scorecard) -> Result<String, String> {
    let mut by_indicator: BTreeMap<usize, Vec<&Row>> = BTreeMap::new();
    for r in &card.rows {
        by_indicator.entry(r.indicator).or_default().push(r);
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut rag_counts: BTreeMap<String, usize> = BTreeMap::new();
    for (i, ind) in project.indicators.iter().enumerate() {
        let rows = by_indicator.get(&i).map_or(&[][..], Vec::as_slice);
        let Some(c) = indicator_card(project, ind, rows) else {
            continue;
        };
        *rag_counts.entry(c.rag.label.clone()).or_default() += 1;
        match sections.iter_mut().find(|s| s.name == ind.section) {
            Some(s) => s.indicators.push(c),
            None => sections.push(Section {
                name: ind.section.clone(),
                anchor: anchor(&ind.section),
                indicators: vec![c],
            }),
        }
    }
    let page = Page {
        reporting: card.reporting.to_string(),
        reporting_label: card.reporting.short_label(),
        count: project.indicators.len(),
        sections,
        rag_counts: summary_order(rag_counts),
    };
    let mut env = minijinja::Environment::new();
    env.add_template("scorecard.html", TEMPLATE)
        .map_err(|e| format!("the HTML template: {e}"))?;
    env.get_template("scorecard.html")
        .and_then(|t| t.render(minijinja::context! { page => page }))
        .map_err(|e| format!("the HTML template: {e}"))
}

fn indicator_card(project: &Project, ind: &Indicator, rows: &[&Row]) -> Option<Card> {
    let whole: Vec<&Row> = rows.iter().copied().filter(|r| r.group.is_none()).collect();
    let latest = *whole.last()?;
    let shown = |v: Option<f64>| {
        v.map_or(MISSING.to_string(), |v| {
            format::value(v, ind.unit, ind.decimals)
        })
    };
    let c = &latest.comparison;
    let p = &latest.point;
    let teams = rows
        .iter()
        .filter(|r| r.group.is_some() && r.period == latest.period)
        .map(|r| Team {
            name: r.group.clone().unwrap_or_default(),
            value: r.point.value.map_or(MISSING.to_string(), |v| {
                format::with_parts(
                    v,
                    r.point.numerator,
                    r.point.denominator,
                    ind.unit,
                    ind.decimals,
                )
            }),
            rag: badge(project, ind.rag_at(r.period), &r.rag),
        })
        .collect();
    let benchmarks = ind
        .benchmarks_at(latest.period)
        .iter()
        .map(|(k, v)| {
            (
                k.replace('_', " "),
                format::value(*v, ind.unit, ind.decimals),
            )
        })
        .collect();
    let values: Vec<(String, Option<f64>)> = whole
        .iter()
        .map(|r| (period_heading(r.period, ind.frequency), r.point.value))
        .collect();
    Some(Card {
        id: ind.id.clone(),
        title: ind.title.clone(),
        owner: ind.owner.clone(),
        period: period_label(latest.period, ind.frequency),
        value: p.value.map_or(MISSING.to_string(), |v| {
            format::with_parts(v, p.numerator, p.denominator, ind.unit, ind.decimals)
        }),
        missing_reason: p
            .value
            .is_none()
            .then(|| p.missing.clone().unwrap_or_default()),
        change: format::change(c.change, c.change_pct, ind.unit, ind.decimals)
            .unwrap_or_else(|| NONE.to_string()),
        change_yoy: format::change(c.change_yoy, c.change_yoy_pct, ind.unit, ind.decimals)
            .unwrap_or_else(|| NONE.to_string()),
        avg_12m: shown(c.avg_12m),
        max_12m: shown(c.max_12m),
        target: latest.target.map_or(NONE.to_string(), |t| {
            format::value(t, ind.unit, ind.decimals)
        }),
        dot: badge(project, ind.dot_at(latest.period), &latest.dot),
        rag: badge(project, ind.rag_at(latest.period), &latest.rag),
        benchmarks,
        commentary: latest.commentary.clone(),
        flags: latest.flags.clone(),
        sparkline_label: sparkline_label(ind, &values, latest.target),
        sparkline: sparkline(&values, latest.target),
        teams,
        explain: explain::render(project, latest),
    })
}

fn badge(project: &Project, rule: Option<&RuleUse>, rating: &Rating) -> Badge {
    match (rating, rule) {
        (Rating::Outcome { name, because }, Some(u)) => {
            let outcome = project.rule_sets.get(&u.rule).and_then(|r| r.outcome(name));
            Badge {
                key: name.clone(),
                symbol: outcome.and_then(|o| o.symbol.clone()).unwrap_or_default(),
                label: outcome
                    .and_then(|o| o.label.clone())
                    .unwrap_or_else(|| name.clone()),
                because: because.clone().unwrap_or_default(),
            }
        }
        (Rating::NotRated(why), Some(_)) => Badge {
            key: "not-rated".to_string(),
            symbol: "○".to_string(),
            label: "Not rated".to_string(),
            because: why.clone(),
        },
        (_, None) => Badge {
            key: "none".to_string(),
            symbol: String::new(),
            label: "No rule".to_string(),
            because: String::new(),
        },
    }
}

const SPARK_W: f64 = 120.0;
const SPARK_H: f64 = 32.0;

/// A line of the values shown, gaps where a value is missing, the target
/// as a dashed line and the latest value as a dot. Coordinates are rounded
/// to one decimal so the file is the same on every machine.
fn sparkline(values: &[(String, Option<f64>)], target: Option<f64>) -> String {
    let known: Vec<f64> = values.iter().filter_map(|v| v.1).chain(target).collect();
    if known.is_empty() || values.len() < 2 {
        return String::new();
    }
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let x = |i: usize| 2.0 + (SPARK_W - 4.0) * i as f64 / (values.len() - 1) as f64;
    let y = |v: f64| 2.0 + (SPARK_H - 4.0) * (1.0 - (v - lo) / span);
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for (i, (_, v)) in values.iter().enumerate() {
        match v {
            Some(v) => runs
                .last_mut()
                .expect("one run")
                .push(format!("{:.1},{:.1}", x(i), y(*v))),
            None => runs.push(Vec::new()),
        }
    }
    let mut svg = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {SPARK_W} {SPARK_H}\" width=\"{SPARK_W}\" height=\"{SPARK_H}\" aria-hidden=\"true\" focusable=\"false\">"
    );
    if let Some(t) = target {
        svg.push_str(&format!(
            "<line class=\"target\" x1=\"2\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            SPARK_W - 2.0,
            y(t),
            y(t)
        ));
    }
    for run in runs.iter().filter(|r| !r.is_empty()) {
        svg.push_str(&format!("<polyline points=\"{}\"/>", run.join(" ")));
    }
    if let Some((_, Some(v))) = values.last() {
        let i = values.len() - 1;
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"/>",
            x(i),
            y(*v)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The sparkline in words, for screen readers and as a tooltip.
fn sparkline_label(
    ind: &Indicator,
    values: &[(String, Option<f64>)],
    target: Option<f64>,
) -> String {
    let points: Vec<String> = values
        .iter()
        .map(|(p, v)| {
            format!(
                "{p} {}",
                v.map_or(MISSING.to_string(), |v| format::value(
                    v,
                    ind.unit,
                    ind.decimals
                ))
            )
        })
        .collect();
    let target = target.map_or(String::new(), |t| {
        format!("; target {}", format::value(t, ind.unit, ind.decimals))
    });
    format!("{}{target}", points.join(", "))
}

/// RAG labels worst first as boards read them (Red, Amber, Green), then
/// any other outcome, then those not rated and those with no rule.
fn summary_order(counts: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let rank = |label: &str| match label {
        "Red" => 0,
        "Amber" => 1,
        "Green" => 2,
        "Not rated" => 4,
        "No rule" => 5,
        _ => 3,
    };
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by_key(|(label, _)| rank(label));
    out
}

fn anchor(section: &str) -> String {
    let a: String = section
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("section-{}", a.trim_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_breaks_at_a_missing_value_and_marks_the_target() {
        let values = vec![
            ("a".to_string(), Some(1.0)),
            ("b".to_string(), Some(3.0)),
            ("c".to_string(), None),
            ("d".to_string(), Some(2.0)),
            ("e".to_string(), Some(2.0)),
        ];
        let svg = sparkline(&values, Some(3.0));
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert!(
            svg.contains("<line class=\"target\" x1=\"2\" x2=\"118.0\" y1=\"2.0\" y2=\"2.0\"/>"),
            "{svg}"
        );
        // The lowest value sits at the bottom, the latest has a dot.
        assert!(svg.contains("points=\"2.0,30.0 31.0,2.0\""), "{svg}");
        assert!(svg.contains("<circle cx=\"118.0\" cy=\"16.0\""), "{svg}");
        assert_eq!(sparkline(&values[2..3], None), "");
    }

    #[test]
    fn anchors_are_plain() {
        assert_eq!(anchor("Children in care"), "section-children-in-care");
        assert_eq!(anchor("Front door & MASH"), "section-front-door---mash");
    }
}
