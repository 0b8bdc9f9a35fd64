//! Quarterly and annual indicators: financial quarters (Q1 is April to
//! June) and financial years, with the previous period and the same period
//! last year meaning the right thing. Figures worked out by hand.

use crate::common;
use common::*;

fn fixture() -> Fixture {
    let f = Fixture::new();
    let mut when = repeat("2021-06-15", 7);
    for (d, n) in [
        ("2022-04-01", 1),
        ("2022-05-01", 2),
        ("2022-06-30", 3),
        ("2022-07-01", 4),
        ("2022-08-01", 5),
        ("2022-09-30", 6),
        ("2023-02-10", 10),
        ("2023-05-10", 12),
        ("2023-07-01", 1),
    ] {
        when.extend(repeat(d, n));
    }
    let flow = "kind: flow\nsource: events\ndate: event_date\n";
    let snapshot = "kind: snapshot\nsource: plans\nstart: start_date\nend: end_date\n";
    f.table("events", vec![("event_date", dates(&when))])
        .table(
            "plans",
            vec![
                (
                    "start_date",
                    dates(&[Some("2022-05-10"), Some("2022-08-01")]),
                ),
                ("end_date", dates(&[Some("2022-07-15"), None])),
            ],
        )
        .file(
            "indicators/p.yaml",
            &indicators(&[
                indicator("QTR", "count", "neutral", flow, "frequency: quarterly"),
                indicator("YEAR", "count", "neutral", flow, "frequency: annual"),
                indicator(
                    "QOPEN",
                    "count",
                    "neutral",
                    snapshot,
                    "frequency: quarterly",
                ),
            ]),
        );
    f
}

#[test]
fn quarters_sum_their_months_and_compare_with_the_previous_quarter_and_last_year() {
    let t = fixture().run(&["--period", "2023-07"]);
    // Five complete quarters up to July 2023; the July row is not a whole quarter.
    let quarters: Vec<String> = [
        "2022-23 Q1",
        "2022-23 Q2",
        "2022-23 Q3",
        "2022-23 Q4",
        "2023-24 Q1",
    ]
    .iter()
    .map(|q| t.value("QTR", q))
    .collect();
    assert_eq!(quarters, ["6", "15", "0", "10", "12"]);
    let q = |c: &str| t.get("QTR", "2023-24 Q1", c);
    assert_eq!(
        [q("previous"), q("change"), q("change_pct")],
        ["10", "2", "20"]
    );
    assert_eq!(
        [q("last_year"), q("change_yoy"), q("change_yoy_pct")],
        ["6", "6", "100"]
    );
    // The four quarters ending in the last 12 months: 12, 10, 0 and 15.
    assert_eq!(q("avg_12m"), "9.25");
    assert_eq!(q("max_12m"), "15");
    assert_eq!(q("frequency"), "quarterly");
}

#[test]
fn financial_years_and_quarter_end_snapshots() {
    let t = fixture().run(&["--period", "2023-07"]);
    let years: Vec<String> = ["2020-21", "2021-22", "2022-23"]
        .iter()
        .map(|y| t.value("YEAR", y))
        .collect();
    assert_eq!(years, ["0", "7", "31"]);
    assert_eq!(t.get("YEAR", "2022-23", "previous"), "7");
    assert_eq!(t.get("YEAR", "2022-23", "last_year"), "7");
    // Open at the end of June 2022 only the first plan; at the end of September only the second.
    assert_eq!(t.value("QOPEN", "2022-23 Q1"), "1");
    assert_eq!(t.value("QOPEN", "2022-23 Q2"), "1");
    assert_eq!(t.value("QOPEN", "2023-24 Q1"), "1");
}

#[test]
fn the_report_has_a_table_per_frequency() {
    let f = fixture();
    f.run(&["--period", "2023-07"]);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    insta::assert_snapshot!(md);
}

/// Days from 2022-01-01 as dates, `None` for no date.
fn days_after_2022(days: &[Option<i32>]) -> Vec<Option<String>> {
    let base = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).expect("a date");
    days.iter()
        .map(|d| d.map(|d| (base + chrono::Duration::days(i64::from(d))).to_string()))
        .collect()
}

fn as_text(v: &[Option<String>]) -> Vec<Option<&str>> {
    v.iter().map(|d| d.as_deref()).collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

    /// Plain counts, of the whole and of a breakdown, take quicker paths
    /// (flows counted per day and folded into months, snapshots without a
    /// per-row group list) than the general loop a filter reading the
    /// period takes; over any dates, windows and open or closed spans all
    /// give the same figures.
    #[test]
    fn plain_counts_agree_with_the_general_loop(
        rows in proptest::collection::vec(
            (-2200i32..800, proptest::option::weighted(0.7, 0i32..900)),
            0..40,
        ),
    ) {
        let starts: Vec<Option<i32>> = rows.iter().map(|r| Some(r.0)).collect();
        let ends: Vec<Option<i32>> = rows.iter().map(|r| r.1.map(|l| r.0 + l)).collect();
        let (starts, ends) = (days_after_2022(&starts), days_after_2022(&ends));
        let f = Fixture::new();
        f.standard_rules().table(
            "spans",
            vec![
                ("start_date", dates(&as_text(&starts))),
                ("end_date", dates(&as_text(&ends))),
                ("team", strs(&vec![Some("All"); rows.len()])),
            ],
        );
        let mut defined = Vec::new();
        let kinds = [
            ("F", "kind: flow\nsource: spans\ndate: start_date\n"),
            ("S", "kind: snapshot\nsource: spans\nstart: start_date\nend: end_date\n"),
        ];
        let windows = ["", "rolling_12m", "financial_year_to_date", "quarter_to_date"];
        for (kind, measure) in kinds {
            for (w, window) in windows.iter().enumerate() {
                let measure = match *window {
                    "" => measure.to_string(),
                    window => {
                        let inner = measure.trim_end().replace('\n', "\n  ");
                        format!("kind: window\nwindow: {window}\nmeasure:\n  {inner}\n")
                    }
                };
                defined.push(indicator(&format!("{kind}{w}"), "count", "neutral", &measure, ""));
                defined.push(indicator(&format!("{kind}{w}B"), "count", "neutral", &measure, "breakdown: team"));
                // A filter reading the period, always true, takes the
                // general loop (each row judged in each period).
                let general = match *window {
                    "" => format!("{measure}filter: period_end >= period_start\n"),
                    _ => measure.replace("\n  kind:", "\n  filter: period_end >= period_start\n  kind:"),
                };
                defined.push(indicator(&format!("{kind}{w}R"), "count", "neutral", &general, ""));
            }
        }
        f.file("indicators/spans.yaml", &indicators(&defined));
        let Ok(project) = rubric::model::compile_project(f.path(), &rubric::output::formats()) else {
            panic!("the fixture compiles: {}", f.rubric(&["check"]).stderr)
        };
        let options = rubric::run::RunOptions::new(&project)
            .period(Some(rubric::calendar::period::Month::new(2023, 7)));
        let card = rubric::run::run(&project, options).expect("runs");
        // The whole (`None`) or the named group of a breakdown.
        let group = |id: &str, value: Option<&str>| {
            let at = project.indicators.iter().position(|i| i.id == id).expect("defined");
            card.series[at]
                .groups
                .iter()
                .find(|(k, _)| k.as_ref().map(|k| k.value.as_str()) == value)
                .map(|(_, points)| {
                    points.iter().map(|p| (p.value, p.missing.clone())).collect::<Vec<_>>()
                })
        };
        for (kind, _) in kinds {
            for w in 0..windows.len() {
                let id = format!("{kind}{w}");
                let general = group(&format!("{id}R"), None);
                proptest::prop_assert!(general.is_some());
                proptest::prop_assert_eq!(&group(&id, None), &general, "{}", id);
                proptest::prop_assert_eq!(&group(&format!("{id}B"), None), &general, "{}B", id);
                if !rows.is_empty() {
                    // Every row is in team All: its group is the whole.
                    proptest::prop_assert_eq!(&group(&format!("{id}B"), Some("All")), &general, "{}B All", id);
                }
            }
        }
    }
}
