//! A checked page: what one report shows, from the project's indicators.
//! Every renderer draws from a page; without page files the project has
//! one, the default board of every indicator.

use crate::calendar::period::FinancialYear;
use crate::config::document::{ChangeDisplay, ChangeSign, Frequency};
use crate::model::indicator::Indicator;
use std::path::PathBuf;

/// One report.
#[derive(Debug, Clone)]
pub struct Page {
    /// The output files' name (`board` writes `board.md`, ...).
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    /// The formats written, in the order of the writers' registry.
    pub formats: Vec<Format>,
    /// Periods shown: months, quarters and years.
    pub months: u32,
    pub quarters: u32,
    pub years: u32,
    /// The columns after the reference and title; `None` for the default
    /// board, where each format keeps the layout its readers know.
    pub columns: Option<Vec<PageColumn>>,
    pub breakdowns: bool,
    /// Whether sections list their commentary below the table.
    pub commentary: bool,
    /// Whether each section charts each of its indicators (HTML and PDF).
    pub charts: bool,
    pub sections: Vec<PageSection>,
    /// How its tables mark cells without a figure.
    pub markers: Markers,
    /// The page file, `None` for the default board.
    pub file: Option<PathBuf>,
}

/// A format a page can be written in, as its writer in `output::FORMATS`
/// describes itself: the compiler checks a page's `formats:` against the
/// list it is given, so a new format is its writer's file and one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// Its name in `formats:` (`markdown`).
    pub name: &'static str,
    /// Its files' extension (`md`).
    pub extension: &'static str,
    /// What it is, in words, for the pack's index (`Markdown`).
    pub words: &'static str,
    /// Whether a page that leaves out `formats:` is written in it (the
    /// default board too).
    pub default: bool,
}

/// How a page's tables mark cells without a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markers {
    /// A missing value.
    pub missing: String,
    /// A cell where nothing applies.
    pub not_applicable: String,
    /// A missing value's own mark, by its reason.
    pub reasons: Vec<(String, String)>,
}

impl Default for Markers {
    fn default() -> Self {
        Markers {
            missing: "n/a".to_string(),
            not_applicable: "–".to_string(),
            reasons: Vec::new(),
        }
    }
}

impl Markers {
    /// Each mark with what it means, in the order a key lists them: each
    /// reason's own mark (meaning that reason), then a missing value's
    /// (`None`: no value), then the not-applicable one's (`Some("")`); an
    /// empty mark is a blank cell. Each format words the last two its way.
    pub fn key(&self) -> Vec<(&str, Option<&str>)> {
        let mut out: Vec<(&str, Option<&str>)> = self
            .reasons
            .iter()
            .map(|(why, mark)| (mark.as_str(), Some(why.as_str())))
            .collect();
        out.push((&self.missing, None));
        out.push((&self.not_applicable, Some("")));
        out
    }

    /// The mark of a missing value, by its reason where the page has one.
    pub fn missing_for(&self, reason: Option<&str>) -> &str {
        reason
            .and_then(|r| self.reasons.iter().find(|(why, _)| why == r))
            .map_or(self.missing.as_str(), |(_, mark)| mark.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct PageSection {
    /// Its heading; empty for a block of rows with none.
    pub title: String,
    /// Whether it starts a new page in the formats that have pages.
    pub new_page: bool,
    pub rows: Vec<PageRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageRow {
    Indicator {
        /// Index into `Project::indicators`.
        index: usize,
        /// The published reference printed as the row's label.
        reference: Option<String>,
        /// The title printed instead of the indicator's.
        label: Option<String>,
    },
    Heading(String),
}

/// A column with the heading the page gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct PageColumn {
    pub kind: ColumnKind,
    pub label: Option<String>,
    /// A heading over it and the columns beside it with the same.
    pub group: Option<String>,
}

/// What a page column shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    /// One column per period shown.
    Periods,
    /// The latest period's value.
    Latest,
    /// The periods shown as a line (HTML) or in words.
    Trend,
    /// The change against the previous period or the same period last
    /// year, printed as the page says or as the indicator does.
    Change {
        last_year: bool,
        display: Option<ChangeDisplay>,
        sign: ChangeSign,
    },
    Dot,
    Rag,
    /// A rated comparison under the indicator's `rated:`.
    Rated(String),
    Avg12m,
    Max12m,
    Min12m,
    /// The target of a financial year, or the one in force.
    Target(Option<FinancialYear>),
    /// The figure of the last complete financial year.
    Outturn,
    /// Every benchmark, one column each.
    Benchmarks,
    Benchmark(String),
    Commentary,
    Owner,
    Reporter,
    Outcome,
}

/// The column names a page can list, for messages.
pub(crate) const COLUMN_NAMES: [&str; 17] = [
    "periods",
    "latest",
    "trend",
    "change",
    "change_yoy",
    "dot",
    "rag",
    "avg_12m",
    "max_12m",
    "min_12m",
    "target",
    "outturn",
    "benchmarks",
    "commentary",
    "owner",
    "reporter",
    "outcome",
];

impl Page {
    /// The default board: every indicator, in sections in the order they
    /// are first declared, each format's own columns.
    pub fn default_board(indicators: &[Indicator], formats: &[Format]) -> Page {
        let mut sections: Vec<PageSection> = Vec::new();
        for (index, ind) in indicators.iter().enumerate() {
            let row = PageRow::Indicator {
                index,
                reference: None,
                label: None,
            };
            match sections.iter_mut().find(|s| s.title == ind.section) {
                Some(s) => s.rows.push(row),
                None => sections.push(PageSection {
                    title: ind.section.clone(),
                    new_page: false,
                    rows: vec![row],
                }),
            }
        }
        Page {
            name: "scorecard".to_string(),
            title: "Scorecard".to_string(),
            description: None,
            formats: formats.iter().filter(|f| f.default).copied().collect(),
            months: 13,
            quarters: 5,
            years: 3,
            columns: None,
            breakdowns: true,
            commentary: true,
            charts: false,
            sections,
            markers: Markers::default(),
            file: None,
        }
    }

    /// How many periods of a frequency the page shows.
    pub fn periods_of(&self, frequency: Frequency) -> u32 {
        match frequency {
            Frequency::Monthly => self.months,
            Frequency::Quarterly => self.quarters,
            Frequency::Annual => self.years,
        }
    }

    /// The periods of a frequency the page reads: those it shows and, when
    /// it charts them, the same periods a year before.
    pub fn periods_read(&self, frequency: Frequency) -> u32 {
        let year = if self.charts {
            12 / frequency.step() as u32
        } else {
            0
        };
        self.periods_of(frequency) + year
    }

    /// Every indicator the page shows, each once, in index order.
    pub fn indicators(&self) -> Vec<usize> {
        let mut all: Vec<usize> = self
            .sections
            .iter()
            .flat_map(|s| &s.rows)
            .filter_map(|r| match r {
                PageRow::Indicator { index, .. } => Some(*index),
                PageRow::Heading(_) => None,
            })
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}
