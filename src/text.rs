//! Text as a person sees it: control characters shown, not obeyed,
//! project paths written with `/` on every platform, and numbers rounded
//! half away from zero (as spreadsheets do). On the lowest floor, so a
//! diagnostic, a source or a report can all use it.

use std::borrow::Cow;

/// `1 indicator`, `2 indicators`: a count with its noun, singular for one.
pub(crate) fn count_of(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Text from data or definitions made safe for a terminal: control
/// characters (an ANSI escape, a carriage return, a bell) are shown as
/// `\u{1b}` instead of acting on the screen. Line breaks are kept when
/// `keep_lines` (a whole report), shown otherwise (one cell).
pub(crate) fn visible(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let acts = |c: char| c.is_control() && !(keep_lines && c == '\n');
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if acts(c) {
                    format!("\\u{{{:x}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A project-relative path as outputs and messages write it on every
/// platform: `/` between folders, so a report made on Windows is the same
/// bytes as one made on Linux. (A `\` inside a Unix file name is kept.)
pub(crate) fn slashed(path: &std::path::Path) -> String {
    let shown = path.display().to_string();
    if cfg!(windows) {
        shown.replace('\\', "/")
    } else {
        shown
    }
}

/// Rounds half away from zero to `decimals` places, never giving `-0`.
pub(crate) fn round(v: f64, decimals: u8) -> f64 {
    let factor = 10f64.powi(i32::from(decimals));
    let r = (v * factor).round() / factor;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

pub(crate) fn number(v: f64, decimals: u8) -> String {
    format!("{:.*}", usize::from(decimals), round(v, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            visible("\u{1b}[31mred\u{1b}[0m", false),
            "\\u{1b}[31mred\\u{1b}[0m"
        );
        assert_eq!(visible("a\r\nb", true), "a\\u{d}\nb");
        assert_eq!(visible("a\nb", false), "a\\u{a}b");
        assert_eq!(visible("North 1", false), "North 1");
    }

    #[test]
    fn paths_are_written_with_forward_slashes_on_every_platform() {
        let p = std::path::Path::new("indicators").join("a.yaml");
        assert_eq!(slashed(&p), "indicators/a.yaml");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(number(2.5, 0), "3");
        assert_eq!(number(-2.5, 0), "-3");
        assert_eq!(number(0.125, 2), "0.13");
        assert_eq!(number(-0.0001, 1), "0.0");
    }
}
