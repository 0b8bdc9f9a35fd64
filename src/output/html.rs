//! `scorecard.html`: the scorecard for a screen or a board pack, in one
//! self-contained file (inline CSS, SVG and a few lines of script; nothing
//! fetched). Per indicator: the latest value with its parts, a sparkline
//! of the periods shown with the target, changes, 12-month average and
//! maximum, target, DoT and RAG (colour, symbol and word), benchmarks,
//! commentary, and expandable teams and explanation. The markup is plain
//! tables, so it reads without the script, by keyboard and in print.

use super::anchor::unique_anchor;
use super::explain;
use crate::format::{period_heading, period_label};

use super::sparkline::{sparkline, sparkline_label};
use crate::config::document::Frequency;
use crate::format;
use crate::layout::{rating_key, Board, Cell, Column, Line, Shown};
use serde::Serialize;
use std::collections::BTreeSet;

const TEMPLATE: &str = include_str!("scorecard.html.j2");

/// Shown where a value could not be computed.
const MISSING: &str = "n/a";
/// Shown where an indicator has no such thing.
const NONE: &str = "–";

#[derive(Serialize)]
struct Page {
    title: String,
    description: Option<String>,
    /// Whether the page lists its own columns (tables of cells) rather
    /// than the default board's layout.
    custom: bool,
    reporting: String,
    reporting_label: String,
    count: String,
    /// Each rating rule set the page shows: its outcomes and what it does.
    rating_key: Vec<(String, String)>,
    /// What each mark of a cell without a figure means: (mark, meaning).
    key: Vec<(String, String)>,
    /// Whether a table shows RAG, DoT: the lead explains only those.
    shows_rag: bool,
    shows_dot: bool,
    /// Whether a table shows periods in columns; whether sections chart.
    shows_periods: bool,
    charts: bool,
    sections: Vec<Section>,
    rag_counts: Vec<(String, usize)>,
    /// The RAG filter's choices: (key, label), worst first.
    rag_filter: Vec<(String, String)>,
    /// Expectations on the sources that failed as warnings.
    quality_notes: Vec<String>,
}

#[derive(Serialize)]
struct Section {
    /// Its heading; empty for a block with none.
    name: String,
    anchor: String,
    /// Whether it starts a new page in print.
    new_page: bool,
    indicators: Vec<Card>,
    /// A page's tables, one per frequency, when it lists its columns.
    tables: Vec<Table>,
    /// The section's commentary for the latest period, by row label, when
    /// the page shows it below the tables.
    commentary: Vec<(String, String)>,
    /// Each indicator's chart, figures and commentary (`charts: true`).
    charts: Vec<super::chart::ChartView>,
}

/// One table of a page that lists its columns.
#[derive(Serialize)]
struct Table {
    caption: String,
    /// The row of headings over groups of columns, when any.
    groups: Vec<super::fold::GroupCell>,
    headings: Vec<String>,
    /// Per column: how old a period that may fold away is; whether the
    /// column stays in view.
    ages: Vec<Option<usize>>,
    keys: Vec<bool>,
    /// What the periods are called (`months`), for the fold's button.
    periods: &'static str,
    /// Each row's missing values, one note per reason with its periods.
    missing: Vec<(String, String, String)>,
    rows: Vec<TableRow>,
}

#[derive(Serialize)]
struct TableRow {
    id: String,
    reference: String,
    title: String,
    owner: String,
    subheading: Option<String>,
    rag: String,
    cells: Vec<TableCell>,
    /// The default board's card, for its breakdowns and explanation.
    card: Card,
}

#[derive(Serialize)]
struct TableCell {
    /// `num` for figures, `` otherwise.
    class: &'static str,
    text: String,
    because: Option<String>,
    badge: Option<Badge>,
    /// An SVG line drawn by Rubric (never text from a definition).
    svg: Option<String>,
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
    breakdowns: Vec<Breakdown>,
    explain: String,
}

#[derive(Serialize)]
struct Breakdown {
    name: String,
    /// Whether a share of the whole is shown (for counts).
    shares: bool,
    values: Vec<Team>,
}

#[derive(Serialize)]
struct Badge {
    /// The colour of the outcome's tone (a CSS class and the filter's
    /// key), `neutral`, `not-rated` or `none`.
    key: String,
    symbol: String,
    label: String,
    because: String,
    /// A direction of travel or rated comparison: drawn as text, not boxed.
    direction: bool,
}

#[derive(Serialize)]
struct Team {
    name: String,
    value: String,
    share: String,
    rag: Badge,
}

/// The HTML page.
pub(super) struct Html;

impl super::PageWriter for Html {
    fn format(&self) -> crate::model::page::Format {
        crate::model::page::Format {
            name: "html",
            extension: "html",
            words: "web page",
            default: true,
        }
    }

    fn render(
        &self,
        board: &Board,
        _long: &[super::long_form::Column],
    ) -> Result<Vec<u8>, super::RenderError> {
        Ok(render(board)?.into_bytes())
    }
}

pub(crate) fn render(board: &Board) -> Result<String, minijinja::Error> {
    let page = view(board);
    let mut env = minijinja::Environment::new();
    env.add_template("scorecard.html", TEMPLATE)?;
    env.get_template("scorecard.html")
        .and_then(|t| t.render(minijinja::context! { page => page }))
}

/// What a page shows, each figure formatted with the page's markers: the
/// web page's template reads it, and the PDF's (`pdf.rs`) reads it as
/// JSON, so both print the same text.
pub(super) fn view(board: &Board) -> impl Serialize {
    let mut sections: Vec<Section> = Vec::new();
    let mut anchors = BTreeSet::new();
    // A RAG outcome counts by its label; those without, by their state.
    let mut rag_counts: Vec<(String, usize, (u8, Option<crate::config::document::Tone>))> =
        Vec::new();
    // An indicator shown twice (in two sections) counts once.
    let mut counted = BTreeSet::new();
    for s in &board.sections {
        let mut cards = Vec::new();
        for line in &s.lines {
            let Some(c) = indicator_card(board, line) else {
                continue;
            };
            if !counted.insert(line.index) {
                cards.push(c);
                continue;
            }
            let rank = match &line.rag {
                Shown::Outcome { tone, .. } => (0, Some(*tone)),
                Shown::NotRated(_) => (1, None),
                Shown::NoRule(_) => (2, None),
            };
            match rag_counts.iter_mut().find(|(l, _, _)| *l == c.rag.label) {
                Some(entry) => entry.1 += 1,
                None => rag_counts.push((c.rag.label.clone(), 1, rank)),
            }
            cards.push(c);
        }
        if cards.is_empty() {
            continue;
        }
        let tables = if board.page.columns.is_some() {
            page_tables(board, s)
        } else {
            Vec::new()
        };
        // With charts, each indicator's commentary is beside its chart.
        let commentary =
            if board.page.columns.is_some() && board.page.commentary && !board.page.charts {
                s.lines
                    .iter()
                    .filter_map(|l| {
                        let text = l.latest?.commentary.as_deref()?;
                        Some((l.shown_name(board), text.trim().to_string()))
                    })
                    .collect()
            } else {
                Vec::new()
            };
        sections.push(Section {
            name: s.name.to_string(),
            anchor: unique_anchor(s.name, &mut anchors),
            new_page: s.new_page,
            indicators: cards,
            tables,
            commentary,
            charts: super::chart::views(board, &s.lines, &board.page.markers.missing),
        });
    }
    // Worst tone first, as boards read them; then not rated, then no rule;
    // labels alphabetical within a rank.
    rag_counts.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    let page = Page {
        title: board.page.title.clone(),
        description: board.page.description.clone(),
        custom: board.page.columns.is_some(),
        reporting: board.reporting.to_string(),
        reporting_label: board.title_period(),
        count: crate::text::count_of(board.page.indicators().len(), "indicator"),
        rating_key: board
            .rating_key()
            .iter()
            .map(|k| {
                let outcomes: Vec<String> = k
                    .outcomes
                    .iter()
                    .map(|(symbol, label)| format!("{symbol} {label}").trim().to_string())
                    .collect();
                (
                    outcomes.join(", "),
                    k.description.unwrap_or_default().to_string(),
                )
            })
            .collect(),
        key: board
            .page
            .markers
            .key()
            .into_iter()
            .map(|(mark, meaning)| {
                let meaning = match meaning {
                    None => "no value (the reason is given)",
                    Some("") => "does not apply",
                    Some(why) => why,
                };
                (mark.to_string(), meaning.to_string())
            })
            .collect(),
        shows_rag: board.shows(|c| matches!(c, Column::Rag)),
        shows_dot: board.shows(|c| matches!(c, Column::Dot)),
        shows_periods: board.shows(|c| matches!(c, Column::Period(_))),
        charts: board.page.charts,
        quality_notes: board.quality_notes.clone(),
        sections,
        rag_counts: rag_counts.into_iter().map(|(l, n, _)| (l, n)).collect(),
        rag_filter: board
            .rag_tones()
            .into_iter()
            .map(|(tone, label)| {
                (
                    crate::layout::tone_colour(tone).to_string(),
                    label.to_string(),
                )
            })
            .collect(),
    };
    page
}

fn indicator_card(board: &Board, line: &Line) -> Option<Card> {
    let ind = line.indicator;
    let latest = line.latest?;
    let shown = |v: Option<f64>| {
        v.map_or(MISSING.to_string(), |v| {
            format::value(v, ind.unit, ind.decimals)
        })
    };
    let c = &latest.comparison;
    let p = &latest.point;
    let shown_breakdowns = if board.page.breakdowns {
        &line.breakdowns[..]
    } else {
        &[]
    };
    let breakdowns = shown_breakdowns
        .iter()
        .map(|b| Breakdown {
            name: b.name.to_string(),
            shares: line.shows_shares(),
            values: b
                .values
                .iter()
                .flat_map(|t| t.rows.iter().map(move |r| (t.name, r)))
                .filter(|(_, r)| r.period == latest.period)
                .map(|(name, r)| Team {
                    name: name.to_string(),
                    value: r.point.value.map_or(MISSING.to_string(), |v| {
                        format::with_parts(
                            v,
                            r.point.numerator,
                            r.point.denominator,
                            ind.unit,
                            ind.decimals,
                        )
                    }),
                    share: line
                        .share(r)
                        .map_or_else(|| MISSING.to_string(), format::share),
                    rag: badge(&Shown::of(board.project, ind.rag_at(r.period), &r.rag)),
                })
                .collect(),
        })
        .collect();
    let benchmarks = latest
        .benchmarks
        .iter()
        .map(|(k, f)| {
            (
                k.replace('_', " "),
                format::benchmark(f, ind.unit, ind.decimals, true),
            )
        })
        .collect();
    let values: Vec<(String, Option<f64>)> = line
        .whole
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
        change: format::change(
            c.change,
            c.change_pct,
            ind.unit,
            ind.change_display,
            ind.decimals,
        )
        .unwrap_or_else(|| NONE.to_string()),
        // Beside a change against last year it would repeat that.
        change_yoy: if line.repeats_change() {
            NONE.to_string()
        } else {
            format::change(
                c.change_yoy,
                c.change_yoy_pct,
                ind.unit,
                ind.change_display,
                ind.decimals,
            )
            .unwrap_or_else(|| NONE.to_string())
        },
        avg_12m: if ind.cumulative {
            NONE.to_string()
        } else {
            shown(c.avg_12m)
        },
        max_12m: if ind.cumulative {
            NONE.to_string()
        } else {
            shown(c.max_12m)
        },
        target: latest.target_term.as_ref().map_or(NONE.to_string(), |t| {
            t.shown(ind.polarity, ind.unit, ind.decimals)
        }),
        dot: badge(&line.dot),
        rag: badge(&line.rag),
        benchmarks,
        commentary: latest.commentary.clone(),
        flags: latest.flags.iter().map(ToString::to_string).collect(),
        sparkline_label: sparkline_label(ind, &values, latest.target, MISSING),
        sparkline: sparkline(&values, latest.target),
        breakdowns,
        explain: explain::render(board.project, latest),
    })
}

/// A page's tables for one section: one per frequency, each row the
/// cells of the page's columns.
fn page_tables(board: &Board, section: &crate::layout::Section) -> Vec<Table> {
    let mut tables = Vec::new();
    for frequency in crate::layout::FREQUENCIES {
        let lines = section.lines_of(frequency);
        if lines.is_empty() {
            continue;
        }
        let columns: Vec<Column> = board.columns(frequency, &[]).into_iter().skip(2).collect();
        let marks = super::fold::marks(board, &columns);
        let headings = columns
            .iter()
            .map(|c| heading(board, c, frequency, &lines))
            .collect();
        let rows = lines
            .iter()
            .filter_map(|line| {
                let card = indicator_card(board, line)?;
                Some(TableRow {
                    id: line.indicator.id.clone(),
                    reference: if board.uses_refs {
                        line.reference.unwrap_or_default().to_string()
                    } else {
                        line.indicator.id.clone()
                    },
                    title: line.label.unwrap_or(&line.indicator.title).to_string(),
                    owner: line.indicator.owner.clone(),
                    subheading: line.subheading.map(str::to_string),
                    rag: rating_key(&line.rag).to_string(),
                    cells: columns
                        .iter()
                        .map(|c| table_cell(board, line, c, &lines))
                        .collect(),
                    card,
                })
            })
            .collect();
        tables.push(Table {
            caption: match (frequency, section.name) {
                (Frequency::Monthly, "") => "Indicators".to_string(),
                (Frequency::Quarterly, "") => "Quarterly indicators".to_string(),
                (Frequency::Annual, "") => "Annual indicators".to_string(),
                (Frequency::Monthly, name) => name.to_string(),
                (Frequency::Quarterly, name) => format!("{name}: quarterly"),
                (Frequency::Annual, name) => format!("{name}: annual"),
            },
            groups: marks.groups,
            headings,
            ages: marks.ages,
            keys: marks.keys,
            missing: lines
                .iter()
                .flat_map(|line| {
                    let name = line.shown_name(board);
                    line.missing_reasons()
                        .into_iter()
                        .map(move |(why, periods)| {
                            let periods: Vec<String> = periods
                                .iter()
                                .map(|m| period_heading(*m, frequency))
                                .collect();
                            (name.clone(), periods.join(", "), why.to_string())
                        })
                })
                .collect(),
            periods: match frequency {
                Frequency::Monthly => "months",
                Frequency::Quarterly => "quarters",
                Frequency::Annual => "years",
            },
            rows,
        });
    }
    tables
}

/// A column's heading: the page's label, or the report's own.
fn heading(board: &Board, column: &Column, frequency: Frequency, lines: &[&Line]) -> String {
    let text = match (board.label(column, frequency), column) {
        (Some(label), _) => label,
        (None, Column::Id) => "Ref".into(),
        (None, Column::Title) => "Indicator".into(),
        (None, Column::Period(m)) => period_heading(*m, frequency),
        (None, Column::Latest) => "Latest".into(),
        (None, Column::Trend) => "Trend".into(),
        (None, Column::Change(..)) => "vs previous".into(),
        (None, Column::ChangeYoy(..)) => "vs last year".into(),
        (None, Column::Dot) => "Direction of travel".into(),
        (None, Column::Rated(r)) => r.replace('_', " "),
        (None, Column::Avg12m) => "12-month average".into(),
        (None, Column::Max12m) => "12-month max".into(),
        (None, Column::Min12m) => "12-month min".into(),
        (None, Column::Target(None)) => "Target".into(),
        (None, Column::Target(Some(fy))) => format!("Target {fy}"),
        (None, Column::Outturn) => "Last year's outturn".into(),
        (None, Column::Rag) => "RAG rating".into(),
        (None, Column::Benchmark(b)) => b.replace('_', " "),
        (None, Column::Commentary) => "Commentary".into(),
        (None, Column::Owner) => "Owner".into(),
        (None, Column::Reporter) => "Reporter".into(),
        (None, Column::Outcome) => "Outcome".into(),
    };
    match column {
        Column::Benchmark(b) => match crate::layout::common_vintage(lines, b) {
            Some(y) => format!("{text} {y}"),
            None => text,
        },
        _ => text,
    }
}

fn table_cell(board: &Board, line: &Line, column: &Column, lines: &[&Line]) -> TableCell {
    let ind = line.indicator;
    let plain = |class: &'static str, text: String| TableCell {
        class,
        text,
        because: None,
        badge: None,
        svg: None,
    };
    let m = &board.page.markers;
    match line.cell(column, board) {
        Cell::Text(t) => plain("", t.to_string()),
        Cell::Figure { row } => match row.and_then(|r| r.point.value.map(|v| (r, v))) {
            Some((r, v)) => plain(
                "num",
                format::with_parts(
                    v,
                    r.point.numerator,
                    r.point.denominator,
                    ind.unit,
                    ind.decimals,
                ),
            ),
            None => TableCell {
                because: Some(
                    row.and_then(|r| r.point.missing.clone())
                        .unwrap_or_else(|| "no row for the period".to_string()),
                ),
                ..plain(
                    "num",
                    m.missing_for(row.and_then(|r| r.point.missing.as_deref()))
                        .to_string(),
                )
            },
        },
        Cell::Statistic(v) => plain(
            "num",
            v.map_or(m.missing.clone(), |v| {
                format::value(v, ind.unit, ind.decimals)
            }),
        ),
        Cell::Change {
            change,
            pct,
            display,
            sign,
        } => plain(
            "num",
            format::signed_change(change, pct, ind.unit, display, ind.decimals, sign)
                .unwrap_or_else(|| m.missing.clone()),
        ),
        Cell::Trend(values) => {
            let labelled: Vec<(String, Option<f64>)> = line
                .periods
                .iter()
                .zip(values)
                .map(|(m, v)| (period_heading(*m, ind.frequency), v))
                .collect();
            let target = line.latest.and_then(|r| r.target);
            TableCell {
                svg: Some(sparkline(&labelled, target)),
                ..plain("", sparkline_label(ind, &labelled, target, &m.missing))
            }
        }
        Cell::Target(t) => plain(
            "num",
            t.map_or(m.not_applicable.clone(), |(shown, _, _)| shown),
        ),
        Cell::Benchmark(f) => {
            let with_year = match column {
                Column::Benchmark(b) => crate::layout::common_vintage(lines, b).is_none(),
                _ => true,
            };
            plain(
                "num",
                f.map_or(m.not_applicable.clone(), |f| {
                    format::benchmark(f, ind.unit, ind.decimals, with_year)
                }),
            )
        }
        Cell::Rating(shown) => TableCell {
            badge: Some(Badge {
                direction: matches!(column, Column::Dot | Column::Rated(_)),
                ..badge(shown)
            }),
            ..plain("", String::new())
        },
        Cell::Commentary(text) => plain("commentary", text.unwrap_or_default().trim().to_string()),
        Cell::NotApplicable => plain("num", m.not_applicable.clone()),
    }
}

fn badge(shown: &Shown) -> Badge {
    let key = rating_key(shown).to_string();
    match shown {
        Shown::Outcome {
            symbol,
            label,
            because,
            ..
        } => Badge {
            key,
            symbol: symbol.unwrap_or_default().to_string(),
            label: label.to_string(),
            because: because.unwrap_or_default().to_string(),
            direction: false,
        },
        Shown::NotRated(why) => Badge {
            key,
            symbol: "○".to_string(),
            label: "Not rated".to_string(),
            because: why.to_string(),
            direction: false,
        },
        Shown::NoRule(_) => Badge {
            key,
            symbol: String::new(),
            label: "No rule".to_string(),
            because: String::new(),
            direction: false,
        },
    }
}
