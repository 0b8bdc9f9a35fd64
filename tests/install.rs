//! What a user who installed only the binary does first: `rubric init`,
//! then run, check and review the new project; and `rubric --version`.

use crate::common;
use common::*;
use std::path::Path;

/// The figure of RR1 for a month and breakdown value in out/scorecard.csv.
fn figure(project: &Path, period: &str, value: &str) -> (String, String, String) {
    let csv = std::fs::read_to_string(project.join("out/scorecard.csv")).unwrap();
    let row = csv
        .lines()
        .find(|l| {
            l.starts_with("RR1,")
                && l.contains(&format!(",{period},"))
                && l.contains(&format!(",{value},ok,"))
        })
        .unwrap_or_else(|| panic!("no row for {period} {value}"));
    let cells: Vec<&str> = row.split(',').collect();
    // status, reason, value, numerator, denominator follow the breakdown value.
    let at = cells.iter().position(|c| *c == "ok").unwrap();
    (
        cells[at + 2].to_string(),
        cells[at + 3].to_string(),
        cells[at + 4].to_string(),
    )
}

#[test]
fn init_makes_a_project_that_checks_clean_runs_and_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("scorecard");
    let made = rubric_in(dir.path(), &["init", project.to_str().unwrap()]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(made.stdout.contains("indicators/referrals.yaml"));

    let check = rubric_in(&project, &["check"]);
    assert_eq!(
        (check.code, check.stderr.as_str()),
        (0, ""),
        "{}",
        check.stdout
    );
    let run = rubric_in(&project, &["run", "--quiet"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    for f in ["parquet", "csv", "md", "html", "xlsx"] {
        assert!(project.join(format!("out/scorecard.{f}")).is_file(), "{f}");
    }
    // May 2025, the latest month: 33 referrals (20 + 13), every fifth a
    // re-referral (the 1st, 6th, ... 31st): 7, so 7 / 33 = 21.2%. North
    // holds the odd-numbered rows (17), 4 of the re-referrals (1st, 11th,
    // 21st, 31st); South 16 rows and 3 (6th, 16th, 26th).
    let whole = figure(&project, "2025-05", "all");
    assert_eq!((&whole.1[..], &whole.2[..]), ("7", "33"));
    assert!(whole.0.starts_with("21.21"), "{}", whole.0);
    let north = figure(&project, "2025-05", "North");
    assert_eq!((&north.1[..], &north.2[..]), ("4", "17"));
    let south = figure(&project, "2025-05", "South");
    assert_eq!((&south.1[..], &south.2[..]), ("3", "16"));

    let unpinned = rubric_in(&project, &["review", "--check"]);
    assert_eq!(unpinned.code, 4);
    assert!(unpinned
        .stdout
        .starts_with("RR1: no snapshot yet (reviews/RR1.snap)"));
    let accept = rubric_in(&project, &["review", "--accept"]);
    assert_eq!(accept.stdout, "accepted 1 review into reviews: RR1\n");
    let pinned = rubric_in(&project, &["review", "--check"]);
    assert_eq!(pinned.code, 0, "{}", pinned.stdout);
    let snapshot = std::fs::read_to_string(project.join("reviews/RR1.snap")).unwrap();
    assert!(snapshot.starts_with("---\nsource: rubric review\nexpression: text\n---\n# RR1 "));
}

#[test]
fn init_never_replaces_a_file_and_leaves_the_folder_s_own_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "mine").unwrap();
    let first = rubric_in(dir.path(), &["init"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(std::fs::read(dir.path().join("notes.md")).unwrap(), b"mine");

    std::fs::write(dir.path().join("indicators/referrals.yaml"), "edited").unwrap();
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    let again = rubric_in(dir.path(), &["init", dir.path().to_str().unwrap()]);
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .contains("already holds rubric.yaml, indicators/referrals.yaml"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("never replaces a file"));
    assert_eq!(
        std::fs::read(dir.path().join("indicators/referrals.yaml")).unwrap(),
        b"edited"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);

    std::fs::write(dir.path().join("file"), "x").unwrap();
    let file = dir.path().join("file");
    let not_a_folder = rubric_in(dir.path(), &["init", file.to_str().unwrap()]);
    assert_eq!(not_a_folder.code, 1);
    assert!(not_a_folder.stderr.contains("is not a folder"));
}

#[test]
fn version_names_the_release_and_the_commit() {
    let out = rubric_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["--version"]);
    assert_eq!(out.code, 0);
    let line = out.stdout.trim_end();
    let rest = line
        .strip_prefix(&format!("rubric {} (commit ", env!("CARGO_PKG_VERSION")))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{line}"));
    // Built from a git checkout, the commit is HEAD's; elsewhere "unknown".
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(head) => assert_eq!(rest, head),
        None => assert_eq!(rest, "unknown"),
    }
}

/// Windows: git may check text files out with CRLF; `run --check` then
/// says the outputs differ only in their line endings and what to do.
#[test]
fn run_check_names_outputs_that_differ_only_in_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(rubric_in(dir.path(), &["init"]).code, 0);
    assert_eq!(rubric_in(dir.path(), &["run", "--quiet"]).code, 0);
    let md = dir.path().join("out/scorecard.md");
    let lf = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, lf.replace('\n', "\r\n")).unwrap();
    let out = rubric_in(dir.path(), &["run", "--check"]);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr
            .contains("scorecard.md differs only in its line endings (CRLF"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("`out/** -text`"));
    // The project init wrote already says so.
    let attributes = std::fs::read_to_string(dir.path().join(".gitattributes")).unwrap();
    assert!(attributes.contains("out/** -text"));
}
