//! Lookups: columns brought to a measure's rows from another source by
//! key, many-to-one, in filters, breakdowns and per-row Rhai alike.
//! Figures worked out by hand in the comments.

use crate::common;
use common::*;

const EPISODES: &str = "kind: snapshot\nsource: cla_episodes\nstart: start_date\nend: end_date\n\
     lookup:\n  - { source: person, key: child_id, on: person_id, columns: [dob, sex] }\n";

fn project(people: Vec<(i64, &str, &str)>) -> Fixture {
    let f = Fixture::new();
    let ids: Vec<Option<i64>> = people.iter().map(|p| Some(p.0)).collect();
    let dobs: Vec<Option<&str>> = people.iter().map(|p| Some(p.1)).collect();
    let sexes: Vec<Option<&str>> = people.iter().map(|p| Some(p.2)).collect();
    f.standard_rules()
        .table(
            "person",
            vec![
                ("person_id", ints(&ids)),
                ("dob", dates(&dobs)),
                ("sex", strs(&sexes)),
            ],
        )
        .table(
            "cla_episodes",
            vec![
                // Child 13 has no row in `person`.
                ("child_id", ints(&[Some(10), Some(11), Some(12), Some(13)])),
                (
                    "start_date",
                    dates(&[
                        Some("2021-01-01"),
                        Some("2022-01-10"),
                        Some("2022-02-01"),
                        Some("2022-01-01"),
                    ]),
                ),
                ("end_date", dates(&[None, Some("2022-04-15"), None, None])),
            ],
        )
        .table(
            "referrals",
            vec![
                (
                    "referral_date",
                    dates(&[
                        Some("2022-03-01"),
                        Some("2022-03-02"),
                        Some("2022-03-03"),
                        Some("2022-03-04"),
                    ]),
                ),
                ("team", strs(&[Some("North"), Some("South"), Some("East"), None])),
            ],
        )
        .table(
            "teams",
            vec![
                ("team", strs(&[Some("North"), Some("South")])),
                ("locality", strs(&[Some("Locality A"), Some("Locality A")])),
            ],
        )
        .file(
            "indicators/l.yaml",
            &indicators(&[
                indicator("LAC", "count", "neutral", EPISODES, "breakdown: sex"),
                indicator(
                    "LAC1617",
                    "count",
                    "neutral",
                    &format!("{EPISODES}filter: age_at(dob, period_end) >= 16 && age_at(dob, period_end) <= 17"),
                    "",
                ),
                // `to_upper` has no vectorised form: this runs per row in Rhai.
                indicator(
                    "LACF",
                    "count",
                    "neutral",
                    &format!("{EPISODES}filter: sex != () && sex.to_upper() == \"F\""),
                    "",
                ),
                indicator(
                    "REF",
                    "count",
                    "neutral",
                    "kind: flow\nsource: referrals\ndate: referral_date\n\
                     lookup: [{ source: teams, key: team, columns: [locality] }]",
                    "breakdown: locality",
                ),
            ]),
        );
    f
}

fn people() -> Vec<(i64, &'static str, &'static str)> {
    vec![
        (10, "2004-02-29", "F"),
        (11, "2006-03-31", "M"),
        (12, "2010-05-05", "F"),
    ]
}

#[test]
fn looked_up_columns_break_down_and_filter_as_the_rows_own() {
    let t = project(people()).run(&["--period", "2022-03"]);
    // At the end of March 2022 all four children are in care: 10 and 12
    // are F, 11 is M, and 13 has no row in `person`, so no sex.
    assert_eq!(t.value("LAC", "2022-03"), "4");
    assert_eq!(t.group("LAC", "F", "2022-03", "value"), "2");
    assert_eq!(t.group("LAC", "M", "2022-03", "value"), "1");
    assert_eq!(t.group("LAC", "(not recorded)", "2022-03", "value"), "1");
    // Aged 16 or 17 at the month's end: in February only 10 (17; born 29
    // February 2004, 18 on 1 March 2022); in March only 11 (16 on 31 March);
    // 13's date of birth is unknown, so never.
    assert_eq!(t.value("LAC1617", "2022-02"), "1");
    assert_eq!(t.value("LAC1617", "2022-03"), "1");
    // Per-row Rhai sees the brought columns too: 10 and 12.
    assert_eq!(t.value("LACF", "2022-03"), "2");
}

#[test]
fn a_breakdown_through_a_lookup_puts_unmatched_keys_in_not_recorded() {
    let t = project(people()).run(&["--period", "2022-03"]);
    // North and South are in Locality A; East is in no row of `teams`, and
    // one referral has no team: both have no locality.
    assert_eq!(t.value("REF", "2022-03"), "4");
    assert_eq!(t.group("REF", "Locality A", "2022-03", "value"), "2");
    assert_eq!(t.group("REF", "(not recorded)", "2022-03", "value"), "2");
}

#[test]
fn a_key_on_two_rows_of_the_looked_up_source_is_an_error_naming_both() {
    let mut twice = people();
    twice.push((11, "2007-01-01", "M"));
    let f = project(twice);
    let out = f.rubric(&["run", "--period", "2022-03"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "`person` has several rows with `person_id` = 11, so a row of `cla_episodes` with `child_id` = 11 matches more than one"
        ) && out.stderr.contains("indicators/l.yaml:")
            && out.stderr.contains("many-to-one"),
        "{}",
        out.stderr
    );
}

#[test]
fn lookups_are_checked_before_a_run() {
    let f = project(people());
    f.file(
        "indicators/m.yaml",
        &indicators(&[indicator(
            "BAD",
            "count",
            "neutral",
            "kind: flow\nsource: referrals\ndate: referral_date\n\
             lookup: [{ source: teams, key: team, columns: [locality, manager] }]",
            "",
        )]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("there is no column `manager` in `teams`")
            && out
                .stderr
                .contains("`teams` has: locality (text), team (text)"),
        "{}",
        out.stderr
    );
}

#[test]
fn drilling_shows_the_brought_columns() {
    let f = project(people());
    let out = f.rubric(&["drill", "LAC1617", "--period", "2022-03"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("dob") && out.stdout.contains("2006-03-31"),
        "{}",
        out.stdout
    );
}

#[test]
fn sql_joins_lookups_and_agrees_with_duckdb() {
    let f = project(people());
    let json = f.rubric(&["sql", "--period", "2022-03"]);
    assert!(json.stdout.contains("LEFT JOIN"), "{}", json.stdout);
    // LACF's `to_upper` runs in Rhai alone: it has no SQL.
    sql_agrees_with_duckdb(
        &f,
        "2022-03",
        "104 figures of 3 indicators agree (1 without SQL)",
    );
}

#[test]
fn a_looked_up_source_s_expectations_are_judged_over_every_row_of_its_one_read() {
    // `person` has no measure of its own: it is read once, for its lookups,
    // and its expectations are judged on that read, over every row, not
    // only the keys the episodes want (10, 11, 12). Person 99 is wanted by
    // no lookup and is on two rows; person 98 has no date of birth.
    let mut rows = people();
    rows.extend([(99, "2001-01-01", "F"), (99, "2001-01-01", "F")]);
    let f = project(rows);
    let ids: Vec<Option<i64>> = [10, 11, 12, 98].map(Some).to_vec();
    f.table(
        "person",
        vec![
            (
                "person_id",
                ints(&[ids.clone(), vec![Some(99), Some(99)]].concat()),
            ),
            (
                "dob",
                dates(&[
                    Some("2004-02-29"),
                    Some("2006-03-31"),
                    Some("2010-05-05"),
                    None,
                    Some("2001-01-01"),
                    Some("2001-01-01"),
                ]),
            ),
            (
                "sex",
                strs(&[Some("F"), Some("M"), Some("F"), None, Some("F"), Some("F")]),
            ),
        ],
    );
    let declared = |severity: &str| {
        format!(
            "sources:\n  - name: person\n    expect:\n      - unique: [person_id]\n        severity: warn\n      - not_null: [person_id, dob]\n        severity: {severity}\n"
        )
    };
    f.file("rubric.yaml", &declared("warn"));
    let out = f.rubric(&["run", "--period", "2022-03"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("warnings: 2"), "{}", out.stdout);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    assert!(
        md.contains("source `person`: 1 of 6 rows fail the expectation") && md.contains("row 6"),
        "{md}"
    );
    assert!(md.contains("row 4: no dob"), "{md}");
    // The lookups still see the wanted rows: 10 and 12 are F, 11 is M.
    let t = f.run(&["--period", "2022-03"]);
    assert_eq!(t.group("LAC", "F", "2022-03", "value"), "2");
    assert_eq!(t.group("LAC", "M", "2022-03", "value"), "1");
    // As an error, the missing date of birth stops the run, naming the row.
    f.file("rubric.yaml", &declared("error"));
    let out = f.rubric(&["run", "--period", "2022-03"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("row 4: no dob"), "{}", out.stderr);
}
