//! Changes printed as the difference or as the percent change, and the
//! shipped direction-of-travel band judged on the change as printed.
//! Figures worked out by hand in the comments.

use crate::common;
use common::*;

/// `amount` per month: January 200, February 219.9, March 200, April 175;
/// `part` of `whole` (x 100) 33.3 of 100 in January, 36.9 of 100 in February.
fn project(extra_settings: &str) -> Fixture {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "amounts",
            vec![
                (
                    "day",
                    dates(&[
                        Some("2023-01-10"),
                        Some("2023-02-10"),
                        Some("2023-03-10"),
                        Some("2023-04-10"),
                    ]),
                ),
                (
                    "amount",
                    floats(&[Some(200.0), Some(219.9), Some(200.0), Some(175.0)]),
                ),
                ("part", floats(&[Some(33.3), Some(36.9), None, None])),
                ("whole", floats(&[Some(100.0), Some(100.0), None, None])),
            ],
        )
        .file(
            "indicators/c.yaml",
            &indicators(&[
                indicator(
                    "S1",
                    "number",
                    "neutral",
                    "{ kind: flow, source: amounts, date: day, sum: amount }",
                    "dot: dot_banded",
                ),
                indicator(
                    "P1",
                    "percent",
                    "neutral",
                    "kind: ratio\nnumerator: { kind: flow, source: amounts, date: day, sum: part }\ndenominator: { kind: flow, source: amounts, date: day, sum: whole }",
                    "dot: dot_banded",
                ),
                indicator(
                    "P2",
                    "percent",
                    "neutral",
                    "kind: ratio\nnumerator: { kind: flow, source: amounts, date: day, sum: part }\ndenominator: { kind: flow, source: amounts, date: day, sum: whole }",
                    "change_display: relative",
                ),
            ]),
        )
        ;
    if !extra_settings.is_empty() {
        f.file("rubric.yaml", extra_settings);
    }
    f
}

#[test]
fn the_band_is_judged_on_the_percent_change_as_printed() {
    let t = project("").run(&["--period", "2023-04"]);
    // 200 to 219.9 is +9.95%, printed +10%: at the 10% band, so up.
    assert_eq!(t.get("S1", "2023-02", "dot"), "up");
    assert!(t
        .get("S1", "2023-02", "dot_note")
        .contains("up by 10%, the 10% band or more"));
    // 219.9 to 200 is -9.05%, printed -9%: similar.
    assert_eq!(t.get("S1", "2023-03", "dot"), "similar");
    // 200 to 175 is -12.5%, printed -13% (half away from zero): down.
    assert_eq!(t.get("S1", "2023-04", "dot"), "down");
    assert!(t.get("S1", "2023-04", "dot_note").contains("down by 13%"));
}

#[test]
fn a_percentage_prints_points_or_its_percent_change_as_asked() {
    let f = project("");
    f.run(&["--period", "2023-02"]);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    let row = |id: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {id} |")))
            .unwrap_or_else(|| panic!("no row for {id}:\n{md}"))
            .to_string()
    };
    // 33.3% to 36.9%: 3.6 points, or (36.9 - 33.3) / 33.3 = +10.8%, printed +11%.
    assert!(row("P1").contains("| +3.6 pts |"), "{}", row("P1"));
    assert!(row("P2").contains("| +11% |"), "{}", row("P2"));
    // The number prints its percent change, as before.
    assert!(row("S1").contains("| +10% |"), "{}", row("S1"));
    // explain gives both, the one not printed in brackets.
    let out = f.rubric(&["explain", "P2", "--period", "2023-02"]);
    assert!(
        out.stdout.contains("a change of +11% (+3.6 pts)"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_project_can_print_every_percentage_s_change_as_a_percent_change() {
    let f = project("display:\n  change: { percent: relative }\n");
    f.run(&["--period", "2023-02"]);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    let p1 = md.lines().find(|l| l.starts_with("| P1 |")).unwrap();
    assert!(p1.contains("| +11% |"), "{p1}");
    let f = project("display:\n  change: { percentage: relative }\n");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("`percentage` is not a unit") && out.stderr.contains("rubric.yaml:2"),
        "{}",
        out.stderr
    );
}

#[test]
fn regression_an_annual_indicator_prints_its_change_once() {
    // Two financial years of events: 2 in 2021-22, 3 in 2022-23. The
    // previous period of an annual figure is the same period last year, so
    // `vs last year` would repeat `vs prev`; it is `–` instead.
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "events",
            vec![(
                "event_date",
                dates(&[
                    Some("2021-05-01"),
                    Some("2021-06-01"),
                    Some("2022-05-01"),
                    Some("2022-06-01"),
                    Some("2022-07-01"),
                ]),
            )],
        )
        .file(
            "indicators/a.yaml",
            &indicators(&[indicator(
                "Y1",
                "count",
                "neutral",
                "{ kind: flow, source: events, date: event_date }",
                "frequency: annual",
            )]),
        );
    f.run(&["--period", "2023-03"]);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    let row = md.lines().find(|l| l.starts_with("| Y1 |")).unwrap();
    assert!(row.contains("| 2.0 | 3.0 | +50% | – |"), "{row}");
}
