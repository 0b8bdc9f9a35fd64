//! The board layout: what a scorecard page shows, built once from the
//! evaluated scorecard and formatted by every renderer (Markdown, HTML,
//! XLSX). Sections in the order indicators are declared, each holding its
//! indicators' lines; a line holds the figures of the periods shown, the
//! latest period's comparisons, target, ratings (resolved to their tone,
//! symbol and label) and benchmarks, and the breakdown's teams. The
//! columns of a board table are typed ([`Column`]): a renderer lists the
//! columns it shows and formats each [`Cell`], so a new column is one
//! variant here, one arm of [`Line::cell`] and one formatting rule per
//! format.

mod rating;

pub use rating::{rating_key, tone_colour, Shown};

use crate::calendar::period::Month;
use crate::config::document::{Frequency, Tone};
use crate::model::indicator::Indicator;
use crate::model::Project;
use crate::rules::comparisons::Comparison;
use crate::scorecard::{shown_periods, Row, Scorecard};
use std::collections::BTreeSet;

/// The frequencies in the order boards print their tables.
pub const FREQUENCIES: [Frequency; 3] =
    [Frequency::Monthly, Frequency::Quarterly, Frequency::Annual];

/// A scorecard laid out as boards read it.
pub struct Board<'a> {
    pub project: &'a Project,
    pub reporting: Month,
    /// The 13 months shown for monthly indicators.
    pub months: &'a [Month],
    pub sections: Vec<Section<'a>>,
    /// Every benchmark name any indicator has, sorted: a benchmark column each.
    pub benchmarks: Vec<&'a str>,
    /// The sources' expectations that failed as warnings, in words.
    pub quality_notes: Vec<String>,
}

/// The indicators of one section, in the order they are declared.
pub struct Section<'a> {
    pub name: &'a str,
    pub lines: Vec<Line<'a>>,
}

/// One indicator's line on the board.
pub struct Line<'a> {
    /// Index into `Project::indicators`.
    pub index: usize,
    pub indicator: &'a Indicator,
    /// The periods shown for the indicator's frequency, by their last month.
    pub periods: Vec<Month>,
    /// The rows for the whole, in period order.
    pub whole: Vec<&'a Row>,
    /// The latest row for the whole, when there is one.
    pub latest: Option<&'a Row>,
    pub dot: Shown<'a>,
    pub rag: Shown<'a>,
    /// Each breakdown with its values, in the order the indicator lists
    /// them (those with no value left out).
    pub breakdowns: Vec<BreakdownTable<'a>>,
}

/// One breakdown of a line: a table of its values.
pub struct BreakdownTable<'a> {
    /// The breakdown's name (`team`, `age band`).
    pub name: &'a str,
    /// Each value with its rows, in the scorecard's order.
    pub values: Vec<Team<'a>>,
}

/// One breakdown value of a line.
pub struct Team<'a> {
    pub name: &'a str,
    /// Its rows, in period order.
    pub rows: Vec<&'a Row>,
}

/// A column of a board table.
#[derive(Debug, Clone, PartialEq)]
pub enum Column<'a> {
    Id,
    Title,
    /// The figure of one period shown, by its last month.
    Period(Month),
    /// The change against the previous period.
    Change,
    /// The change against the same period last year.
    ChangeYoy,
    Dot,
    Avg12m,
    Max12m,
    Target,
    Rag,
    Benchmark(&'a str),
    Commentary,
}

/// What one cell of a line holds; each format decides how it looks.
pub enum Cell<'a> {
    Text(&'a str),
    /// A figure with its parts, or why it is missing. `row` is `None` when
    /// the period has no row at all.
    Figure {
        row: Option<&'a Row>,
    },
    /// A 12-month statistic; `None` when there are not 12 months.
    Statistic(Option<f64>),
    /// A change: the difference and the percent change.
    Change {
        change: Option<f64>,
        pct: Option<f64>,
    },
    /// The target in force as printed (`95%`, `<36%`, `TBC`), its number
    /// and whether it is strict, when there is one.
    Target(Option<(String, Option<f64>, bool)>),
    Rating(&'a Shown<'a>),
    /// The benchmark's value in force, when the indicator has it.
    Benchmark(Option<f64>),
    /// Commentary for the latest period, when there is some.
    Commentary(Option<&'a str>),
    /// Nothing to show here for this indicator (`–`).
    NotApplicable,
}

impl<'a> Board<'a> {
    pub fn build(project: &'a Project, card: &'a Scorecard) -> Board<'a> {
        let mut rows: Vec<Vec<&Row>> = vec![Vec::new(); project.indicators.len()];
        for r in &card.rows {
            rows[r.indicator].push(r);
        }
        let mut sections: Vec<Section> = Vec::new();
        for (index, (indicator, rows)) in project.indicators.iter().zip(rows).enumerate() {
            let line = Line::build(project, card, index, indicator, rows);
            match sections.iter_mut().find(|s| s.name == indicator.section) {
                Some(s) => s.lines.push(line),
                None => sections.push(Section {
                    name: &indicator.section,
                    lines: vec![line],
                }),
            }
        }
        let benchmarks: BTreeSet<&str> = project
            .indicators
            .iter()
            .flat_map(|i| i.benchmark_names())
            .collect();
        Board {
            project,
            reporting: card.reporting,
            months: &card.periods,
            sections,
            benchmarks: benchmarks.into_iter().collect(),
            quality_notes: card
                .findings
                .iter()
                .map(|f| format!("source `{}`: {}", f.source, f.message))
                .collect(),
        }
    }

    /// The lines of one frequency, section by section (sections without
    /// such lines left out).
    pub fn sections_of(&self, frequency: Frequency) -> Vec<(&'a str, Vec<&Line<'a>>)> {
        self.sections
            .iter()
            .map(|s| (s.name, s.lines_of(frequency)))
            .filter(|(_, lines)| !lines.is_empty())
            .collect()
    }

    /// Every line, in declaration order.
    pub fn lines(&self) -> impl Iterator<Item = &Line<'a>> {
        let mut all: Vec<&Line> = self.sections.iter().flat_map(|s| &s.lines).collect();
        all.sort_by_key(|l| l.index);
        all.into_iter()
    }

    /// The board table's columns for a frequency: id, title, the periods
    /// shown, then the comparisons, ratings, target and benchmarks in the
    /// order `order` gives (each format keeps the order its readers know).
    pub fn columns(&self, frequency: Frequency, order: &[Column<'a>]) -> Vec<Column<'a>> {
        let mut columns = vec![Column::Id, Column::Title];
        columns.extend(
            shown_periods(self.reporting, frequency)
                .into_iter()
                .map(Column::Period),
        );
        for c in order {
            match c {
                Column::Benchmark(_) => {
                    columns.extend(self.benchmarks.iter().map(|b| Column::Benchmark(b)))
                }
                other => columns.push(other.clone()),
            }
        }
        columns
    }

    /// Every (tone, label) the RAG outcomes in use can show, worst first,
    /// each once: the keys of a filter and of a colour legend.
    pub fn rag_tones(&self) -> Vec<(Tone, &'a str)> {
        let mut seen: Vec<(Tone, &str)> = Vec::new();
        for ind in &self.project.indicators {
            let uses = std::iter::once(ind.rag.as_ref())
                .chain(ind.versions.iter().map(|v| v.rag.as_ref()))
                .flatten();
            for u in uses {
                let Some(set) = self.project.rule_sets.get(&u.rule) else {
                    continue;
                };
                for o in &set.outcomes {
                    let label = o.label.as_deref().unwrap_or(&o.name);
                    if o.tone != Tone::Neutral && !seen.contains(&(o.tone, label)) {
                        seen.push((o.tone, label));
                    }
                }
            }
        }
        seen.sort_by_key(|(tone, _)| *tone);
        seen
    }
}

impl<'a> Section<'a> {
    pub fn lines_of(&self, frequency: Frequency) -> Vec<&Line<'a>> {
        self.lines
            .iter()
            .filter(|l| l.indicator.frequency == frequency)
            .collect()
    }
}

impl<'a> Line<'a> {
    fn build(
        project: &'a Project,
        card: &Scorecard,
        index: usize,
        indicator: &'a Indicator,
        rows: Vec<&'a Row>,
    ) -> Line<'a> {
        let whole: Vec<&Row> = rows.iter().copied().filter(|r| r.group.is_none()).collect();
        let latest = whole.last().copied();
        let mut breakdowns: Vec<BreakdownTable> = indicator
            .breakdowns
            .iter()
            .map(|b| BreakdownTable {
                name: &b.name,
                values: Vec::new(),
            })
            .collect();
        for r in rows.iter().copied() {
            let Some(part) = &r.group else {
                continue;
            };
            let Some(table) = breakdowns.iter_mut().find(|b| b.name == part.by) else {
                continue;
            };
            match table.values.iter_mut().find(|t| t.name == part.value) {
                Some(t) => t.rows.push(r),
                None => table.values.push(Team {
                    name: &part.value,
                    rows: vec![r],
                }),
            }
        }
        breakdowns.retain(|b| !b.values.is_empty());
        let (dot, rag) = match latest {
            Some(r) => (
                Shown::of(project, indicator.dot_at(r.period), &r.dot),
                Shown::of(project, indicator.rag_at(r.period), &r.rag),
            ),
            None => (Shown::NoRule(""), Shown::NoRule("")),
        };
        Line {
            index,
            indicator,
            periods: shown_periods(card.reporting, indicator.frequency),
            whole,
            latest,
            dot,
            rag,
            breakdowns,
        }
    }

    /// Whether its breakdown tables show each value's share of the whole:
    /// for a count (a share of a percentage or a rate means nothing).
    pub fn shows_shares(&self) -> bool {
        self.indicator.unit == crate::config::document::Unit::Count
    }

    /// A breakdown value's share of the whole in the same period.
    pub fn share(&self, row: &Row) -> Option<f64> {
        if !self.shows_shares() {
            return None;
        }
        let whole = self.at(row.period)?.point.value?;
        let part = row.point.value?;
        (whole > 0.0).then(|| part / whole)
    }

    /// The row of the whole for the period ending in `month`.
    pub fn at(&self, month: Month) -> Option<&'a Row> {
        self.whole.iter().copied().find(|r| r.period == month)
    }

    /// The latest row's comparisons, when there is a latest row.
    pub fn comparison(&self) -> Option<&'a Comparison> {
        self.latest.map(|r| &r.comparison)
    }

    /// Whether the change against last year is the change against the
    /// previous period.
    pub fn repeats_change(&self) -> bool {
        crate::rules::comparisons::Basis::of(self.indicator).back() == 12
    }

    /// What this line shows in `column`.
    pub fn cell<'s>(&'s self, column: &Column<'a>) -> Cell<'s> {
        let c = self.comparison();
        match column {
            Column::Id => Cell::Text(&self.indicator.id),
            Column::Title => Cell::Text(&self.indicator.title),
            Column::Period(m) => Cell::Figure { row: self.at(*m) },
            Column::Change => Cell::Change {
                change: c.and_then(|c| c.change),
                pct: c.and_then(|c| c.change_pct),
            },
            // When the previous period is the same period last year (an
            // annual indicator, or a cumulative one), this column would
            // repeat the change beside it.
            Column::ChangeYoy if self.repeats_change() => Cell::NotApplicable,
            Column::ChangeYoy => Cell::Change {
                change: c.and_then(|c| c.change_yoy),
                pct: c.and_then(|c| c.change_yoy_pct),
            },
            Column::Dot => Cell::Rating(&self.dot),
            // A to-date value has no 12-month statistics, by design.
            Column::Avg12m | Column::Max12m if self.indicator.cumulative => Cell::NotApplicable,
            Column::Avg12m => Cell::Statistic(c.and_then(|c| c.avg_12m)),
            Column::Max12m => Cell::Statistic(c.and_then(|c| c.max_12m)),
            Column::Target => Cell::Target(self.latest.and_then(|r| {
                let t = r.target_term.as_ref()?;
                let ind = self.indicator;
                Some((
                    t.shown(ind.polarity, ind.unit, ind.decimals),
                    t.value(),
                    t.strict(),
                ))
            })),
            Column::Rag => Cell::Rating(&self.rag),
            Column::Benchmark(b) => Cell::Benchmark(
                self.latest
                    .and_then(|r| self.indicator.benchmarks_at(r.period).get(*b).copied()),
            ),
            Column::Commentary => {
                Cell::Commentary(self.latest.and_then(|r| r.commentary.as_deref()))
            }
        }
    }
}
