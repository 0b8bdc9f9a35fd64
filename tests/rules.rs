//! DoT and RAG rules on hand-made monthly figures.

use crate::common;
use common::*;

fn count_indicator(id: &str, polarity: &str, extra: &str) -> String {
    indicator(
        id,
        "count",
        polarity,
        "kind: flow\nsource: events\ndate: event_date\n",
        extra,
    )
}

#[test]
fn dot_uses_the_similar_band_and_respects_polarity() {
    let f = Fixture::new();
    // 100, then +10% exactly (at the band: printed +10%, so a move, as
    // boards print it), then +10.9%, then -18%.
    let mut when = repeat("2023-01-10", 100);
    when.extend(repeat("2023-02-10", 110));
    when.extend(repeat("2023-03-10", 122));
    when.extend(repeat("2023-04-10", 100));
    f.standard_rules()
        .table("events", vec![("event_date", dates(&when))])
        .file(
            "indicators/d.yaml",
            &indicators(&[
                count_indicator("HIGH", "higher_is_better", "dot: dot_banded"),
                count_indicator("LOW", "lower_is_better", "dot: dot_banded"),
                count_indicator("FLAT", "neutral", "dot: dot_banded"),
                count_indicator(
                    "TIGHT",
                    "higher_is_better",
                    "dot: dot_banded\ndot_params:\n  similar_band_pct: 5",
                ),
            ]),
        );
    let t = f.run(&["--period", "2023-04"]);
    let dot = |id: &str, m: &str| t.get(id, m, "dot");
    assert_eq!(
        [
            dot("HIGH", "2023-02"),
            dot("HIGH", "2023-03"),
            dot("HIGH", "2023-04")
        ],
        ["improving", "improving", "worsening"]
    );
    assert_eq!(
        [
            dot("LOW", "2023-02"),
            dot("LOW", "2023-03"),
            dot("LOW", "2023-04")
        ],
        ["worsening", "worsening", "improving"]
    );
    assert_eq!(
        [
            dot("FLAT", "2023-02"),
            dot("FLAT", "2023-03"),
            dot("FLAT", "2023-04")
        ],
        ["up", "up", "down"]
    );
    assert_eq!(dot("TIGHT", "2023-02"), "improving");
    // From zero to something is a move; with no previous value there is no rating.
    assert_eq!(dot("HIGH", "2023-01"), "improving");
    assert_eq!(dot("HIGH", "2022-12"), "similar");
}

#[test]
fn rag_at_the_exact_tolerance_edges() {
    let f = Fixture::new();
    // January 18/20 = 90%, February 17/20 = 85%, March 169/200 = 84.5%.
    let mut when = repeat("2023-01-05", 20);
    when.extend(repeat("2023-02-05", 20));
    when.extend(repeat("2023-03-05", 200));
    let mut passed = vec![Some(true); 18];
    passed.extend(vec![Some(false); 2]);
    passed.extend(vec![Some(true); 17]);
    passed.extend(vec![Some(false); 3]);
    passed.extend(vec![Some(true); 169]);
    passed.extend(vec![Some(false); 31]);
    let ratio = "kind: ratio\nnumerator:\n  kind: flow\n  source: checks\n  date: check_date\n  filter: passed\ndenominator:\n  kind: flow\n  source: checks\n  date: check_date\n";
    f.standard_rules()
        .table(
            "checks",
            vec![("check_date", dates(&when)), ("passed", bools(&passed))],
        )
        .file(
            "indicators/r.yaml",
            &indicators(&[
                indicator(
                    "UP",
                    "percent",
                    "higher_is_better",
                    ratio,
                    "targets:\n  2022-23: 90\nrag: rag_target",
                ),
                indicator(
                    "DOWN",
                    "percent",
                    "lower_is_better",
                    ratio,
                    "targets:\n  2022-23: 85\nrag: rag_target",
                ),
                indicator(
                    "NONE",
                    "percent",
                    "higher_is_better",
                    ratio,
                    "rag: rag_target",
                ),
            ]),
        );
    let t = f.run(&["--period", "2023-03"]);
    let rag = |id: &str, m: &str| t.get(id, m, "rag");
    assert_eq!(
        [
            rag("UP", "2023-01"),
            rag("UP", "2023-02"),
            rag("UP", "2023-03")
        ],
        ["green", "amber", "red"]
    );
    assert_eq!(
        [
            rag("DOWN", "2023-01"),
            rag("DOWN", "2023-02"),
            rag("DOWN", "2023-03")
        ],
        ["amber", "green", "green"]
    );
    assert_eq!(rag("NONE", "2023-01"), "not_rated");
    assert_eq!(t.get("NONE", "2023-01", "rag_note"), "no target");
    assert_eq!(t.get("UP", "2022-12", "rag_note"), "no value");
}

const BAD_RULES: &str = r#"rules:
  - name: sideways
    kind: dot
    outcomes:
      - { name: up }
    expression: |
      if value > 0.0 { "sideways" } else { "up" }
  - name: forever
    kind: rag
    outcomes:
      - { name: red }
    expression: |
      let n = 0;
      loop { n += 1; }
"#;

#[test]
fn a_rule_returning_an_undeclared_outcome_is_an_error_naming_rule_indicator_and_period() {
    let f = Fixture::new();
    f.file("rules/bad.yaml", BAD_RULES)
        .table(
            "events",
            vec![("event_date", dates(&repeat("2023-03-01", 2)))],
        )
        .file(
            "indicators/x.yaml",
            &indicators(&[count_indicator("X1", "neutral", "dot: sideways")]),
        );
    let out = f.rubric(&["run", "--period", "2023-03"]);
    assert_eq!(out.code, 3);
    insta::assert_snapshot!(out.stderr);
    assert!(
        !f.out_dir().join("scorecard.csv").exists(),
        "nothing is written by a failed run"
    );
}

#[test]
fn rules_failing_in_many_indicators_report_the_first_indicator_s_failure() {
    // Indicators are rated in parallel; the failure reported is still the
    // first in the project's order, whichever thread met its own first.
    let f = Fixture::new();
    let ids: Vec<String> = (1..=12).map(|i| format!("X{i:02}")).collect();
    let items: Vec<String> = ids
        .iter()
        .map(|id| count_indicator(id, "neutral", "dot: sideways"))
        .collect();
    f.file("rules/bad.yaml", BAD_RULES)
        .table(
            "events",
            vec![("event_date", dates(&repeat("2023-03-01", 2)))],
        )
        .file("indicators/x.yaml", &indicators(&items));
    for _ in 0..3 {
        let out = f.rubric(&["run", "--period", "2023-03"]);
        assert_eq!(out.code, 3);
        assert!(
            out.stderr
                .contains("for X01 in 2023-03, which is not one of its outcomes"),
            "{}",
            out.stderr
        );
        for later in &ids[1..] {
            assert!(
                !out.stderr.contains(&format!("for {later} in")),
                "{}",
                out.stderr
            );
        }
    }
}

#[test]
fn an_endless_rule_is_stopped_with_an_error_naming_it() {
    let f = Fixture::new();
    f.file("rules/bad.yaml", BAD_RULES)
        .table(
            "events",
            vec![("event_date", dates(&repeat("2023-03-01", 2)))],
        )
        .file(
            "indicators/x.yaml",
            &indicators(&[count_indicator(
                "X1",
                "neutral",
                "targets:\n  2022-23: 1\nrag: forever",
            )]),
        );
    let out = f.rubric(&["run", "--period", "2023-03"]);
    assert_eq!(out.code, 3);
    insta::assert_snapshot!(out.stderr);
}
