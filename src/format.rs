//! How numbers are shown in reports: rounded half away from zero (as
//! spreadsheets do) to the indicator's decimals, with its unit.

use crate::calendar::period::Month;
use crate::config::document::{ChangeDisplay, Frequency, Unit};
pub(crate) use crate::text::{number, round};

/// A value with its unit: `89%`, `112.4`, `1804`.
pub(crate) fn value(v: f64, unit: Unit, decimals: u8) -> String {
    match unit {
        Unit::Percent => format!("{}%", number(v, decimals)),
        _ => number(v, decimals),
    }
}

/// A share of the whole as a whole percentage: `0.237` is `24%`.
pub(crate) fn share(s: f64) -> String {
    format!("{}%", number(s * 100.0, 0))
}

/// A count shown plainly: whole numbers without decimals.
pub(crate) fn count(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        number(v, 1)
    }
}

/// A value with its parts: `89% (254/325)`.
pub(crate) fn with_parts(
    v: f64,
    numerator: Option<f64>,
    denominator: Option<f64>,
    unit: Unit,
    decimals: u8,
) -> String {
    match (numerator, denominator) {
        (Some(n), Some(d)) if unit == Unit::Percent => {
            format!("{} ({}/{})", value(v, unit, decimals), count(n), count(d))
        }
        _ => value(v, unit, decimals),
    }
}

/// A signed change as the indicator prints it: the difference (`+2 pts`
/// for a percentage) or the percent change (`+11%`).
pub(crate) fn change(
    change: Option<f64>,
    change_pct: Option<f64>,
    unit: Unit,
    display: ChangeDisplay,
    decimals: u8,
) -> Option<String> {
    let points = |c: f64| {
        let s = number(c, decimals);
        let s = if round(c, decimals) > 0.0 && !s.starts_with('-') {
            format!("+{s}")
        } else {
            s
        };
        match unit {
            Unit::Percent => format!("{s} pts"),
            _ => s,
        }
    };
    let relative = |p: f64| {
        let s = number(p, 0);
        if round(p, 0) > 0.0 {
            format!("+{s}%")
        } else {
            format!("{s}%")
        }
    };
    match (display, change_pct, change) {
        (ChangeDisplay::Points, _, c) => c.map(points),
        (ChangeDisplay::Relative, Some(p), _) => Some(relative(p)),
        // From 0 there is no percent change: the difference is shown.
        (ChangeDisplay::Relative, None, c) => c.map(points),
    }
}

/// A change as printed (see `change`), its direction shown as `sign`
/// says: `+10%`, `10%` or `↑ 10%` (`→` where the printed change is 0).
pub(crate) fn signed_change(
    change: Option<f64>,
    change_pct: Option<f64>,
    unit: Unit,
    display: ChangeDisplay,
    decimals: u8,
    sign: crate::config::document::ChangeSign,
) -> Option<String> {
    use crate::config::document::ChangeSign;
    let text = self::change(change, change_pct, unit, display, decimals)?;
    let bare = text.trim_start_matches(['+', '-']).to_string();
    Some(match sign {
        ChangeSign::PlusMinus => text,
        ChangeSign::Unsigned => bare,
        ChangeSign::Arrow if text.starts_with('+') => format!("↑ {bare}"),
        ChangeSign::Arrow if text.starts_with('-') => format!("↓ {bare}"),
        ChangeSign::Arrow => format!("→ {bare}"),
    })
}

/// A benchmark as printed: its value (or its state in words), with the
/// year it is for when `with_year` and its rank where known:
/// `21.5% (2021-22, 7th of 152)`.
pub(crate) fn benchmark(
    figure: &crate::model::benchmark::Figure,
    unit: Unit,
    decimals: u8,
    with_year: bool,
) -> String {
    let shown = match (figure.value, &figure.state) {
        (Some(v), _) => value(v, unit, decimals),
        (None, Some(state)) => state.clone(),
        (None, None) => "–".to_string(),
    };
    let mut notes = Vec::new();
    if let (true, Some(year)) = (with_year, figure.vintage) {
        notes.push(year.to_string());
    }
    if let Some((rank, of)) = figure.rank {
        notes.push(format!(
            "{} of {of}",
            crate::model::benchmark::ordinal(rank)
        ));
    }
    if notes.is_empty() {
        shown
    } else {
        format!("{shown} ({})", notes.join(", "))
    }
}

/// The values as a line of block characters, lowest `▁` to highest `█`,
/// `·` where a value is missing: a trend that reads in plain text.
pub(crate) fn trend(values: &[Option<f64>]) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => '·',
            Some(_) if hi <= lo => BLOCKS[3],
            Some(v) => BLOCKS[(((v - lo) / (hi - lo)) * 7.0).round() as usize],
        })
        .collect()
}

/// The name of the period of this frequency ending with `end`:
/// `2023-07`, `2023-24 Q1` or `2022-23`.
pub(crate) fn period_label(end: Month, frequency: Frequency) -> String {
    match frequency {
        Frequency::Monthly => end.to_string(),
        Frequency::Quarterly => format!("{} Q{}", end.financial_year(), end.financial_quarter()),
        Frequency::Annual => end.financial_year().to_string(),
    }
}

/// A column heading for the period: `Jul-23`, `Q1 23-24` or `2022-23`.
pub(crate) fn period_heading(end: Month, frequency: Frequency) -> String {
    match frequency {
        Frequency::Monthly => end.short_label(),
        Frequency::Quarterly => {
            let fy = end.financial_year().0;
            format!(
                "Q{} {:02}-{:02}",
                end.financial_quarter(),
                fy.rem_euclid(100),
                (fy + 1).rem_euclid(100)
            )
        }
        Frequency::Annual => end.financial_year().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_reads_in_blocks_with_gaps() {
        assert_eq!(trend(&[Some(1.0), Some(8.0), None, Some(4.5)]), "▁█·▅");
        assert_eq!(trend(&[Some(2.0), Some(2.0)]), "▄▄");
        assert_eq!(trend(&[None]), "·");
    }

    #[test]
    fn a_benchmark_prints_its_year_and_rank() {
        use crate::calendar::period::FinancialYear;
        use crate::model::benchmark::Figure;
        let f = Figure {
            vintage: Some(FinancialYear(2021)),
            rank: Some((7, 152)),
            ..Figure::number(21.5)
        };
        assert_eq!(
            benchmark(&f, Unit::Percent, 1, true),
            "21.5% (2021-22, 7th of 152)"
        );
        assert_eq!(benchmark(&f, Unit::Percent, 1, false), "21.5% (7th of 152)");
        let tbc = Figure {
            value: None,
            state: Some("TBC".into()),
            ..Figure::number(0.0)
        };
        assert_eq!(benchmark(&tbc, Unit::Count, 0, true), "TBC");
    }

    #[test]
    fn shows_parts_and_changes() {
        assert_eq!(
            with_parts(
                254.0 / 325.0 * 100.0,
                Some(254.0),
                Some(325.0),
                Unit::Percent,
                0
            ),
            "78% (254/325)"
        );
        assert_eq!(
            change(
                Some(3.04),
                None,
                Unit::Percent,
                ChangeDisplay::default_for(Unit::Percent),
                0
            )
            .unwrap(),
            "+3 pts"
        );
        assert_eq!(
            change(
                Some(-30.0),
                Some(-16.4),
                Unit::Count,
                ChangeDisplay::default_for(Unit::Count),
                0
            )
            .unwrap(),
            "-16%"
        );
        assert_eq!(
            change(
                Some(5.0),
                None,
                Unit::Count,
                ChangeDisplay::default_for(Unit::Count),
                0
            )
            .unwrap(),
            "+5"
        );
        assert_eq!(
            change(
                Some(0.0),
                Some(0.0),
                Unit::Count,
                ChangeDisplay::default_for(Unit::Count),
                0
            )
            .unwrap(),
            "0%"
        );
        // Each the other way: a percentage's percent change, a count's difference.
        let (points, relative) = (ChangeDisplay::Points, ChangeDisplay::Relative);
        assert_eq!(
            change(Some(3.6), Some(10.81), Unit::Percent, relative, 1).unwrap(),
            "+11%"
        );
        assert_eq!(
            change(Some(-30.0), Some(-16.4), Unit::Count, points, 0).unwrap(),
            "-30"
        );
        // From 0 there is no percent change: the difference is shown.
        assert_eq!(
            change(Some(4.0), None, Unit::Percent, relative, 0).unwrap(),
            "+4 pts"
        );
    }
}
