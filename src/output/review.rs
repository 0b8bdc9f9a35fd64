//! Definition reviews: for one indicator, its definition in a normalised
//! form (every filter, formula and rule it uses, with parameters, targets
//! and benchmarks) and its effect on the data (the periods shown with
//! numerator and denominator, and the DoT and RAG of the latest period with
//! the values the rules read). A change to an indicator or to a rule set it
//! uses changes its review, and no other indicator's.

use crate::format;
use crate::format::{period_heading, period_label};
use crate::model::indicator::{Indicator, RuleUse};
use crate::model::measure::{Aggregate, BaseMeasure, Measure, Population, Timing};
use crate::model::Project;
use crate::rules::evaluate::{rule_inputs, Rating, RuleInput};
use crate::rules::scorecard::{Row, Scorecard};
use std::fmt::Write as _;

/// The review of indicator `index` of the project.
pub fn render(project: &Project, card: &Scorecard, index: usize) -> String {
    let ind = &project.indicators[index];
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}\n", ind.id, ind.title);
    // The file, not the line: lines move when a neighbour in the file changes.
    let _ = writeln!(out, "- file: {}", crate::text::slashed(&ind.file));
    let _ = writeln!(out, "- section: {}", ind.section);
    let _ = writeln!(out, "- owner: {}", ind.owner);
    let _ = writeln!(out, "- outcome: {}", ind.outcome);
    let _ = writeln!(
        out,
        "- unit: {}, {} decimal places, {}, {}",
        ind.unit.name(),
        ind.decimals,
        ind.polarity.name().replace('_', " "),
        ind.frequency.name()
    );
    for b in &ind.breakdowns {
        let _ = writeln!(out, "- breakdown: {}", b.describe());
    }
    if let Some(c) = ind.collected_from {
        let _ = writeln!(out, "- collected from: {c}");
    }
    let _ = writeln!(out, "\n## Measure\n");
    describe_measure(&mut out, project, &ind.measure, 0);
    for v in &ind.versions {
        let _ = writeln!(out, "\n## Changed from {}\n\n{}\n", v.from, v.why);
        if let Some(m) = &v.measure {
            describe_measure(&mut out, project, m, 0);
        }
        for (name, b) in v.benchmarks.iter().flatten() {
            let _ = writeln!(
                out,
                "- benchmark {name}: {}",
                format::benchmark(b, ind.unit, ind.decimals, true)
            );
        }
        for (label, rule_use) in [("DoT", &v.dot), ("RAG", &v.rag)] {
            if let Some(u) = rule_use {
                let params: Vec<String> =
                    u.params.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                let _ = writeln!(out, "- {label} `{}` with {}", u.rule, params.join(", "));
            }
        }
    }
    let _ = writeln!(out, "\n## Targets and benchmarks\n");
    if ind.targets.is_empty() {
        let _ = writeln!(out, "- targets: none");
    }
    for (fy, t) in &ind.targets {
        let _ = writeln!(
            out,
            "- target {fy}: {}",
            t.shown(ind.polarity, ind.unit, ind.decimals)
        );
    }
    for (name, v) in &ind.benchmarks {
        let _ = writeln!(
            out,
            "- benchmark {name}: {}",
            format::benchmark(v, ind.unit, ind.decimals, true)
        );
    }
    for r in &ind.rated {
        let params: Vec<String> = r
            .rule
            .params
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        let _ = writeln!(
            out,
            "- rated `{}`: against {}, by `{}` with {}",
            r.name,
            r.against.describe(),
            r.rule.rule,
            params.join(", ")
        );
    }
    for (label, rule_use) in [("DoT", &ind.dot), ("RAG", &ind.rag)] {
        let _ = writeln!(out, "\n## {label} rule\n");
        describe_rule(&mut out, project, rule_use.as_ref());
    }
    let rows: Vec<&Row> = card
        .rows
        .iter()
        .filter(|r| r.indicator == index && r.group.is_none())
        .collect();
    let _ = writeln!(out, "\n## Figures\n");
    let _ = writeln!(out, "| period | value | numerator | denominator | status |");
    let _ = writeln!(out, "|---|---:|---:|---:|---|");
    let precise = ind.decimals.saturating_add(1);
    for r in &rows {
        let p = &r.point;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            period_heading(r.period, ind.frequency),
            p.value
                .map_or("–".to_string(), |v| format::number(v, precise)),
            p.numerator.map_or("–".to_string(), format::count),
            p.denominator.map_or("–".to_string(), format::count),
            p.missing.as_deref().unwrap_or("ok")
        );
    }
    if let Some(latest) = rows.last() {
        let _ = writeln!(
            out,
            "\n## Latest period: {}\n",
            period_label(latest.period, ind.frequency)
        );
        let input = RuleInput {
            indicator: ind,
            period: latest.period,
            point: &latest.point,
            comparison: &latest.comparison,
            target: latest.target,
            target_term: latest.target_term.as_ref(),
            small_base: None,
            flags: &latest.flags,
            benchmarks: &latest.benchmarks,
        };
        if let Some(v) = ind.version_at(latest.period) {
            let _ = writeln!(out, "- definition: as changed from {}", v.from);
        }
        for (label, rating, rule_use) in [
            ("DoT", &latest.dot, ind.dot_at(latest.period)),
            ("RAG", &latest.rag, ind.rag_at(latest.period)),
        ] {
            let verdict = match rating {
                Rating::Outcome {
                    name,
                    because: Some(why),
                } => format!("{name} ({why})"),
                Rating::Outcome {
                    name,
                    because: None,
                } => name.clone(),
                Rating::NotRated(why) => format!("not rated ({why})"),
            };
            let inputs = match rule_use {
                Some(u) => rule_inputs(project, u, &input)
                    .into_iter()
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                None => String::new(),
            };
            if inputs.is_empty() {
                let _ = writeln!(out, "- {label}: {verdict}");
            } else {
                let _ = writeln!(out, "- {label}: {verdict}, from {inputs}");
            }
        }
    }
    out
}

fn describe_rule(out: &mut String, project: &Project, rule_use: Option<&RuleUse>) {
    let Some(u) = rule_use else {
        let _ = writeln!(out, "none");
        return;
    };
    let rule = &project.rule_sets[&u.rule];
    let params: Vec<String> = u.params.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    let _ = writeln!(
        out,
        "`{}` ({})",
        rule.name,
        if params.is_empty() {
            "no parameters".to_string()
        } else {
            params.join(", ")
        }
    );
    if !rule.requires.is_empty() {
        let _ = writeln!(out, "\nrequires: {}", rule.requires.join(", "));
    }
    // The tone is part of the definition: it decides an outcome's colour.
    let outcomes: Vec<String> = rule
        .outcomes
        .iter()
        .map(|o| format!("{} ({})", o.name, o.tone.name()))
        .collect();
    let _ = writeln!(out, "\noutcomes: {}\n", outcomes.join(", "));
    let _ = writeln!(out, "```rhai\n{}\n```", rule.text.trim_end());
}

pub(crate) fn describe_measure(out: &mut String, project: &Project, m: &Measure, depth: usize) {
    let pad = "  ".repeat(depth);
    match m {
        Measure::Base(id) => {
            let _ = writeln!(out, "{pad}- {}", describe_base(&project.base_measures[*id]));
        }
        Measure::Ratio {
            numerator,
            denominator,
            scale,
        } => {
            let _ = writeln!(out, "{pad}- ratio: numerator x {scale} / denominator");
            let _ = writeln!(out, "{pad}  - numerator:");
            describe_measure(out, project, numerator, depth + 2);
            let _ = writeln!(out, "{pad}  - denominator:");
            describe_measure(out, project, denominator, depth + 2);
        }
        Measure::Rate {
            measure,
            population,
            per,
        } => {
            let pop = match population {
                Population::Fixed(v) => format!("a fixed population of {v}"),
                Population::Table { source, year, column, filter } => format!(
                    "the population `{column}` of `{source}` for the period's year (`{year}`, or the latest earlier){}",
                    filter.as_ref().map_or(String::new(), |f| format!(", rows where `{}`", f.text.trim()))
                ),
            };
            let _ = writeln!(out, "{pad}- rate per {per} of {pop}, of:");
            describe_measure(out, project, measure, depth + 1);
        }
        Measure::Expression(f) => {
            let _ = writeln!(out, "{pad}- formula: `{}`", f.text.trim());
        }
        Measure::Cohort(c) if c.is_union() => {
            let _ = writeln!(out, "{pad}- cohort: each id counted once across");
            describe_members(out, project, &c.any_of, &pad);
        }
        Measure::Cohort(c) => {
            let _ = writeln!(out, "{pad}- cohort: each id counted once, held by");
            for (heading, members) in [
                ("any of", &c.any_of),
                ("all of", &c.all_of),
                ("none of", &c.none_of),
            ] {
                if !members.is_empty() {
                    let _ = writeln!(out, "{pad}  - {heading}:");
                    describe_members(out, project, members, &format!("{pad}  "));
                }
            }
        }
    }
}

fn describe_members(out: &mut String, project: &Project, members: &[usize], pad: &str) {
    for id in members {
        let _ = writeln!(
            out,
            "{pad}  - {}",
            describe_base(&project.base_measures[*id])
        );
    }
}

fn describe_base(b: &BaseMeasure) -> String {
    let what = match &b.aggregate {
        Aggregate::Count => "count of rows".to_string(),
        Aggregate::Distinct(c) => format!("distinct `{c}`"),
        Aggregate::Sum(c) => format!("sum of `{c}`"),
        Aggregate::Mean(c) => format!("mean of `{c}`"),
    };
    let when = match &b.timing {
        Timing::Flow { date } => format!("with `{date}` in the period"),
        Timing::Snapshot {
            start, end: None, ..
        } if b.window.is_some() => {
            format!("open at any time (from `{start}`, never closing)")
        }
        Timing::Snapshot {
            start, end: None, ..
        } => {
            format!("open at the period's end (from `{start}`, never closing)")
        }
        Timing::Snapshot {
            start,
            end: Some(end),
            ..
        } if b.window.is_some() => {
            format!("open at any time (`{start}` to `{end}`)")
        }
        Timing::Snapshot {
            start,
            end: Some(end),
            open_on_end_day,
        } => {
            let end_day = if *open_on_end_day {
                ", open on its end day"
            } else {
                ""
            };
            format!("open at the period's end (`{start}` to `{end}`{end_day})")
        }
    };
    let window = match b.window {
        None => String::new(),
        Some(w) => format!(
            ", over the {}",
            match w {
                crate::config::document::WindowKind::Rolling12m => "rolling 12 months",
                crate::config::document::WindowKind::FinancialYearToDate =>
                    "financial year to date",
                crate::config::document::WindowKind::QuarterToDate => "quarter to date",
            }
        ),
    };
    let filter = b.filter.as_ref().map_or(String::new(), |f| {
        format!(", rows where `{}`", f.text.trim().replace('\n', " "))
    });
    let reason = b.missing_reason.as_ref().map_or(String::new(), |r| {
        format!(", empty values explained by `{r}`")
    });
    let having = b.having.as_ref().map_or(String::new(), |h| {
        format!(", ids whose rows in the period meet `{}`", h.text.trim())
    });
    let history = b.history.as_ref().map_or(String::new(), |h| {
        format!(
            ", each `{}`'s rows in `{}` order for previous()",
            h.entity, h.order
        )
    });
    let lookups: String = b
        .lookups
        .iter()
        .map(|l| {
            format!(
                ", with {} from `{}` (`{}` = `{}`)",
                l.columns
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                l.source,
                l.key,
                l.on
            )
        })
        .collect();
    let gap = if lookups.is_empty() { " " } else { ", " };
    format!(
        "{what} of `{}`{lookups}{gap}{when}{window}{filter}{history}{having}{reason}",
        b.source
    )
}

/// Whether `ind` has the id given, for selecting reviews.
pub fn matches(ind: &Indicator, ids: &[String]) -> bool {
    ids.is_empty() || ids.iter().any(|i| i == &ind.id)
}
