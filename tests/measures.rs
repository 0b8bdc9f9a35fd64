//! Measures on small hand-made tables; every expected figure was worked
//! out by hand from the rows written here.

use crate::common;
use common::*;

fn count_flow(source: &str, date: &str) -> String {
    format!("kind: flow\nsource: {source}\ndate: {date}\n")
}

#[test]
fn flow_and_snapshot_at_month_ends() {
    let f = Fixture::new();
    // A closes on the last day of January, so it is not open at its end;
    // B opens on the last day of January; D closes on 28 February 2023.
    f.table(
        "plans",
        vec![
            (
                "start_date",
                dates(&[
                    Some("2023-01-15"),
                    Some("2023-01-31"),
                    Some("2023-02-01"),
                    Some("2022-12-10"),
                ]),
            ),
            (
                "end_date",
                dates(&[
                    Some("2023-01-31"),
                    None,
                    Some("2023-03-01"),
                    Some("2023-02-28"),
                ]),
            ),
        ],
    )
    .file(
        "indicators/plans.yaml",
        &indicators(&[
            indicator(
                "STARTED",
                "count",
                "neutral",
                &count_flow("plans", "start_date"),
                "",
            ),
            indicator(
                "OPEN",
                "count",
                "neutral",
                "kind: snapshot\nsource: plans\nstart: start_date\nend: end_date\n",
                "",
            ),
        ]),
    );
    let t = f.run(&["--period", "2023-03"]);
    let months = ["2022-11", "2022-12", "2023-01", "2023-02", "2023-03"];
    let started: Vec<String> = months.iter().map(|m| t.value("STARTED", m)).collect();
    let open: Vec<String> = months.iter().map(|m| t.value("OPEN", m)).collect();
    assert_eq!(started, ["0", "1", "2", "1", "0"]);
    assert_eq!(open, ["0", "1", "2", "2", "1"]);
}

#[test]
fn ratio_with_a_zero_denominator_is_missing_with_its_reason() {
    let f = Fixture::new();
    f.table(
        "visits",
        vec![
            ("visit_date", dates(&[Some("2023-01-03"), Some("2023-01-04"), Some("2023-01-05"), Some("2023-03-01"), Some("2023-03-02")])),
            ("on_time", bools(&[Some(true), Some(true), Some(false), Some(true), Some(true)])),
        ],
    )
    .file(
        "indicators/v.yaml",
        &indicators(&[indicator(
            "V1",
            "percent",
            "higher_is_better",
            "kind: ratio\nnumerator:\n  kind: flow\n  source: visits\n  date: visit_date\n  filter: on_time == true\ndenominator:\n  kind: flow\n  source: visits\n  date: visit_date\n",
            "",
        )]),
    );
    let t = f.run(&["--period", "2023-03"]);
    assert_eq!(
        t.value("V1", "2023-01").parse::<f64>().unwrap(),
        200.0 / 3.0
    );
    assert_eq!(t.get("V1", "2023-01", "numerator"), "2");
    assert_eq!(t.get("V1", "2023-01", "denominator"), "3");
    assert_eq!(t.get("V1", "2023-02", "status"), "missing");
    assert_eq!(t.get("V1", "2023-02", "reason"), "the denominator is 0");
    assert_eq!(t.value("V1", "2023-02"), "NA");
    assert_eq!(t.value("V1", "2023-03"), "100");
}

#[test]
fn rate_per_10000_uses_the_latest_population_up_to_the_period_year() {
    let f = Fixture::new();
    let mut when = repeat("2022-06-15", 4);
    when.extend(repeat("2023-03-20", 12));
    f.table("events", vec![("event_date", dates(&when))])
        .table("population", vec![("year", ints(&[Some(2021), Some(2023)])), ("children", ints(&[Some(40_000), Some(48_000)]))])
        .file(
            "indicators/r.yaml",
            &indicators(&[indicator(
                "R1",
                "rate",
                "neutral",
                "kind: rate\nper: 10000\npopulation: { source: population, year: year, column: children }\nmeasure:\n  kind: flow\n  source: events\n  date: event_date\n",
                "",
            )]),
        );
    let t = f.run(&["--period", "2023-03"]);
    // 4 events over the 2021 population (none published for 2022).
    assert_eq!(t.value("R1", "2022-06"), "1");
    assert_eq!(t.get("R1", "2022-06", "denominator"), "40000");
    // 12 events over the 2023 population.
    assert_eq!(t.value("R1", "2023-03"), "2.5");
    assert_eq!(t.get("R1", "2023-03", "numerator"), "12");
}

#[test]
fn rolling_12_months_and_financial_year_to_date() {
    let f = Fixture::new();
    let mut when = repeat("2022-03-10", 5);
    for (d, n) in [
        ("2022-04-01", 10),
        ("2022-10-31", 2),
        ("2023-01-09", 2),
        ("2023-02-09", 3),
        ("2023-03-31", 4),
        ("2023-04-01", 5),
        ("2023-05-20", 1),
    ] {
        when.extend(repeat(d, n));
    }
    let flow = count_flow("events", "event_date");
    let windowed = |w: &str| {
        format!("kind: window\nwindow: {w}\nmeasure:\n  kind: flow\n  source: events\n  date: event_date\n")
    };
    f.table("events", vec![("event_date", dates(&when))]).file(
        "indicators/w.yaml",
        &indicators(&[
            indicator("MONTH", "count", "neutral", &flow, ""),
            indicator("ROLL", "count", "neutral", &windowed("rolling_12m"), ""),
            indicator(
                "FYTD",
                "count",
                "neutral",
                &windowed("financial_year_to_date"),
                "",
            ),
        ]),
    );
    let t = f.run(&["--period", "2023-05"]);
    // Rolling: the 12 months ending at the period.
    assert_eq!(t.value("ROLL", "2022-05"), "15"); // 2022-03: 5 + 2022-04: 10
    assert_eq!(t.value("ROLL", "2023-02"), "22"); // 2022-03 to 2023-02: 5 + 10 + 2 + 2 + 3
    assert_eq!(t.value("ROLL", "2023-03"), "21"); // 2022-03 has left: 10 + 2 + 2 + 3 + 4
    assert_eq!(t.value("ROLL", "2023-04"), "16"); // 2022-04 has left: 2 + 2 + 3 + 4 + 5
                                                  // Financial year to date: resets in April.
    assert_eq!(t.value("FYTD", "2022-05"), "10");
    assert_eq!(t.value("FYTD", "2023-03"), "21"); // 10 + 2 + 2 + 3 + 4
    assert_eq!(t.value("FYTD", "2023-04"), "5");
    assert_eq!(t.value("FYTD", "2023-05"), "6");
    assert_eq!(t.value("MONTH", "2023-05"), "1");
}

#[test]
fn changes_against_previous_month_and_same_month_last_year() {
    let f = Fixture::new();
    let mut when = repeat("2022-03-01", 8);
    when.extend(repeat("2023-02-01", 10));
    when.extend(repeat("2023-03-01", 12));
    f.table("events", vec![("event_date", dates(&when))]).file(
        "indicators/c.yaml",
        &indicators(&[indicator(
            "C1",
            "count",
            "neutral",
            &count_flow("events", "event_date"),
            "",
        )]),
    );
    let t = f.run(&["--period", "2023-03"]);
    let col = |c: &str| t.get("C1", "2023-03", c);
    assert_eq!(
        [
            col("previous"),
            col("change"),
            col("change_pct"),
            col("last_year"),
            col("change_yoy"),
            col("change_yoy_pct")
        ],
        ["10", "2", "20", "8", "4", "50"]
    );
    // 12-month statistics over 2022-04 to 2023-03: ten zeros, 10 and 12.
    assert_eq!(col("max_12m"), "12");
    assert_eq!(col("min_12m"), "0");
    assert_eq!(col("avg_12m").parse::<f64>().unwrap(), 22.0 / 12.0);
    // No change can be given against a zero base in percent.
    assert_eq!(t.get("C1", "2023-02", "change_pct"), "NA");
    assert_eq!(t.get("C1", "2023-02", "change"), "10");
}

#[test]
fn breakdown_values_sum_to_the_whole_and_missing_values_are_grouped() {
    let f = Fixture::new();
    f.table(
        "referrals",
        vec![
            (
                "referral_date",
                dates(&[
                    Some("2023-03-01"),
                    Some("2023-03-02"),
                    Some("2023-03-03"),
                    Some("2023-03-04"),
                ]),
            ),
            (
                "team",
                strs(&[Some("North"), Some("South"), Some("North"), None]),
            ),
        ],
    )
    .file(
        "indicators/b.yaml",
        &indicators(&[indicator(
            "B1",
            "count",
            "neutral",
            &count_flow("referrals", "referral_date"),
            "breakdown: team",
        )]),
    );
    let t = f.run(&["--period", "2023-03"]);
    assert_eq!(t.value("B1", "2023-03"), "4");
    assert_eq!(t.group("B1", "North", "2023-03", "value"), "2");
    assert_eq!(t.group("B1", "South", "2023-03", "value"), "1");
    assert_eq!(t.group("B1", "(not recorded)", "2023-03", "value"), "1");
    assert_eq!(t.group("B1", "North", "2023-03", "breakdown"), "team");
}

#[test]
fn expression_indicators_read_other_indicators_and_report_missing_inputs() {
    let f = Fixture::new();
    let mut when = repeat("2023-02-01", 4);
    when.extend(repeat("2023-03-01", 2));
    f.table("events", vec![("event_date", dates(&when))]).file(
        "indicators/e.yaml",
        &indicators(&[
            indicator(
                "A",
                "count",
                "neutral",
                &count_flow("events", "event_date"),
                "",
            ),
            indicator(
                "HALF_PER_A",
                "number",
                "neutral",
                "kind: expression\nformula: 50 / A\n",
                "",
            ),
        ]),
    );
    let t = f.run(&["--period", "2023-03"]);
    assert_eq!(t.value("HALF_PER_A", "2023-02"), "12.5");
    assert_eq!(t.value("HALF_PER_A", "2023-03"), "25");
    assert_eq!(
        t.get("HALF_PER_A", "2023-01", "reason"),
        rubric::measure::series::NOT_FINITE
    );
}

#[test]
fn periods_before_collection_are_not_collected() {
    let f = Fixture::new();
    f.table(
        "events",
        vec![("event_date", dates(&repeat("2023-03-01", 3)))],
    )
    .file(
        "indicators/n.yaml",
        &indicators(&[indicator(
            "N1",
            "count",
            "neutral",
            &count_flow("events", "event_date"),
            "collected_from: 2023-02",
        )]),
    );
    let t = f.run(&["--period", "2023-03"]);
    assert_eq!(t.get("N1", "2023-01", "status"), "missing");
    assert_eq!(
        t.get("N1", "2023-01", "reason"),
        "not collected before 2023-02"
    );
    assert_eq!(t.value("N1", "2023-02"), "0");
}

#[test]
fn the_latest_month_with_data_is_the_default_period() {
    let f = Fixture::new();
    f.table(
        "events",
        vec![(
            "event_date",
            dates(&[Some("2021-05-01"), Some("2023-06-30"), None]),
        )],
    )
    .file(
        "indicators/l.yaml",
        &indicators(&[indicator(
            "L1",
            "count",
            "neutral",
            &count_flow("events", "event_date"),
            "",
        )]),
    );
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("reporting period 2023-06"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_measure_shared_by_indicators_is_computed_once_and_gives_each_its_figures() {
    let f = Fixture::new();
    f.table(
        "visits",
        vec![
            ("visit_date", dates(&[Some("2023-01-03"), Some("2023-01-04"), Some("2023-01-05")])),
            ("on_time", bools(&[Some(true), Some(true), Some(false)])),
        ],
    )
    .file(
        "indicators/v.yaml",
        &indicators(&[
            indicator("V1", "count", "neutral", &count_flow("visits", "visit_date"), ""),
            // The same count as V1 (filter written with other spacing is
            // still the same filter), as a numerator and a denominator.
            indicator(
                "V2",
                "percent",
                "higher_is_better",
                "kind: ratio\nnumerator:\n  kind: flow\n  source: visits\n  date: visit_date\n  filter: on_time == true\ndenominator:\n  kind: flow\n  source: visits\n  date: visit_date\n",
                "",
            ),
            indicator(
                "V3",
                "count",
                "neutral",
                "kind: flow\nsource: visits\ndate: visit_date\nfilter: '  on_time == true '\n",
                "",
            ),
        ]),
    );
    let project = rubric::model::compile_project(f.path(), &rubric::output::formats())
        .unwrap_or_else(|_| panic!("compiles"));
    // V1's count, V2's denominator: one; V2's numerator, V3: one.
    assert_eq!(project.base_measures.len(), 2);
    let t = f.run(&["--period", "2023-01"]);
    assert_eq!(t.value("V1", "2023-01"), "3");
    assert_eq!(t.get("V2", "2023-01", "numerator"), "2");
    assert_eq!(t.get("V2", "2023-01", "denominator"), "3");
    assert_eq!(t.value("V3", "2023-01"), "2");
}
