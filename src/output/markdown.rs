//! `scorecard.md`: the wide report analysts know. Per section, one row per
//! indicator with the 13 months shown, changes, DoT, 12-month average and
//! maximum, target, RAG and benchmarks; then missing-value reasons,
//! commentary for the reporting month and team breakdowns.

use crate::config::document::{ChangeSign, Frequency};
use crate::format;
use crate::format::period_heading;
use crate::layout::{Board, Cell, Column, Line, Shown, FREQUENCIES};
use crate::model::indicator::Indicator;
use crate::model::page::{Format, Markers};
use crate::rules::scorecard::Row;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The columns after the periods, in the order board tables print them.
const ORDER: [Column<'static>; 8] = [
    Column::Change(None, ChangeSign::PlusMinus),
    Column::ChangeYoy(None, ChangeSign::PlusMinus),
    Column::Dot,
    Column::Avg12m,
    Column::Max12m,
    Column::Target(None),
    Column::Rag,
    Column::Benchmark(""),
];

/// The Markdown page.
pub(super) struct Markdown;

impl super::PageWriter for Markdown {
    fn format(&self) -> Format {
        Format {
            name: "markdown",
            extension: "md",
            words: "Markdown",
            default: true,
        }
    }

    fn render(
        &self,
        board: &Board,
        _long: &[super::long_form::Column],
    ) -> Result<Vec<u8>, super::RenderError> {
        Ok(render(board).into_bytes())
    }
}

pub(crate) fn render(board: &Board) -> String {
    let mut out = String::new();
    let page = board.page;
    let _ = writeln!(out, "# {}: {}\n", escape(&page.title), board.title_period());
    if let Some(d) = &page.description {
        let _ = writeln!(out, "{}\n", escape(d.trim()));
    }
    let months =
        crate::rules::scorecard::last_periods(board.reporting, Frequency::Monthly, page.months);
    // The months shown, when the page shows monthly figures.
    let shown = if board
        .lines()
        .any(|l| l.indicator.frequency == Frequency::Monthly)
    {
        format!("; months {} to {}", months[0], board.reporting)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "Reporting period {}; {}{shown}. {}\n",
        board.reporting,
        crate::text::count_of(page.indicators().len(), "indicator"),
        key(&page.markers),
    );
    let ratings = board.rating_key();
    if !ratings.is_empty() {
        let _ = writeln!(out, "Key to the ratings:\n");
        for k in &ratings {
            let outcomes: Vec<String> = k
                .outcomes
                .iter()
                .map(|(symbol, label)| escape(format!("{symbol} {label}").trim()))
                .collect();
            let what = k
                .description
                .map_or(String::new(), |d| format!(": {}", escape(d)));
            let _ = writeln!(out, "- {}{what}", outcomes.join(", "));
        }
        out.push('\n');
    }
    if !board.quality_notes.is_empty() {
        let _ = writeln!(
            out,
            "Data quality warnings (expectations on the sources that failed):\n"
        );
        for note in &board.quality_notes {
            let _ = writeln!(out, "- {}", escape(note));
        }
        out.push('\n');
    }
    for section in &board.sections {
        render_section(&mut out, board, section);
    }
    if page.breakdowns {
        render_breakdowns(&mut out, board);
    }
    out
}

/// What each mark of a cell without a figure means, from the page's own.
fn key(m: &Markers) -> String {
    let parts: Vec<String> = m
        .key()
        .into_iter()
        .map(|(mark, meaning)| {
            let meaning = match meaning {
                None => "no value (reasons under each section)".to_string(),
                Some("") => "not applicable".to_string(),
                Some(why) => escape(why),
            };
            match mark {
                "" => format!("a blank cell: {meaning}"),
                mark => format!("`{}`: {meaning}", escape(mark)),
            }
        })
        .collect();
    format!("{}.", parts.join("; "))
}

fn cell_value(ind: &Indicator, row: &Row, m: &Markers) -> String {
    match row.point.value {
        Some(v) => format::with_parts(
            v,
            row.point.numerator,
            row.point.denominator,
            ind.unit,
            ind.decimals,
        ),
        None => escape(m.missing_for(row.point.missing.as_deref())),
    }
}

fn rating_cell(shown: &Shown, m: &Markers) -> String {
    match shown {
        Shown::Outcome {
            symbol: Some(s),
            label,
            ..
        } => format!("{s} {label}"),
        Shown::Outcome { label, .. } => label.to_string(),
        Shown::NotRated(_) => escape(&m.missing),
        Shown::NoRule(_) => escape(&m.not_applicable),
    }
}

fn opt_value(v: Option<f64>, ind: &Indicator, m: &Markers) -> String {
    v.map_or(escape(&m.missing), |v| {
        format::value(v, ind.unit, ind.decimals)
    })
}

/// One cell of a board table, as Markdown; `with_year` when the
/// column's heading does not give the benchmark's year.
fn format_cell(ind: &Indicator, cell: Cell, with_year: bool, m: &Markers) -> String {
    let (missing, none) = (escape(&m.missing), escape(&m.not_applicable));
    match cell {
        Cell::Text(t) => escape(t),
        Cell::Figure { row } => row.map_or(missing, |r| cell_value(ind, r, m)),
        Cell::Statistic(v) => opt_value(v, ind, m),
        Cell::Change {
            change,
            pct,
            display,
            sign,
        } => format::signed_change(change, pct, ind.unit, display, ind.decimals, sign)
            .unwrap_or(missing),
        Cell::Trend(values) => format::trend(&values),
        Cell::Target(t) => t.map_or(none, |(shown, _, _)| escape(&shown)),
        Cell::Benchmark(f) => f.map_or(none, |f| {
            escape(&format::benchmark(f, ind.unit, ind.decimals, with_year))
        }),
        Cell::Rating(shown) => rating_cell(shown, m),
        Cell::Commentary(text) => text.map(|t| escape(t.trim())).unwrap_or_default(),
        Cell::NotApplicable => none,
    }
}

/// Text for a Markdown table cell or heading: HTML that a renderer would
/// run is shown as text (`<` never opens a tag; `&` never starts an
/// entity), a `|` does not end the cell, line breaks and other control
/// characters do not end the row. A plain `C&F` stays as written.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '&' if starts_entity(&s[i + 1..]) => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '|' => out.push_str("\\|"),
            '\r' | '\n' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Whether text after a `&` would make it an entity (`&lt;`, `&#60;`).
fn starts_entity(rest: &str) -> bool {
    let name = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .map_or(rest, |end| &rest[..end]);
    !name.is_empty() && rest[name.len()..].starts_with(';')
}

fn render_section(out: &mut String, board: &Board, section: &crate::layout::Section) {
    // A block with no title has no heading.
    if !section.name.is_empty() {
        let _ = writeln!(out, "## {}\n", escape(section.name));
    }
    // A section's tables share the benchmark columns its own indicators
    // have (every one a page names).
    let benchmarks: Vec<&str> = board
        .benchmarks
        .iter()
        .copied()
        .filter(|b| {
            board.page.columns.is_some()
                || section.lines.iter().any(|l| {
                    l.benchmark(b).is_some() || l.indicator.benchmark_names().any(|n| n == *b)
                })
        })
        .collect();
    let mut notes: Vec<String> = Vec::new();
    let mut care: Vec<String> = Vec::new();
    let mut commentary: Vec<String> = Vec::new();
    for frequency in FREQUENCIES {
        let lines = section.lines_of(frequency);
        if lines.is_empty() {
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
        let columns: Vec<Column> = board
            .columns(frequency, &ORDER)
            .into_iter()
            .filter(|c| !matches!(c, Column::Benchmark(b) if !benchmarks.contains(b)))
            .collect();
        render_table(
            out,
            board,
            frequency,
            &columns,
            &lines,
            [&mut notes, &mut care, &mut commentary],
        );
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "Missing values:\n\n{}\n", notes.join("\n"));
    }
    if !care.is_empty() {
        let _ = writeln!(out, "Read with care:\n\n{}\n", care.join("\n"));
    }
    if !commentary.is_empty() && board.page.commentary {
        let _ = writeln!(
            out,
            "Commentary ({}):\n\n{}\n",
            board.reporting.short_label(),
            commentary.join("\n")
        );
    }
}

/// A column's heading: the page's label, or the format's own; a
/// benchmark's with the year its figures are for when they share one.
fn heading(board: &Board, column: &Column, frequency: Frequency, lines: &[&Line]) -> String {
    let year = match column {
        Column::Benchmark(b) => crate::layout::common_vintage(lines, b),
        _ => None,
    };
    let text = match (board.label(column, frequency), column) {
        (Some(label), _) => escape(&label),
        (None, Column::Id) if board.uses_refs => "Ref".into(),
        (None, Column::Id) => "ID".into(),
        (None, Column::Title) => "Indicator".into(),
        (None, Column::Period(m)) => period_heading(*m, frequency),
        (None, Column::Latest) => "Latest".into(),
        (None, Column::Trend) => "Trend".into(),
        (None, Column::Change(..)) => "vs prev".into(),
        (None, Column::ChangeYoy(..)) => "vs last year".into(),
        (None, Column::Dot) => "DoT".into(),
        (None, Column::Rated(r)) => escape(&r.replace('_', " ")),
        (None, Column::Avg12m) => "12m avg".into(),
        (None, Column::Max12m) => "12m max".into(),
        (None, Column::Min12m) => "12m min".into(),
        (None, Column::Target(None)) => "Target".into(),
        (None, Column::Target(Some(fy))) => format!("Target {fy}"),
        (None, Column::Outturn) => "Last year's outturn".into(),
        (None, Column::Rag) => "RAG".into(),
        (None, Column::Benchmark(b)) => escape(b),
        (None, Column::Commentary) => "Commentary".into(),
        (None, Column::Owner) => "Owner".into(),
        (None, Column::Reporter) => "Reporter".into(),
        (None, Column::Outcome) => "Outcome".into(),
    };
    match year {
        Some(y) => format!("{text} {y}"),
        None => text,
    }
}

fn render_table(
    out: &mut String,
    board: &Board,
    frequency: Frequency,
    columns: &[Column],
    lines: &[&Line],
    [notes, care, commentary]: [&mut Vec<String>; 3],
) {
    let header: Vec<String> = columns
        .iter()
        .map(|c| heading(board, c, frequency, lines))
        .collect();
    // A benchmark whose heading gives its year prints the figures alone.
    let with_year: Vec<bool> = columns
        .iter()
        .map(|c| match c {
            Column::Benchmark(b) => crate::layout::common_vintage(lines, b).is_none(),
            _ => false,
        })
        .collect();
    // A Markdown table has one heading row: the headings over runs of
    // columns are said above it.
    let mut at = 0;
    let mut grouped = Vec::new();
    for (group, n) in board.group_spans(columns) {
        if let Some(g) = group {
            grouped.push(format!(
                "**{}**: {}",
                escape(g),
                header[at..at + n].join(", ")
            ));
        }
        at += n;
    }
    if !grouped.is_empty() {
        let _ = writeln!(out, "{}\n", grouped.join("; "));
    }
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        columns
            .iter()
            .map(|c| if matches!(c, Column::Id | Column::Title) {
                "---|"
            } else {
                "---:|"
            })
            .collect::<String>()
    );
    for line in lines {
        let ind = line.indicator;
        let Some(latest) = line.latest else { continue };
        if let Some(sub) = line.subheading {
            let mut cells = vec![String::new(); columns.len()];
            cells[1.min(columns.len() - 1)] = format!("**{}**", escape(sub));
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        let cells: Vec<String> = columns
            .iter()
            .zip(&with_year)
            .map(|(c, with_year)| {
                format_cell(ind, line.cell(c, board), *with_year, &board.page.markers)
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
        // Missing values, one note per reason with the periods it applies to.
        let name = escape(&line.shown_name(board));
        for (why, periods) in line.missing_reasons() {
            let periods: Vec<String> = periods
                .iter()
                .map(|m| period_heading(*m, frequency))
                .collect();
            notes.push(format!(
                "- **{}** ({}): {}",
                name,
                periods.join(", "),
                escape(why)
            ));
        }
        // The latest figure's quality flags.
        for flag in &latest.flags {
            care.push(format!(
                "- **{}** ({}): {}",
                name,
                period_heading(latest.period, frequency),
                escape(&flag.to_string())
            ));
        }
        if let Some(text) = &latest.commentary {
            commentary.push(format!("- **{}**: {}", name, escape(text.trim())));
        }
    }
    out.push('\n');
}

fn render_breakdowns(out: &mut String, board: &Board) {
    let lines: Vec<&Line> = board.lines().filter(|l| !l.breakdowns.is_empty()).collect();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Breakdowns\n");
    for line in lines {
        let ind = line.indicator;
        let Some(latest) = line.periods.last().copied() else {
            continue;
        };
        let heading = period_heading(latest, ind.frequency);
        for table in &line.breakdowns {
            let by = escape(table.name);
            let _ = writeln!(
                out,
                "### {} {} by {by}, {heading}\n",
                ind.id,
                escape(&ind.title),
            );
            let shares = line.at(latest).is_some() && line.shows_shares();
            let (share_head, share_rule) = if shares {
                (" share |", "---:|")
            } else {
                ("", "")
            };
            let _ = writeln!(
                out,
                "| {by} | {heading} |{share_head} vs prev | DoT | RAG |"
            );
            let _ = writeln!(out, "|---|---:|{share_rule}---:|---:|---:|");
            // A value that could not be computed says why below the table,
            // as the legend promises.
            let mut reasons: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            // So does a rating that could not be made (a base too small).
            let mut unrated: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
            for team in &table.values {
                for r in team.rows.iter().filter(|r| r.period == latest) {
                    if let (None, Some(why)) = (r.point.value, &r.point.missing) {
                        reasons.entry(why.as_str()).or_default().push(team.name);
                    }
                    let dot = Shown::of(board.project, ind.dot_at(r.period), &r.dot);
                    let rag = Shown::of(board.project, ind.rag_at(r.period), &r.rag);
                    for (which, shown) in [("DoT", &dot), ("RAG", &rag)] {
                        if let Shown::NotRated(why) = shown {
                            unrated.entry((which, why)).or_default().push(team.name);
                        }
                    }
                    let c = &r.comparison;
                    let share = if shares {
                        format!(
                            " {} |",
                            line.share(r)
                                .map_or_else(|| escape(&board.page.markers.missing), format::share)
                        )
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        out,
                        "| {} | {} |{share} {} | {} | {} |",
                        escape(team.name),
                        cell_value(ind, r, &board.page.markers),
                        format::change(
                            c.change,
                            c.change_pct,
                            ind.unit,
                            ind.change_display,
                            ind.decimals
                        )
                        .unwrap_or_else(|| escape(&board.page.markers.missing)),
                        rating_cell(&dot, &board.page.markers),
                        rating_cell(&rag, &board.page.markers),
                    );
                }
            }
            out.push('\n');
            if !reasons.is_empty() || !unrated.is_empty() {
                for (why, names) in reasons {
                    let names: Vec<String> = names.iter().map(|n| escape(n)).collect();
                    let _ = writeln!(out, "- n/a for {}: {}", names.join(", "), escape(why));
                }
                for ((which, why), names) in unrated {
                    let names: Vec<String> = names.iter().map(|n| escape(n)).collect();
                    let _ = writeln!(
                        out,
                        "- {which} not rated for {}: {}",
                        names.join(", "),
                        escape(why)
                    );
                }
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_carry_html_or_end_their_row() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script>alert(1)&lt;/script>"
        );
        assert_eq!(escape("a|b\r\nc"), "a\\|b  c");
        assert_eq!(escape("C&F, &lt; and &#60;"), "C&F, &amp;lt; and &amp;#60;");
        assert_eq!(escape("bell\u{7}"), "bell\\u{7}");
    }
}
