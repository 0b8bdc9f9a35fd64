//! Definition reviews: one pinned review per shipped indicator, so a change
//! to a definition shows up as exactly the snapshots it affects; and the
//! regenerated outputs checked against the committed ones.

use crate::common;
use common::*;
use rubric::model::compile_project;
use rubric::output::review;
use rubric::run;
use std::collections::BTreeMap;
use std::path::Path;

fn reviews(root: &Path) -> BTreeMap<String, String> {
    let project = compile_project(root, &rubric::output::formats())
        .unwrap_or_else(|f| panic!("{:?}", f.problems));
    let card = run::run(&project, run::RunOptions::new(&project)).expect("scorecard");
    (0..project.indicators.len())
        .map(|i| {
            (
                project.indicators[i].id.clone(),
                review::render(&project, &card, i),
            )
        })
        .collect()
}

#[test]
fn every_shipped_indicator_has_a_pinned_review() {
    let all = reviews(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(all.len() >= 40);
    // The files `rubric review --check` and `--accept` read and write:
    // reviews/ID.snap at the top of the project.
    insta::with_settings!({ snapshot_path => "../reviews", prepend_module_to_snapshot => false }, {
        for (id, text) in all {
            insta::assert_snapshot!(id, text);
        }
    });
}

const RULES_X_Y: &str = "rules:
  - name: dot_x
    kind: dot
    params: { band: 10 }
    outcomes: [{ name: up }, { name: flat }]
    expression: 'if change > band { \"up\" } else { \"flat\" }'
  - name: dot_y
    kind: dot
    outcomes: [{ name: up }, { name: flat }]
    expression: 'if change > 0.0 { \"up\" } else { \"flat\" }'
";

fn three_indicators(filter_a: &str, band: &str) -> Fixture {
    let f = Fixture::new();
    let mut when = repeat("2023-02-01", 3);
    when.extend(repeat("2023-03-01", 5));
    let mut team = vec![Some("North"); 4];
    team.extend(vec![Some("South"); 4]);
    let flow =
        |filter: &str| format!("kind: flow\nsource: events\ndate: event_date\nfilter: {filter}\n");
    f.file(
        "rules/xy.yaml",
        &RULES_X_Y.replace("band: 10", &format!("band: {band}")),
    )
    .table(
        "events",
        vec![("event_date", dates(&when)), ("team", strs(&team))],
    )
    .file(
        "indicators/i.yaml",
        &indicators(&[
            indicator("A", "count", "neutral", &flow(filter_a), "dot: dot_x"),
            indicator(
                "B",
                "count",
                "neutral",
                &flow("team == \"South\""),
                "dot: dot_x",
            ),
            indicator("C", "count", "neutral", &flow("true"), "dot: dot_y"),
        ]),
    );
    f
}

fn changed(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    before
        .iter()
        .filter(|(id, text)| after.get(*id) != Some(text))
        .map(|(id, _)| id.clone())
        .collect()
}

#[test]
fn changing_one_indicators_filter_changes_exactly_its_review() {
    let before = reviews(three_indicators("team == \"North\"", "10").path());
    let after = reviews(three_indicators("team != \"North\"", "10").path());
    assert_eq!(changed(&before, &after), ["A"]);
}

#[test]
fn changing_a_shared_rule_set_changes_the_reviews_of_its_users_and_no_others() {
    let before = reviews(three_indicators("team == \"North\"", "10").path());
    let after = reviews(three_indicators("team == \"North\"", "0.5").path());
    assert_eq!(changed(&before, &after), ["A", "B"]);
}

#[test]
fn run_check_fails_on_stale_outputs_and_passes_on_fresh_ones() {
    let f = three_indicators("team == \"North\"", "10");
    assert_eq!(f.rubric(&["run", "--check"]).code, 4, "nothing written yet");
    f.run(&[]);
    let fresh = f.rubric(&["run", "--check"]);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    // A definition change makes the committed outputs stale.
    f.file("rules/xy.yaml", &RULES_X_Y.replace("band: 10", "band: 0.5"));
    let stale = f.rubric(&["run", "--check"]);
    assert_eq!(stale.code, 4);
    insta::assert_snapshot!(stale
        .stderr
        .replace(&f.out_dir().display().to_string(), "[OUT]"));
}

#[test]
fn diff_reports_a_rag_change_caused_by_a_target_change() {
    let f = Fixture::new();
    let mut when = repeat("2023-03-01", 20);
    when.extend(repeat("2023-02-01", 20));
    let mut ok = vec![Some(true); 17];
    ok.extend(vec![Some(false); 3]);
    ok.extend(vec![Some(true); 20]);
    let ratio = "kind: ratio\nnumerator: { kind: flow, source: visits, date: visit_date, filter: on_time }\ndenominator: { kind: flow, source: visits, date: visit_date }\n";
    let with_target = |t: &str| {
        indicators(&[indicator(
            "V",
            "percent",
            "higher_is_better",
            ratio,
            &format!("targets: {{ 2022-23: {t} }}\nrag: rag_target"),
        )])
    };
    f.standard_rules()
        .table(
            "visits",
            vec![("visit_date", dates(&when)), ("on_time", bools(&ok))],
        )
        .file("indicators/v.yaml", &with_target("85"));
    let old = f.path().join("before");
    let new = f.path().join("after");
    assert_eq!(f.rubric(&["run", "--out", old.to_str().unwrap()]).code, 0);
    f.file("indicators/v.yaml", &with_target("95"));
    assert_eq!(f.rubric(&["run", "--out", new.to_str().unwrap()]).code, 0);
    let out = f.rubric(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(out.code, 4);
    insta::assert_snapshot!(out.stdout);
    let same = f.rubric(&[
        "diff",
        old.to_str().unwrap(),
        old.join("scorecard.parquet").to_str().unwrap(),
    ]);
    assert_eq!((same.code, same.stdout.as_str()), (0, "no differences\n"));
}

/// The example copied into a temporary folder, with its review snapshots.
fn example_copy() -> tempfile::TempDir {
    common::example_copy(&[
        "indicators",
        "rules",
        "sources",
        "pages",
        "calendars",
        "data",
        "reviews",
    ])
}

/// The indicators `review --check` names as changed or new.
fn named(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.contains(": the review differs from") || l.contains(": no snapshot yet"))
        .collect()
}

#[test]
fn review_check_fails_with_only_the_changed_indicator_s_diff_and_accept_makes_it_pass() {
    let copy = example_copy();
    let project = copy.path();
    let clean = rubric_in(project, &["review", "--check"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    assert!(clean
        .stdout
        .ends_with("reviews match their snapshots in reviews\n"));

    // AS1's target for 2023-24 moves from 274 to 300.
    let file = project.join("indicators/02_assessment.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    let line = "targets: { 2022-23: 274, 2023-24: 274 }";
    assert_eq!(yaml.matches(line).count(), 1);
    std::fs::write(
        &file,
        yaml.replace(line, "targets: { 2022-23: 274, 2023-24: 300 }"),
    )
    .unwrap();
    let changed = rubric_in(project, &["review", "--check"]);
    assert_eq!(changed.code, 4, "{}", changed.stderr);
    assert_eq!(
        named(&changed.stdout),
        ["AS1: the review differs from reviews/AS1.snap"]
    );
    assert!(changed
        .stdout
        .contains("\n-- target 2023-24: 274\n+- target 2023-24: 300\n"));
    assert!(changed
        .stdout
        .contains("1 of 85 reviews differ from their snapshots: AS1\n"));
    let before: BTreeMap<String, Vec<u8>> = snapshot_files(project);

    let accepted = rubric_in(project, &["review", "--accept"]);
    assert_eq!(accepted.code, 0, "{}", accepted.stderr);
    assert_eq!(accepted.stdout, "accepted 1 review into reviews: AS1\n");
    let after = snapshot_files(project);
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(name, bytes)| before.get(*name) != Some(bytes))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(rewritten, ["AS1.snap"], "only AS1's snapshot is written");
    assert_eq!(rubric_in(project, &["review", "--check"]).code, 0);

    // cargo test agrees: insta, pointed at the copy's snapshots, finds
    // every review of the changed example as accepted.
    let now = reviews(project);
    insta::with_settings!({ snapshot_path => project.join("reviews"), prepend_module_to_snapshot => false }, {
        for (id, text) in now {
            insta::assert_snapshot!(id, text);
        }
    });
}

#[test]
fn review_accept_of_named_indicators_writes_only_theirs_and_a_new_indicator_has_no_snapshot_yet() {
    let copy = example_copy();
    let project = copy.path();
    std::fs::remove_file(project.join("reviews/AS2.snap")).unwrap();
    std::fs::remove_file(project.join("reviews/AS3.snap")).unwrap();
    let check = rubric_in(project, &["review", "--check", "AS1", "AS2"]);
    assert_eq!(check.code, 4);
    assert_eq!(
        named(&check.stdout),
        ["AS2: no snapshot yet (reviews/AS2.snap); its review would be:"]
    );
    let accepted = rubric_in(project, &["review", "--accept", "AS2"]);
    assert_eq!(accepted.stdout, "accepted 1 review into reviews: AS2\n");
    assert!(!project.join("reviews/AS3.snap").exists());
    // A new file takes the header its neighbours carry (insta's).
    let written = std::fs::read_to_string(project.join("reviews/AS2.snap")).unwrap();
    assert!(written.starts_with("---\nsource: tests/reviews.rs\nexpression: text\n---\n# AS2 "));
    // A snapshot of no indicator is named, left in place, and not a failure.
    std::fs::copy(
        project.join("reviews/AS1.snap"),
        project.join("reviews/GONE.snap"),
    )
    .unwrap();
    std::fs::write(
        project.join("reviews/AS3.snap"),
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("reviews/AS3.snap")).unwrap(),
    )
    .unwrap();
    let all = rubric_in(project, &["review", "--check"]);
    assert_eq!(all.code, 0, "{}", all.stdout);
    assert!(all
        .stderr
        .contains("warning: reviews/GONE.snap is the snapshot of no indicator"));
    assert!(project.join("reviews/GONE.snap").exists());
}

#[test]
fn review_check_refuses_a_snapshot_that_is_not_one() {
    let copy = example_copy();
    let project = copy.path();
    std::fs::write(project.join("reviews/AS1.snap"), "\u{1b}[2J not a snapshot").unwrap();
    let out = rubric_in(project, &["review", "--check", "AS1"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .contains("reviews/AS1.snap is not a snapshot file"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains('\u{1b}'));
}

fn snapshot_files(project: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(project.join("reviews"))
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}
