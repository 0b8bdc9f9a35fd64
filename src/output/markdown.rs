//! `scorecard.md`: the wide report analysts know. Per section, one row per
//! indicator with the 13 months shown, changes, DoT, 12-month average and
//! maximum, target, RAG and benchmarks; then missing-value reasons,
//! commentary for the reporting month and team breakdowns.

use super::format;
use crate::config::document::Frequency;
use crate::measure::period::period_heading;
use crate::model::indicator::Indicator;
use crate::model::Project;
use crate::rules::evaluate::Rating;
use crate::scorecard::{shown_periods, Row, Scorecard};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Shown where an indicator has no such thing (no target, no rule, no benchmark).
const NONE: &str = "–";
/// Shown where a value could not be computed; the notes say why.
const MISSING: &str = "n/a";

pub fn render(project: &Project, card: &Scorecard) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Scorecard: {}\n", card.reporting.short_label());
    let _ = writeln!(
        out,
        "Reporting period {}; {} indicators; months {} to {}. `{MISSING}`: no value (reasons under each section); `{NONE}`: not applicable.\n",
        card.reporting,
        project.indicators.len(),
        card.periods[0],
        card.reporting
    );
    let mut sections: Vec<&str> = Vec::new();
    for ind in &project.indicators {
        if !sections.contains(&ind.section.as_str()) {
            sections.push(&ind.section);
        }
    }
    let totals = rows_by_indicator(card, true);
    for section in sections {
        let members: Vec<usize> = (0..project.indicators.len())
            .filter(|&i| project.indicators[i].section == section)
            .collect();
        render_section(&mut out, project, card, section, &members, &totals);
    }
    render_breakdowns(&mut out, project, card);
    out
}

fn rows_by_indicator(card: &Scorecard, totals: bool) -> BTreeMap<usize, Vec<&Row>> {
    let mut map: BTreeMap<usize, Vec<&Row>> = BTreeMap::new();
    for r in &card.rows {
        if r.group.is_none() == totals {
            map.entry(r.indicator).or_default().push(r);
        }
    }
    map
}

fn cell_value(ind: &Indicator, row: &Row) -> String {
    match row.point.value {
        Some(v) => format::with_parts(
            v,
            row.point.numerator,
            row.point.denominator,
            ind.unit,
            ind.decimals,
        ),
        None => MISSING.to_string(),
    }
}

fn rating_cell(project: &Project, ind: &Indicator, r: &Rating, dot: bool) -> String {
    let rule_use = if dot { &ind.dot } else { &ind.rag };
    match (r, rule_use) {
        (Rating::Outcome { name: o, .. }, Some(u)) => {
            let outcome = project.rule_sets[&u.rule].outcome(o);
            let symbol = outcome.and_then(|x| x.symbol.clone());
            let label = outcome
                .and_then(|x| x.label.clone())
                .unwrap_or_else(|| o.clone());
            match symbol {
                Some(s) => format!("{s} {label}"),
                None => label,
            }
        }
        (_, None) => NONE.to_string(),
        (Rating::NotRated(_), Some(_)) => MISSING.to_string(),
    }
}

fn opt_value(v: Option<f64>, ind: &Indicator) -> String {
    v.map_or(MISSING.to_string(), |v| {
        format::value(v, ind.unit, ind.decimals)
    })
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn render_section(
    out: &mut String,
    project: &Project,
    card: &Scorecard,
    section: &str,
    members: &[usize],
    totals: &BTreeMap<usize, Vec<&Row>>,
) {
    let benchmarks: BTreeSet<&str> = members
        .iter()
        .flat_map(|&i| project.indicators[i].benchmark_names())
        .collect();
    let _ = writeln!(
        out,
        "## {}
",
        escape(section)
    );
    let mut notes: Vec<String> = Vec::new();
    let mut commentary: Vec<String> = Vec::new();
    for frequency in [Frequency::Monthly, Frequency::Quarterly, Frequency::Annual] {
        let group: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| project.indicators[i].frequency == frequency)
            .collect();
        if group.is_empty() {
            continue;
        }
        if frequency != Frequency::Monthly {
            let _ = writeln!(
                out,
                "{}:\n",
                if frequency == Frequency::Quarterly {
                    "Quarterly"
                } else {
                    "Annual"
                }
            );
        }
        render_table(
            out,
            project,
            card,
            frequency,
            &group,
            &benchmarks,
            totals,
            &mut notes,
            &mut commentary,
        );
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "Missing values:\n\n{}\n", notes.join("\n"));
    }
    if !commentary.is_empty() {
        let _ = writeln!(
            out,
            "Commentary ({}):\n\n{}\n",
            card.reporting.short_label(),
            commentary.join("\n")
        );
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one table's inputs and the notes it adds to"
)]
fn render_table(
    out: &mut String,
    project: &Project,
    card: &Scorecard,
    frequency: Frequency,
    members: &[usize],
    benchmarks: &BTreeSet<&str>,
    totals: &BTreeMap<usize, Vec<&Row>>,
    notes: &mut Vec<String>,
    commentary: &mut Vec<String>,
) {
    let mut header = vec!["ID".to_string(), "Indicator".to_string()];
    header.extend(
        shown_periods(card.reporting, frequency)
            .into_iter()
            .map(|m| period_heading(m, frequency)),
    );
    header.extend(
        [
            "vs prev",
            "vs last year",
            "DoT",
            "12m avg",
            "12m max",
            "Target",
            "RAG",
        ]
        .map(String::from),
    );
    header.extend(benchmarks.iter().map(|b| b.to_string()));
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        header
            .iter()
            .enumerate()
            .map(|(i, _)| if i < 2 { "---|" } else { "---:|" })
            .collect::<String>()
    );
    for &i in members {
        let ind = &project.indicators[i];
        let Some(rows) = totals.get(&i) else { continue };
        let Some(latest) = rows.last() else { continue };
        let mut cells = vec![ind.id.clone(), escape(&ind.title)];
        cells.extend(rows.iter().map(|r| cell_value(ind, r)));
        let c = &latest.comparison;
        cells.push(
            format::change(c.change, c.change_pct, ind.unit, ind.decimals)
                .unwrap_or_else(|| MISSING.to_string()),
        );
        cells.push(
            format::change(c.change_yoy, c.change_yoy_pct, ind.unit, ind.decimals)
                .unwrap_or_else(|| MISSING.to_string()),
        );
        cells.push(rating_cell(project, ind, &latest.dot, true));
        cells.push(opt_value(c.avg_12m, ind));
        cells.push(opt_value(c.max_12m, ind));
        cells.push(latest.target.map_or(NONE.to_string(), |t| {
            format::value(t, ind.unit, ind.decimals)
        }));
        cells.push(rating_cell(project, ind, &latest.rag, false));
        for b in benchmarks {
            cells.push(
                ind.benchmarks_at(latest.period)
                    .get(*b)
                    .map_or(NONE.to_string(), |v| {
                        format::value(*v, ind.unit, ind.decimals)
                    }),
            );
        }
        let _ = writeln!(out, "| {} |", cells.join(" | "));
        // Missing values, one note per reason with the periods it applies to.
        let mut reasons: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for r in rows {
            if let Some(why) = &r.point.missing {
                reasons
                    .entry(why.as_str())
                    .or_default()
                    .push(period_heading(r.period, frequency));
            }
        }
        for (why, periods) in reasons {
            notes.push(format!(
                "- **{}** ({}): {}",
                ind.id,
                periods.join(", "),
                escape(why)
            ));
        }
        if let Some(text) = &latest.commentary {
            commentary.push(format!("- **{}**: {}", ind.id, escape(text.trim())));
        }
    }
    out.push('\n');
}

fn render_breakdowns(out: &mut String, project: &Project, card: &Scorecard) {
    let groups = rows_by_indicator(card, false);
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Breakdowns\n");
    for (i, rows) in groups {
        let ind = &project.indicators[i];
        let column = ind.breakdown.as_deref().unwrap_or_default();
        let Some(latest) = shown_periods(card.reporting, ind.frequency).last().copied() else {
            continue;
        };
        let heading = period_heading(latest, ind.frequency);
        let _ = writeln!(
            out,
            "### {} {} by {}, {}\n",
            ind.id,
            escape(&ind.title),
            column,
            heading
        );
        let _ = writeln!(out, "| {column} | {heading} | vs prev | DoT | RAG |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for r in rows.iter().filter(|r| r.period == latest) {
            let c = &r.comparison;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(r.group.as_deref().unwrap_or_default()),
                cell_value(ind, r),
                format::change(c.change, c.change_pct, ind.unit, ind.decimals)
                    .unwrap_or_else(|| MISSING.to_string()),
                rating_cell(project, ind, &r.dot, true),
                rating_cell(project, ind, &r.rag, false),
            );
        }
        out.push('\n');
    }
}
