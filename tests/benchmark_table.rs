//! Benchmarks as data: a table of figures by indicator, benchmark and
//! vintage, each period showing the latest vintage whose year has ended,
//! with its year and rank; states in words; rows that cannot be right
//! refused with their number.

use common::{dates, indicator, indicators, Fixture};

use crate::common;

const TABLE: &str = "indicator,benchmark,vintage,value,rank,of,state
A1,england,2019-20,10,,,
A1,england,2020-21,11,,,
A1,england,2021-22,12,7,152,
A1,region,2021-22,,,,TBC
";

fn project(table: &str) -> Fixture {
    let f = Fixture::new();
    let when: Vec<String> = (0..40)
        .map(|k| format!("{}-{:02}-01", 2020 + (k / 12), k % 12 + 1))
        .collect();
    let refs: Vec<Option<&str>> = when.iter().map(|d| Some(d.as_str())).collect();
    f.standard_rules()
        .table("referrals", vec![("referral_date", dates(&refs))]);
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator(
            "A1",
            "count",
            "lower_is_better",
            "kind: flow\nsource: referrals\ndate: referral_date",
            "rated:\n  - { name: vs_england, against: england, rule: dot_banded }\n  - { name: vs_region, against: region, rule: dot_banded }",
        )]),
    );
    f.file(
        "rubric.yaml",
        "benchmarks: { source: bench, names: [england, region] }\nsources:\n  - name: bench\n    path: bench.csv\n",
    );
    f.file("bench.csv", table);
    f
}

#[test]
fn each_period_shows_the_latest_vintage_whose_year_has_ended() {
    let f = project(TABLE);
    // December 2020: 2020-21 has not ended, so 2019-20's 10; the region
    // has no figure that old.
    let early = f.run(&["--period", "2020-12", "--quiet"]);
    assert_eq!(early.get("A1", "2020-12", "benchmark_england"), "10");
    assert_eq!(early.get("A1", "2020-12", "benchmark_region"), "NA");
    // 2020-21 is shown from March 2021, the month it ends.
    let edge = f.run(&["--period", "2022-02", "--quiet"]);
    assert_eq!(edge.get("A1", "2021-02", "benchmark_england"), "10");
    assert_eq!(edge.get("A1", "2021-03", "benchmark_england"), "11");
    assert_eq!(edge.get("A1", "2022-02", "benchmark_england"), "11");
    let late = f.run(&["--period", "2023-07", "--quiet"]);
    assert_eq!(late.get("A1", "2022-07", "benchmark_england"), "12");
    assert_eq!(late.get("A1", "2023-07", "benchmark_england"), "12");
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    // One vintage down the column: the year goes in the heading once.
    assert!(md.contains("| england 2021-22 | region 2021-22 |"), "{md}");
    assert!(md.contains("| 12.0 (7th of 152) | TBC |"), "{md}");
    let explain = f.rubric(&["explain", "A1", "--period", "2023-07"]);
    assert!(
        explain
            .stdout
            .contains("- benchmark england: 12.0 (2021-22, 7th of 152)"),
        "{}",
        explain.stdout
    );
}

#[test]
fn a_rated_comparison_against_a_benchmark_reads_it_as_previous() {
    let f = project(TABLE);
    let out = f.rubric(&["explain", "A1", "--period", "2023-07"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // One referral a month against England's 12: a fall of 92%, better
    // where lower is better; the region's figure is TBC, so not rated.
    assert!(
        out.stdout
            .contains("vs england (against the england benchmark): improving"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("the region benchmark is TBC"),
        "{}",
        out.stdout
    );
}

#[test]
fn rows_that_cannot_be_right_stop_the_run_with_their_number() {
    let long = format!("A1,england,2022-23,,,,{}", "x".repeat(41));
    for (row, message) in [
        ("B9,england,2021-22,1,,,", "row 5 of the benchmark table `bench` names the indicator `B9`, which is not declared"),
        ("A1,scotland,2021-22,1,,,", "row 5 of the benchmark table `bench` names the benchmark `scotland`"),
        ("A1,england,2021,1,,,", "row 5 of the benchmark table `bench` has the vintage `2021`, which is not a financial year"),
        ("A1,england,2021-22,13,,,", "row 5 of the benchmark table `bench` repeats england for A1 in 2021-22"),
        ("A1,england,2022-23,,,,", "row 5 of the benchmark table `bench` has no value and no state"),
        ("A1,england,2022-23,1,153,152,", "row 5 of the benchmark table `bench` has a rank that is not `rank` of `of`"),
        (long.as_str(), "row 5 of the benchmark table `bench` has a state of 41 characters"),
    ] {
        let f = project(&format!("{TABLE}{row}\n"));
        let out = f.rubric(&["run", "--quiet"]);
        assert_ne!(out.code, 0, "{row}");
        assert!(out.stderr.contains(message), "{row}: {}", out.stderr);
        assert!(out.stderr.contains("bench.csv"), "{}", out.stderr);
    }
}

#[test]
fn a_benchmark_table_not_declared_is_a_check_error_at_its_place() {
    let f = project(TABLE);
    f.file(
        "rubric.yaml",
        "benchmarks: { source: bnch, names: [england, england] }\nsources:\n  - name: bench\n    path: bench.csv\n",
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn a_state_with_markup_is_shown_as_text_in_every_format() {
    let f = project(&TABLE.replace(",,,,TBC", ",,,,<b>TBC</b> | x"));
    let out = f.rubric(&["run", "--quiet", "--period", "2023-07"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    assert!(md.contains("| &lt;b>TBC&lt;/b> \\| x |"), "{md}");
    let html = std::fs::read_to_string(f.out_dir().join("scorecard.html")).unwrap();
    assert!(
        html.contains("region: &lt;b&gt;TBC&lt;&#x2f;b&gt; | x"),
        "{html}"
    );
    assert!(!html.contains("<b>TBC"));
}
