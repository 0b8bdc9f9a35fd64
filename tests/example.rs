//! The example shipped in indicators/, rules/ and data/ is clean, runs, and
//! its report is pinned so any change to it is reviewed.

use crate::common;
use common::example as rubric;

#[test]
fn the_shipped_example_checks_clean() {
    let out = rubric(&["check"]);
    assert!(out.code == 0, "{}", out.stderr);
}

/// A newcomer's first run says nothing to fix: every red has commentary,
/// no expectation on the data fails.
#[test]
fn the_shipped_example_runs_without_a_warning() {
    let check = rubric(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stderr.is_empty(), "{}", check.stderr);
    assert!(
        check.stdout.starts_with("ok: 85 indicators") && !check.stdout.contains("warning"),
        "{}",
        check.stdout
    );
    let dir = tempfile::tempdir().unwrap();
    let run = rubric(&["run", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);
}

#[test]
fn the_shipped_example_runs_and_its_report_is_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let out = rubric(&["run", "--out", dir.path().to_str().unwrap()]);
    assert!(out.code == 0, "{}", out.stderr);
    for name in rubric::output::FILES {
        assert!(dir.path().join(name).is_file(), "{name} missing");
    }
    let md = std::fs::read_to_string(dir.path().join("scorecard.md")).unwrap();
    insta::assert_snapshot!(md);
}

#[test]
fn list_shows_one_line_per_indicator() {
    let out = rubric(&["list"]);
    assert!(out.code == 0);
    let text = &out.stdout;
    insta::assert_snapshot!(text);
}

#[test]
fn every_shipped_filter_runs_on_arrow_kernels() {
    let Ok(project) = rubric::model::compile_project(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &rubric::output::formats(),
    ) else {
        panic!("the example does not compile");
    };
    let slow: Vec<&str> = project
        .base_measures
        .iter()
        .filter_map(|b| b.filter.as_ref())
        .filter(|f| !f.is_vectorised())
        .map(|f| f.text.as_str())
        .collect();
    assert!(
        slow.is_empty(),
        "these filters would run row by row: {slow:?}"
    );
}
