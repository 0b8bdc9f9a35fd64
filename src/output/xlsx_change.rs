//! How a change is written into a workbook cell: a number (so it can be
//! summed and charted) whose format prints its unit and its direction as
//! the page says (`+2 pts`, `10%`, `↑ 10%`).

use crate::config::document::{ChangeDisplay, ChangeSign, Unit};
use crate::model::indicator::Indicator;
use crate::model::page::Markers;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// A `positive;negative;zero` number format with its signs shown as
/// `sign` says.
fn with_sign(pattern: &str, sign: ChangeSign) -> String {
    let parts: Vec<&str> = pattern.split(';').collect();
    let [up, down, zero] = parts.as_slice() else {
        return pattern.to_string();
    };
    let (up, down) = (up.trim_start_matches('+'), down.trim_start_matches('-'));
    match sign {
        ChangeSign::PlusMinus => pattern.to_string(),
        ChangeSign::Unsigned => format!("{up};{down};{zero}"),
        ChangeSign::Arrow => format!("\"↑ \"{up};\"↓ \"{down};\"→ \"{zero}"),
    }
}

pub(super) fn change_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    ind: &Indicator,
    (change, pct): (Option<f64>, Option<f64>),
    (display, sign): (ChangeDisplay, ChangeSign),
    m: &Markers,
) -> Result<(), XlsxError> {
    let decimals = if ind.decimals == 0 {
        String::new()
    } else {
        format!(".{}", "0".repeat(usize::from(ind.decimals)))
    };
    let points = |v: f64| match ind.unit {
        Unit::Percent => (
            v,
            format!("+0{decimals}\" pts\";-0{decimals}\" pts\";0\" pts\""),
        ),
        _ => (v, format!("+0{decimals};-0{decimals};0")),
    };
    let cell = match (display, pct, change) {
        (ChangeDisplay::Points, _, c) => c.map(points),
        (ChangeDisplay::Relative, Some(p), _) => Some((p / 100.0, "+0%;-0%;0%".to_string())),
        (ChangeDisplay::Relative, None, c) => c.map(points),
    };
    // The sign as the page shows it, in the number's own format, so the
    // cell stays a number: `0%;0%;0%` unsigned, `"↑ "0%;"↓ "0%;"→ "0%`.
    let cell = cell.map(|(v, pattern)| (v, with_sign(&pattern, sign)));
    match cell {
        Some((v, pattern)) => {
            sheet.write_number_with_format(row, col, v, &Format::new().set_num_format(pattern))?;
        }
        None => {
            sheet.write_string(row, col, &m.not_applicable)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_keeps_its_number_and_shows_its_direction_in_the_format() {
        let points = "+0\" pts\";-0\" pts\";0\" pts\"";
        assert_eq!(with_sign(points, ChangeSign::PlusMinus), points);
        assert_eq!(with_sign("+0%;-0%;0%", ChangeSign::Unsigned), "0%;0%;0%");
        assert_eq!(
            with_sign("+0%;-0%;0%", ChangeSign::Arrow),
            "\"↑ \"0%;\"↓ \"0%;\"→ \"0%"
        );
    }
}
