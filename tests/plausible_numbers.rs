//! A number that does not fit its unit is a warning in `check` (#32,
//! silent wrong figure 2): a percentage target written as a fraction
//! (`0.85` is 0.85%, so every month is green), one over 100 for figures
//! that never exceed it, a `..._pct` rule parameter written as a fraction.

use crate::common;
use common::*;

/// Four assessments in March 2023, three on time: 75%, by hand.
fn assessments(indicator_extra: &[(&str, &str)]) -> Fixture {
    let f = Fixture::new();
    f.standard_rules().table(
        "assessments",
        vec![
            ("assessment_date", dates(&repeat("2023-03-10", 4))),
            (
                "on_time",
                bools(&[Some(true), Some(true), Some(true), Some(false)]),
            ),
        ],
    );
    let items: Vec<String> = indicator_extra
        .iter()
        .map(|(id, extra)| {
            indicator(
                id,
                "percent",
                "higher_is_better",
                "kind: ratio\n\
                 numerator: { kind: flow, source: assessments, date: assessment_date, filter: on_time }\n\
                 denominator: { kind: flow, source: assessments, date: assessment_date }",
                extra,
            )
        })
        .collect();
    f.file("indicators/a.yaml", &indicators(&items));
    f
}

/// `check --format json`'s warnings, as (line, message, help).
fn warnings(f: &Fixture) -> Vec<(u64, String, String)> {
    let out = f.rubric(&["check", "--format", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["line"].as_u64().unwrap(),
                w["message"].as_str().unwrap().to_string(),
                w["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .filter(|(_, m, _)| !m.contains("no commentary"))
        .collect()
}

#[test]
fn regression_a_percentage_target_given_as_a_fraction_is_warned() {
    let f = assessments(&[("P1", "targets: { 2022-23: 0.85 }\nrag: rag_target")]);
    let found = warnings(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, message, help) = &found[0];
    // The target's line: `indicators:`, then the indicator's id, title,
    // section, owner, outcome, unit, polarity, decimals and `measure:` (2
    // to 10), its measure's 3 lines (11 to 13), then `targets:` (14).
    assert_eq!(*line, 14, "{message}");
    assert_eq!(
        message,
        "P1: the target for 2022-23 is 0.85 on a percentage indicator whose figures reach 75.0%: it reads as 0.85%, not 85%"
    );
    assert_eq!(help, "write percentages from 0 to 100: 85 for 85%");
}

#[test]
fn a_percentage_target_over_100_for_figures_that_never_reach_it_is_warned() {
    let f = assessments(&[("P2", "targets: { 2022-23: 120 }\nrag: rag_target")]);
    let found = warnings(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].1,
        "P2: the target for 2022-23 is 120 on a percentage indicator whose figures reach only 75.0%"
    );
}

#[test]
fn a_percent_parameter_written_as_a_fraction_is_warned() {
    let f = assessments(&[(
        "P3",
        "targets: { 2022-23: 85 }\nrag: rag_target_relative\nrag_params: { amber_tolerance_pct: 0.05 }",
    )]);
    let found = warnings(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].1,
        "P3: `amber_tolerance_pct` of its RAG rule is 0.05, which reads as 0.05%: a percentage written as a fraction?"
    );
    assert_eq!(found[0].2, "write it as a percentage: 5 for 5%");
}

#[test]
fn plausible_percentages_and_benchmarks_are_not_warned() {
    let f = assessments(&[(
        "P4",
        "targets: { 2022-23: 85, 2023-24: 1 }\nbenchmarks: { england: 80.5 }\nrag: rag_target",
    )]);
    assert_eq!(warnings(&f), []);
}

#[test]
fn a_versions_numbers_are_checked_as_the_indicators_own() {
    let f = assessments(&[(
        "P5",
        "targets: { 2022-23: 85 }\nrag: rag_target_relative\nversions:\n  - from: 2023-01\n    why: A wider band.\n    rag_params: { amber_tolerance_pct: 0.1 }\n    benchmarks: { england: 0.8 }",
    )]);
    let found: Vec<String> = warnings(&f).into_iter().map(|w| w.1).collect();
    assert_eq!(
        found,
        [
            "P5: the benchmark `england` from 2023-01 is 0.8 on a percentage indicator whose figures reach 75.0%: it reads as 0.8%, not 80%",
            "P5: `amber_tolerance_pct` of its RAG rule from 2023-01 is 0.1, which reads as 0.1%: a percentage written as a fraction?",
        ],
        "{found:?}"
    );
}
