//! Targets written as a strict comparator (`< 36`: exactly 36 is not met,
//! as boards print `<36%`) or as a state in words (`TBC`), and rated by
//! the shipped rules. Figures worked out by hand in the comments.

use crate::common;
use common::*;

const LATE: &str = "kind: ratio\nnumerator: { kind: flow, source: events, date: event_date, filter: late }\ndenominator: { kind: flow, source: events, date: event_date }";

/// 100 events a month: 36 late in January 2023, 35 in February, 42 in March.
fn project(targets: &[(&str, &str)]) -> Fixture {
    let f = Fixture::new();
    let (mut days, mut late) = (Vec::new(), Vec::new());
    for (day, n) in [("2023-01-10", 36), ("2023-02-10", 35), ("2023-03-10", 42)] {
        days.extend(repeat(day, 100));
        late.extend((0..100).map(|i| Some(i < n)));
    }
    let items: Vec<String> = targets
        .iter()
        .map(|(id, target)| {
            indicator(
                id,
                "percent",
                "lower_is_better",
                LATE,
                &format!("targets: {{ 2022-23: {target} }}\nrag: rag_target"),
            )
        })
        .collect();
    f.standard_rules()
        .table(
            "events",
            vec![("event_date", dates(&days)), ("late", bools(&late))],
        )
        .file("indicators/t.yaml", &indicators(&items));
    f
}

#[test]
fn a_strict_target_is_met_only_beyond_it() {
    let f = project(&[("STRICT", "\"< 36\""), ("PLAIN", "36"), ("STATE", "TBC")]);
    let t = f.run(&["--period", "2023-03"]);
    // January: 36.0% against <36%: at it, not beyond, within the tolerance of 5.
    assert_eq!(t.get("STRICT", "2023-01", "rag"), "amber");
    assert_eq!(
        t.get("STRICT", "2023-01", "rag_note"),
        "36.0% is at the <36.0% target, not beyond it, within the amber tolerance of 5.0 points"
    );
    // The same figure against a plain 36 meets it.
    assert_eq!(t.get("PLAIN", "2023-01", "rag"), "green");
    // February 35.0% is beyond: green; March 42.0% is 6 points worse: red.
    assert_eq!(t.get("STRICT", "2023-02", "rag"), "green");
    assert_eq!(t.get("STRICT", "2023-03", "rag"), "red");
    // The rules' target is the number; the CSV keeps it.
    assert_eq!(t.get("STRICT", "2023-01", "target"), "36");
    // A state is no number: not rated, saying why.
    assert_eq!(t.get("STATE", "2023-01", "rag"), "not_rated");
    assert_eq!(
        t.get("STATE", "2023-01", "rag_note"),
        "the target for 2022-23 is TBC"
    );
    // Reports print the target as written.
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    let row = |id: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {id} |")))
            .unwrap()
    };
    // (`<` is escaped in Markdown, as everywhere, and reads `<36.0%`.)
    assert!(row("STRICT").contains("| &lt;36.0% |"), "{}", row("STRICT"));
    assert!(row("STATE").contains("| TBC |"), "{}", row("STATE"));
    let out = f.rubric(&["explain", "STRICT", "--period", "2023-01"]);
    assert!(
        out.stdout
            .contains("the target for 2022-23: <36.0% (strict: met only beyond it)"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_comparator_against_the_polarity_or_a_number_as_text_is_refused_at_its_place() {
    let f = project(&[
        ("WRONG", "\"> 36\""),
        ("PCT", "\"36%\""),
        ("EMPTY", "\"<\""),
    ]);
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for expected in [
        "the target for 2022-23 is `> 36`, which points the other way from the indicator's polarity (lower is better)",
        "the target for 2022-23 is `36%`, a number written as text",
        "the target for 2022-23 is `<`: no number follows the comparator",
        "indicators/t.yaml:",
    ] {
        assert!(out.stderr.contains(expected), "{expected}:\n{}", out.stderr);
    }
}
