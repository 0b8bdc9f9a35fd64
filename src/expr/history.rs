//! `previous(column)` in a filter: the same entity's previous row's value.
//! The scan gives it as a column of its own, computed once per source
//! from the rows ordered within each entity, so the call is rewritten to
//! that column's name before compiling; the vectorised plan, per-row
//! Rhai and SQL then read it like any other column.

use regex::Regex;
use std::sync::OnceLock;

/// The name of the column holding the previous row's `column`.
pub fn previous_column(column: &str) -> String {
    format!("previous__{column}")
}

/// The column a `previous__` name holds the previous value of.
pub fn previous_of(name: &str) -> Option<&str> {
    name.strip_prefix("previous__")
}

/// `text` with every `previous(name)` outside strings and comments written
/// as `previous__name`, and the names read that way (in order, once each).
pub fn rewrite_previous(text: &str) -> (String, Vec<String>) {
    static CALL: OnceLock<Regex> = OnceLock::new();
    let call = CALL.get_or_init(|| {
        Regex::new(r"\bprevious\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)").expect("a valid pattern")
    });
    let mut out = String::with_capacity(text.len());
    let mut names: Vec<String> = Vec::new();
    for (code, piece) in pieces(text) {
        if !code {
            out.push_str(piece);
            continue;
        }
        let replaced = call.replace_all(piece, |c: &regex::Captures| {
            let name = c[1].to_string();
            let written = previous_column(&name);
            if !names.contains(&name) {
                names.push(name);
            }
            written
        });
        out.push_str(&replaced);
    }
    (out, names)
}

/// `text` cut into code and non-code (string literals, comments) pieces,
/// flagged `true` for code. The `${...}` of a backtick string is code.
pub(crate) fn pieces(text: &str) -> Vec<(bool, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let end = match bytes[i] {
            b'`' => {
                if start < i {
                    out.push((true, &text[start..i]));
                }
                let end = backtick_string(text, i, &mut out);
                start = end;
                i = end;
                continue;
            }
            q @ (b'"' | b'\'') => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != q {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                Some((j + 1).min(bytes.len()))
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                Some(text[i..].find('\n').map_or(bytes.len(), |n| i + n))
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => Some(
                text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2),
            ),
            _ => None,
        };
        match end {
            Some(end) => {
                if start < i {
                    out.push((true, &text[start..i]));
                }
                out.push((false, &text[i..end]));
                start = end;
                i = end;
            }
            None => i += 1,
        }
    }
    if start < bytes.len() {
        out.push((true, &text[start..]));
    }
    out
}

/// The backtick string starting at `from`, its text as non-code and each
/// `${...}` inside as code (cut into pieces itself); where it ends.
fn backtick_string<'a>(text: &'a str, from: usize, out: &mut Vec<(bool, &'a str)>) -> usize {
    let bytes = text.as_bytes();
    let (mut literal, mut j) = (from, from + 1);
    while j < bytes.len() && bytes[j] != b'`' {
        if bytes[j] == b'$' && bytes.get(j + 1) == Some(&b'{') {
            out.push((false, &text[literal..j + 2]));
            // The interpolation ends at its matching brace.
            let (inner, mut depth, mut k) = (j + 2, 1, j + 2);
            while k < bytes.len() && depth > 0 {
                match bytes[k] {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                }
                k += 1;
            }
            let close = if depth == 0 { k - 1 } else { k };
            out.extend(pieces(&text[inner..close]));
            literal = close;
            j = close;
            continue;
        }
        j += if bytes[j] == b'\\' { 2 } else { 1 };
    }
    let end = (j + 1).min(bytes.len());
    out.push((false, &text[literal..end]));
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_rewritten_outside_strings_and_comments() {
        let (text, names) = rewrite_previous(
            "previous(end_date) != () && days_between(previous( end_date ), start_date) < 365 \
             && note != \"previous(x)\" // previous(y)",
        );
        assert_eq!(
            text,
            "previous__end_date != () && days_between(previous__end_date, start_date) < 365 \
             && note != \"previous(x)\" // previous(y)"
        );
        assert_eq!(names, ["end_date"]);
    }

    #[test]
    fn calls_inside_an_interpolation_are_rewritten_and_its_text_is_not() {
        let (text, names) = rewrite_previous(
            "`previous(a) ${previous(team)} and ${ #{x: previous(b)}.x }` != \"\"",
        );
        assert_eq!(
            text,
            "`previous(a) ${previous__team} and ${ #{x: previous__b}.x }` != \"\""
        );
        assert_eq!(names, ["team", "b"]);
    }

    #[test]
    fn a_multibyte_string_is_left_whole() {
        let (text, names) = rewrite_previous("team == \"Nörth\" && previous(team) == \"é\"");
        assert_eq!(text, "team == \"Nörth\" && previous__team == \"é\"");
        assert_eq!(names, ["team"]);
        assert_eq!(previous_of("previous__team"), Some("team"));
    }
}
