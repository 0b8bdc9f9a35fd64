//! Writing a run's outputs all or nothing: every file is first written
//! into a temporary folder beside the output folder, and only when all
//! have been written are they renamed into place, one atomic rename each.
//! A failed run leaves the previous outputs as they were.

use std::io::Write;
use std::path::Path;

/// Writes `files` (name, bytes) into `out_dir`.
pub fn write_all(out_dir: &Path, files: &[(&str, Vec<u8>)]) -> std::io::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    let staging = tempfile::Builder::new()
        .prefix(".rubric-")
        .tempdir_in(out_dir)?;
    for (name, bytes) in files {
        let mut f = std::fs::File::create(staging.path().join(name))?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    for (name, _) in files {
        std::fs::rename(staging.path().join(name), out_dir.join(name))?;
    }
    Ok(())
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
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt")]);
    }
}
