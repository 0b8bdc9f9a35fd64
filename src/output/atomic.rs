//! Writing a run's outputs all or nothing: every file is first written
//! into a temporary folder beside the output folder, and only when all
//! have been written are they renamed into place, one atomic rename each.
//! A failed or killed run leaves the previous outputs as they were.
//!
//! Runs into the same folder take turns through a lock file held while
//! they write, so two runs never interleave their renames; staging folders
//! left by a killed run are removed by the next one.

use std::fs::File;
use std::io::Write;
use std::path::Path;

/// The lock file in an output folder (empty; safe to delete between runs).
pub const LOCK_FILE: &str = ".rubric.lock";

/// Staging folders are named with this prefix.
const STAGING_PREFIX: &str = ".rubric-";

/// Writes `files` (name, bytes) into `out_dir`.
pub fn write_all(out_dir: &Path, files: &[(&str, Vec<u8>)]) -> std::io::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out_dir.join(LOCK_FILE))?;
    // Blocks while another run writes here; released when `lock` drops,
    // and by the system if this process dies.
    lock.lock()?;
    remove_stale_staging(out_dir)?;
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(out_dir)?;
    for (name, bytes) in files {
        let mut f = File::create(staging.path().join(name))?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    for (name, _) in files {
        std::fs::rename(staging.path().join(name), out_dir.join(name))?;
    }
    sync_folder(out_dir);
    Ok(())
}

/// Removes staging folders of runs that died before cleaning up. Only
/// called under the lock, so no live run is writing into them.
fn remove_stale_staging(out_dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(out_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(STAGING_PREFIX) && entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
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

    #[test]
    fn replaces_files_and_leaves_no_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &[("a.txt", b"one".to_vec())]).unwrap();
        write_all(dir.path(), &[("a.txt", b"two".to_vec())]).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            2,
            "only the output and the lock file: {names:?}"
        );
        assert!(names.contains(&std::ffi::OsString::from(LOCK_FILE)));
    }

    #[test]
    fn a_staging_folder_left_by_a_killed_run_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".rubric-dead");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join("scorecard.csv"), "half").unwrap();
        write_all(dir.path(), &[("a.txt", b"one".to_vec())]).unwrap();
        assert!(!stale.exists());
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
