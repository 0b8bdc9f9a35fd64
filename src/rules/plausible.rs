//! Numbers written in a definition that do not fit the indicator's unit:
//! a percentage target written as a fraction (`0.85` read as 0.85%, so
//! every month is green), or one over 100 for figures that never exceed
//! it. Each is a warning naming the indicator, the value and its place,
//! with the number to write instead; the figures the run gave are the
//! evidence (a target of 0.5 beside figures of 0.2 to 0.4 is plausible).

use crate::config::document::Unit;
use crate::diagnostic::Diagnostic;
use crate::model::indicator::WrittenKind;
use crate::model::Project;
use crate::rules::scorecard::Scorecard;

/// The implausible numbers of every indicator.
pub(crate) fn implausible_numbers(p: &Project, card: &Scorecard) -> Vec<Diagnostic> {
    // Each indicator's highest figure for the whole, every period shown:
    // one pass over the rows, so checking costs the rows, not rows times
    // indicators.
    let mut highest_of: Vec<Option<f64>> = vec![None; p.indicators.len()];
    for r in card.rows.iter().chain(&card.earlier) {
        if let (None, Some(v)) = (&r.group, r.point.value) {
            let h = &mut highest_of[r.indicator];
            *h = Some(h.map_or(v, |h| h.max(v)));
        }
    }
    let mut out = Vec::new();
    for (ind, &highest) in p.indicators.iter().zip(&highest_of) {
        let shown = |v: f64| crate::format::value(v, ind.unit, ind.decimals);
        // As a percentage, without float noise: 0.85 is 85, not 85.00000000000001.
        let percent = |v: f64| (v * 100.0 * 1e9).round() / 1e9;
        for w in &ind.written {
            let (message, help) = match w.kind {
                WrittenKind::PercentParameter if w.value > 0.0 && w.value < 1.0 => (
                    format!(
                        "{}: {} is {}, which reads as {}%: a percentage written as a fraction?",
                        ind.id, w.what, w.value, w.value
                    ),
                    format!(
                        "write it as a percentage: {} for {}%",
                        percent(w.value),
                        percent(w.value)
                    ),
                ),
                WrittenKind::Target | WrittenKind::Benchmark if ind.unit == Unit::Percent => {
                    let fraction =
                        w.value > 0.0 && w.value < 1.0 && highest.is_none_or(|h| h >= 1.0);
                    let over = w.value > 100.0 && highest.is_some_and(|h| h <= 100.0);
                    if fraction {
                        (
                            format!(
                                "{}: {} is {} on a percentage indicator{}: it reads as {}%, not {}%",
                                ind.id,
                                w.what,
                                w.value,
                                highest.map_or(String::new(), |h| format!(
                                    " whose figures reach {}",
                                    shown(h)
                                )),
                                w.value,
                                percent(w.value)
                            ),
                            format!(
                                "write percentages from 0 to 100: {} for {}%",
                                percent(w.value),
                                percent(w.value)
                            ),
                        )
                    } else if over {
                        (
                            format!(
                                "{}: {} is {} on a percentage indicator whose figures reach only {}",
                                ind.id,
                                w.what,
                                w.value,
                                shown(highest.unwrap_or_default())
                            ),
                            "a share cannot exceed 100%: check the value, or the indicator's `unit`"
                                .to_string(),
                        )
                    } else {
                        continue;
                    }
                }
                _ => continue,
            };
            out.push(
                Diagnostic::new(&ind.file, w.place, message)
                    .subject(format!("indicator {}", ind.id))
                    .help(help),
            );
        }
    }
    out
}
