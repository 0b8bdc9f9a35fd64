//! `rubric review [ID...]`: the definition review of each indicator;
//! `--check` compares each with its committed snapshot and `--accept`
//! writes the new ones, in the files `cargo test` and `cargo insta review`
//! use, so an analyst's loop needs no Rust toolchain.

use super::failure::{Failure, Outcome};
use super::{compiled, EXIT_DIFFERENT, EXIT_PROBLEMS, EXIT_RUN_FAILED};
use crate::output::review;
use crate::output::review_snapshot::{self as snap, Snapshot};
use crate::run;
use crate::text::visible;
use std::path::{Path, PathBuf};

/// The options of `rubric review`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The indicators to review (default: all).
    pub ids: Vec<String>,
    /// Write one file per indicator (ID.md) into this folder instead of printing.
    #[arg(long, conflicts_with_all = ["check", "accept"])]
    pub out: Option<PathBuf>,
    /// Compare each review with its snapshot, print what changed, and
    /// fail (exit 4) when any differs or has none.
    #[arg(long, conflicts_with = "accept")]
    pub check: bool,
    /// Write each review that differs from its snapshot as the new
    /// snapshot (the indicators given, or all).
    #[arg(long)]
    pub accept: bool,
    /// The snapshot folder, inside the project (default: reviews).
    #[arg(long)]
    pub snapshots: Option<PathBuf>,
}

pub(super) fn review(project: &Path, o: Options) -> Outcome {
    let p = compiled(project)?;
    let unknown: Vec<&String> = o
        .ids
        .iter()
        .filter(|id| !p.indicators.iter().any(|i| &i.id == *id))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
        return Err(Failure::message(
            EXIT_PROBLEMS,
            format!(
                "error: no indicator {}\n  = help: the indicators are: {}",
                unknown
                    .iter()
                    .map(|u| format!("`{}`", visible(u, false)))
                    .collect::<Vec<_>>()
                    .join(", "),
                known.join(", ")
            ),
        ));
    }
    let card = match run::run(&p, run::RunOptions::new(&p)) {
        Ok(card) => card,
        Err(e) => {
            return Err(Failure::run_failed(e.0, &p.texts));
        }
    };
    let reviews: Vec<(String, String)> = p
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, ind)| review::matches(ind, &o.ids))
        .map(|(i, ind)| (ind.id.clone(), review::render(&p, &card, i)))
        .collect();
    if o.check || o.accept {
        let shown = o
            .snapshots
            .clone()
            .unwrap_or_else(|| PathBuf::from(snap::DEFAULT_FOLDER));
        let folder = project.join(&shown);
        let all_ids: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
        let scope = Scope {
            folder: &folder,
            shown: &shown,
            whole: o.ids.is_empty(),
            all_ids: &all_ids,
        };
        return if o.accept {
            accept(&scope, &reviews)
        } else {
            check(&scope, &reviews)
        };
    }
    match o.out {
        Some(dir) => {
            let files: Vec<(String, Vec<u8>)> = reviews
                .into_iter()
                .map(|(id, text)| (format!("{id}.md"), text.into_bytes()))
                .collect();
            if let Err(e) = crate::output::atomic::write_all(&dir, &files) {
                return Err(Failure::message(
                    EXIT_RUN_FAILED,
                    format!("error: writing to {}: {e}", dir.display()),
                ));
            }
            outln!("wrote {} reviews to {}", files.len(), dir.display());
        }
        None => {
            let texts: Vec<String> = reviews.into_iter().map(|(_, t)| t).collect();
            out!("{}", texts.join("\n---\n\n"));
        }
    }
    Ok(())
}

/// Where the snapshots are and which of them a command covers.
struct Scope<'a> {
    folder: &'a Path,
    /// The folder as the user knows it (relative to the project).
    shown: &'a Path,
    /// Every indicator was asked for, so stale snapshots are worth a word.
    whole: bool,
    all_ids: &'a [&'a str],
}

impl Scope<'_> {
    fn shown(&self, id: &str) -> String {
        crate::text::slashed(&self.shown.join(snap::file_name(id)))
    }
}

/// A review against its snapshot.
enum Verdict {
    Same,
    Changed(Snapshot),
    New,
}

fn judge(scope: &Scope, id: &str, text: &str) -> Result<Verdict, snap::SnapshotError> {
    let now = snap::normalise(text);
    Ok(match snap::read(&scope.folder.join(snap::file_name(id)))? {
        None => Verdict::New,
        Some(s) if s.text == now => Verdict::Same,
        Some(s) => Verdict::Changed(s),
    })
}

fn check(scope: &Scope, reviews: &[(String, String)]) -> Outcome {
    let mut differ = Vec::new();
    for (id, text) in reviews {
        match judge(scope, id, text) {
            Ok(Verdict::Same) => {}
            Ok(Verdict::New) => {
                outln!(
                    "{id}: no snapshot yet ({}); its review would be:",
                    scope.shown(id)
                );
                for line in snap::normalise(text).lines() {
                    outln!("+{}", visible(line, false));
                }
                outln!();
                differ.push(id.as_str());
            }
            Ok(Verdict::Changed(old)) => {
                outln!("{id}: the review differs from {}", scope.shown(id));
                out!("{}", diff(&old.text, &snap::normalise(text)));
                outln!();
                differ.push(id.as_str());
            }
            Err(e) => {
                return Err(Failure::message(EXIT_RUN_FAILED, format!(
                    "error: {}\n  = help: accept the review again with `rubric review --accept {id}`",
                    visible(&e.to_string(), false)
                )));
            }
        }
    }
    warn_stale(scope);
    if differ.is_empty() {
        outln!(
            "all {} reviews match their snapshots in {}",
            reviews.len(),
            scope.shown.display()
        );
        return Ok(());
    }
    outln!(
        "{} of {} reviews differ from their snapshots: {}\n  = help: if every change is intended, accept them with `rubric review --accept {}`",
        differ.len(),
        reviews.len(),
        differ.join(", "),
        differ.join(" ")
    );
    Err(Failure::Reported(EXIT_DIFFERENT))
}

fn accept(scope: &Scope, reviews: &[(String, String)]) -> Outcome {
    // Read once, when the first review without a snapshot needs it.
    let mut neighbours = None;
    let mut files = Vec::new();
    let mut accepted = Vec::new();
    for (id, text) in reviews {
        let existing = match judge(scope, id, text) {
            Ok(Verdict::Same) => continue,
            Ok(Verdict::New) => None,
            Ok(Verdict::Changed(old)) => Some(old),
            Err(e) => {
                return Err(Failure::message(
                    EXIT_RUN_FAILED,
                    format!(
                        "error: {}\n  = help: move the file away; `--accept` then writes a new one",
                        visible(&e.to_string(), false)
                    ),
                ));
            }
        };
        let header = match existing {
            Some(old) => old.header,
            None => neighbours
                .get_or_insert_with(|| snap::neighbours_header(scope.folder))
                .clone(),
        };
        files.push((snap::file_name(id), snap::render(&header, text)));
        accepted.push(id.as_str());
    }
    warn_stale(scope);
    if files.is_empty() {
        outln!(
            "all {} reviews already match their snapshots in {}",
            reviews.len(),
            scope.shown.display()
        );
        return Ok(());
    }
    if let Err(e) = crate::output::atomic::write_all(scope.folder, &files) {
        return Err(Failure::message(
            EXIT_RUN_FAILED,
            format!("error: writing to {}: {e}", scope.shown.display()),
        ));
    }
    outln!(
        "accepted {} review{} into {}: {}",
        accepted.len(),
        if accepted.len() == 1 { "" } else { "s" },
        scope.shown.display(),
        accepted.join(", ")
    );
    Ok(())
}

/// Says which snapshots belong to no indicator: the review of one that was
/// removed or renamed. Left for the user to delete (Rubric deletes only
/// what it made), and not a failure, as `cargo test` passes them too.
fn warn_stale(scope: &Scope) {
    if !scope.whole {
        return;
    }
    for path in snap::list(scope.folder) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some(id) = snap::id_of(name).filter(|id| !scope.all_ids.contains(id)) {
            errln!(
                "warning: {} is the snapshot of no indicator (`{}` was removed or renamed)\n  = help: delete the file if the indicator is gone",
                visible(&scope.shown(id), false),
                visible(id, false)
            );
        }
    }
}

/// How long the diff may search for the smallest difference; past it the
/// diff is still right, only longer than it need be.
const DIFF_SECONDS: u64 = 2;

/// Lines of a diff printed at the most; the rest are counted.
const DIFF_LINES: usize = 400;

/// A unified diff, three lines of context, with control characters shown
/// rather than acted on; bounded in time and in length, so a large
/// snapshot cannot stall the review (a 6 MB one took 37 s).
fn diff(old: &str, new: &str) -> String {
    let text = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(DIFF_SECONDS))
        .diff_lines(old, new);
    let mut out = String::new();
    let mut lines = 0usize;
    let mut left = 0usize;
    for hunk in text.unified_diff().context_radius(3).iter_hunks() {
        if lines >= DIFF_LINES {
            left += hunk.iter_changes().count();
            continue;
        }
        lines += 1;
        out.push_str(&format!("{}\n", hunk.header()));
        for change in hunk.iter_changes() {
            if lines >= DIFF_LINES {
                left += 1;
                continue;
            }
            lines += 1;
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            };
            let line = change.value();
            let line = line.strip_suffix('\n').unwrap_or(line);
            out.push_str(&format!("{sign}{}\n", visible(line, false)));
        }
    }
    if left > 0 {
        out.push_str(&format!(
            "... and {left} more lines of the diff, not shown (at most {DIFF_LINES} are)\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_a_large_snapshot_diff_is_bounded_in_time_and_length() {
        // Two 6 MB snapshots differing on every other line.
        let old: String = (0..200_000)
            .map(|i| format!("line {i} of the old\n"))
            .collect();
        let new: String = (0..200_000)
            .map(|i| {
                if i % 2 == 0 {
                    format!("line {i} of the new\n")
                } else {
                    format!("line {i} of the old\n")
                }
            })
            .collect();
        let shown = diff(&old, &new);
        assert!(
            shown.lines().count() <= DIFF_LINES + 1,
            "{}",
            shown.lines().count()
        );
        assert!(
            shown.ends_with("(at most 400 are)\n"),
            "{}",
            &shown[shown.len() - 200..]
        );
    }

    #[test]
    fn the_diff_shows_the_changed_line_with_its_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh";
        let new = "a\nb\nc\nd\nE\nf\ng\nh";
        assert_eq!(
            diff(old, new),
            "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn the_diff_shows_control_characters_as_text() {
        assert!(diff("a", "\u{1b}[2J").contains("+\\u{1b}[2J"));
    }
}
