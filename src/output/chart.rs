//! One indicator's chart, for pages with `charts: true`: its periods as a
//! line, the same periods a year before dashed, the target in force in
//! each period as steps, a benchmark as a dotted level, and the latest
//! point marked with its RAG rating in words beside it (never colour
//! alone). Drawn as SVG with its colours and fonts as attributes, so the
//! PDF draws the same SVG the web page shows (its CSS may restyle it);
//! the figures it draws come with it, for a table beside it.

use crate::format;
use crate::layout::{Board, Line, Shown};
use crate::model::indicator::Indicator;
use serde::Serialize;
use std::fmt::Write as _;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 220.0;
/// Room for the value axis on the left, the period labels below, the
/// legend above and the latest point's rating on the right.
const LEFT: f64 = 52.0;
const RIGHT: f64 = 96.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 28.0;

const THIS_YEAR: &str = "#1d4f91";
const LAST_YEAR: &str = "#6f777b";
const TARGET: &str = "#b35900";
const BENCHMARK: &str = "#4c2c92";
const INK: &str = "#1b1b1b";
const GRID: &str = "#d8dadb";
const FONT: &str = "Libertinus Serif, Georgia, serif";

/// A chart and the figures it draws.
pub(super) struct Chart {
    /// The drawing: `<svg role="img">` with a title and a description.
    pub svg: String,
    /// What the chart shows, in a sentence (its text alternative).
    pub description: String,
    /// Per period drawn: its label, value, value a year before, target.
    pub rows: Vec<[String; 4]>,
    /// The benchmark drawn, as (name, value), when there is one.
    pub benchmark: Option<(String, String)>,
}

/// A chart as a page shows it: the indicator, the drawing, the figures
/// drawn as a table, and its commentary.
#[derive(Serialize)]
pub(super) struct ChartView {
    pub reference: String,
    pub title: String,
    pub svg: String,
    pub description: String,
    pub rows: Vec<[String; 4]>,
    pub benchmark: Option<(String, String)>,
    pub commentary: Option<String>,
}

/// Each chart of a section's lines, for a page with `charts: true`.
pub(super) fn views(board: &Board, lines: &[Line], missing: &str) -> Vec<ChartView> {
    if !board.page.charts {
        return Vec::new();
    }
    lines
        .iter()
        .filter_map(|line| {
            let c = chart(board, line, missing)?;
            Some(ChartView {
                reference: line.reference.unwrap_or_default().to_string(),
                title: line.label.unwrap_or(&line.indicator.title).to_string(),
                svg: c.svg,
                description: c.description,
                rows: c.rows,
                benchmark: c.benchmark,
                commentary: line
                    .latest
                    .filter(|_| board.page.commentary)
                    .and_then(|r| r.commentary.as_deref())
                    .map(|t| t.trim().to_string()),
            })
        })
        .collect()
}

/// The chart of `line` on `board`, or `None` when it has no value to draw.
pub(super) fn chart(board: &Board, line: &Line, missing: &str) -> Option<Chart> {
    let ind = line.indicator;
    let values = line.whole_values();
    if values.iter().all(Option::is_none) {
        return None;
    }
    let targets: Vec<Option<f64>> = line
        .periods
        .iter()
        .map(|m| line.at(*m).and_then(|r| r.target))
        .collect();
    // A benchmark is drawn when it is comparable: a count for England
    // beside a local count would only flatten the line.
    let highest = values
        .iter()
        .chain(&targets)
        .flatten()
        .fold(0.0_f64, |a, b| a.max(*b));
    let benchmark = line.latest.and_then(|r| {
        r.benchmarks
            .iter()
            .filter_map(|(name, f)| Some((name.as_str(), f.value?)))
            .find(|(_, v)| *v >= 0.0 && *v <= 2.0 * highest)
    });
    let labels: Vec<String> = line
        .periods
        .iter()
        .map(|m| format::period_heading(*m, ind.frequency))
        .collect();
    let known = values
        .iter()
        .chain(&line.last_year)
        .chain(&targets)
        .flatten()
        .copied()
        .chain(benchmark.map(|b| b.1));
    let scale = Scale::of(known);
    let shown = |v: f64| format::value(v, ind.unit, ind.decimals);
    let mut svg = String::new();
    let title = format!(
        "{}: {}",
        line.label.unwrap_or(&ind.title),
        board.title_period()
    );
    let description = describe(ind, line, &labels, &values, &targets, benchmark, missing);
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" font-family=\"{FONT}\" font-size=\"11\"><title>{}</title><desc>{}</desc>",
        xml(&title),
        xml(&description)
    );
    // The value axis: gridlines at round numbers.
    for tick in scale.ticks() {
        let y = scale.y(tick);
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\" stroke-width=\"0.5\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 3.5,
            xml(&format::value(tick, ind.unit, scale.decimals))
        );
    }
    let x = |i: usize| {
        let n = values.len().max(2) - 1;
        LEFT + 6.0 + (WIDTH - LEFT - RIGHT - 12.0) * i as f64 / n as f64
    };
    // Period labels: every one that fits, the latest always.
    let every = labels.len().div_ceil(7).max(1);
    for (i, label) in labels.iter().enumerate() {
        if (labels.len() - 1 - i).is_multiple_of(every) {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
                x(i),
                HEIGHT - BOTTOM + 16.0,
                xml(label)
            );
        }
    }
    if let Some((name, level)) = benchmark {
        let y = scale.y(level);
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{BENCHMARK}\" stroke-width=\"1.2\" stroke-dasharray=\"1 3\"><title>{}</title></line>",
            WIDTH - RIGHT,
            xml(name)
        );
    }
    // The target in force in each period, as steps between periods.
    let mut steps = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        match t {
            Some(t) => {
                let (from, to) = (
                    if i == 0 {
                        x(0)
                    } else {
                        (x(i - 1) + x(i)) / 2.0
                    },
                    if i + 1 == targets.len() {
                        x(i)
                    } else {
                        (x(i) + x(i + 1)) / 2.0
                    },
                );
                let y = scale.y(*t);
                steps.push(format!("{from:.1},{y:.1} {to:.1},{y:.1}"));
            }
            None => steps.push(String::new()),
        }
    }
    for run in steps.split(String::is_empty).filter(|r| !r.is_empty()) {
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{TARGET}\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>",
            run.join(" ")
        );
    }
    let line_of = |series: &[Option<f64>], colour: &str, dash: &str, svg: &mut String| {
        let points: Vec<Option<String>> = series
            .iter()
            .enumerate()
            .map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), scale.y(v))))
            .collect();
        for run in points.split(Option::is_none).filter(|r| !r.is_empty()) {
            let run: Vec<&str> = run.iter().flatten().map(String::as_str).collect();
            let _ = write!(
                svg,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
                run.join(" ")
            );
        }
    };
    line_of(
        &line.last_year,
        LAST_YEAR,
        " stroke-dasharray=\"3 3\"",
        &mut svg,
    );
    line_of(&values, THIS_YEAR, "", &mut svg);
    // The latest point, marked and rated in words.
    if let Some((i, v)) = values
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, v)| v.map(|v| (i, v)))
    {
        let (cx, cy) = (x(i), scale.y(v));
        let rating = match &line.rag {
            Shown::Outcome { symbol, label, .. } => {
                format!("{} {label}", symbol.unwrap_or_default())
                    .trim()
                    .to_string()
            }
            _ => String::new(),
        };
        let _ = write!(
            svg,
            "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4\" fill=\"{THIS_YEAR}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{INK}\" font-weight=\"bold\">{}</text>",
            cx + 8.0,
            cy + 4.0,
            xml(&shown(v))
        );
        if !rating.is_empty() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{INK}\">{}</text>",
                cx + 8.0,
                cy + 17.0,
                xml(&rating)
            );
        }
    }
    legend(&mut svg, &line.last_year, &targets, benchmark.map(|b| b.0));
    svg.push_str("</svg>");
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let or_missing = |v: Option<f64>| v.map_or_else(|| missing.to_string(), shown);
            [
                label.clone(),
                or_missing(values[i]),
                or_missing(line.last_year[i]),
                targets[i].map_or_else(String::new, shown),
            ]
        })
        .collect();
    Some(Chart {
        svg,
        description,
        rows,
        benchmark: benchmark.map(|(n, v)| (n.to_string(), shown(v))),
    })
}

/// The key along the top: a short sample of each line drawn, and its name.
fn legend(
    svg: &mut String,
    last_year: &[Option<f64>],
    targets: &[Option<f64>],
    benchmark: Option<&str>,
) {
    let mut entries = vec![(THIS_YEAR, "", "This year".to_string())];
    if last_year.iter().any(Option::is_some) {
        entries.push((
            LAST_YEAR,
            " stroke-dasharray=\"3 3\"",
            "A year before".to_string(),
        ));
    }
    if targets.iter().any(Option::is_some) {
        entries.push((TARGET, " stroke-dasharray=\"6 3\"", "Target".to_string()));
    }
    if let Some(name) = benchmark {
        entries.push((
            BENCHMARK,
            " stroke-dasharray=\"1 3\"",
            format!("Benchmark: {name}"),
        ));
    }
    let mut at = LEFT;
    for (colour, dash, name) in entries {
        let _ = write!(
            svg,
            "<line x1=\"{at:.1}\" x2=\"{:.1}\" y1=\"10\" y2=\"10\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/><text x=\"{:.1}\" y=\"14\" fill=\"{INK}\">{}</text>",
            at + 18.0,
            at + 22.0,
            xml(&name)
        );
        at += 34.0 + 5.5 * name.chars().count() as f64;
    }
}

/// The chart in a sentence: its latest value against the target and a
/// year before, for the text alternative.
fn describe(
    ind: &Indicator,
    line: &Line,
    labels: &[String],
    values: &[Option<f64>],
    targets: &[Option<f64>],
    benchmark: Option<(&str, f64)>,
    missing: &str,
) -> String {
    let shown = |v: Option<f64>| {
        v.map_or_else(
            || missing.to_string(),
            |v| format::value(v, ind.unit, ind.decimals),
        )
    };
    let first = labels.first().map(String::as_str).unwrap_or_default();
    let last = labels.last().map(String::as_str).unwrap_or_default();
    let mut text = format!(
        "{} from {first} to {last}: {} in {first}, {} in {last}",
        ind.title,
        shown(values.first().copied().flatten()),
        shown(values.last().copied().flatten()),
    );
    if let Some(Some(ly)) = line.last_year.last() {
        let _ = write!(text, " (a year before: {})", shown(Some(*ly)));
    }
    if let Some(Some(t)) = targets.last() {
        let _ = write!(text, "; target {}", shown(Some(*t)));
    }
    if let Some((name, v)) = benchmark {
        let _ = write!(text, "; {name} {}", shown(Some(v)));
    }
    if let Shown::Outcome { label, .. } = &line.rag {
        let _ = write!(text, "; rated {label}");
    }
    text.push('.');
    text
}

/// Text inside SVG: the five characters XML reserves, escaped, and control
/// characters (which XML cannot hold) dropped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The value axis: from zero (or the lowest value, when below zero) to a
/// round number above the highest.
struct Scale {
    lo: f64,
    hi: f64,
    step: f64,
    decimals: u8,
}

impl Scale {
    fn of(values: impl Iterator<Item = f64>) -> Scale {
        let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
        for v in values.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if hi <= lo {
            hi = lo + 1.0;
        }
        let step = nice((hi - lo) / 4.0);
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil() * step;
        let decimals = if step >= 1.0 {
            0
        } else {
            (-step.log10().floor()) as u8
        };
        Scale {
            lo,
            hi,
            step,
            decimals: decimals.min(6),
        }
    }

    fn y(&self, v: f64) -> f64 {
        TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - (v - self.lo) / (self.hi - self.lo))
    }

    fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=n.min(12))
            .map(|i| self.lo + self.step * i as f64)
            .collect()
    }
}

/// The round number (1, 2, 2.5 or 5 times a power of ten) at or above `x`.
fn nice(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= x)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_runs_from_zero_to_a_round_number_above_the_highest_value() {
        let s = Scale::of([3.0, 318.0, 273.0].into_iter());
        assert_eq!((s.lo, s.hi, s.step, s.decimals), (0.0, 400.0, 100.0, 0));
        assert_eq!(s.ticks(), vec![0.0, 100.0, 200.0, 300.0, 400.0]);
        let s = Scale::of([0.2, 0.7].into_iter());
        assert_eq!((s.lo, s.hi, s.step, s.decimals), (0.0, 0.8, 0.2, 1));
        let s = Scale::of([-3.0, 5.0].into_iter());
        assert_eq!((s.lo, s.hi, s.step), (-4.0, 6.0, 2.0));
        // Nothing to draw still gives an axis.
        let s = Scale::of(std::iter::empty());
        assert_eq!((s.lo, s.hi), (0.0, 1.0));
    }

    #[test]
    fn text_in_a_chart_cannot_leave_its_element() {
        assert_eq!(
            xml("<b>a & \"b\"</b>\u{7}"),
            "&lt;b&gt;a &amp; &quot;b&quot;&lt;/b&gt;"
        );
    }
}
