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

pub(crate) use rating::{rating_key, tone_colour, Shown};

mod key;

use crate::calendar::period::{FinancialYear, Month};
use crate::config::document::{ChangeDisplay, ChangeSign, Frequency, Tone};
use crate::model::benchmark::Figure;
use crate::model::indicator::{Indicator, YearFigure};
use crate::model::page::{ColumnKind, Page, PageRow};
use crate::model::Project;
use crate::rules::comparisons::Comparison;
use crate::rules::scorecard::{last_periods, Row, Scorecard};
use std::collections::BTreeSet;

/// The frequencies in the order boards print their tables.
pub(crate) const FREQUENCIES: [Frequency; 3] =
    [Frequency::Monthly, Frequency::Quarterly, Frequency::Annual];

/// A scorecard laid out as boards read it.
pub(crate) struct Board<'a> {
    pub project: &'a Project,
    /// The page laid out.
    pub page: &'a Page,
    pub reporting: Month,
    pub sections: Vec<Section<'a>>,
    /// Every benchmark name any indicator has, sorted: a benchmark column each.
    pub benchmarks: Vec<&'a str>,
    /// The sources' expectations that failed as warnings, in words.
    pub quality_notes: Vec<String>,
    /// Whether the page gives published references: its first column is
    /// then the reference (blank where a row has none), not the id.
    pub uses_refs: bool,
    /// The headings the page gives its columns.
    labels: Vec<(Column<'a>, &'a str)>,
    /// The heading over each grouped column.
    groups: Vec<(Column<'a>, &'a str)>,
}

/// The indicators of one section, in the order they are declared.
pub(crate) struct Section<'a> {
    /// Its heading; empty for a block of rows with none.
    pub name: &'a str,
    /// Whether it starts a new page in the formats that have pages.
    pub new_page: bool,
    pub lines: Vec<Line<'a>>,
}

/// One indicator's line on the board.
pub(crate) struct Line<'a> {
    /// Index into `Project::indicators`.
    pub index: usize,
    pub indicator: &'a Indicator,
    /// The published reference the page gives the row.
    pub reference: Option<&'a str>,
    /// The title the page prints instead of the indicator's.
    pub label: Option<&'a str>,
    /// A sub-heading the page prints before this row.
    pub subheading: Option<&'a str>,
    /// The periods shown for the indicator's frequency, by their last month.
    pub periods: Vec<Month>,
    /// The rows for the whole, in period order.
    pub whole: Vec<&'a Row>,
    /// The latest row for the whole, when there is one.
    pub latest: Option<&'a Row>,
    /// The value of the whole 12 months before each period shown, on a
    /// page that charts (empty on others).
    pub last_year: Vec<Option<f64>>,
    pub dot: Shown<'a>,
    pub rag: Shown<'a>,
    /// The latest row's rated comparisons, by name.
    pub rated: Vec<(&'a str, Shown<'a>)>,
    /// Each breakdown with its values, in the order the indicator lists
    /// them (those with no value left out).
    pub breakdowns: Vec<BreakdownTable<'a>>,
}

/// One breakdown of a line: a table of its values.
pub(crate) struct BreakdownTable<'a> {
    /// The breakdown's name (`team`, `age band`).
    pub name: &'a str,
    /// Each value with its rows, in the scorecard's order.
    pub values: Vec<Team<'a>>,
}

/// One breakdown value of a line.
pub(crate) struct Team<'a> {
    pub name: &'a str,
    /// Its rows, in period order.
    pub rows: Vec<&'a Row>,
}

/// A column of a board table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Column<'a> {
    /// The id, or the published reference on a page that gives them.
    Id,
    Title,
    /// The figure of one period shown, by its last month.
    Period(Month),
    /// The latest period's figure.
    Latest,
    /// The periods shown as a line or in words.
    Trend,
    /// The change against the previous period, printed as the page says
    /// or else as the indicator does.
    Change(Option<ChangeDisplay>, ChangeSign),
    /// The change against the same period last year.
    ChangeYoy(Option<ChangeDisplay>, ChangeSign),
    Dot,
    Avg12m,
    Max12m,
    Min12m,
    /// The target of a financial year, or the one in force.
    Target(Option<FinancialYear>),
    Rag,
    /// A rated comparison by name.
    Rated(&'a str),
    /// The figure of the last complete financial year.
    Outturn,
    Benchmark(&'a str),
    Commentary,
    Owner,
    Reporter,
    Outcome,
}

/// What one cell of a line holds; each format decides how it looks.
pub(crate) enum Cell<'a> {
    Text(&'a str),
    /// A figure with its parts, or why it is missing. `row` is `None` when
    /// the period has no row at all.
    Figure {
        row: Option<&'a Row>,
    },
    /// A 12-month statistic; `None` when there are not 12 months.
    Statistic(Option<f64>),
    /// A change: the difference and the percent change, and how it is
    /// printed.
    Change {
        change: Option<f64>,
        pct: Option<f64>,
        display: ChangeDisplay,
        sign: ChangeSign,
    },
    /// The values of the periods shown, oldest first.
    Trend(Vec<Option<f64>>),
    /// The target in force as printed (`95%`, `<36%`, `TBC`), its number
    /// and whether it is strict, when there is one.
    Target(Option<(String, Option<f64>, bool)>),
    Rating(&'a Shown<'a>),
    /// The benchmark in force, when the indicator has it.
    Benchmark(Option<&'a Figure>),
    /// Commentary for the latest period, when there is some.
    Commentary(Option<&'a str>),
    /// Nothing to show here for this indicator (`–`).
    NotApplicable,
}

impl<'a> Board<'a> {
    pub(crate) fn build(project: &'a Project, card: &'a Scorecard, page: &'a Page) -> Board<'a> {
        let mut rows: Vec<Vec<&Row>> = vec![Vec::new(); project.indicators.len()];
        for r in card.earlier.iter().chain(&card.rows) {
            rows[r.indicator].push(r);
        }
        for r in &mut rows {
            // Earlier periods first within each group, as `rows` has them.
            r.sort_by(|a, b| (&a.group, a.period).cmp(&(&b.group, b.period)));
        }
        let mut sections: Vec<Section> = Vec::new();
        for s in &page.sections {
            let mut lines = Vec::new();
            let mut subheading = None;
            for row in &s.rows {
                match row {
                    PageRow::Heading(h) => subheading = Some(h.as_str()),
                    PageRow::Indicator {
                        index,
                        reference,
                        label,
                    } => {
                        let mut line = Line::build(project, card, page, *index, &rows[*index]);
                        line.reference = reference.as_deref();
                        line.label = label.as_deref();
                        line.subheading = subheading.take();
                        lines.push(line);
                    }
                }
            }
            sections.push(Section {
                name: &s.title,
                new_page: s.new_page,
                lines,
            });
        }
        let shown = page.indicators();
        let benchmarks: BTreeSet<&str> = shown
            .iter()
            .flat_map(|&i| project.indicators[i].benchmark_names())
            .collect();
        // The table's benchmarks in its order, then the indicators' own.
        let mut ordered: Vec<&str> = project
            .benchmark_table
            .iter()
            .flat_map(|t| t.names.iter().map(String::as_str))
            .collect();
        let own: Vec<&str> = benchmarks
            .into_iter()
            .filter(|b| !ordered.contains(b))
            .collect();
        ordered.extend(own);
        let labels = page
            .columns
            .iter()
            .flatten()
            .filter_map(|c| Some((column_of(&c.kind)?, c.label.as_deref()?)))
            .collect();
        let groups = page
            .columns
            .iter()
            .flatten()
            .filter_map(|c| Some((column_of(&c.kind)?, c.group.as_deref()?)))
            .collect();
        Board {
            project,
            page,
            reporting: card.reporting,
            sections,
            benchmarks: ordered,
            quality_notes: card
                .findings
                .iter()
                .map(|f| format!("source `{}`: {}", f.source, f.message))
                .collect(),
            uses_refs: page.sections.iter().flat_map(|s| &s.rows).any(|r| {
                matches!(
                    r,
                    PageRow::Indicator {
                        reference: Some(_),
                        ..
                    }
                )
            }),
            labels,
            groups,
        }
    }

    /// The heading the page gives a column, when it gives one.
    /// The page's label for a column in a table of `frequency`, its
    /// `{period}` written as that table's period: `vs previous {period}`
    /// heads a monthly table `vs previous month`, an annual one `vs
    /// previous year`.
    pub(crate) fn label(&self, column: &Column, frequency: Frequency) -> Option<String> {
        let period = match frequency {
            Frequency::Monthly => "month",
            Frequency::Quarterly => "quarter",
            Frequency::Annual => "year",
        };
        self.labels
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, l)| l.replace("{period}", period))
    }

    /// The lines of one frequency, section by section (sections without
    /// such lines left out).
    pub(crate) fn sections_of(&self, frequency: Frequency) -> Vec<(&Section<'a>, Vec<&Line<'a>>)> {
        self.sections
            .iter()
            .map(|s| (s, s.lines_of(frequency)))
            .filter(|(_, lines)| !lines.is_empty())
            .collect()
    }

    /// Every line, in declaration order.
    /// The period a page's title names: the latest period shown where
    /// every indicator on it has one frequency other than monthly (a
    /// quarterly page is titled by its quarter), else the reporting month.
    pub(crate) fn title_period(&self) -> String {
        let mut frequencies = self.lines().map(|l| l.indicator.frequency);
        match frequencies.next() {
            Some(f) if f != Frequency::Monthly && frequencies.all(|g| g == f) => self
                .lines()
                .filter_map(|l| l.periods.last().copied())
                .max()
                .map_or_else(
                    || self.reporting.short_label(),
                    |end| crate::format::period_label(end, f),
                ),
            _ => self.reporting.short_label(),
        }
    }

    /// The headings over a table's columns: each run of consecutive columns
    /// with the same group (or none) and how many columns it spans; empty
    /// when no column is grouped.
    pub(crate) fn group_spans(&self, columns: &[Column<'a>]) -> Vec<(Option<&'a str>, usize)> {
        let group_of = |c: &Column| self.groups.iter().find(|(g, _)| g == c).map(|(_, h)| *h);
        if !columns.iter().any(|c| group_of(c).is_some()) {
            return Vec::new();
        }
        let mut spans: Vec<(Option<&'a str>, usize)> = Vec::new();
        for c in columns {
            let g = group_of(c);
            match spans.last_mut() {
                Some((last, n)) if *last == g => *n += 1,
                _ => spans.push((g, 1)),
            }
        }
        spans
    }

    /// Whether a table of the page has a column (the default board has
    /// every one).
    pub(crate) fn shows(&self, wanted: impl Fn(&Column) -> bool) -> bool {
        self.page.columns.is_none()
            || FREQUENCIES.iter().any(|f| {
                self.sections.iter().any(|s| !s.lines_of(*f).is_empty())
                    && self.columns(*f, &[]).iter().any(&wanted)
            })
    }

    pub(crate) fn lines(&self) -> impl Iterator<Item = &Line<'a>> {
        let mut all: Vec<&Line> = self.sections.iter().flat_map(|s| &s.lines).collect();
        all.sort_by_key(|l| l.index);
        all.dedup_by_key(|l| l.index);
        all.into_iter()
    }

    /// The board table's columns for a frequency: id, title, the periods
    /// shown, then the comparisons, ratings, target and benchmarks in the
    /// order `order` gives (each format keeps the order its readers know).
    pub(crate) fn columns(&self, frequency: Frequency, order: &[Column<'a>]) -> Vec<Column<'a>> {
        let mut columns = vec![Column::Id, Column::Title];
        let periods = last_periods(self.reporting, frequency, self.page.periods_of(frequency));
        let Some(page) = &self.page.columns else {
            columns.extend(periods.into_iter().map(Column::Period));
            for c in order {
                match c {
                    Column::Benchmark(_) => {
                        columns.extend(self.benchmarks.iter().map(|b| Column::Benchmark(b)))
                    }
                    other => columns.push(other.clone()),
                }
            }
            return columns;
        };
        for c in page {
            match &c.kind {
                ColumnKind::Periods => columns.extend(periods.iter().map(|m| Column::Period(*m))),
                ColumnKind::Benchmarks => {
                    columns.extend(self.benchmarks.iter().map(|b| Column::Benchmark(b)))
                }
                ColumnKind::Benchmark(b) => columns.push(Column::Benchmark(b)),
                ColumnKind::Rated(r) => columns.push(Column::Rated(r)),
                kind => columns.extend(column_of(kind)),
            }
        }
        columns
    }

    /// Every (tone, label) the RAG outcomes in use can show, worst first,
    /// each once: the keys of a filter and of a colour legend.
    pub(crate) fn rag_tones(&self) -> Vec<(Tone, &'a str)> {
        let mut seen: Vec<(Tone, &str)> = Vec::new();
        for ind in self.lines().map(|l| l.indicator) {
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
    pub(crate) fn lines_of(&self, frequency: Frequency) -> Vec<&Line<'a>> {
        self.lines
            .iter()
            .filter(|l| l.indicator.frequency == frequency)
            .collect()
    }
}

impl<'a> Line<'a> {
    /// How the page names the line where it refers to it (commentary,
    /// notes): its ref and printed title where the page prints refs (the
    /// title alone where it has no ref), else its ID, which the page
    /// prints in its first column.
    pub(crate) fn shown_name(&self, board: &Board) -> String {
        let title = self.label.unwrap_or(&self.indicator.title);
        match (board.uses_refs, self.reference) {
            (true, Some(r)) => format!("{r} {title}"),
            (true, None) => title.to_string(),
            (false, _) => self.indicator.id.clone(),
        }
    }

    fn build(
        project: &'a Project,
        card: &Scorecard,
        page: &Page,
        index: usize,
        rows: &[&'a Row],
    ) -> Line<'a> {
        let indicator = &project.indicators[index];
        let periods = last_periods(
            card.reporting,
            indicator.frequency,
            page.periods_of(indicator.frequency),
        );
        let whole: Vec<&Row> = rows
            .iter()
            .copied()
            .filter(|r| r.group.is_none() && periods.contains(&r.period))
            .collect();
        let latest = whole.last().copied();
        // Only a chart draws the year before: other pages do not look.
        let last_year = if page.charts {
            let whole_before: Vec<&Row> =
                rows.iter().copied().filter(|r| r.group.is_none()).collect();
            periods
                .iter()
                .map(|m| {
                    let then = m.offset(-12);
                    whole_before
                        .iter()
                        .find(|r| r.period == then)
                        .and_then(|r| r.point.value)
                })
                .collect()
        } else {
            Vec::new()
        };
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
            if !periods.contains(&r.period) {
                continue;
            }
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
        let rated = match latest {
            Some(r) => indicator
                .rated
                .iter()
                .zip(&r.rated)
                .map(|(spec, rating)| {
                    (
                        spec.name.as_str(),
                        Shown::of(project, Some(&spec.rule), rating),
                    )
                })
                .collect(),
            None => Vec::new(),
        };
        Line {
            index,
            indicator,
            reference: None,
            label: None,
            subheading: None,
            periods,
            whole,
            latest,
            last_year,
            dot,
            rag,
            rated,
            breakdowns,
        }
    }

    /// Whether its breakdown tables show each value's share of the whole:
    /// for a count (a share of a percentage or a rate means nothing).
    pub(crate) fn shows_shares(&self) -> bool {
        self.indicator.unit == crate::config::document::Unit::Count
    }

    /// A breakdown value's share of the whole in the same period.
    pub(crate) fn share(&self, row: &Row) -> Option<f64> {
        if !self.shows_shares() {
            return None;
        }
        let whole = self.at(row.period)?.point.value?;
        let part = row.point.value?;
        (whole > 0.0).then(|| part / whole)
    }

    /// The row of the whole for the period ending in `month`.
    pub(crate) fn at(&self, month: Month) -> Option<&'a Row> {
        self.whole.iter().copied().find(|r| r.period == month)
    }

    /// The latest row's comparisons, when there is a latest row.
    pub(crate) fn comparison(&self) -> Option<&'a Comparison> {
        self.latest.map(|r| &r.comparison)
    }

    /// Whether the change against last year is the change against the
    /// previous period.
    pub(crate) fn repeats_change(&self) -> bool {
        crate::rules::comparisons::Basis::of(self.indicator).back() == 12
    }

    /// What this line shows in `column`.
    pub(crate) fn cell<'s>(&'s self, column: &Column<'a>, board: &Board) -> Cell<'s> {
        let c = self.comparison();
        let ind = self.indicator;
        match column {
            Column::Id if board.uses_refs => Cell::Text(self.reference.unwrap_or_default()),
            Column::Id => Cell::Text(&ind.id),
            Column::Title => Cell::Text(self.label.unwrap_or(&ind.title)),
            Column::Period(m) => Cell::Figure { row: self.at(*m) },
            Column::Latest => Cell::Figure { row: self.latest },
            Column::Trend => Cell::Trend(self.whole_values()),
            Column::Change(display, sign) => Cell::Change {
                change: c.and_then(|c| c.change),
                pct: c.and_then(|c| c.change_pct),
                display: display.unwrap_or(ind.change_display),
                sign: *sign,
            },
            // When the previous period is the same period last year (an
            // annual indicator, or a cumulative one), this column would
            // repeat the change beside it.
            Column::ChangeYoy(..) if self.repeats_change() => Cell::NotApplicable,
            Column::ChangeYoy(display, sign) => Cell::Change {
                change: c.and_then(|c| c.change_yoy),
                pct: c.and_then(|c| c.change_yoy_pct),
                display: display.unwrap_or(ind.change_display),
                sign: *sign,
            },
            Column::Dot => Cell::Rating(&self.dot),
            Column::Rated(name) => match self.rated.iter().find(|(n, _)| n == name) {
                Some((_, shown)) => Cell::Rating(shown),
                None => Cell::NotApplicable,
            },
            // A to-date value has no 12-month statistics, by design.
            Column::Avg12m | Column::Max12m | Column::Min12m if ind.cumulative => {
                Cell::NotApplicable
            }
            Column::Avg12m => Cell::Statistic(c.and_then(|c| c.avg_12m)),
            Column::Max12m => Cell::Statistic(c.and_then(|c| c.max_12m)),
            Column::Min12m => Cell::Statistic(c.and_then(|c| c.min_12m)),
            Column::Outturn if ind.year_figure == YearFigure::None => Cell::NotApplicable,
            Column::Outturn => Cell::Statistic(c.and_then(|c| c.outturn)),
            Column::Target(year) => {
                let term = match year {
                    Some(fy) => ind.targets.get(fy),
                    None => self.latest.and_then(|r| r.target_term.as_ref()),
                };
                Cell::Target(term.map(|t| {
                    (
                        t.shown(ind.polarity, ind.unit, ind.decimals),
                        t.value(),
                        t.strict(),
                    )
                }))
            }
            Column::Rag => Cell::Rating(&self.rag),
            Column::Benchmark(b) => Cell::Benchmark(self.benchmark(b)),
            Column::Commentary => {
                Cell::Commentary(self.latest.and_then(|r| r.commentary.as_deref()))
            }
            Column::Owner => Cell::Text(&ind.owner),
            Column::Reporter => Cell::Text(ind.reporter.as_deref().unwrap_or(&ind.owner)),
            Column::Outcome => Cell::Text(&ind.outcome),
        }
    }

    /// The benchmark in force for the latest period, by name.
    pub(crate) fn benchmark(&self, name: &str) -> Option<&'a Figure> {
        self.latest?
            .benchmarks
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f)
    }

    /// Why values of the periods shown are missing: each reason, in order,
    /// with its periods.
    pub(crate) fn missing_reasons(&self) -> std::collections::BTreeMap<&'a str, Vec<Month>> {
        let mut reasons: std::collections::BTreeMap<&str, Vec<Month>> = Default::default();
        for r in &self.whole {
            if let Some(why) = &r.point.missing {
                reasons.entry(why.as_str()).or_default().push(r.period);
            }
        }
        reasons
    }

    /// The value of each period shown, oldest first.
    pub(crate) fn whole_values(&self) -> Vec<Option<f64>> {
        self.periods
            .iter()
            .map(|m| self.at(*m).and_then(|r| r.point.value))
            .collect()
    }
}

/// The one vintage every line's figure of a benchmark is for, when they
/// share one: a table's heading then gives the year once.
pub(crate) fn common_vintage(lines: &[&Line], name: &str) -> Option<FinancialYear> {
    let mut years = lines
        .iter()
        .filter_map(|l| l.benchmark(name))
        .map(|f| f.vintage);
    let first = years.next()??;
    years.all(|y| y == Some(first)).then_some(first)
}

/// The board column a page column stands for (`None` for those that
/// expand to several).
fn column_of(kind: &ColumnKind) -> Option<Column<'_>> {
    Some(match kind {
        ColumnKind::Periods | ColumnKind::Benchmarks => return None,
        ColumnKind::Latest => Column::Latest,
        ColumnKind::Trend => Column::Trend,
        ColumnKind::Change {
            last_year: false,
            display,
            sign,
        } => Column::Change(*display, *sign),
        ColumnKind::Change {
            last_year: true,
            display,
            sign,
        } => Column::ChangeYoy(*display, *sign),
        ColumnKind::Dot => Column::Dot,
        ColumnKind::Rag => Column::Rag,
        ColumnKind::Rated(r) => Column::Rated(r),
        ColumnKind::Avg12m => Column::Avg12m,
        ColumnKind::Max12m => Column::Max12m,
        ColumnKind::Min12m => Column::Min12m,
        ColumnKind::Target(y) => Column::Target(*y),
        ColumnKind::Outturn => Column::Outturn,
        ColumnKind::Benchmark(b) => Column::Benchmark(b),
        ColumnKind::Commentary => Column::Commentary,
        ColumnKind::Owner => Column::Owner,
        ColumnKind::Reporter => Column::Reporter,
        ColumnKind::Outcome => Column::Outcome,
    })
}
