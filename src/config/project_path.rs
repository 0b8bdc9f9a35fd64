//! Paths written in project files (a source's `path`, a calendar file),
//! read the same on every platform: definitions written on a Windows
//! laptop with `extracts\referrals.csv` run unchanged in Linux CI, and a
//! path that would leave the project (absolute, a drive letter, a network
//! share, `..`) is refused with the reason before anything is opened.

/// Why a path written in a project file cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum OutsideProject {
    #[error("it names a drive (`{0}:`), so it leads outside the project folder")]
    Drive(char),
    #[error("it names a network share, outside the project folder")]
    Share,
    #[error("it is absolute, so it leads outside the project folder")]
    Absolute,
    #[error("it goes up out of the project folder (`..`)")]
    Up,
    #[error("it names no file")]
    NoFile,
}

/// The project-relative path `text` names, with `/` between its parts; or
/// why it is not one.
pub(crate) fn project_relative(text: &str) -> Result<String, OutsideProject> {
    let unified = text.replace('\\', "/");
    let b = unified.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err(OutsideProject::Drive(char::from(b[0])));
    }
    if unified.starts_with("//") {
        return Err(OutsideProject::Share);
    }
    if unified.starts_with('/') {
        return Err(OutsideProject::Absolute);
    }
    let parts: Vec<&str> = unified
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return Err(OutsideProject::Up);
    }
    if parts.is_empty() {
        return Err(OutsideProject::NoFile);
    }
    Ok(parts.join("/"))
}

/// The project-relative path `text` (written at `place` of `file`), or
/// the error saying why it cannot be read.
pub(crate) fn checked(
    text: &str,
    file: &std::path::Path,
    place: crate::diagnostic::Place,
) -> Result<String, crate::diagnostic::Diagnostic> {
    project_relative(text).map_err(|why| {
        let shown = crate::text::visible(text, false);
        crate::diagnostic::Diagnostic::new(
            file,
            place,
            format!("the path `{shown}` cannot be read: {why}"),
        )
        .help(HELP)
    })
}

/// What to write instead, for the help of a refused path.
pub(crate) const HELP: &str = "give the path inside the project folder, relative to it, such as `extracts/referrals.csv` (`/` or `\\` between folders); copy the file into the project if it lives elsewhere";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslashes_separate_folders_on_every_platform() {
        assert_eq!(
            project_relative(r"extracts\referrals.csv").unwrap(),
            "extracts/referrals.csv"
        );
        assert_eq!(
            project_relative(r".\extracts/2023\ref-*.csv").unwrap(),
            "extracts/2023/ref-*.csv"
        );
        assert_eq!(
            project_relative("data//x.parquet").unwrap(),
            "data/x.parquet"
        );
    }

    #[test]
    fn drive_letters_shares_roots_and_parents_are_refused() {
        for (path, why) in [
            (r"C:\data\referrals.csv", "names a drive (`C:`)"),
            ("c:referrals.csv", "names a drive (`c:`)"),
            ("D:/extracts/x.csv", "names a drive (`D:`)"),
            (r"\\server\share\x.csv", "network share"),
            ("//server/share/x.csv", "network share"),
            ("/etc/passwd", "absolute"),
            (r"\extracts\x.csv", "absolute"),
            (r"extracts\..\..\secret.csv", "`..`"),
            ("../x.csv", "`..`"),
            ("", "no file"),
            (r".\", "no file"),
        ] {
            let e = project_relative(path).unwrap_err().to_string();
            assert!(e.contains(why), "{path}: {e}");
        }
    }

    #[test]
    fn names_that_only_look_like_drives_are_kept() {
        assert_eq!(project_relative("data/C:x.csv").unwrap(), "data/C:x.csv");
        assert_eq!(project_relative("1:x.csv").unwrap(), "1:x.csv");
    }
}
