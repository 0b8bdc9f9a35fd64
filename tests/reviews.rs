//! Definition reviews: one pinned review per shipped indicator, so a change
//! to a definition shows up as exactly the snapshots it affects; and the
//! regenerated outputs checked against the committed ones.

mod common;
use common::*;
use rubric::model::compile_project;
use rubric::output::review;
use rubric::scorecard;
use std::collections::BTreeMap;
use std::path::Path;

fn reviews(root: &Path) -> BTreeMap<String, String> {
    let project = compile_project(root).unwrap_or_else(|f| panic!("{:?}", f.problems));
    let card = scorecard::run(&project, scorecard::RunOptions::new(&project)).expect("scorecard");
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
    for (id, text) in all {
        insta::assert_snapshot!(id, text);
    }
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
