//! Review snapshots on disk, in the file format insta uses, so that
//! `rubric review --check` and `cargo test` (with `cargo insta review`)
//! read and write the same files: `reviews/ID.snap`, a
//! YAML header between two `---` lines, then the review. insta compares
//! the text with trailing whitespace trimmed and CRLF read as LF; so does
//! this module, so a snapshot checked out with Windows line endings still
//! matches.

use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Where review snapshots live in a project (`tests/reviews.rs` points
/// insta at the same folder).
pub(crate) const DEFAULT_FOLDER: &str = "reviews";

/// A snapshot file larger than this is refused rather than read: reviews
/// are a few kilobytes.
const MAX_BYTES: u64 = 16 << 20;

/// The header written on a new snapshot when no other review snapshot in
/// the folder gives one.
const NEW_HEADER: &str = "source: rubric review\nexpression: text\n";

/// The file name of an indicator's review snapshot.
pub(crate) fn file_name(id: &str) -> String {
    format!("{id}.snap")
}

/// The indicator id a snapshot file name belongs to.
pub(crate) fn id_of(file_name: &str) -> Option<&str> {
    file_name
        .strip_suffix(".snap")
        .filter(|id| !id.is_empty())
        .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// A snapshot as read: its header lines (between the `---` lines) and
/// its text, normalised as insta compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub header: String,
    pub text: String,
}

/// The text as insta compares and writes it: trailing whitespace trimmed,
/// CRLF as LF.
pub(crate) fn normalise(text: &str) -> String {
    text.trim_end().replace("\r\n", "\n")
}

/// Parses a snapshot file's bytes; `None` when it is not in insta's format
/// (a header opened and closed by `---` lines).
pub(crate) fn parse(bytes: &[u8]) -> Option<Snapshot> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.split_inclusive('\n');
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let mut header = String::new();
    for line in lines.by_ref() {
        if line.trim_end() == "---" {
            let rest: Vec<&str> = lines
                .map(|l| l.strip_suffix('\n').unwrap_or(l))
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .collect();
            return Some(Snapshot {
                header,
                text: normalise(&rest.join("\n")),
            });
        }
        header.push_str(line.trim_end_matches(['\r', '\n']));
        header.push('\n');
    }
    None
}

/// The bytes of a snapshot file, as insta writes them.
pub(crate) fn render(header: &str, text: &str) -> Vec<u8> {
    format!("---\n{header}---\n{}\n", normalise(text)).into_bytes()
}

/// Why a review snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SnapshotError {
    #[error("{file}: {cause}")]
    Io { file: String, cause: std::io::Error },
    #[error("{0} is not a plain file (a folder or a link)")]
    NotAFile(String),
    #[error("{0} is more than the {MAX_BYTES} bytes a review snapshot can be")]
    TooLarge(String),
    #[error("{0} is not a snapshot file (a `---` header, then the review)")]
    NotASnapshot(String),
}

/// Reads the snapshot at `path`: `Ok(None)` when there is none.
pub(crate) fn read(path: &Path) -> Result<Option<Snapshot>, SnapshotError> {
    let shown = || path.display().to_string();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(cause) => {
            return Err(SnapshotError::Io {
                file: shown(),
                cause,
            })
        }
    };
    if !meta.is_file() {
        return Err(SnapshotError::NotAFile(shown()));
    }
    // Read through the limit, so a file growing while read stays bounded.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::take(f, MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|cause| SnapshotError::Io {
            file: shown(),
            cause,
        })?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(SnapshotError::TooLarge(shown()));
    }
    parse(&bytes)
        .map(Some)
        .ok_or_else(|| SnapshotError::NotASnapshot(shown()))
}

/// The header for a new snapshot in `folder`: that of another review
/// snapshot there (insta's, for the repository's own tests), else Rubric's.
pub(crate) fn neighbours_header(folder: &Path) -> String {
    list(folder)
        .iter()
        .filter_map(|p| read(p).ok().flatten())
        .map(|s| s.header)
        .next()
        .unwrap_or_else(|| NEW_HEADER.to_string())
}

/// The review snapshot files in `folder`, sorted by name.
pub(crate) fn list(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| id_of(n).is_some()))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_insta_writes() {
        let file = b"---\nsource: tests/reviews.rs\nexpression: text\n---\n# AS1\n\n- one\n";
        let s = parse(file).unwrap();
        assert_eq!(s.header, "source: tests/reviews.rs\nexpression: text\n");
        assert_eq!(s.text, "# AS1\n\n- one");
        assert_eq!(render(&s.header, &s.text), file);
    }

    #[test]
    fn a_snapshot_checked_out_with_crlf_reads_the_same() {
        let lf = b"---\nsource: x\n---\n# AS1\n\n- one\n";
        let crlf = b"---\r\nsource: x\r\n---\r\n# AS1\r\n\r\n- one\r\n";
        assert_eq!(parse(lf), parse(crlf));
    }

    #[test]
    fn trailing_whitespace_does_not_count_and_a_carriage_return_inside_a_line_does() {
        assert_eq!(normalise("a\r\nb\n\n  \n"), "a\nb");
        assert_eq!(normalise("a\rb"), "a\rb");
    }

    #[test]
    fn files_not_in_the_format_are_refused() {
        assert_eq!(parse(b"# AS1\n"), None);
        assert_eq!(parse(b"---\nsource: x\n"), None, "an unclosed header");
        assert_eq!(parse(b"\xff\xfe"), None);
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_no_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("AS1.snap");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_BYTES + 1)
            .unwrap();
        let e = read(&big).unwrap_err();
        assert!(matches!(e, SnapshotError::TooLarge(_)), "{e}");
        assert!(
            e.to_string().contains("more than the 16777216 bytes"),
            "{e}"
        );
        assert!(matches!(read(&dir.path().join("AS2.snap")), Ok(None)));
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(id_of(&file_name("CP3")), Some("CP3"));
        assert_eq!(id_of(".snap"), None);
        assert_eq!(id_of("CP3.snap.new"), None);
        assert_eq!(id_of("notes.md"), None);
        assert_eq!(id_of("a b.snap"), None);
    }

    #[test]
    fn a_new_snapshot_takes_a_sibling_s_header() {
        let dir = tempfile::tempdir().unwrap();
        let sibling = dir.path().join(file_name("A"));
        std::fs::write(&sibling, render("source: tests/reviews.rs\n", "x")).unwrap();
        assert_eq!(neighbours_header(dir.path()), "source: tests/reviews.rs\n");
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(neighbours_header(empty.path()), NEW_HEADER);
    }
}
