//! Dated definitions: a change from a month applies from then on, and
//! earlier periods keep the definition as it was.

use crate::common;
use common::*;

/// February and March 2023: 10 events a month, 2 of them late in
/// February, 4 in March.
fn project(versions: &str) -> Fixture {
    let f = Fixture::new();
    let mut days = repeat("2023-02-10", 10);
    days.extend(repeat("2023-03-10", 10));
    let late: Vec<Option<bool>> = (0..20)
        .map(|i| Some(if i < 10 { i < 2 } else { i < 14 }))
        .collect();
    f.standard_rules()
        .table(
            "events",
            vec![("event_date", dates(&days)), ("late", bools(&late))],
        )
        .file(
            "indicators/e.yaml",
            &indicators(&[indicator(
                "E1",
                "percent",
                "higher_is_better",
                "kind: ratio\nnumerator: { kind: flow, source: events, date: event_date, filter: late == false }\ndenominator: { kind: flow, source: events, date: event_date }",
                &format!("targets: {{ 2022-23: 70 }}\nrag: rag_target\nrag_params: {{ amber_tolerance: 5 }}\n{versions}"),
            )]),
        );
    f
}

#[test]
fn a_change_applies_from_its_month_and_earlier_periods_keep_the_old_definition() {
    let before = project("").run(&["--period", "2023-03"]);
    // Without the change: February 80%, March 60% (10 points short: red).
    assert_eq!(before.value("E1", "2023-02"), "80");
    assert_eq!(before.value("E1", "2023-03"), "60");
    assert_eq!(before.get("E1", "2023-03", "rag"), "red");
    // From March every event counts, and the amber band is 15 points.
    let versions = "versions:\n  - from: 2023-03\n    why: Late events now count as seen, and the band widened.\n    measure:\n      kind: ratio\n      numerator: { kind: flow, source: events, date: event_date }\n      denominator: { kind: flow, source: events, date: event_date }\n    rag_params: { amber_tolerance: 15 }";
    let f = project(versions);
    let after = f.run(&["--period", "2023-03"]);
    for column in ["value", "numerator", "denominator", "rag", "rag_note"] {
        assert_eq!(
            after.get("E1", "2023-02", column),
            before.get("E1", "2023-02", column),
            "February's {column} is unchanged"
        );
    }
    assert_eq!(after.value("E1", "2023-03"), "100");
    assert_eq!(after.get("E1", "2023-03", "rag"), "green");
    // The band: under the old definition with the new band, 60% would be amber.
    let band_only = project("versions:\n  - from: 2023-03\n    why: The band widened.\n    rag_params: { amber_tolerance: 15 }").run(&["--period", "2023-03"]);
    assert_eq!(band_only.get("E1", "2023-03", "rag"), "amber");
    assert_eq!(
        band_only.get("E1", "2023-02", "rag"),
        before.get("E1", "2023-02", "rag")
    );
    // Explain and review say which definition applied.
    let out = f.rubric(&["explain", "E1", "--period", "2023-03"]);
    assert!(
        out.stdout
            .contains("definition: as changed from 2023-03: Late events now count as seen"),
        "{}",
        out.stdout
    );
    let out = f.rubric(&["explain", "E1", "--period", "2023-02"]);
    assert!(
        out.stdout
            .contains("definition: as first written (changed from 2023-03 on)"),
        "{}",
        out.stdout
    );
    let out = f.rubric(&["review", "E1"]);
    assert!(
        out.stdout.contains("## Changed from 2023-03"),
        "{}",
        out.stdout
    );
}

#[test]
fn changes_out_of_order_or_changing_nothing_are_refused() {
    let f = project("versions:\n  - from: 2023-04\n    why: later\n    rag_params: { amber_tolerance: 1 }\n  - from: 2023-03\n    why: earlier\n    rag_params: { amber_tolerance: 2 }\n  - from: April\n    why: not a month\n    rag_params: { amber_tolerance: 3 }\n  - from: 2023-06\n    why: nothing");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn benchmarks_change_from_their_month() {
    let f = project("benchmarks: { england: 75 }\nversions:\n  - from: 2023-03\n    why: The new national figures were published.\n    benchmarks: { england: 78, south_east: 80 }");
    let t = f.run(&["--period", "2023-03"]);
    assert_eq!(t.get("E1", "2023-02", "benchmark_england"), "75");
    assert_eq!(t.get("E1", "2023-02", "benchmark_south_east"), "NA");
    assert_eq!(t.get("E1", "2023-03", "benchmark_england"), "78");
    assert_eq!(t.get("E1", "2023-03", "benchmark_south_east"), "80");
}
