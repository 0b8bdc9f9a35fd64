//! The publication policy on hand-made tables: small counts withheld, and
//! never a withheld cell that the published total and the other cells
//! would give away.

use crate::common;
use common::*;

/// March 2023: North 3 events (1 late), South 10 (2 late), East 7 (none
/// late); whole 20. April: North 2 only.
fn project() -> Fixture {
    let f = Fixture::new();
    let mut days = Vec::new();
    let mut teams = Vec::new();
    let mut late = Vec::new();
    for (team, n, n_late) in [("North", 3, 1), ("South", 10, 2), ("East", 7, 0)] {
        for i in 0..n {
            days.push(Some("2023-03-15"));
            teams.push(Some(team));
            late.push(Some(i < n_late));
        }
    }
    for _ in 0..2 {
        days.push(Some("2023-04-15"));
        teams.push(Some("North"));
        late.push(Some(false));
    }
    f.standard_rules()
        .table(
            "events",
            vec![
                ("event_date", dates(&days)),
                ("region", strs(&teams.iter().map(|t| t.map(|t| if t == "North" { "Upland" } else { "Lowland" })).collect::<Vec<_>>())),
                ("team", strs(&teams)),
                ("late", bools(&late)),
            ],
        )
        .file(
            "indicators/e.yaml",
            &indicators(&[
                indicator(
                    "C1",
                    "count",
                    "neutral",
                    "{ kind: flow, source: events, date: event_date }",
                    "breakdown: team",
                ),
                indicator(
                    "C2",
                    "count",
                    "neutral",
                    "{ kind: flow, source: events, date: event_date }",
                    "breakdowns: [team, region]",
                ),
                indicator(
                    "R1",
                    "percent",
                    "higher_is_better",
                    "kind: ratio\nnumerator: { kind: flow, source: events, date: event_date, filter: late == false }\ndenominator: { kind: flow, source: events, date: event_date }",
                    "breakdown: team",
                ),
            ]),
        )
        .file("rubric.yaml", "publication:\n  suppress_below: 5\n");
    f
}

#[test]
fn small_counts_and_the_cells_that_would_reveal_them_are_withheld() {
    let f = project();
    let t = f.run(&["--period", "2023-04", "--publish"]);
    // March counts: North 3 is withheld; East 7, the smallest other, too,
    // or 20 - 10 - 7 would give North away.
    assert_eq!(t.value("C1", "2023-03"), "20");
    assert_eq!(t.group("C1", "South", "2023-03", "value"), "10");
    for team in ["North", "East"] {
        assert_eq!(t.group("C1", team, "2023-03", "value"), "NA");
        assert_eq!(t.group("C1", team, "2023-03", "status"), "suppressed");
    }
    assert!(t
        .group("C1", "North", "2023-03", "reason")
        .contains("a count from 1 to 4"));
    assert!(t
        .group("C1", "East", "2023-03", "reason")
        .contains("secondary"));
    // The percentage: North's denominator is 3, so North and East go.
    assert_eq!(t.group("R1", "South", "2023-03", "value"), "80");
    assert_eq!(t.group("R1", "North", "2023-03", "status"), "suppressed");
    assert_eq!(t.group("R1", "East", "2023-03", "status"), "suppressed");
    assert_eq!(t.group("R1", "North", "2023-03", "denominator"), "NA");
    // April: the whole is 2, so it is withheld, and nothing compares with it.
    assert_eq!(t.get("C1", "2023-04", "status"), "suppressed");
    assert_eq!(t.get("C1", "2023-04", "previous"), "20");
    assert_eq!(t.get("C1", "2023-04", "change"), "NA");
    assert_eq!(t.group("C1", "North", "2023-04", "status"), "suppressed");
    assert_eq!(t.group("C1", "North", "2023-04", "previous"), "NA");
}

#[test]
fn no_published_cell_can_reveal_a_withheld_one() {
    let f = project();
    let t = f.run(&["--period", "2023-04", "--publish"]);
    let mut by_period: std::collections::BTreeMap<
        (String, String),
        Vec<&std::collections::BTreeMap<String, String>>,
    > = Default::default();
    for ((id, _, group, period), row) in &t.rows {
        for column in ["value", "numerator", "denominator"] {
            let v = &row[column];
            // Counts, and the numerators and denominators of percentages.
            let is_count = column != "value" || row["unit"] == "count";
            if is_count && v != "NA" {
                let n: f64 = v.parse().unwrap();
                assert!(
                    n == 0.0 || n >= 5.0,
                    "{id} {group} {period} {column} = {n} is published"
                );
            }
        }
        if group != "all" {
            by_period
                .entry((id.clone(), period.clone()))
                .or_default()
                .push(row);
        }
    }
    for ((id, period), rows) in by_period {
        // A withheld whole reveals nothing; a shown whole less the shown
        // cells must never leave a single withheld cell.
        let whole = &t.rows[&(
            id.clone(),
            "all".to_string(),
            "all".to_string(),
            period.clone(),
        )];
        let withheld = rows.iter().filter(|r| r["status"] == "suppressed").count();
        assert!(
            whole["status"] == "suppressed" || withheld != 1,
            "{id} {period}: one breakdown cell withheld alone can be worked out from the total"
        );
    }
}

#[test]
fn without_publish_nothing_is_withheld_and_publish_needs_a_policy() {
    let f = project();
    let t = f.run(&["--period", "2023-04"]);
    assert_eq!(t.group("C1", "North", "2023-03", "value"), "3");
    std::fs::remove_file(f.path().join("rubric.yaml")).unwrap();
    let out = f.rubric(&["run", "--publish"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("suppress_below: 5"), "{}", out.stderr);
}

/// Quality flags on a hand-made table: March has 20 events (a base of 20),
/// April 2 (a small base under 10); the data was extracted on 20 April.
#[test]
fn small_bases_and_incomplete_periods_are_flagged() {
    let f = project();
    f.file(
        "rubric.yaml",
        "quality:\n  small_base: 10\n  extracted: 2023-04-20\n",
    )
    .file(
        "indicators/r.yaml",
        &indicators(&[indicator(
            "R2",
            "percent",
            "higher_is_better",
            "kind: ratio\nnumerator: { kind: flow, source: events, date: event_date, filter: late == false }\ndenominator: { kind: flow, source: events, date: event_date }",
            "targets: { 2022-23: 50, 2023-24: 50 }\nrag: rag_target\ndot: warn_anyway",
        )]),
    )
    .file(
        "rules/warn.yaml",
        "rules:\n  - name: warn_anyway\n    kind: dot\n    on_small_base: warn\n    outcomes: [{ name: up }, { name: down }]\n    expression: 'if value >= previous { \"up\" } else { \"down\" }'\n",
    );
    let t = f.run(&["--period", "2023-04"]);
    // March: 17 of 20 on time, a base of 20: rated; the months before have
    // no events (a denominator of 0, no value), so its 12-month average is
    // over March alone.
    assert_eq!(
        t.get("R2", "2023-03", "flags"),
        "partial: the 12-month average, highest and lowest are over 1 of 12 months"
    );
    assert_eq!(t.get("R2", "2023-03", "rag"), "green");
    // April: 2 of 2 on a base of 2, and the month runs past the extract.
    assert_eq!(
        t.get("R2", "2023-04", "flags"),
        "small base: the denominator 2 is under 10; partial: the 12-month average, highest and lowest are over 2 of 12 months; incomplete: the data was extracted on 2023-04-20, before the period ends on 2023-04-30"
    );
    assert_eq!(t.get("R2", "2023-04", "rag"), "not_rated");
    assert_eq!(
        t.get("R2", "2023-04", "rag_note"),
        "small base: the denominator 2 is under 10"
    );
    // A rule set that says `on_small_base: warn` still rates it.
    assert_eq!(t.get("R2", "2023-04", "dot"), "up");
    let out = f.rubric(&["explain", "R2", "--period", "2023-04"]);
    assert!(
        out.stdout
            .contains("read with care: small base: the denominator 2 is under 10"),
        "{}",
        out.stdout
    );
}

#[test]
fn each_breakdown_withholds_a_second_cell_of_its_own() {
    let f = project();
    let t = f.run(&["--period", "2023-04", "--publish"]);
    // March: team North 3 and region Upland 3 (North alone) are withheld.
    // Each breakdown adds up to the whole of 20 on its own, so each
    // withholds its smallest other value: East 7 among the teams, Lowland
    // 17 among the regions; South 10 stays.
    let status = |by: &str, value: &str| t.by("C2", by, value, "2023-03", "status");
    assert_eq!(status("team", "North"), "suppressed");
    assert_eq!(status("team", "East"), "suppressed");
    assert_eq!(status("team", "South"), "ok");
    assert_eq!(status("region", "Upland"), "suppressed");
    assert_eq!(status("region", "Lowland"), "suppressed");
    assert_eq!(t.by("C2", "all", "all", "2023-03", "value"), "20");
}
