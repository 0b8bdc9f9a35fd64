//! Writing outputs: all or nothing with a true message, nothing deleted
//! that Rubric did not make, no lock file left behind or followed.

use crate::common;
use common::*;

fn project() -> Fixture {
    let f = referrals_project();
    referrals_counted(&f, "breakdown: team");
    f
}

#[test]
fn regression_an_output_path_that_is_a_folder_leaves_the_previous_set_whole() {
    let f = project();
    assert_eq!(f.rubric(&["run", "--quiet"]).code, 0);
    let csv_before = std::fs::read(f.out_dir().join("scorecard.csv")).unwrap();
    // The last output to be renamed is now a folder; the others would be
    // renamed first if nothing checked.
    std::fs::remove_file(f.out_dir().join("scorecard.xlsx")).unwrap();
    std::fs::create_dir(f.out_dir().join("scorecard.xlsx")).unwrap();
    f.file(
        "indicators/b.yaml",
        &indicators(&[indicator(
            "B1",
            "count",
            "neutral",
            "kind: flow\nsource: referrals\ndate: referral_date",
            "",
        )]),
    );
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the previous outputs were left as they were"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(f.out_dir().join("scorecard.csv")).unwrap(),
        csv_before,
        "no new file beside old ones"
    );
}

#[test]
fn regression_a_user_s_rubric_named_folder_is_never_deleted() {
    let f = project();
    let out_dir = f.out_dir();
    let mine = out_dir.join(".rubric-important");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    assert_eq!(f.rubric(&["run", "--quiet"]).code, 0);
    assert_eq!(std::fs::read(mine.join("notes.txt")).unwrap(), b"mine");

    // The same for the folder a drilled file is written into.
    let elsewhere = f.path().join("downloads");
    let theirs = elsewhere.join(".rubric-old");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("keep.txt"), "keep").unwrap();
    let rows = elsewhere.join("rows.csv");
    let drill = f.rubric(&["drill", "A1", "--out", rows.to_str().unwrap()]);
    assert_eq!(drill.code, 0, "{}", drill.stderr);
    assert_eq!(std::fs::read(theirs.join("keep.txt")).unwrap(), b"keep");
    let mut left: Vec<String> = std::fs::read_dir(&elsewhere)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [".rubric-old", "rows.csv"],
        "no lock file, no staging"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_lock_file_is_not_followed() {
    let f = project();
    std::fs::create_dir_all(f.out_dir()).unwrap();
    let secret = f.path().join("secret.txt");
    std::fs::write(&secret, "do not touch").unwrap();
    std::os::unix::fs::symlink(&secret, f.out_dir().join(".rubric.lock")).unwrap();
    assert_eq!(f.rubric(&["run", "--quiet"]).code, 0);
    assert_eq!(std::fs::read(&secret).unwrap(), b"do not touch");
    assert!(std::fs::symlink_metadata(f.out_dir().join(".rubric.lock"))
        .unwrap()
        .file_type()
        .is_symlink());
}
