//! Problems an analyst can cause, each tied to a place in a file, and the
//! renderer that prints them the way compilers do: `--> file:line:col`, the
//! offending line, a caret under it, then what is wrong and how to fix it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A 1-based line and column inside a file; `line == 0` means "the whole file".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Place {
    pub line: u32,
    pub column: u32,
}

impl Place {
    pub const WHOLE_FILE: Place = Place { line: 0, column: 0 };

    pub fn new(line: u32, column: u32) -> Self {
        Place { line, column }
    }
}

/// One problem found while loading, checking or running a project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, relative to the project folder where possible.
    pub file: PathBuf,
    pub place: Place,
    /// The indicator or rule set the problem concerns, as `indicator CP1` or `rule set dot_banded`.
    pub subject: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, place: Place, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            place,
            subject: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders with an excerpt of the source when its text is known.
    pub fn render(&self, sources: &SourceTexts) -> String {
        self.render_as("error", sources)
    }

    /// Renders as a warning: something to look at that does not stop a run.
    pub fn render_warning(&self, sources: &SourceTexts) -> String {
        self.render_as("warning", sources)
    }

    fn render_as(&self, kind: &str, sources: &SourceTexts) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{kind}: {}", shown(&self.message));
        let location = if self.place.line == 0 {
            crate::text::slashed(&self.file)
        } else {
            format!(
                "{}:{}:{}",
                crate::text::slashed(&self.file),
                self.place.line,
                self.place.column
            )
        };
        let location = shown(&location);
        match &self.subject {
            Some(subject) => {
                let _ = writeln!(out, "  --> {location} ({})", shown(subject));
            }
            None => {
                let _ = writeln!(out, "  --> {location}");
            }
        }
        if let Some(line_text) = sources.line(&self.file, self.place.line) {
            let number = self.place.line.to_string();
            let pad = " ".repeat(number.len());
            let (line_text, column) = excerpt(line_text, self.place.column);
            let caret_indent: String = line_text
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {line_text}");
            let _ = writeln!(out, "{pad} | {caret_indent}^");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {}", shown(help));
        }
        out
    }
}

/// Text from a file as a message shows it: control characters (from data
/// or a binary file) as `\u{fffd}`, so they cannot drive the terminal.
fn shown(text: &str) -> String {
    text.chars().map(shown_char).collect()
}

fn shown_char(c: char) -> char {
    if c.is_control() && c != '\t' {
        '\u{fffd}'
    } else {
        c
    }
}

/// The most of a line an excerpt shows, in characters.
const EXCERPT_CHARS: usize = 120;

/// The part of `line` an excerpt shows, and the caret's column in it: at
/// most `EXCERPT_CHARS` around `column` (`…` marks what is cut), with
/// control characters shown as `�`, so a huge or binary "line" (a link to
/// a secret, a minified file) can neither flood nor drive the terminal.
fn excerpt(line: &str, column: u32) -> (String, usize) {
    let chars: Vec<char> = line.chars().map(shown_char).collect();
    let column = column.max(1) as usize;
    if chars.len() <= EXCERPT_CHARS {
        return (chars.into_iter().collect(), column);
    }
    let start = column
        .saturating_sub(EXCERPT_CHARS / 2)
        .min(chars.len() - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut text: String = chars[start..end].iter().collect();
    let mut column = column - start;
    if start > 0 {
        text.insert(0, '…');
        column += 1;
    }
    if end < chars.len() {
        text.push('…');
    }
    (text, column)
}

/// The text of every file read, so diagnostics can quote the offending line.
#[derive(Debug, Default, Clone)]
pub struct SourceTexts {
    /// Each file's text and where each of its lines starts: finding a line
    /// is a lookup, not a scan (10,000 expressions in one file ask 10,000 times).
    texts: BTreeMap<PathBuf, (String, Vec<usize>)>,
}

impl SourceTexts {
    pub fn insert(&mut self, file: PathBuf, text: String) {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < text.len())
            .collect();
        self.texts.insert(file, (text, starts));
    }

    /// A fingerprint of every definition file read (its path and text):
    /// the same definitions give the same one on any machine.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for (file, (text, _)) in &self.texts {
            hash.update(crate::text::slashed(file).as_bytes());
            hash.update([0]);
            // A checkout with Windows line endings has the same definitions.
            hash.update(text.replace("\r\n", "\n").as_bytes());
            hash.update([0]);
        }
        hash.finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    pub fn line(&self, file: &Path, line: u32) -> Option<&str> {
        if line == 0 {
            return None;
        }
        let (text, starts) = self.texts.get(file)?;
        let start = *starts.get(line as usize - 1)?;
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        Some(text[start..end].trim_end_matches('\r'))
    }
}

/// Renders all diagnostics, sorted by file and place, ending with a count.
pub fn render_all(diagnostics: &[Diagnostic], sources: &SourceTexts) -> String {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort();
    let mut out = String::new();
    for d in &sorted {
        out.push_str(&d.render(sources));
        out.push('\n');
    }
    let n = sorted.len();
    let _ = writeln!(out, "{n} problem{} found", if n == 1 { "" } else { "s" });
    out
}

/// The closest candidate to `wrong`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wrong_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_the_column() {
        let mut sources = SourceTexts::default();
        sources.insert("a.yaml".into(), "x: 1\nkind: flw\n".into());
        let d = Diagnostic::new("a.yaml", Place::new(2, 7), "unknown measure kind `flw`")
            .subject("indicator A1")
            .help("did you mean `flow`?");
        assert_eq!(
            d.render(&sources),
            "error: unknown measure kind `flw`\n  --> a.yaml:2:7 (indicator A1)\n  |\n2 | kind: flw\n  |       ^\n  = help: did you mean `flow`?\n"
        );
    }

    #[test]
    fn an_excerpt_is_one_bounded_line_with_no_control_characters() {
        let long = format!("{}key: x{}", "a".repeat(500), "b".repeat(5000));
        let (text, column) = excerpt(&long, 501);
        assert!(text.chars().count() <= EXCERPT_CHARS + 2, "{}", text.len());
        assert_eq!(text.chars().nth(column - 1), Some('k'));
        let (text, _) = excerpt("TOKEN=secret\0PATH=/bin\u{1b}[2J", 1);
        assert_eq!(text, "TOKEN=secret\u{fffd}PATH=/bin\u{fffd}[2J");
    }

    #[test]
    fn lines_are_found_as_str_lines_finds_them() {
        let mut sources = SourceTexts::default();
        let text = "a\r\nb\n\nd\n";
        sources.insert("f".into(), text.into());
        let expected: Vec<&str> = text.lines().collect();
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(sources.line(Path::new("f"), i as u32 + 1), Some(*want));
        }
        assert_eq!(sources.line(Path::new("f"), 5), None);
        assert_eq!(sources.line(Path::new("f"), 0), None);
    }

    #[test]
    fn suggests_close_names_only() {
        let cols = ["referral_date", "child_id", "team"];
        assert_eq!(did_you_mean("referal_date", cols), Some("referral_date"));
        assert_eq!(did_you_mean("zzz", cols), None);
    }
}
