//! The example's published section rates as the board it reproduces: the
//! board data tables to July 2023 (`../shared/reference/`, extracted into
//! `data/raw/published-series-2022-07-to-2023-07.csv`). The board's rule
//! is stated here once, over the figures as the board printed them:
//!
//! - direction of travel: +1 when the month's printed value moved the
//!   better way since the month before, 0 when it printed the same, -1 when
//!   it moved the worse way;
//! - RAG: +1 (green) when the target is met (a strict `<36%` only below
//!   it), 0 (amber) when short of it by no more than 5 points for a
//!   percentage or 5% of the target for a count or rate, else -1 (red).
//!
//! Every rated row the board printed is checked against that rule; a row
//! where the board contradicts itself is listed below with the reason.
//! Wherever it is consistent, Rubric's own rating of the same indicator
//! must agree with the board's.

use rubric::config::document::{Polarity, Tone};
use rubric::rules::scorecard;
use rubric::run;
use rubric::run::RunOptions;
use std::path::Path;

const REFERENCE: &str = "data/raw/published-series-2022-07-to-2023-07.csv";

/// Rated rows where the board's own cells contradict its rule, with why:
/// (section, indicator, reason). Found by the test, not assumed: the test
/// fails if a row is added to or missing from this list.
const CONTRADICTIONS: [(&str, &str, &str); 20] = [
    (
        "Distribution of children across the service",
        "Percentage of children open for assessment who had supervision in timescales",
        "the DoT cell is -8, not a score: a difference was typed in",
    ),
    (
        "Distribution of children across the service",
        "Percentage of children with a Child in Need Plan (CWD) who had their supervision within timescales",
        "the DoT cell is -3, not a score: a difference was typed in",
    ),
    (
        "Distribution of children across the service",
        "Percentage of CLA placed <20 miles from home",
        "the DoT cell is Dec-69, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Distribution of children across the service",
        "Percentage of CLA placed in Residential placements (H5,K1,K2) as at the end of the month",
        "the DoT cell is Dec-99, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Rate of CLA per 10,000 under 18 population excluding UASC",
        "the DoT cell is Jan-00, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA for whom a visit has taken place within agreed timescales (as at latest CLA review)",
        "the DoT cell is Jan-00, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of eligible CLA with an up-to-date Care Plan (6 months)",
        "the DoT cell is Dec-99, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of eligible CLA (16+) with an up-to-date Pathway Plan",
        "the DoT cell is Jan-00, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA children with an up to date review",
        "the DoT cell is Jan-00, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA reviews due in month completed in time",
        "the DoT cell is Dec-69, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA who have participated in Reviews (aged 4+) in the month",
        "the DoT cell is Dec-69, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of initial health assessments delivered within 20 working days of date child became looked after.",
        "the DoT cell is Jan-00, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of children in care for at least 12 months for whom health assessments are up to date.",
        "the DoT cell is Dec-69, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA at SSA (Statutory School Age) with a Personal Education Plan (PEP) reviewed & completed in the last 6 months.",
        "the DoT cell is Dec-69, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA that have been in care for 12+ months, that have had same social worker for last 6 months",
        "the DoT cell is Jan-00, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA at end of month with 3 or more placements during the year",
        "the DoT cell is Dec-99, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA placed <20 miles from home",
        "the DoT cell is Dec-69, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA placed in IFA placements as at the end of the month",
        "the DoT cell is Jan-00, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA placed in Residential placements (H5,K1,K2) as at the end of the month",
        "the DoT cell is Dec-99, not a score: a spreadsheet turned it into a date",
    ),
    (
        "Corporate parenting board",
        "Percentage of CLA placed in unregulated/unregistered settings (H5, Z102, Z103, Z104) as at the end of the month",
        "the DoT cell is Dec-99, not a score: a spreadsheet turned it into a date",
    ),
];

struct Printed {
    section: String,
    indicator: String,
    june: Option<f64>,
    july: Option<f64>,
    percent: bool,
    target: Option<(f64, bool)>,
    rag: String,
    dot: String,
}

fn number(cell: &str) -> Option<f64> {
    cell.trim()
        .trim_start_matches('<')
        .trim_end_matches('%')
        .replace(',', "")
        .parse()
        .ok()
}

fn printed_rows() -> Vec<Printed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut reader = csv::Reader::from_path(root.join(REFERENCE)).expect("the reference");
    let headers = reader.headers().expect("headers").clone();
    let at = |name: &str| headers.iter().position(|h| h == name).expect(name);
    reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            let target = r[at("target")].trim().to_string();
            Printed {
                section: r[at("section")].trim().to_string(),
                indicator: r[at("indicator")].trim().to_string(),
                june: number(&r[at("2023-06")]),
                july: number(&r[at("2023-07")]),
                percent: r[at("2023-07")].trim().ends_with('%'),
                target: number(&target).map(|t| (t, target.starts_with('<'))),
                rag: r[at("rag")].trim().to_string(),
                dot: r[at("dot")].trim().to_string(),
            }
        })
        .collect()
}

fn rated(cell: &str) -> bool {
    !cell.is_empty() && cell != "-"
}

fn score(cell: &str) -> Option<i32> {
    match cell {
        "-1" => Some(-1),
        "0" => Some(0),
        "1" => Some(1),
        _ => None,
    }
}

/// The board's direction of travel for a row, by its rule.
fn board_dot(p: &Printed, polarity: Polarity) -> Option<i32> {
    let (now, before) = (p.july?, p.june?);
    Some(if now == before {
        0
    } else if (now > before) == (polarity == Polarity::HigherIsBetter) {
        1
    } else {
        -1
    })
}

/// The board's RAG for a row, by its rule.
fn board_rag(p: &Printed, polarity: Polarity) -> Option<i32> {
    let value = p.july?;
    let (target, strict) = p.target?;
    let shortfall = if polarity == Polarity::HigherIsBetter {
        target - value
    } else {
        value - target
    };
    let met = if strict {
        shortfall < 0.0
    } else {
        shortfall <= 0.0
    };
    let within = if p.percent {
        shortfall <= 5.0
    } else {
        shortfall / target.abs() * 100.0 <= 5.0
    };
    Some(if met {
        1
    } else if within {
        0
    } else {
        -1
    })
}

/// A rating as the board scores it: its outcome's tone, good +1, bad -1.
fn tone_score(
    project: &rubric::model::Project,
    rule: Option<&rubric::model::indicator::RuleUse>,
    outcome: Option<&str>,
) -> Option<i32> {
    let outcome = project.rule_sets[&rule?.rule].outcome(outcome?)?;
    Some(match outcome.tone {
        Tone::Good => 1,
        Tone::Neutral | Tone::Caution => 0,
        Tone::Bad => -1,
    })
}

#[test]
fn the_published_section_rates_as_the_board_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = rubric::model::compile_project(root, &rubric::output::formats())
        .unwrap_or_else(|_| panic!("compiles"));
    let card = run::run(&project, RunOptions::new(&project)).expect("runs");
    let latest = scorecard::latest_whole_rows(&card);
    let printed = printed_rows();

    let mut contradictions: Vec<(String, String, String)> = Vec::new();
    let mut compared = 0;
    for p in printed.iter().filter(|p| rated(&p.rag) || rated(&p.dot)) {
        if rated(&p.dot) && score(&p.dot).is_none() {
            let why = if p.dot.contains('-') && p.dot.chars().any(char::is_alphabetic) {
                format!(
                    "the DoT cell is {}, not a score: a spreadsheet turned it into a date",
                    p.dot
                )
            } else {
                format!(
                    "the DoT cell is {}, not a score: a difference was typed in",
                    p.dot
                )
            };
            contradictions.push((p.section.clone(), p.indicator.clone(), why));
            continue;
        }
        // The example's indicator for this row: its title with "(published)".
        let wanted = format!("{} (published)", p.indicator);
        let Some((index, ind)) = project
            .indicators
            .iter()
            .enumerate()
            .find(|(_, i)| i.title == wanted)
        else {
            continue;
        };
        let row = latest[&index];
        let polarity = ind.polarity;
        let mut disagrees = Vec::new();
        if let Some(s) = score(&p.dot) {
            if board_dot(p, polarity) != Some(s) {
                disagrees.push(format!(
                    "its DoT {s} is not the rule's {:?}",
                    board_dot(p, polarity)
                ));
            }
        }
        if let Some(s) = score(&p.rag) {
            if board_rag(p, polarity) != Some(s) {
                disagrees.push(format!(
                    "its RAG {s} is not the rule's {:?}",
                    board_rag(p, polarity)
                ));
            }
        }
        if !disagrees.is_empty() {
            contradictions.push((p.section.clone(), p.indicator.clone(), disagrees.join("; ")));
            continue;
        }
        compared += 1;
        if let Some(s) = score(&p.dot) {
            assert_eq!(
                tone_score(&project, ind.dot_at(row.period), row.dot.outcome()),
                Some(s),
                "{}: Rubric's DoT {:?} is not the board's {s}",
                p.indicator,
                row.dot
            );
        }
        if let Some(s) = score(&p.rag) {
            assert_eq!(
                tone_score(&project, ind.rag_at(row.period), row.rag.outcome()),
                Some(s),
                "{}: Rubric's RAG {:?} is not the board's {s}",
                p.indicator,
                row.rag
            );
        }
    }
    // Eleven indicators, two of them printed in both sections.
    assert_eq!(compared, 13, "rows compared");
    let listed: Vec<(String, String, String)> = CONTRADICTIONS
        .iter()
        .map(|(s, i, w)| (s.to_string(), i.to_string(), w.to_string()))
        .collect();
    assert_eq!(contradictions, listed);
}
