//! The long-form table, one row per indicator x period x breakdown value,
//! shared by the Parquet and CSV writers so the two always agree.

use crate::format::period_label;
use crate::model::Project;
use crate::rules::evaluate::Rating;
use crate::rules::scorecard::{Row, Scorecard};
use std::collections::BTreeSet;

/// A cell: text, a number, or nothing (written as `NA` in CSV, null in Parquet).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    Null,
}

/// A column of the long-form table.
pub(crate) struct Column {
    pub name: String,
    pub numeric: bool,
    pub cells: Vec<Cell>,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn num(v: Option<f64>) -> Cell {
    v.map_or(Cell::Null, Cell::Number)
}

fn opt_text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Null, text)
}

fn rating(r: &Rating) -> (Cell, Cell) {
    match r {
        Rating::Outcome { name, because } => (text(name.as_str()), opt_text(because.as_deref())),
        Rating::NotRated(why) => (text("not_rated"), text(why.as_str())),
    }
}

/// The numeric columns between `reason` and `rag`, in their documented order.
/// Reads one number of a row.
type Number = fn(&Row) -> Option<f64>;

const NUMBERS: [(&str, Number); 13] = [
    ("value", |r| r.point.value),
    ("numerator", |r| r.point.numerator),
    ("denominator", |r| r.point.denominator),
    ("previous", |r| r.comparison.previous),
    ("change", |r| r.comparison.change),
    ("change_pct", |r| r.comparison.change_pct),
    ("last_year", |r| r.comparison.last_year),
    ("change_yoy", |r| r.comparison.change_yoy),
    ("change_yoy_pct", |r| r.comparison.change_yoy_pct),
    ("avg_12m", |r| r.comparison.avg_12m),
    ("max_12m", |r| r.comparison.max_12m),
    ("min_12m", |r| r.comparison.min_12m),
    ("target", |r| r.target),
];

/// The rows of the indicators `ids` (by the `indicator` column).
pub(crate) fn only(columns: &[Column], ids: &[&str]) -> Vec<Column> {
    let keep: Vec<bool> = columns
        .iter()
        .find(|c| c.name == "indicator")
        .map(|c| {
            c.cells
                .iter()
                .map(|cell| matches!(cell, Cell::Text(t) if ids.contains(&t.as_str())))
                .collect()
        })
        .unwrap_or_default();
    columns
        .iter()
        .map(|c| Column {
            name: c.name.clone(),
            numeric: c.numeric,
            cells: c
                .cells
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(cell, _)| cell.clone())
                .collect(),
        })
        .collect()
}

/// Builds the columns, in their documented order.
pub(crate) fn columns(project: &Project, card: &Scorecard) -> Vec<Column> {
    let benchmark_names: BTreeSet<&str> = project
        .indicators
        .iter()
        .flat_map(|i| i.benchmark_names())
        .chain(
            project
                .benchmark_table
                .iter()
                .flat_map(|t| t.names.iter().map(String::as_str)),
        )
        .collect();
    let mut cols: Vec<(String, bool, Vec<Cell>)> = Vec::new();
    let mut push =
        |name: &str, numeric: bool, cells: Vec<Cell>| cols.push((name.to_string(), numeric, cells));
    let rows = &card.rows;
    let ind = |r: &Row| &project.indicators[r.indicator];
    push(
        "indicator",
        false,
        rows.iter().map(|r| text(ind(r).id.as_str())).collect(),
    );
    push(
        "title",
        false,
        rows.iter().map(|r| text(ind(r).title.as_str())).collect(),
    );
    push(
        "section",
        false,
        rows.iter().map(|r| text(ind(r).section.as_str())).collect(),
    );
    push(
        "unit",
        false,
        rows.iter().map(|r| text(ind(r).unit.name())).collect(),
    );
    push(
        "frequency",
        false,
        rows.iter().map(|r| text(ind(r).frequency.name())).collect(),
    );
    push(
        "period",
        false,
        rows.iter()
            .map(|r| text(period_label(r.period, ind(r).frequency)))
            .collect(),
    );
    push(
        "breakdown",
        false,
        rows.iter()
            .map(|r| text(r.group.as_ref().map_or("all", |g| &g.by)))
            .collect(),
    );
    push(
        "breakdown_value",
        false,
        rows.iter()
            .map(|r| text(r.group.as_ref().map_or("all", |g| &g.value)))
            .collect(),
    );
    push(
        "status",
        false,
        rows.iter()
            .map(|r| {
                text(if r.point.value.is_some() {
                    "ok"
                } else if r.point.suppressed {
                    "suppressed"
                } else {
                    "missing"
                })
            })
            .collect(),
    );
    push(
        "reason",
        false,
        rows.iter()
            .map(|r| opt_text(r.point.missing.as_deref()))
            .collect(),
    );
    for (name, get) in NUMBERS {
        push(name, true, rows.iter().map(|r| num(get(r))).collect());
    }
    let (rag, rag_note): (Vec<Cell>, Vec<Cell>) = rows.iter().map(|r| rating(&r.rag)).unzip();
    push("rag", false, rag);
    push("rag_note", false, rag_note);
    let (dot, dot_note): (Vec<Cell>, Vec<Cell>) = rows.iter().map(|r| rating(&r.dot)).unzip();
    push("dot", false, dot);
    push("dot_note", false, dot_note);
    for name in &benchmark_names {
        push(
            &format!("benchmark_{name}"),
            true,
            rows.iter()
                .map(|r| {
                    num(r
                        .benchmarks
                        .iter()
                        .find(|(n, _)| n == name)
                        .and_then(|(_, f)| f.value))
                })
                .collect(),
        );
    }
    push(
        "flags",
        false,
        rows.iter()
            .map(|r| {
                if r.flags.is_empty() {
                    Cell::Null
                } else {
                    text(
                        r.flags
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; ")
                            .as_str(),
                    )
                }
            })
            .collect(),
    );
    push(
        "commentary",
        false,
        rows.iter()
            .map(|r| opt_text(r.commentary.as_deref()))
            .collect(),
    );
    cols.into_iter()
        .map(|(name, numeric, cells)| Column {
            name,
            numeric,
            cells,
        })
        .collect()
}
