//! What `rubric run` says at the end: the summary as text and JSON, agreeing
//! with the scorecard it wrote; `--quiet`; no progress bar off a terminal.

use crate::common;
use common::example as rubric;
use std::collections::BTreeMap;

#[test]
fn the_json_summary_counts_what_the_scorecard_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = rubric(&[
        "run",
        "--out",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // No progress bar when stderr is not a terminal.
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["reporting"], "2023-07");
    assert_eq!(doc["indicators"], 85);
    assert_eq!(doc["files"].as_array().unwrap().len(), 23);

    // The RAG of each indicator's latest whole row, from the CSV written.
    let mut latest: BTreeMap<String, String> = BTreeMap::new();
    let csv = std::fs::read_to_string(dir.path().join("scorecard.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    for rec in reader.records() {
        let rec = rec.unwrap();
        if &rec[col("breakdown_value")] == "all" {
            latest.insert(
                rec[col("indicator")].to_string(),
                rec[col("rag")].to_string(),
            );
        }
    }
    let red = latest.values().filter(|r| *r == "red").count();
    let green = latest.values().filter(|r| *r == "green").count();
    assert_eq!(doc["rag"]["red"], red);
    assert_eq!(doc["rag"]["green"], green);
    let total: u64 = doc["rag"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 85);

    // The warnings are `check`'s.
    let check = rubric(&["check", "--format", "json"]);
    let check: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(
        doc["warnings"].as_array().unwrap().len(),
        check["warnings"].as_array().unwrap().len()
    );
    // PUB17 has no July value in the published table, and says why.
    assert_eq!(doc["missing"][0]["indicator"], "PUB17");
    assert_eq!(doc["missing"][0]["reason"], "blank in the published table");
}

#[test]
fn the_text_summary_fits_a_screen_and_quiet_says_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = rubric(&["run", "--out", dir.path().to_str().unwrap()]);
    let text = out.stdout;
    assert!(
        text.starts_with("wrote scorecard.{parquet,csv,md,html,xlsx,pdf}, board.{md,html,xlsx,pdf}, framework.{md,html,xlsx,pdf}, priorities.{md,html,xlsx,pdf}, scrutiny.{md,html,xlsx,pdf}, index.html to "),
        "{text}"
    );
    assert!(
        text.contains("\n85 indicators\n  RAG: 26 red, 10 amber, 4 green, 45 no rule\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  no value in the latest period: 1\n    PUB17 2023-07: blank in the published table\n"
        ),
        "{text}"
    );
    assert!(text.lines().count() < 25, "{text}");

    let quiet_dir = tempfile::tempdir().unwrap();
    let quiet = rubric(&[
        "run",
        "--quiet",
        "--out",
        quiet_dir.path().to_str().unwrap(),
    ]);
    assert_eq!(quiet.code, 0);
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty());
    assert!(quiet_dir.path().join("scorecard.xlsx").is_file());
}
