//! `scorecard.html`: every indicator is on the page, the page is
//! self-contained, and a real browser renders it (where one is installed:
//! `.ci/run` installs Debian's chromium) with the filters working.

use crate::common;

use common::{browser, headless};
use std::path::Path;
use std::process::Command;

fn run_example(out: &Path) -> String {
    let run = common::example(&["run", "--out", out.to_str().expect("a UTF-8 path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::read_to_string(out.join("scorecard.html")).expect("scorecard.html written")
}

fn ids() -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_rubric"))
        .arg("--project")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("list")
        .output()
        .expect("list");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn every_indicator_is_on_a_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    let html = run_example(dir.path());
    let ids = ids();
    assert_eq!(ids.len(), 85);
    for id in &ids {
        assert!(
            html.contains(&format!("<tr id=\"ind-{id}\"")),
            "{id} missing"
        );
    }
    // Nothing is fetched: no external scripts, styles, images or fonts.
    for needle in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!html.contains(needle), "the page refers out: {needle}");
    }
    // RAG is shown by word as well as colour, and the sparkline in words.
    assert!(
        html.contains("<span class=\"badge red\"><span aria-hidden=\"true\">● </span>Red</span>")
    );
    assert!(html.contains("aria-label=\"Trend: Jul-22 81%, Aug-22 82%"));
    assert!(html.contains("@page { size: A4 landscape"));
}

#[test]
fn the_page_is_the_same_bytes_every_run() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(run_example(a.path()), run_example(b.path()));
}

#[test]
fn a_real_browser_renders_every_indicator() {
    let Some(browser) = browser() else {
        eprintln!(
            "SKIPPED: no chromium found (install Debian's `chromium`, or set RUBRIC_BROWSER)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    run_example(dir.path());
    let page = dir.path().join("scorecard.html");
    let url = format!("file://{}", page.display());
    let profile = tempfile::tempdir().unwrap();
    // The DOM after the page's script ran.
    let dom = headless(&browser, profile.path())
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run the browser");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("85 indicators shown"),
        "the filter script did not run"
    );
    for id in ids() {
        assert!(
            dom.contains(&format!("data-indicator=\"{id}\"")),
            "{id} not in the DOM"
        );
    }
    // A screenshot, kept as a test artefact for a person to look at.
    let artefacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let shot = artefacts.join("scorecard.png");
    let _ = std::fs::remove_file(&shot);
    let status = headless(&browser, profile.path())
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("run the browser");
    assert!(status.status.success());
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    eprintln!("screenshot: {}", shot.display());
}
