//! Nothing already written is lost: a run killed midway leaves the previous
//! outputs as they were, and runs into the same folder at once each leave
//! a whole, consistent set.

use crate::common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const OUTPUTS: [&str; 3] = ["scorecard.csv", "scorecard.parquet", "scorecard.md"];

fn outputs(dir: &Path) -> Vec<Vec<u8>> {
    OUTPUTS
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap_or_default())
        .collect()
}

/// A table of `n` referrals from January to April 2023, a quarter in each
/// month; even rows are the North team, so every March referral is North.
fn referrals(f: &Fixture, n: usize) {
    let days = ["2023-01-15", "2023-02-15", "2023-03-15", "2023-04-15"];
    let dates_col: Vec<Option<&str>> = (0..n).map(|i| Some(days[i % days.len()])).collect();
    let teams: Vec<Option<&str>> = (0..n)
        .map(|i| Some(if i % 2 == 0 { "North" } else { "South" }))
        .collect();
    f.table(
        "referrals",
        vec![("referral_date", dates(&dates_col)), ("team", strs(&teams))],
    );
}

/// One indicator whose filter has no vectorised plan (`to_upper`), so it
/// runs per row and a large table takes long enough to be interrupted.
fn slow_project() -> Fixture {
    let f = Fixture::new();
    f.standard_rules().file(
        "indicators/slow.yaml",
        &indicators(&[indicator(
            "S1",
            "count",
            "neutral",
            "{ kind: flow, source: referrals, date: referral_date, filter: 'team.to_upper() == \"NORTH\"' }",
            "",
        )]),
    );
    f
}

#[test]
fn a_run_killed_midway_leaves_the_previous_outputs_intact() {
    let f = slow_project();
    referrals(&f, 8);
    let first = f.run(&[]);
    assert_eq!(first.value("S1", "2023-03"), "2");
    let before = outputs(&f.out_dir());
    assert!(before.iter().all(|b| !b.is_empty()));

    // New data that would change every figure, and a run stopped midway.
    referrals(&f, 400_000);
    let mut interrupted = 0;
    for delay_ms in [30, 150, 400] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rubric"))
            .arg("--project")
            .arg(f.path())
            .arg("run")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_some() {
            // It finished first (a fast machine): its outputs are new, so
            // later kills have nothing of the old to compare with.
            break;
        }
        child.kill().unwrap();
        if child.wait().unwrap().success() {
            // It finished between the look and the kill: as above.
            break;
        }
        interrupted += 1;
        assert!(
            outputs(&f.out_dir()) == before,
            "outputs changed by a run killed after {:?}",
            started.elapsed()
        );
    }
    assert!(
        interrupted > 0,
        "every run finished before it could be killed"
    );

    // The next complete run replaces them, and clears the killed runs' staging.
    let after = f.run(&[]);
    assert_eq!(after.value("S1", "2023-03"), "100000");
    let leftovers: Vec<_> = std::fs::read_dir(f.out_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".rubric-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_failed_run_leaves_the_previous_outputs_intact() {
    let f = slow_project();
    referrals(&f, 8);
    f.run(&[]);
    let before = outputs(&f.out_dir());
    // A definition that fails while running (the filter meets text it
    // cannot compare) must not touch what is there.
    f.file(
        "indicators/slow.yaml",
        &indicators(&[indicator(
            "S1",
            "count",
            "neutral",
            "{ kind: flow, source: referrals, date: referral_date, filter: 'team.to_upper().len() / 0 == 1' }",
            "",
        )]),
    );
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(outputs(&f.out_dir()), before);
}

#[test]
fn concurrent_runs_into_one_folder_each_leave_a_whole_set() {
    let f = slow_project();
    referrals(&f, 20_000);
    // Each run reports a different month, so a mixed set would show.
    let periods = ["2023-01", "2023-02", "2023-03", "2023-04"];
    let children: Vec<_> = periods
        .iter()
        .map(|p| {
            Command::new(env!("CARGO_BIN_EXE_rubric"))
                .arg("--project")
                .arg(f.path())
                .args(["run", "--period", p])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    let reported = periods
        .iter()
        .find(|p| md.contains(&format!("Reporting period {p}")))
        .expect("the markdown names its reporting period");
    // The CSV and Parquet files come from the same run as the markdown.
    let t = f.read_csv();
    let latest = t.rows.keys().map(|(_, _, _, p)| p.as_str()).max().unwrap();
    assert_eq!(latest, *reported);
    let parquet = std::fs::File::open(f.out_dir().join("scorecard.parquet")).unwrap();
    let rows: usize =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(parquet)
            .unwrap()
            .build()
            .unwrap()
            .map(|b| b.unwrap().num_rows())
            .sum();
    assert_eq!(rows, t.rows.len());
}

#[test]
fn a_reader_that_stops_early_does_not_make_a_command_panic() {
    use std::io::Read;
    // `rubric sql` writes far more than a pipe holds; the reader takes a
    // few bytes and closes it, as `| head` does.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rubric"))
        .arg("--project")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["sql", "--period", "2023-07"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run rubric");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(first.starts_with(b"-- Rubric"));
}
