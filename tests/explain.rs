//! `rubric explain`: the plain-words account of one figure, pinned for
//! shipped indicators, and a hand-worked fixture whose every number and
//! reason was worked out by hand.

use crate::common;
use common::*;
#[test]
fn a_red_percentage_of_the_example_is_explained() {
    let out = example(&["explain", "AS2"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn a_team_of_a_breakdown_and_an_earlier_month_are_explained() {
    let out = example(&[
        "explain",
        "AS2",
        "--period",
        "2023-04",
        "--breakdown",
        "team=North 1",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn a_rolling_rate_without_a_rag_rule_is_explained() {
    let out = example(&["explain", "CP3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn unknown_indicators_and_breakdown_values_are_usage_errors() {
    let out = example(&["explain", "AS22"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("did you mean `AS2`?"), "{}", out.stderr);
    let out = example(&["explain", "AS2", "--breakdown", "team=Nowhere"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("its values are: "), "{}", out.stderr);
    let out = example(&["explain", "AS1", "--breakdown", "team=North"]);
    assert_eq!(out.code, 2);
}

/// 20 visits in March 2023, 17 within 10 working days (85%); 18 of 20 in
/// February (90%). Target 95% for 2022-23, amber tolerance 5 points:
/// 85% is 10 points short, so red; -5.6% against February is within the
/// 10% band, so similar.
#[test]
fn the_reasons_of_a_hand_worked_rating_are_given_and_kept_in_the_outputs() {
    let f = Fixture::new();
    let mut days = repeat("2023-02-10", 20);
    days.extend(repeat("2023-03-10", 20));
    let late: Vec<Option<bool>> = (0..40)
        .map(|i| Some(if i < 20 { i < 2 } else { i < 23 }))
        .collect();
    f.standard_rules()
        .table(
            "visits",
            vec![("visit_date", dates(&days)), ("late", bools(&late))],
        )
        .file(
            "indicators/v.yaml",
            &indicators(&[indicator(
                "V1",
                "percent",
                "higher_is_better",
                "kind: ratio\nnumerator: { kind: flow, source: visits, date: visit_date, filter: late == false }\ndenominator: { kind: flow, source: visits, date: visit_date }",
                "targets: { 2022-23: 95 }\ndot: dot_banded\nrag: rag_target",
            )]),
        );
    let out = f.rubric(&["explain", "V1", "--period", "2023-03"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("value: 85.0% = numerator 17 / denominator 20"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("RAG rating: red, by the rule `rag_target`: 85.0% is 10.0 points worse than the 95.0% target; the amber tolerance is 5.0 points"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("direction of travel: similar, by the rule `dot_banded`: 85.0% against 90.0%: a change of -6%, within the 10% band"),
        "{}",
        out.stdout
    );
    // The same reasons are kept in the outputs, beside the outcomes.
    let t = f.run(&["--period", "2023-03"]);
    assert_eq!(t.get("V1", "2023-03", "rag"), "red");
    assert_eq!(
        t.get("V1", "2023-03", "rag_note"),
        "85.0% is 10.0 points worse than the 95.0% target; the amber tolerance is 5.0 points"
    );
    assert_eq!(t.get("V1", "2023-02", "rag"), "amber");
    assert_eq!(
        t.get("V1", "2023-02", "rag_note"),
        "90.0% is 5.0 points worse than the 95.0% target, within the amber tolerance of 5.0 points"
    );
}

#[test]
fn a_rule_may_return_a_bare_outcome_or_one_with_its_reason() {
    let rules = "rules:\n  - name: plain\n    kind: rag\n    outcomes: [{ name: green }]\n    expression: '\"green\"'\n  - name: reasoned\n    kind: dot\n    outcomes: [{ name: up }]\n    expression: '#{ outcome: \"up\", because: `value is ${value}` }'\n";
    let f = Fixture::new();
    f.file("rules/r.yaml", rules)
        .table(
            "events",
            vec![("event_date", dates(&repeat("2023-03-01", 3)))],
        )
        .file(
            "indicators/e.yaml",
            &indicators(&[indicator(
                "E1",
                "count",
                "neutral",
                "{ kind: flow, source: events, date: event_date }",
                "rag: plain\ndot: reasoned",
            )]),
        );
    let t = f.run(&["--period", "2023-03"]);
    assert_eq!(t.get("E1", "2023-03", "rag"), "green");
    assert_eq!(t.get("E1", "2023-03", "rag_note"), "NA");
    assert_eq!(t.get("E1", "2023-03", "dot"), "up");
    assert_eq!(t.get("E1", "2023-03", "dot_note"), "value is 3.0");
}

/// The tests shipped beside the example's definitions pass.
#[test]
fn the_example_definition_tests_pass() {
    let out = example(&["test"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(" passed, 0 failed"), "{}", out.stdout);
    let passed = out.stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(passed >= 10, "only {passed} definition tests shipped");
}

/// A definition test whose expectation is wrong fails with what was
/// expected and what came, and the exit code says so.
#[test]
fn a_failing_definition_test_shows_expected_and_actual() {
    let f = Fixture::new();
    f.standard_rules()
        .table("events", vec![("event_date", dates(&repeat("2023-03-01", 2))), ("kind", strs(&[Some("a"), Some("b")]))])
        .file(
            "indicators/e.yaml",
            &indicators(&[indicator(
                "E1",
                "count",
                "higher_is_better",
                "{ kind: flow, source: events, date: event_date, filter: kind == \"a\" }",
                "targets: { 2022-23: 2 }\nrag: rag_target\ntests:\n  - name: kind a only\n    rows:\n      events:\n        - { event_date: 2023-03-05, kind: a }\n        - { event_date: 2023-03-06, kind: b }\n        - { event_date: 2023-04-01, kind: a }\n    expect:\n      2023-03: { value: 2, rag: green }\n      2023-04: { value: 1 }",
            )]),
        );
    let out = f.rubric(&["test"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    insta::assert_snapshot!(out.stdout);
}

/// Regression: rule notes rounded half to even while the page rounds half
/// away from zero, so PL2 in 2022-08 (12.5%) read "12% is 4 points worse"
/// beside a page showing 13%. One formatter now serves both.
#[test]
fn rule_notes_round_as_the_page_does_pl2_2022_08_and_as2_central_1() {
    let pl2 = example(&["explain", "PL2", "--period", "2022-08"]);
    assert_eq!(pl2.code, 0, "{}", pl2.stderr);
    assert!(
        pl2.stdout
            .contains("value: 13% = numerator 70 / denominator 560"),
        "{}",
        pl2.stdout
    );
    assert!(
        pl2.stdout
            .contains("13% is 5 points worse than the 8% target"),
        "{}",
        pl2.stdout
    );
    let as2 = example(&[
        "explain",
        "AS2",
        "--period",
        "2023-01",
        "--breakdown",
        "team=Central 1",
    ]);
    assert_eq!(as2.code, 0, "{}", as2.stderr);
    assert!(
        as2.stdout
            .contains("value: 83% = numerator 33 / denominator 40"),
        "{}",
        as2.stdout
    );
    assert!(
        as2.stdout
            .contains("83% is 8 points worse than the 90% target"),
        "{}",
        as2.stdout
    );
}
