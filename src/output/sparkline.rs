//! The line of an indicator's periods that HTML pages draw beside its
//! figures (with the target dashed and the latest value marked), and the
//! same in words for screen readers. Each element carries its colours as
//! attributes too (the page's CSS overrides them), so the PDF draws the
//! same SVG without a style sheet.

use crate::format;
use crate::model::indicator::Indicator;

const SPARK_W: f64 = 120.0;
const SPARK_H: f64 = 32.0;

/// A line of the values shown, gaps where a value is missing, the target
/// as a dashed line and the latest value as a dot. Coordinates are rounded
/// to one decimal so the file is the same on every machine.
pub(super) fn sparkline(values: &[(String, Option<f64>)], target: Option<f64>) -> String {
    let known: Vec<f64> = values.iter().filter_map(|v| v.1).chain(target).collect();
    if known.is_empty() || values.len() < 2 {
        return String::new();
    }
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let x = |i: usize| 2.0 + (SPARK_W - 4.0) * i as f64 / (values.len() - 1) as f64;
    let y = |v: f64| 2.0 + (SPARK_H - 4.0) * (1.0 - (v - lo) / span);
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for (i, (_, v)) in values.iter().enumerate() {
        match v {
            Some(v) => runs
                .last_mut()
                .expect("one run")
                .push(format!("{:.1},{:.1}", x(i), y(*v))),
            None => runs.push(Vec::new()),
        }
    }
    let mut svg = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {SPARK_W} {SPARK_H}\" width=\"{SPARK_W}\" height=\"{SPARK_H}\" aria-hidden=\"true\" focusable=\"false\">"
    );
    if let Some(t) = target {
        svg.push_str(&format!(
            "<line class=\"target\" stroke=\"#1b1b1b\" stroke-dasharray=\"3 2\" x1=\"2\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            SPARK_W - 2.0,
            y(t),
            y(t)
        ));
    }
    for run in runs.iter().filter(|r| !r.is_empty()) {
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"#1d4f91\" stroke-width=\"1.5\" points=\"{}\"/>",
            run.join(" ")
        ));
    }
    if let Some((_, Some(v))) = values.last() {
        let i = values.len() - 1;
        svg.push_str(&format!(
            "<circle fill=\"#1d4f91\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"/>",
            x(i),
            y(*v)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The sparkline in words, for screen readers and as a tooltip.
pub(super) fn sparkline_label(
    ind: &Indicator,
    values: &[(String, Option<f64>)],
    target: Option<f64>,
    missing: &str,
) -> String {
    let points: Vec<String> = values
        .iter()
        .map(|(p, v)| {
            format!(
                "{p} {}",
                v.map_or(missing.to_string(), |v| format::value(
                    v,
                    ind.unit,
                    ind.decimals
                ))
            )
        })
        .collect();
    let target = target.map_or(String::new(), |t| {
        format!("; target {}", format::value(t, ind.unit, ind.decimals))
    });
    format!("{}{target}", points.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_breaks_at_a_missing_value_and_marks_the_target() {
        let values = vec![
            ("a".to_string(), Some(1.0)),
            ("b".to_string(), Some(3.0)),
            ("c".to_string(), None),
            ("d".to_string(), Some(2.0)),
            ("e".to_string(), Some(2.0)),
        ];
        let svg = sparkline(&values, Some(3.0));
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert!(
            svg.contains("<line class=\"target\" stroke=\"#1b1b1b\" stroke-dasharray=\"3 2\" x1=\"2\" x2=\"118.0\" y1=\"2.0\" y2=\"2.0\"/>"),
            "{svg}"
        );
        // The lowest value sits at the bottom, the latest has a dot.
        assert!(svg.contains("points=\"2.0,30.0 31.0,2.0\""), "{svg}");
        assert!(
            svg.contains("<circle fill=\"#1d4f91\" cx=\"118.0\" cy=\"16.0\""),
            "{svg}"
        );
        assert_eq!(sparkline(&values[2..3], None), "");
    }
}
