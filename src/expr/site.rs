//! Where an expression sits in a YAML file, so that a Rhai position inside
//! the expression maps back to the file's line and column.

use crate::diagnostic::{did_you_mean, Diagnostic, Place, SourceTexts};
use rhai::{Engine, ParseError, ParseErrorType, Position};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The place of an expression's text in its YAML file.
#[derive(Debug, Clone)]
pub struct ExprSite {
    pub file: PathBuf,
    /// Where the value starts (first character of a `|` block's content,
    /// or the opening quote of a quoted string).
    pub start: Place,
    /// How the value is written, which decides how positions map.
    pub style: ScalarStyle,
    /// `indicator CP1` or `rule set dot_banded`.
    pub subject: String,
    /// The last line of the expression (1-based, counted within it) and
    /// its length, so a position past the end points just after the text.
    pub end: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Plain or `|` literal block: every character is where Rhai counts it.
    Literal,
    /// A quoted one-line string: one column for the quote.
    Quoted,
    /// Folded or escaped text: positions are approximate, point at the start.
    Other,
}

impl ExprSite {
    /// Builds a site from a spanned YAML value, reading the file text to tell the style.
    pub fn new(
        file: PathBuf,
        start: Place,
        texts: &SourceTexts,
        subject: String,
        text: &str,
    ) -> ExprSite {
        let first_char = texts
            .line(&file, start.line)
            .and_then(|l| l.chars().nth(start.column.saturating_sub(1) as usize));
        let style = match first_char {
            Some('"' | '\'') => ScalarStyle::Quoted,
            _ => {
                let previous = (1..start.line)
                    .rev()
                    .filter_map(|n| texts.line(&file, n))
                    .find(|l| !l.trim().is_empty());
                match previous.map(str::trim_end) {
                    Some(p) if p.ends_with('>') || p.ends_with(">-") || p.ends_with(">+") => {
                        ScalarStyle::Other
                    }
                    _ => ScalarStyle::Literal,
                }
            }
        };
        let trimmed = text.trim_end();
        let end = Some((
            trimmed.lines().count().max(1) as u32,
            trimmed
                .lines()
                .last()
                .map_or(0, |l| l.chars().count() as u32),
        ));
        ExprSite {
            file,
            start,
            style,
            subject,
            end,
        }
    }

    /// The file place of a Rhai position inside the expression.
    pub fn place_of(&self, pos: Position) -> Place {
        let (Some(mut line), Some(mut col)) = (pos.line(), pos.position()) else {
            return self.start;
        };
        if let Some((last, len)) = self.end {
            if line as u32 > last || (line as u32 == last && col as u32 > len + 1) {
                (line, col) = (last as usize, len as usize + 1);
            }
        }
        match self.style {
            ScalarStyle::Literal => Place::new(
                self.start.line + line as u32 - 1,
                // Continuation lines of a `|` block share the first line's indentation.
                self.start.column + col as u32 - 1,
            ),
            ScalarStyle::Quoted if line == 1 => {
                Place::new(self.start.line, self.start.column + col as u32)
            }
            _ => self.start,
        }
    }

    pub fn diagnostic(&self, pos: Position, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file.clone(), self.place_of(pos), message)
            .subject(self.subject.clone())
    }
}

/// Whether an expression can name `text` as it is written.
fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A name an expression can use for a column named `text`: `Start Date`
/// gives `start_date`.
fn name_for(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out
    } else {
        format!("c_{out}")
    }
}

/// Turns a Rhai compile error into an analyst's diagnostic.
pub fn parse_error(
    site: &ExprSite,
    err: &ParseError,
    known_names: &BTreeSet<String>,
    what_names: &str,
) -> Diagnostic {
    parse_error_with(site, err, known_names, what_names, &[])
}

/// As `parse_error`, with names known besides those listed (the measured
/// period's), named after the list.
pub fn parse_error_with(
    site: &ExprSite,
    err: &ParseError,
    known_names: &BTreeSet<String>,
    what_names: &str,
    also: &[(&str, &str)],
) -> Diagnostic {
    let ParseError(kind, pos) = err;
    match kind.as_ref() {
        ParseErrorType::VariableUndefined(name) => {
            let listed: Vec<&str> = known_names
                .iter()
                .map(String::as_str)
                .filter(|n| !also.iter().any(|(a, _)| a == n))
                .collect();
            let mut list = listed.join(", ");
            for (n, meaning) in also {
                list += &format!("; `{n}` is {meaning}");
            }
            let all = listed.iter().copied().chain(also.iter().map(|a| a.0));
            let help = match did_you_mean(name, all) {
                Some(s) if !is_name(s) => format!(
                    "did you mean the column `{s}`? An expression cannot name it as written: give it a name in its source's declaration, `rename: {{ {}: \"{s}\" }}`, and use that; {what_names}: {list}",
                    name_for(s)
                ),
                Some(s) => format!("did you mean `{s}`? {what_names}: {list}"),
                None => format!("{what_names}: {list}"),
            };
            site.diagnostic(*pos, format!("unknown name `{name}` in expression")).help(help)
        }
        ParseErrorType::UnexpectedEOF => site
            .diagnostic(*pos, "the expression ends too early")
            .help("an operator or a bracket is missing its other side, e.g. `a &&` needs something after `&&`"),
        other => site
            .diagnostic(*pos, format!("the expression does not parse: {other}"))
            .help("check brackets, quotes and operators; strings are written in double quotes, e.g. team == \"North\""),
    }
}

/// Names of every function the engine knows, for checking calls before running.
pub fn known_functions(engine: &Engine) -> BTreeSet<String> {
    engine
        .collect_fn_metadata(None, |info| Some(info.metadata.name.to_string()), true)
        .into_iter()
        .collect()
}

/// Calls to functions the engine does not know, with their positions.
pub fn unknown_calls(ast: &rhai::AST, known: &BTreeSet<String>) -> Vec<(String, Position)> {
    let mut found = Vec::new();
    ast.walk(&mut |nodes| {
        if let Some(rhai::ASTNode::Expr(rhai::Expr::FnCall(call, pos))) = nodes.last() {
            if call.op_token.is_none() && !known.contains(call.name.as_str()) {
                found.push((call.name.to_string(), *pos));
            }
        }
        true
    });
    found
}

/// The variables an expression reads.
pub fn variables(ast: &rhai::AST) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    ast.walk(&mut |nodes| {
        if let Some(rhai::ASTNode::Expr(rhai::Expr::Variable(v, _, _))) = nodes.last() {
            found.insert(v.1.to_string());
        }
        true
    });
    found
}

/// A diagnostic for a call to an unknown function, with a suggestion.
pub fn unknown_function(
    site: &ExprSite,
    name: &str,
    pos: Position,
    known: &BTreeSet<String>,
) -> Diagnostic {
    if name == "previous" {
        return site
            .diagnostic(
                pos,
                "`previous` reads the same entity's previous row, which only a measure's rows have",
            )
            .help("use `previous(column)` in the `filter` of a flow or snapshot with `history: { entity: ..., order: ... }`; in a rule, `previous` is the figure compared against, a value rather than a function");
    }
    let suggestion = did_you_mean(name, known.iter().map(String::as_str));
    let functions = super::function::usages().join(", ");
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`? functions: {functions}"),
        None => format!("functions: {functions}; maths: abs, floor, round, min, max"),
    };
    site.diagnostic(pos, format!("unknown function `{name}`"))
        .help(help)
}

/// A Rhai runtime error in words, without Rhai's own position (the
/// diagnostic gives the place in the YAML file instead).
pub fn runtime_message(err: &rhai::EvalAltResult) -> String {
    use rhai::EvalAltResult as E;
    match err {
        E::ErrorTooManyOperations(_) => {
            "it was stopped after too many operations (an endless loop?)".to_string()
        }
        E::ErrorStackOverflow(_) | E::ErrorTooManyModules(_) => {
            "it was stopped for calling too deep (endless recursion?)".to_string()
        }
        E::ErrorDataTooLarge(what, _) => {
            format!("it was stopped for building a value too large ({what})")
        }
        other => {
            let text = other.to_string();
            match text.rfind(" (line ") {
                Some(i) if text.ends_with(')') => text[..i].to_string(),
                _ => text,
            }
        }
    }
}
