//! Writing a set of outputs all or nothing: every file is first written
//! into a staging folder beside the outputs; only when all are written
//! are they renamed into place. Each file replaced is first moved into the
//! staging folder, so when a rename fails part-way (an output path is a
//! folder, a file is immutable) every step already taken is undone and the
//! folder holds the previous set, as the message then says.
//!
//! Rubric deletes only what it can prove it made: a staging folder is
//! named `.rubric-staging-TOKEN` and holds a marker file whose content is
//! that same random TOKEN; a stale one (left by a killed run) is emptied of
//! the names Rubric writes and removed without recursing into anything
//! else. Runs into the same folder take turns by locking the folder itself
//! (on Unix), so no lock file is left behind or followed through a link.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Staging folders are named with this prefix and a random token.
const STAGING_PREFIX: &str = ".rubric-staging-";
/// The marker file in a staging folder; it holds the folder's token.
const MARKER: &str = ".rubric-staging";
/// Where a folder cannot be locked (Windows), writers take turns through
/// this file in it.
#[cfg_attr(unix, allow(dead_code))]
const LOCK_FILE: &str = ".rubric.lock";
/// Where replaced files wait inside a staging folder until the set is in.
const PREVIOUS: &str = "previous";

/// Why a set of outputs was not written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    /// Nothing in the folder changed.
    #[error("{0}; the previous outputs were left as they were")]
    Untouched(String),
    /// A rename failed and so did undoing the ones before it.
    #[error("{failure}; undoing the files already replaced also failed ({undo}), so {folder} may hold new files beside old ones: run again once the cause is fixed")]
    Mixed {
        failure: String,
        undo: String,
        folder: String,
    },
}

fn untouched(what: impl std::fmt::Display) -> WriteError {
    WriteError::Untouched(what.to_string())
}

/// Writes `files` (name, bytes) into `out_dir`, all or nothing.
pub(crate) fn write_all<N: AsRef<str>>(
    out_dir: &Path,
    files: &[(N, Vec<u8>)],
) -> Result<(), WriteError> {
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_ref(), b.as_slice()))
        .collect();
    let files = files.as_slice();
    std::fs::create_dir_all(out_dir).map_err(|e| untouched(format!("creating the folder: {e}")))?;
    // Blocks while another run writes here; released when `lock` drops,
    // and by the system if this process dies.
    let _lock = lock_folder(out_dir).map_err(|e| untouched(format!("locking the folder: {e}")))?;
    remove_stale_staging(out_dir, files);
    for (name, _) in files {
        let target = out_dir.join(name);
        if let Ok(meta) = std::fs::symlink_metadata(&target) {
            if !meta.is_file() {
                return Err(untouched(format!(
                    "{} is not a plain file (a folder or a link), so it cannot be replaced",
                    target.display()
                )));
            }
        }
    }
    let staging = Staging::new(out_dir).map_err(|e| untouched(format!("staging: {e}")))?;
    for (name, bytes) in files {
        staging
            .write(name, bytes)
            .map_err(|e| untouched(format!("writing {name}: {e}")))?;
    }
    let result = swap_in(out_dir, &staging, files);
    sync_folder(out_dir);
    staging.remove(files);
    result
}

/// Moves the new files into place, each old one first into the staging
/// folder; on a failure, undoes every step in reverse.
fn swap_in(out_dir: &Path, staging: &Staging, files: &[(&str, &[u8])]) -> Result<(), WriteError> {
    // Each step: (from, to), done in order, undone in reverse.
    let mut done: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut failure = None;
    for (name, _) in files {
        let target = out_dir.join(name);
        let backup = staging.previous().join(name);
        if std::fs::symlink_metadata(&target).is_ok() {
            if let Err(e) = std::fs::rename(&target, &backup) {
                failure = Some(replace_failure(&target, &e));
                break;
            }
            done.push((target.clone(), backup));
        }
        let new = staging.path.join(name);
        if let Err(e) = std::fs::rename(&new, &target) {
            failure = Some(format!("moving {name} into place: {e}"));
            break;
        }
        done.push((new, target));
    }
    let Some(failure) = failure else {
        return Ok(());
    };
    let mut undo_errors = Vec::new();
    for (from, to) in done.iter().rev() {
        if let Err(e) = std::fs::rename(to, from) {
            undo_errors.push(format!("{}: {e}", from.display()));
        }
    }
    if undo_errors.is_empty() {
        Err(WriteError::Untouched(failure))
    } else {
        Err(WriteError::Mixed {
            failure,
            undo: undo_errors.join("; "),
            folder: out_dir.display().to_string(),
        })
    }
}

/// Why a file could not be replaced, with what to do where the system
/// says: on Windows a file open in another program (Excel holds the
/// workbook it shows) can be neither moved nor renamed over, so the run
/// stops with the previous set whole and says to close it.
fn replace_failure(target: &Path, e: &std::io::Error) -> String {
    let mut message = format!("replacing {}: {e}", target.display());
    if held_open(e.raw_os_error(), cfg!(windows)) {
        message.push_str(
            " (it is open in another program, such as Excel: close it there and run again)",
        );
    }
    message
}

/// ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33): another
/// program has the file open. The same numbers mean other things on Unix.
fn held_open(code: Option<i32>, windows: bool) -> bool {
    windows && matches!(code, Some(32 | 33))
}

/// A staging folder this run made, with its token in a marker file.
struct Staging {
    path: PathBuf,
}

impl Staging {
    fn new(out_dir: &Path) -> std::io::Result<Staging> {
        let token = token();
        let path = out_dir.join(format!("{STAGING_PREFIX}{token}"));
        std::fs::create_dir(&path)?;
        std::fs::write(path.join(MARKER), &token)?;
        std::fs::create_dir(path.join(PREVIOUS))?;
        Ok(Staging { path })
    }

    fn previous(&self) -> PathBuf {
        self.path.join(PREVIOUS)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut f = File::create_new(self.path.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    /// Removes the folder: the names this module writes, nothing else.
    fn remove(&self, files: &[(&str, &[u8])]) {
        remove_known(&self.path, files.iter().map(|(n, _)| *n));
    }
}

/// A random token from the system's hasher seeds, the clock and the
/// process id: unguessable enough that no folder of a user's matches it.
fn token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    let a = h.finish();
    let b = std::collections::hash_map::RandomState::new().hash_one(a);
    format!("{a:016x}{b:016x}")
}

/// Removes `dir` when it is a staging folder Rubric made: its name carries
/// a token and its marker file holds the same token. Only the names Rubric
/// writes are removed; a folder holding anything else is left.
fn remove_known<'a>(dir: &Path, names: impl Iterator<Item = &'a str>) {
    let names: Vec<&str> = names.collect();
    for name in &names {
        let _ = std::fs::remove_file(dir.join(PREVIOUS).join(name));
        let _ = std::fs::remove_file(dir.join(name));
    }
    let _ = std::fs::remove_dir(dir.join(PREVIOUS));
    let _ = std::fs::remove_file(dir.join(MARKER));
    let _ = std::fs::remove_dir(dir);
}

/// Removes staging folders of runs that died before cleaning up, when
/// they are provably Rubric's. Only called under the lock, so no live run
/// is writing into them.
fn remove_stale_staging(out_dir: &Path, files: &[(&str, &[u8])]) {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(token) = name.to_str().and_then(|n| n.strip_prefix(STAGING_PREFIX)) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let marker = std::fs::read(entry.path().join(MARKER));
        if is_dir && marker.is_ok_and(|m| m == token.as_bytes()) {
            remove_known(&entry.path(), files.iter().map(|(n, _)| *n));
        }
    }
}

/// Holds the folder's lock: writers into the same folder take turns.
#[cfg(unix)]
fn lock_folder(dir: &Path) -> std::io::Result<File> {
    let folder = File::open(dir)?;
    folder.lock()?;
    Ok(folder)
}

/// Where a folder cannot be opened as a file, writers take turns through a
/// lock file, created if need be and never through a link.
#[cfg(not(unix))]
fn lock_folder(dir: &Path) -> std::io::Result<File> {
    let path = dir.join(LOCK_FILE);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(std::io::Error::other(format!(
            "{} is not a plain file",
            path.display()
        )));
    }
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    lock.lock()?;
    Ok(lock)
}

/// Makes the renames durable where the system allows syncing a folder.
fn sync_folder(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        // Not every platform can sync a folder; the renames are done either way.
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, but for the lock file Windows writers leave.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n != LOCK_FILE)
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_files_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &[("a.txt", b"one".to_vec())]).unwrap();
        write_all(dir.path(), &[("a.txt", b"two".to_vec())]).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"two");
        assert_eq!(names(dir.path()), ["a.txt"], "no staging folder");
        // Windows cannot lock a folder, so writers take turns through a
        // lock file, which stays (removing it would race the next writer).
        assert_eq!(dir.path().join(LOCK_FILE).exists(), cfg!(not(unix)));
    }

    /// Excel opens the workbook it shows without sharing: no other program
    /// may move, rename or delete it until it is closed.
    #[cfg(windows)]
    #[test]
    fn a_workbook_held_open_leaves_the_previous_set_and_says_to_close_it() {
        use std::os::windows::fs::OpenOptionsExt;
        let dir = tempfile::tempdir().unwrap();
        let set = |a: &[u8], b: &[u8]| [("a.md", a.to_vec()), ("b.xlsx", b.to_vec())];
        write_all(dir.path(), &set(b"old a", b"old b")).unwrap();
        let held = std::fs::OpenOptions::new()
            .read(true)
            .share_mode(0)
            .open(dir.path().join("b.xlsx"))
            .unwrap();
        let err = write_all(dir.path(), &set(b"new a", b"new b")).unwrap_err();
        assert!(matches!(err, WriteError::Untouched(_)), "{err}");
        assert!(err.to_string().contains("open in another program"), "{err}");
        drop(held);
        assert_eq!(std::fs::read(dir.path().join("a.md")).unwrap(), b"old a");
        assert_eq!(std::fs::read(dir.path().join("b.xlsx")).unwrap(), b"old b");
        write_all(dir.path(), &set(b"new a", b"new b")).unwrap();
        assert_eq!(std::fs::read(dir.path().join("b.xlsx")).unwrap(), b"new b");
    }

    #[test]
    fn a_file_held_open_on_windows_is_named_with_what_to_do() {
        let e = std::io::Error::from_raw_os_error(32);
        assert!(held_open(Some(32), true) && held_open(Some(33), true));
        assert!(!held_open(Some(5), true) && !held_open(None, true));
        // 32 is a broken pipe on Unix: no advice about Excel there.
        assert!(!held_open(Some(32), false));
        let message = replace_failure(Path::new("out/scorecard.xlsx"), &e);
        assert!(message.starts_with("replacing out/scorecard.xlsx: "));
        assert_eq!(message.contains("open in another program"), cfg!(windows));
    }

    #[test]
    fn a_staging_folder_left_by_a_killed_run_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".rubric-staging-0123abcd");
        std::fs::create_dir_all(stale.join(PREVIOUS)).unwrap();
        std::fs::write(stale.join(MARKER), "0123abcd").unwrap();
        std::fs::write(stale.join("a.txt"), "half").unwrap();
        write_all(dir.path(), &[("a.txt", b"one".to_vec())]).unwrap();
        assert!(!stale.exists());
    }

    #[test]
    fn regression_folders_rubric_did_not_make_are_never_deleted() {
        let dir = tempfile::tempdir().unwrap();
        // A user's folder with our prefix, one with a marker that does not
        // prove it, and one of ours that holds something else too.
        let users = dir.path().join(".rubric-important");
        std::fs::create_dir_all(&users).unwrap();
        std::fs::write(users.join("notes.txt"), "mine").unwrap();
        let forged = dir.path().join(".rubric-staging-feed");
        std::fs::create_dir_all(&forged).unwrap();
        std::fs::write(forged.join(MARKER), "beef").unwrap();
        let mixed = dir.path().join(".rubric-staging-cafe");
        std::fs::create_dir_all(&mixed).unwrap();
        std::fs::write(mixed.join(MARKER), "cafe").unwrap();
        std::fs::write(mixed.join("thesis.docx"), "years of work").unwrap();
        write_all(dir.path(), &[("a.txt", b"one".to_vec())]).unwrap();
        assert_eq!(std::fs::read(users.join("notes.txt")).unwrap(), b"mine");
        assert!(forged.join(MARKER).exists());
        assert_eq!(
            std::fs::read(mixed.join("thesis.docx")).unwrap(),
            b"years of work"
        );
    }

    #[test]
    fn regression_a_failed_rename_leaves_the_previous_set_whole() {
        let dir = tempfile::tempdir().unwrap();
        write_all(
            dir.path(),
            &[("a", b"old a".to_vec()), ("b", b"old b".to_vec())],
        )
        .unwrap();
        // An output path that is a folder: found before anything moves.
        std::fs::create_dir(dir.path().join("c")).unwrap();
        let err = write_all(
            dir.path(),
            &[
                ("a", b"new a".to_vec()),
                ("b", b"new b".to_vec()),
                ("c", b"new c".to_vec()),
            ],
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::Untouched(_)), "{err}");
        assert_eq!(std::fs::read(dir.path().join("a")).unwrap(), b"old a");
        assert_eq!(std::fs::read(dir.path().join("b")).unwrap(), b"old b");
        assert_eq!(names(dir.path()), ["a", "b", "c"]);
    }

    #[test]
    fn a_rename_failing_part_way_is_undone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(&out, &[("a", b"old a".to_vec()), ("b", b"old b".to_vec())]).unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.write("a", b"new a").unwrap();
        // "b" was never staged: its rename into place fails after "a"'s.
        let files: [(&str, &[u8]); 2] = [("a", b"new a"), ("b", b"new b")];
        let err = swap_in(&out, &staging, &files).unwrap_err();
        assert!(matches!(err, WriteError::Untouched(_)), "{err}");
        staging.remove(&files);
        assert_eq!(std::fs::read(out.join("a")).unwrap(), b"old a");
        assert_eq!(std::fs::read(out.join("b")).unwrap(), b"old b");
        assert_eq!(names(&out), ["a", "b"]);
    }

    #[test]
    fn concurrent_writers_each_leave_a_whole_set() {
        let dir = tempfile::tempdir().unwrap();
        let writers: Vec<_> = (0..8u8)
            .map(|i| {
                let d = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    let body = vec![i; 100_000];
                    write_all(&d, &[("a", body.clone()), ("b", body)]).unwrap();
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let a = std::fs::read(dir.path().join("a")).unwrap();
        let b = std::fs::read(dir.path().join("b")).unwrap();
        assert_eq!(a.len(), 100_000);
        assert_eq!(a, b, "a and b come from the same run");
    }
}
