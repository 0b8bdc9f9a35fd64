//! Several breakdowns per indicator: each its own table, from the row's
//! own columns, a lookup, or its age band at the period's end. Figures
//! worked out by hand in the comments.

use crate::common;
use common::*;

const PLANS: &str =
    "kind: snapshot\nsource: plans\nstart: start_date\nend: end_date\ndistinct: child_id\n\
     lookup: [{ source: person, key: child_id, on: person_id, columns: [dob, sex] }]";

const BREAKDOWNS: &str =
    "breakdowns:\n  - team\n  - sex\n  - { age_band: dob, bands: [1, 5, 10, 16] }";

/// Five children on plans, and what each is at the end of January,
/// February and March 2022:
///
/// | child | team  | plan                    | dob        | sex | Jan-22     | Feb-22     | Mar-22        |
/// |-------|-------|-------------------------|------------|-----|------------|------------|---------------|
/// | 1     | North | 2022-01-15, open        | 2006-03-15 | F   | 15: 10-15  | 15: 10-15  | 16: 16 and over (birthday 15 Mar) |
/// | 2     | South | 2022-02-01 to 2022-03-20| 2022-03-10 | -   | -          | unborn     | - (plan ended) |
/// | 3     | North | 2021-12-01, open        | no person row | - | not recorded | not recorded | not recorded |
/// | 4     | -     | 2022-03-31, open        | 2021-03-31 | M   | -          | -          | 1: 1 to 4 (birthday that day) |
/// | 5     | South | 2022-03-01, open        | 2022-02-28 | F   | -          | -          | 0: under 1    |
fn project() -> Fixture {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "plans",
            vec![
                (
                    "child_id",
                    ints(&[Some(1), Some(2), Some(3), Some(4), Some(5)]),
                ),
                (
                    "team",
                    strs(&[
                        Some("North"),
                        Some("South"),
                        Some("North"),
                        None,
                        Some("South"),
                    ]),
                ),
                (
                    "start_date",
                    dates(&[
                        Some("2022-01-15"),
                        Some("2022-02-01"),
                        Some("2021-12-01"),
                        Some("2022-03-31"),
                        Some("2022-03-01"),
                    ]),
                ),
                (
                    "end_date",
                    dates(&[None, Some("2022-03-20"), None, None, None]),
                ),
            ],
        )
        .table(
            "person",
            vec![
                ("person_id", ints(&[Some(1), Some(2), Some(4), Some(5)])),
                (
                    "dob",
                    dates(&[
                        Some("2006-03-15"),
                        Some("2022-03-10"),
                        Some("2021-03-31"),
                        Some("2022-02-28"),
                    ]),
                ),
                ("sex", strs(&[Some("F"), None, Some("M"), Some("F")])),
            ],
        )
        .file(
            "indicators/b.yaml",
            &indicators(&[indicator("CPP", "count", "neutral", PLANS, BREAKDOWNS)]),
        );
    f
}

#[test]
fn each_breakdown_counts_the_whole_again_by_its_own_values() {
    let t = project().run(&["--period", "2022-03"]);
    // January: children 1 and 3, both North.
    assert_eq!(t.value("CPP", "2022-01"), "2");
    assert_eq!(t.by("CPP", "team", "North", "2022-01", "value"), "2");
    // February: 1, 2 and 3.
    assert_eq!(t.value("CPP", "2022-02"), "3");
    assert_eq!(t.by("CPP", "team", "North", "2022-02", "value"), "2");
    assert_eq!(t.by("CPP", "team", "South", "2022-02", "value"), "1");
    // March: 1, 3, 4 (from the month's last day) and 5; 2's plan ended.
    assert_eq!(t.value("CPP", "2022-03"), "4");
    assert_eq!(t.by("CPP", "team", "North", "2022-03", "value"), "2");
    assert_eq!(t.by("CPP", "team", "South", "2022-03", "value"), "1");
    assert_eq!(
        t.by("CPP", "team", "(not recorded)", "2022-03", "value"),
        "1"
    );
    // Sex through the lookup: 1 and 5 F, 4 M, 3 has no person row.
    assert_eq!(t.by("CPP", "sex", "F", "2022-03", "value"), "2");
    assert_eq!(t.by("CPP", "sex", "M", "2022-03", "value"), "1");
    assert_eq!(
        t.by("CPP", "sex", "(not recorded)", "2022-03", "value"),
        "1"
    );
}

#[test]
fn an_age_band_is_the_age_at_each_period_s_end() {
    let t = project().run(&["--period", "2022-03"]);
    let band = |value: &str, period: &str| t.by("CPP", "age band", value, period, "value");
    // Child 1 is 15 at the end of January and February, 16 at the end of
    // March (born 15 March 2006): the same plan counts in two bands.
    assert_eq!(band("10 to 15", "2022-01"), "1");
    assert_eq!(band("10 to 15", "2022-02"), "1");
    assert_eq!(band("10 to 15", "2022-03"), "0");
    assert_eq!(band("16 and over", "2022-03"), "1");
    // Child 2's plan began before birth (10 March): unborn in February.
    assert_eq!(band("unborn", "2022-02"), "1");
    assert_eq!(band("unborn", "2022-03"), "0");
    // Child 4 turns 1 on 31 March, the month's last day; child 5 is 0.
    assert_eq!(band("1 to 4", "2022-03"), "1");
    assert_eq!(band("under 1", "2022-03"), "1");
    // Child 3 has no date of birth.
    assert_eq!(band("(not recorded)", "2022-03"), "1");
    // Every band is shown, with 0 where it has no one.
    assert_eq!(band("5 to 9", "2022-03"), "0");
}

#[test]
fn each_breakdown_is_its_own_table_with_shares_of_the_whole() {
    let f = project();
    f.run(&["--period", "2022-03"]);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    for by in ["team", "sex", "age band"] {
        assert!(
            md.contains(&format!("### CPP Indicator CPP by {by}, Mar-22")),
            "{md}"
        );
    }
    // North holds 2 of the 4 children.
    assert!(md.contains("| North | 2.0 | 50% |"), "{md}");
    // Bands in age order, youngest first, not alphabetical.
    let at = |label: &str| md.find(&format!("| {label} |")).unwrap();
    assert!(at("under 1") < at("1 to 4") && at("1 to 4") < at("5 to 9"));
    assert!(at("10 to 15") < at("16 and over"));
}

#[test]
fn explain_and_drill_name_the_breakdown_when_values_are_shared() {
    let f = project();
    // `(not recorded)` is a value of all three breakdowns.
    let out = f.rubric(&[
        "explain",
        "CPP",
        "--period",
        "2022-03",
        "--breakdown",
        "(not recorded)",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("is a value of several of CPP's breakdowns")
            && out.stderr.contains("age band=(not recorded)")
            && out.stderr.contains("team=(not recorded)"),
        "{}",
        out.stderr
    );
    let out = f.rubric(&[
        "drill",
        "CPP",
        "--period",
        "2022-02",
        "--breakdown",
        "age band=unborn",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Only child 2, on a plan before birth.
    assert!(
        out.stdout
            .contains("age band = unborn: the rows counted, 1 row of `plans`")
            && out.stdout.contains("2022-03-10"),
        "{}",
        out.stdout
    );
    let out = f.rubric(&[
        "explain",
        "CPP",
        "--period",
        "2022-03",
        "--breakdown",
        "South",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("team = South"), "{}", out.stdout);
}

#[test]
fn breakdowns_that_cannot_be_made_are_reported_at_their_place() {
    let f = project();
    f.file(
        "indicators/b.yaml",
        &indicators(&[
            indicator(
                "B1",
                "count",
                "neutral",
                PLANS,
                "breakdown: team\nbreakdowns: [sex]",
            ),
            indicator("B2", "count", "neutral", PLANS, "breakdowns: [team, team]"),
            indicator(
                "B3",
                "count",
                "neutral",
                PLANS,
                "breakdowns: [{ age_band: dob, bands: [5, 1] }]",
            ),
            indicator(
                "B4",
                "count",
                "neutral",
                PLANS,
                "breakdowns: [{ age_band: team, bands: [16] }]",
            ),
        ]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for expected in [
        "`breakdown` and `breakdowns` are both given",
        "two breakdowns are named `team`",
        "the bands [5, 1] are not a list of first ages",
        "column `team` of `plans` holds text values, but this needs dates of birth",
    ] {
        assert!(out.stderr.contains(expected), "{expected}:\n{}", out.stderr);
    }
    f.file(
        "indicators/b.yaml",
        &indicators(&[indicator(
            "B5",
            "count",
            "neutral",
            PLANS,
            "breakdowns: [{ age_band: dob, bands: [16], colour: red }]",
        )]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown key `colour`") && out.stderr.contains("indicators/b.yaml:"),
        "{}",
        out.stderr
    );
}

#[test]
fn sql_gives_every_breakdown_and_agrees_with_duckdb() {
    let f = project();
    let sql = f.rubric(&["sql", "--period", "2022-03"]);
    assert!(sql.stdout.contains("GROUPING SETS"), "{}", sql.stdout);
    // The 13 months shown x (the whole, 3 teams, 3 sexes, 7 age values).
    sql_agrees_with_duckdb(&f, "2022-03", "182 figures of 1 indicators agree");
}

#[test]
fn a_breakdown_value_with_no_figure_says_why_below_its_table() {
    let f = project();
    let ratio = format!(
        "kind: ratio\nnumerator:\n{}\n  filter: sex == \"F\"\ndenominator:\n{}",
        indent(PLANS),
        indent(PLANS)
    );
    f.file(
        "indicators/b.yaml",
        &indicators(&[indicator(
            "PF",
            "percent",
            "neutral",
            &ratio,
            "breakdown: team",
        )]),
    );
    f.run(&["--period", "2022-01"]);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    // January: North has children 1 (F) and 3 (no person row): 50%; South
    // and the plan with no team (child 4, from March) have none open yet,
    // so 0 of 0.
    assert!(md.contains("| North | 50.0% (1/2) |"), "{md}");
    assert!(md.contains("| South | n/a |"), "{md}");
    assert!(
        md.contains("- n/a for (not recorded), South: the denominator is 0"),
        "{md}"
    );
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// Referrals in March 2023 of children 1 and 2, broken down by the team
/// looked up from `people`, which also holds child 3 of team East, who has
/// no referral. Written as Parquet (text read as dictionaries) or CSV.
fn referrals_by_looked_up_team(f: &Fixture, csv: bool) {
    f.standard_rules();
    let referrals = "child_id,referral_date\n1,2023-03-01\n2,2023-03-02\n1,2023-03-03\n";
    let people = "child_id,team\n1,North\n2,South\n3,East\n";
    if csv {
        f.file("extracts/referrals.csv", referrals);
        f.file("extracts/people.csv", people);
        f.file(
            "rubric.yaml",
            "sources:\n  - name: referrals\n    path: extracts/referrals.csv\n  \
             - name: people\n    path: extracts/people.csv\n",
        );
    } else {
        f.table(
            "referrals",
            vec![
                ("child_id", ints(&[Some(1), Some(2), Some(1)])),
                (
                    "referral_date",
                    dates(&[Some("2023-03-01"), Some("2023-03-02"), Some("2023-03-03")]),
                ),
            ],
        );
        f.table(
            "people",
            vec![
                ("child_id", ints(&[Some(1), Some(2), Some(3)])),
                ("team", strs(&[Some("North"), Some("South"), Some("East")])),
            ],
        );
    }
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator(
            "A1",
            "count",
            "neutral",
            "kind: flow\nsource: referrals\ndate: referral_date\n\
             lookup: [{ source: people, key: child_id, columns: [team] }]",
            "breakdown: team",
        )]),
    );
}

#[test]
fn regression_a_looked_up_breakdown_gives_the_same_groups_from_parquet_and_csv() {
    let parquet = Fixture::new();
    referrals_by_looked_up_team(&parquet, false);
    let from_parquet = parquet.run(&["--period", "2023-03"]);
    // North 2 (child 1 twice), South 1, by hand; East has no referral.
    assert_eq!(
        from_parquet.by("A1", "team", "North", "2023-03", "value"),
        "2"
    );
    assert_eq!(
        from_parquet.by("A1", "team", "South", "2023-03", "value"),
        "1"
    );
    let csv = Fixture::new();
    referrals_by_looked_up_team(&csv, true);
    csv.run(&["--period", "2023-03"]);
    for file in ["scorecard.csv", "scorecard.md"] {
        let a = std::fs::read_to_string(parquet.out_dir().join(file)).unwrap();
        let b = std::fs::read_to_string(csv.out_dir().join(file)).unwrap();
        assert_eq!(a, b, "{file} differs between Parquet and CSV");
    }
}

#[test]
fn regression_a_team_not_rated_says_why_below_its_table() {
    // CP5's teams count 4 to 9 conferences in July 2023: under the small
    // base of 10, so none has a direction of travel, and the Markdown
    // page says why under the table rather than leaving a bare n/a.
    let dir = tempfile::tempdir().unwrap();
    let out = common::example(&["run", "--quiet", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = std::fs::read_to_string(dir.path().join("scorecard.md")).unwrap();
    let table = &md[md.find("### CP5 ").expect("CP5's team table")..];
    let table = &table[..table[4..].find("### ").map_or(table.len(), |e| e + 4)];
    assert!(
        table.contains("| Central 1 | 50% (2/4) | -10 pts | n/a | n/a |"),
        "{table}"
    );
    assert!(
        table.contains("- DoT not rated for Central 1, Central 2, North 1: small base: the denominator 4 is under 10"),
        "{table}"
    );
    assert!(table.contains("- RAG not rated for"), "{table}");
}
