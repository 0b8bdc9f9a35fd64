//! Reads the YAML files of a project and turns parse failures into
//! diagnostics with their place and a suggestion.

use super::document::{IndicatorFile, ProjectDoc, RuleFile};
use super::files::{files_with_extensions, read_text};
use super::sources::{SourceDoc, SourcesFile};
use crate::diagnostic::{did_you_mean, Diagnostic, Place, SourceTexts};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// The optional settings file at the project root.
pub(crate) const SETTINGS_FILE: &str = "rubric.yaml";

/// A parsed document and the file it came from (relative to the project).
#[derive(Debug)]
pub struct Loaded<T> {
    pub file: PathBuf,
    pub doc: T,
}

/// Every YAML document of a project, parsed, with the problems found.
#[derive(Debug, Default)]
pub struct ProjectFiles {
    pub indicators: Vec<Loaded<IndicatorFile>>,
    pub rules: Vec<Loaded<RuleFile>>,
    /// `rubric.yaml`, when the project has one.
    pub settings: Option<Loaded<ProjectDoc>>,
    /// Declared sources, by the file declaring them (`rubric.yaml` first,
    /// then the files under `sources/`).
    pub sources: Vec<Loaded<Vec<SourceDoc>>>,
    /// The page files under `pages/`, in path order.
    pub pages: Vec<Loaded<super::page::PageDoc>>,
    pub texts: SourceTexts,
    pub problems: Vec<Diagnostic>,
}

/// Reads `indicators/**/*.yaml` and `rules/**/*.yaml` under `root`.
pub fn load_project(root: &Path) -> ProjectFiles {
    let mut files = ProjectFiles::default();
    let settings = root.join(SETTINGS_FILE);
    // Anything by that name is read through the one door, which refuses a
    // folder, a FIFO or a dangling link: none is silently taken for "no
    // settings".
    if settings.symlink_metadata().is_ok() {
        let relative = PathBuf::from(SETTINGS_FILE);
        if let Some(text) = read_text(root, &settings, &relative, &mut files.problems) {
            files.texts.insert(relative.clone(), text.clone());
            let before = files.problems.len();
            let parsed = parse::<ProjectDoc>(&text, &relative, &mut files.problems);
            name_entries(&text, &mut files.problems[before..], "name", "source");
            if let Some(mut doc) = parsed {
                if !doc.sources.is_empty() {
                    files.sources.push(Loaded {
                        file: relative.clone(),
                        doc: std::mem::take(&mut doc.sources),
                    });
                }
                files.settings = Some(Loaded {
                    file: relative,
                    doc,
                });
            }
        }
    }
    load_source_files(root, &mut files);
    load_page_files(root, &mut files);
    for (folder, is_rules) in [("indicators", false), ("rules", true)] {
        let dir = root.join(folder);
        if !dir.is_dir() {
            files.problems.push(
                Diagnostic::new(
                    folder,
                    Place::WHOLE_FILE,
                    format!("the project has no `{folder}/` folder"),
                )
                .help(format!(
                    "run rubric in the project folder, or pass --project DIR; expected {}",
                    dir.display()
                )),
            );
            continue;
        }
        let (paths, problems) = files_with_extensions(root, &dir, &["yaml", "yml"]);
        files.problems.extend(problems);
        for path in paths {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let Some(text) = read_text(root, &path, &relative, &mut files.problems) else {
                continue;
            };
            files.texts.insert(relative.clone(), text.clone());
            let before = files.problems.len();
            if is_rules {
                if let Some(doc) = parse::<RuleFile>(&text, &relative, &mut files.problems) {
                    files.rules.push(Loaded {
                        file: relative,
                        doc,
                    });
                }
            } else if let Some(doc) = parse::<IndicatorFile>(&text, &relative, &mut files.problems)
            {
                files.indicators.push(Loaded {
                    file: relative,
                    doc,
                });
            }
            let (key, what) = if is_rules {
                ("name", "rule set")
            } else {
                ("id", "indicator")
            };
            name_entries(&text, &mut files.problems[before..], key, what);
        }
    }
    files
}

/// Reads `sources/**/*.yaml`, when the folder exists (it is optional).
fn load_source_files(root: &Path, files: &mut ProjectFiles) {
    let dir = root.join("sources");
    if !dir.is_dir() {
        return;
    }
    let (paths, problems) = files_with_extensions(root, &dir, &["yaml", "yml"]);
    files.problems.extend(problems);
    for path in paths {
        let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let Some(text) = read_text(root, &path, &relative, &mut files.problems) else {
            continue;
        };
        files.texts.insert(relative.clone(), text.clone());
        let before = files.problems.len();
        let parsed = parse::<SourcesFile>(&text, &relative, &mut files.problems);
        name_entries(&text, &mut files.problems[before..], "name", "source");
        if let Some(doc) = parsed {
            files.sources.push(Loaded {
                file: relative,
                doc: doc.sources,
            });
        }
    }
}

/// Reads `pages/**/*.yaml`, when the folder exists (it is optional).
fn load_page_files(root: &Path, files: &mut ProjectFiles) {
    let dir = root.join("pages");
    if !dir.is_dir() {
        return;
    }
    let (paths, problems) = files_with_extensions(root, &dir, &["yaml", "yml"]);
    files.problems.extend(problems);
    for path in paths {
        let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let Some(text) = read_text(root, &path, &relative, &mut files.problems) else {
            continue;
        };
        files.texts.insert(relative.clone(), text.clone());
        let before = files.problems.len();
        let parsed = parse::<super::page::PageDoc>(&text, &relative, &mut files.problems);
        let page = relative
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for problem in &mut files.problems[before..] {
            problem
                .subject
                .get_or_insert_with(|| format!("page {page}"));
        }
        if let Some(doc) = parsed {
            files.pages.push(Loaded {
                file: relative,
                doc,
            });
        }
    }
}

/// Names the entry (indicator, rule set, source) each problem is in.
fn name_entries(text: &str, problems: &mut [Diagnostic], key: &str, what: &str) {
    for problem in problems {
        if problem.subject.is_none() {
            if let Some(name) = enclosing_entry(text, problem.place.line, key) {
                problem.subject = Some(format!("{what} {name}"));
            }
        }
    }
}

/// The `id:` (or `name:`) of the list entry holding `line`: the nearest one
/// above it, so a problem in a file that does not parse still names the
/// indicator it is in.
fn enclosing_entry(text: &str, line: u32, key: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(line as usize).collect();
    lines.iter().rev().find_map(|l| {
        let rest = l.trim_start().trim_start_matches("- ").trim_start();
        let value = rest
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix(':')?
            .trim();
        (!value.is_empty()).then(|| value.trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

/// Parses one YAML document, recording a diagnostic on failure.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        problems.push(
            Diagnostic::new(file, Place::WHOLE_FILE, "the file is empty").help(
                "write its definitions (see the YAML reference in the README), or delete the file",
            ),
        );
        return None;
    }
    if let Some(tagged) = first_tag(text) {
        problems.push(
            Diagnostic::new(file, tagged, "YAML tags (`!!binary`, `!include`, `!anything`) are not accepted in definitions")
                .help("remove the tag and write the value plainly; a value that must stay text can be quoted"),
        );
        return None;
    }
    match serde_saphyr::from_str_with_options::<T>(text, yaml_options()) {
        Ok(doc) => Some(doc),
        Err(err) => {
            problems.push(yaml_error_to_diagnostic(&err, file, text));
            None
        }
    }
}

/// The parser's resource limits, set here rather than left to the crate's
/// defaults so they cannot loosen unnoticed: definition files are small
/// and shallow, so these are far above any real file and far below harm.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_YAML_DEPTH,
            max_aliases: 10_000,
            max_anchors: 10_000,
            max_events: 1_000_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
        reject_unsupported_tags: true,
    }
}

/// Where the first tagged node is, if any. The deserialiser accepts the
/// standard tags (`!!binary` decodes base64 into text), so tags are refused
/// here, from the parser's events, before anything is read from the file.
/// A file that does not parse is left to the deserialiser to report.
fn first_tag(text: &str) -> Option<Place> {
    use granit_parser::{Event, Parser};
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return None;
        };
        let tagged = match &event {
            Event::Scalar(_, _, _, tag) => tag.is_some(),
            Event::SequenceStart(_, _, tag) | Event::MappingStart(_, _, tag) => tag.is_some(),
            _ => false,
        };
        if tagged {
            // The event starts at the value; point at the tag before it.
            let line = span.start.line();
            let col = span.start.col();
            let before: String = text
                .lines()
                .nth(line.saturating_sub(1))?
                .chars()
                .take(col)
                .collect();
            let tag_col = before
                .trim_end()
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
            let col = if before[tag_col..].starts_with('!') {
                before[..tag_col].chars().count()
            } else {
                col
            };
            return Some(Place::new(line as u32, col as u32 + 1));
        }
    }
    None
}

/// How deeply a definition file may nest (the deepest real one uses 6).
const MAX_YAML_DEPTH: usize = 32;

fn yaml_error_to_diagnostic(err: &serde_saphyr::Error, file: &Path, text: &str) -> Diagnostic {
    use serde_saphyr::Error as E;
    let mut place = err
        .location()
        .map(|l| Place::from(&l))
        .unwrap_or(Place::WHOLE_FILE);
    let inner = err.without_snippet();
    // The parser finds a key missing where the mapping ends; the analyst
    // looks for the item that lacks it.
    if matches!(inner, E::SerdeMissingField { .. }) && place.line > 0 {
        place = mapping_start(text, place);
    }
    let (message, help) = match inner {
        E::SerdeUnknownField {
            field, expected, ..
        } => {
            let help = match did_you_mean(field, expected.iter().copied()) {
                Some(s) => format!(
                    "did you mean `{s}`? allowed keys here: {}",
                    expected.join(", ")
                ),
                None => format!("allowed keys here: {}", expected.join(", ")),
            };
            (format!("unknown key `{field}`"), help)
        }
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let help = match did_you_mean(variant, expected.iter().copied()) {
                Some(s) => format!(
                    "did you mean `{s}`? allowed values: {}",
                    expected.join(", ")
                ),
                None => format!("allowed values: {}", expected.join(", ")),
            };
            (format!("unknown value `{variant}`"), help)
        }
        E::SerdeMissingField { field, .. } => (
            format!("missing required key `{field}`"),
            format!("add `{field}:` to this mapping (see the YAML reference in the README); if it is there, check it is indented like the keys around it"),
        ),
        E::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!("the key `{k}` appears twice in the same mapping"),
                None => "a key appears twice in the same mapping".to_string(),
            },
            "keep one of them: YAML would otherwise silently drop the first".to_string(),
        ),
        E::Budget { breach, .. } => (
            format!("the YAML is too big or too deeply nested for a definition file ({breach:?})"),
            format!(
                "definition files are small and at most {MAX_YAML_DEPTH} levels deep, and aliases (`*name`) may not expand to more than 100,000 items; split the file, or write repeated parts out"
            ),
        ),
        other => explain_plain(&plain_message(other)),
    };
    Diagnostic::new(file, place, message).help(help)
}

/// Where the block mapping holding the key at `at` begins: the `-` of
/// the list item it is, or else its first key.
fn mapping_start(text: &str, at: Place) -> Place {
    let lines: Vec<&str> = text.lines().collect();
    let Some(line) = lines.get(at.line as usize - 1) else {
        return at;
    };
    // (indent, column of the content after any `- `), 0-based.
    let shape = |l: &str| {
        let t = l.trim_start();
        let indent = l.len() - t.len();
        match t.strip_prefix('-') {
            Some(rest) if rest.is_empty() || rest.starts_with(' ') => {
                (indent, indent + 1 + (rest.len() - rest.trim_start().len()))
            }
            _ => (indent, indent),
        }
    };
    let (_, key_col) = shape(line);
    let mut first = at.line as usize - 1;
    for j in (0..at.line as usize).rev() {
        let l = lines[j];
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (indent, content) = shape(l);
        if content == key_col && indent < key_col {
            return Place::new(j as u32 + 1, indent as u32 + 1);
        }
        if indent == key_col {
            first = j;
        } else if indent < key_col {
            break;
        }
    }
    Place::new(first as u32 + 1, key_col as u32 + 1)
}

/// The error's own words without its location suffix (we print the place ourselves).
fn plain_message(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    match first.find(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

/// Plain parser messages in an analyst's words, with a fix.
fn explain_plain(message: &str) -> (String, String) {
    let lower = message.to_lowercase();
    let (what, help) = if lower.starts_with("invalid u") || lower.starts_with("invalid i") {
        (
            "expected a whole number here".to_string(),
            "write digits only, e.g. `decimals: 1`",
        )
    } else if lower.contains("invalid type: sequence") || lower.contains("invalid type: map") {
        (
            "expected a number here, not a list or a mapping".to_string(),
            "write a plain number such as 95; if a `[` or `{` is left open on this line, close it",
        )
    } else if lower.contains("floating point") || lower.contains("expected a number") {
        (
            "expected a number here".to_string(),
            "write a plain number such as 95 or 12.5, without % or words",
        )
    } else if lower.contains("tab") {
        (
            message.to_string(),
            "indent with spaces: YAML does not allow tabs for indentation",
        )
    } else if lower.contains("expected string scalar") || lower.contains("flow") {
        (
            format!("{message} (a bracket or quote may be left open)"),
            "close every `[`, `{` and quote opened on this line",
        )
    } else if lower.contains("alias replay") {
        (
            "the YAML is too big: its aliases (`*name`) expand to more than 100,000 items"
                .to_string(),
            "write repeated parts out, or split the file; aliases this large are not a definition",
        )
    } else if lower.contains("recursive reference") {
        (
            "an alias refers to the value that holds it (`*name` inside `&name`)".to_string(),
            "write the value out instead of referring to itself",
        )
    } else if lower.contains("recursion limit") || lower.contains("depth") {
        (
            format!("the YAML is nested too deeply (more than {MAX_YAML_DEPTH} levels)"),
            "definitions need only a few levels: look for brackets `[` or `{` that are never closed",
        )
    } else if lower.contains("multiple yaml documents") {
        (
            "the file holds more than one YAML document (a `---` line starts another)".to_string(),
            "keep one document per file: remove the `---` line, or move what follows it to a file of its own",
        )
    } else if lower.contains("unsupported tag") || lower.contains("tag") {
        (
            format!("{message}: Rubric does not use YAML tags such as `!include`"),
            "write the value itself; to share definitions, put them in a file of their own under indicators/ or rules/",
        )
    } else if lower.contains("expected mapping start") {
        (
            "expected `key: value` pairs here".to_string(),
            "write a mapping, one `key: value` per line, indented alike (see the YAML reference in the README)",
        )
    } else if lower.contains("expected sequence start") {
        (
            "expected a list here".to_string(),
            "write a list, one `- item` per line or `[a, b]`",
        )
    } else if lower.contains("unexpected character") {
        (
            message.to_string(),
            "remove the character: files exported from other programs sometimes carry invisible control characters",
        )
    } else {
        (
            message.to_string(),
            "fix the YAML at this place; indentation and `key: value` spacing are the usual causes",
        )
    };
    (what, help.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_points_at_the_item_or_mapping_that_lacks_it() {
        let text = "indicators:\n  - id: A\n    title: x\n    # note\n    unit: count\n  - id: B\n    title: y\n";
        assert_eq!(mapping_start(text, Place::new(5, 5)), Place::new(2, 3));
        assert_eq!(mapping_start(text, Place::new(7, 5)), Place::new(6, 3));
        let nested = "measure:\n  kind: flow\n  source: s\n";
        assert_eq!(mapping_start(nested, Place::new(3, 3)), Place::new(2, 3));
    }
    use serde::de::IgnoredAny;

    fn problems_of(text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        parse::<IgnoredAny>(text, Path::new("x.yaml"), &mut problems);
        problems.into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn alias_expansion_is_bounded() {
        // Nine levels of nine aliases: 387 million items if expanded.
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..9 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            text += &format!("a{i}: &a{i} [{refs}]\n");
        }
        text += "all: *a8\n";
        let started = std::time::Instant::now();
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("too big"), "{problems:?}");
        assert!(started.elapsed().as_secs() < 5, "refused quickly");
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("x: {}{}\n", "[".repeat(100), "]".repeat(100));
        let problems = problems_of(&deep);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("nested"), "{problems:?}");
        let fine = format!("x: {}{}\n", "[".repeat(10), "]".repeat(10));
        assert!(problems_of(&fine).is_empty());
    }

    #[test]
    fn empty_and_comment_only_files_are_refused_as_empty() {
        assert_eq!(problems_of(""), vec!["the file is empty"]);
        assert_eq!(problems_of("# nothing\n\n"), vec!["the file is empty"]);
    }
}
