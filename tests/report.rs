//! The rendered outputs: the Markdown report pinned by a snapshot, and the
//! same run giving the same bytes twice.

use crate::common;
use common::*;

fn fixture() -> Fixture {
    let f = Fixture::new();
    // Twelve months of visits: month m (1..=12 from 2022-04) has m + 8 visits, m + 4 on time.
    let mut when = Vec::new();
    let mut on_time = Vec::new();
    let mut team = Vec::new();
    let months = [
        "2022-04", "2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10", "2022-11",
        "2022-12", "2023-01", "2023-02", "2023-03",
    ];
    let days: Vec<String> = months.iter().map(|m| format!("{m}-15")).collect();
    for (i, d) in days.iter().enumerate() {
        let m = i + 1;
        for v in 0..m + 8 {
            when.push(Some(d.as_str()));
            on_time.push(Some(v < m + 4));
            team.push(Some(if v % 2 == 0 { "North" } else { "South" }));
        }
    }
    f.standard_rules()
        .table(
            "visits",
            vec![
                ("visit_date", dates(&when)),
                ("on_time", bools(&on_time)),
                ("team", strs(&team)),
            ],
        )
        .file(
            "indicators/visits.yaml",
            r#"indicators:
  - id: V1
    title: Visits in the month
    section: Visits
    owner: Service Manager
    outcome: Children are seen.
    unit: count
    polarity: higher_is_better
    decimals: 0
    measure: { kind: flow, source: visits, date: visit_date }
    targets: { 2022-23: 15 }
    dot: dot_banded
    rag: rag_target_relative
    commentary:
      2023-03: More visits than any month this year.
  - id: V2
    title: Percentage of visits on time
    section: Visits
    owner: Service Manager
    outcome: Children are seen on time.
    unit: percent
    polarity: higher_is_better
    decimals: 0
    measure:
      kind: ratio
      numerator: { kind: flow, source: visits, date: visit_date, filter: on_time }
      denominator: { kind: flow, source: visits, date: visit_date }
    targets: { 2022-23: 80 }
    benchmarks: { england: 75 }
    dot: dot_banded
    rag: rag_target
    breakdown: team
"#,
        );
    f
}

#[test]
fn markdown_report() {
    let f = fixture();
    f.run(&["--period", "2023-03"]);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    insta::assert_snapshot!(md);
}

#[test]
fn hand_worked_figures_in_the_long_form() {
    let f = fixture();
    let t = f.run(&["--period", "2023-03"]);
    // March 2023 is month 12: 20 visits, 16 on time = 80%: exactly on target.
    assert_eq!(t.value("V1", "2023-03"), "20");
    assert_eq!(t.value("V2", "2023-03"), "80");
    assert_eq!(t.get("V2", "2023-03", "rag"), "green");
    // February: 15 on time of 19 = 78.9%, 1.1 points short: amber.
    assert_eq!(t.get("V2", "2023-02", "rag"), "amber");
    // North has the even-numbered visits: 10 of 20, of which v < 16: 8 on time.
    assert_eq!(t.group("V2", "North", "2023-03", "value"), "80");
    assert_eq!(t.group("V2", "North", "2023-03", "target"), "80");
    assert_eq!(t.get("V1", "2023-03", "avg_12m"), "14.5");
    assert_eq!(
        t.get("V1", "2023-03", "commentary"),
        "More visits than any month this year."
    );
}

#[test]
fn the_same_run_twice_gives_identical_bytes() {
    let f = fixture();
    f.run(&["--period", "2023-03"]);
    let first: Vec<Vec<u8>> = rubric::output::FILES
        .iter()
        .map(|n| std::fs::read(f.out_dir().join(n)).unwrap())
        .collect();
    f.run(&["--period", "2023-03"]);
    let second: Vec<Vec<u8>> = rubric::output::FILES
        .iter()
        .map(|n| std::fs::read(f.out_dir().join(n)).unwrap())
        .collect();
    assert_eq!(first, second);
}

#[test]
fn the_parquet_output_has_the_same_rows_as_the_csv() {
    use arrow_array::cast::AsArray;
    use arrow_array::Array;
    let f = fixture();
    let csv = f.run(&["--period", "2023-03"]);
    let file = std::fs::File::open(f.out_dir().join("scorecard.parquet")).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, csv.rows.len());
    let values = batches[0]
        .column_by_name("value")
        .unwrap()
        .as_primitive::<arrow_array::types::Float64Type>();
    let ids = batches[0]
        .column_by_name("indicator")
        .unwrap()
        .as_string::<i32>();
    let periods = batches[0]
        .column_by_name("period")
        .unwrap()
        .as_string::<i32>();
    for i in 0..batches[0].num_rows() {
        let expected = csv.get(ids.value(i), periods.value(i), "value");
        let got = if values.is_null(i) {
            "NA".to_string()
        } else {
            values.value(i).to_string()
        };
        if batches[0]
            .column_by_name("breakdown_value")
            .unwrap()
            .as_string::<i32>()
            .value(i)
            == "all"
        {
            assert_eq!(got, expected);
        }
    }
}

#[test]
fn a_failed_run_leaves_the_previous_outputs_in_place() {
    let f = fixture();
    f.run(&["--period", "2023-03"]);
    let before = std::fs::read(f.out_dir().join("scorecard.md")).unwrap();
    f.file("rules/bad.yaml", "rules:\n  - name: broken\n    kind: dot\n    outcomes: [{ name: up }]\n    expression: '\"down\"'\n");
    let text = std::fs::read_to_string(f.path().join("indicators/visits.yaml")).unwrap();
    f.file(
        "indicators/visits.yaml",
        &text.replacen("dot: dot_banded", "dot: broken", 1),
    );
    let out = f.rubric(&["run", "--period", "2023-03"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        std::fs::read(f.out_dir().join("scorecard.md")).unwrap(),
        before
    );
}

#[test]
fn outputs_do_not_depend_on_the_number_of_threads() {
    let f = fixture();
    let run = |threads: &str, out: &str| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_rubric"))
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "--project",
                f.path().to_str().unwrap(),
                "run",
                "--period",
                "2023-03",
                "--out",
                out,
            ])
            .output()
            .unwrap();
        assert!(status.status.success());
    };
    let (one, two) = (f.path().join("one"), f.path().join("two"));
    run("1", one.to_str().unwrap());
    run("2", two.to_str().unwrap());
    for name in rubric::output::FILES {
        assert_eq!(
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(two.join(name)).unwrap(),
            "{name}"
        );
    }
}
