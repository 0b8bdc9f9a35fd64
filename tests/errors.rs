//! Mistakes an analyst can make, each with its exact message pinned: the
//! file, line and column, what is wrong and how to fix it. None panics.

use crate::common;
use common::*;

const GOOD_MEASURE: &str = "kind: flow\nsource: referrals\ndate: referral_date\n";

fn check(f: &Fixture) -> String {
    let out = f.rubric(&["check"]);
    assert_eq!(
        out.code, 1,
        "check should fail:\n{}{}",
        out.stdout, out.stderr
    );
    out.stderr
}

fn check_indicator(measure: &str, extra: &str) -> String {
    let f = referrals_project();
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator("A1", "count", "neutral", measure, extra)]),
    );
    check(&f)
}

#[test]
fn missing_column_lists_the_columns_and_suggests_the_closest() {
    insta::assert_snapshot!(check_indicator(
        "kind: flow\nsource: referrals\ndate: referal_date\n",
        ""
    ));
}

#[test]
fn unknown_column_in_a_filter_points_inside_the_block() {
    insta::assert_snapshot!(check_indicator(
        "kind: flow\nsource: referrals\ndate: referral_date\nfilter: |\n  team == \"North\" &&\n    chld_id > 1\n",
        ""
    ));
}

#[test]
fn syntax_error_in_a_filter() {
    insta::assert_snapshot!(check_indicator(
        "kind: flow\nsource: referrals\ndate: referral_date\nfilter: 'team == \"North'\n",
        ""
    ));
}

#[test]
fn column_of_the_wrong_type() {
    insta::assert_snapshot!(check_indicator(
        "kind: flow\nsource: referrals\ndate: team\n",
        ""
    ));
}

#[test]
fn column_of_an_unusable_type_in_a_filter() {
    insta::assert_snapshot!(check_indicator(
        "kind: flow\nsource: referrals\ndate: referral_date\nfilter: flags == 1\n",
        ""
    ));
}

#[test]
fn unknown_function() {
    insta::assert_snapshot!(check_indicator("kind: flow\nsource: referrals\ndate: referral_date\nfilter: day_between(referral_date, referral_date) > 1\n", ""));
}

#[test]
fn unknown_key_suggests_the_right_one() {
    insta::assert_snapshot!(check_indicator(GOOD_MEASURE, "benchmark:\n  england: 3"));
}

#[test]
fn unknown_rule_set_and_unknown_source() {
    insta::assert_snapshot!(check_indicator(
        "kind: flow\nsource: referral\ndate: referral_date\n",
        "dot: dot_bandd"
    ));
}

#[test]
fn a_field_the_measure_kind_does_not_use() {
    insta::assert_snapshot!(check_indicator(
        "kind: flow\nsource: referrals\ndate: referral_date\nstart: referral_date\n",
        ""
    ));
}

#[test]
fn duplicate_ids_across_files_and_duplicate_keys() {
    let f = referrals_project();
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator("A1", "count", "neutral", GOOD_MEASURE, "")]),
    )
    .file(
        "indicators/b.yaml",
        &indicators(&[indicator("A1", "count", "neutral", GOOD_MEASURE, "")]),
    )
    .file(
        "indicators/c.yaml",
        &indicators(&[indicator(
            "C1",
            "count",
            "neutral",
            GOOD_MEASURE,
            "targets:\n  2023-24: 1\n  2023-24: 2",
        )]),
    )
    .file(
        "indicators/d.yaml",
        &indicators(&[indicator("D1", "count", "neutral", GOOD_MEASURE, "")])
            .replace("    decimals: 1\n", ""),
    );
    insta::assert_snapshot!(check(&f));
}

#[test]
fn formulas_in_a_loop() {
    let f = referrals_project();
    f.file(
        "indicators/a.yaml",
        &indicators(&[
            indicator(
                "A1",
                "number",
                "neutral",
                "kind: expression\nformula: A2 + 1\n",
                "",
            ),
            indicator(
                "A2",
                "number",
                "neutral",
                "kind: expression\nformula: A1 * 2\n",
                "",
            ),
        ]),
    );
    insta::assert_snapshot!(check(&f));
}

#[test]
fn bad_targets_and_months() {
    insta::assert_snapshot!(check_indicator(
        GOOD_MEASURE,
        "targets:\n  2023: 5\ncollected_from: April 2023"
    ));
}

#[test]
fn corrupt_and_truncated_parquet_files_name_the_file() {
    let f = referrals_project();
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator("A1", "count", "neutral", GOOD_MEASURE, "")]),
    );
    std::fs::write(
        f.path().join("data/garbage.parquet"),
        b"this is not parquet at all",
    )
    .unwrap();
    let good = std::fs::read(f.path().join("data/referrals.parquet")).unwrap();
    std::fs::write(
        f.path().join("data/truncated.parquet"),
        &good[..good.len() / 2],
    )
    .unwrap();
    insta::assert_snapshot!(check(&f));
}

#[test]
fn a_yaml_syntax_error() {
    let f = referrals_project();
    f.file(
        "indicators/a.yaml",
        "indicators:\n  - id: A1\n    title: [unclosed\n",
    );
    insta::assert_snapshot!(check(&f));
}

#[test]
fn problems_in_rule_sets() {
    let f = referrals_project();
    f.file("indicators/a.yaml", &indicators(&[indicator("A1", "count", "neutral", GOOD_MEASURE, "")]))
        .file(
            "rules/more.yaml",
            "rules:\n  - name: odd\n    kind: dot\n    requires: [vlaue]\n    outcomes: []\n    expression: |\n      if valu > 1 { \"up\" }\n",
        );
    insta::assert_snapshot!(check(&f));
}

#[test]
fn run_stops_on_definition_problems_with_exit_code_1_and_writes_nothing() {
    let f = referrals_project();
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator(
            "A1",
            "count",
            "neutral",
            "kind: flow\nsource: referrals\ndate: nope\n",
            "",
        )]),
    );
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("there is no column `nope`"),
        "{}",
        out.stderr
    );
    assert!(!f.out_dir().exists());
}

#[test]
fn a_missing_project_folder_is_explained() {
    let f = Fixture::new();
    std::fs::remove_dir_all(f.path().join("rules")).unwrap();
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn a_bad_period_argument_is_a_usage_error() {
    let f = referrals_project();
    let out = f.rubric(&["run", "--period", "July"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("`July` is not a month: write it as YYYY-MM"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_filter_failing_on_a_row_names_the_row_and_the_expression() {
    let f = Fixture::new();
    f.table(
        "visits",
        vec![
            (
                "visit_date",
                dates(&[Some("2023-03-01"), Some("2023-03-02"), Some("2023-03-03")]),
            ),
            ("seen", bools(&[Some(true), Some(false), None])),
        ],
    )
    .file(
        "indicators/v.yaml",
        &indicators(&[indicator(
            "V1",
            "count",
            "neutral",
            "kind: flow\nsource: visits\ndate: visit_date\nfilter: seen || false\n",
            "",
        )]),
    );
    let out = f.rubric(&["run"]);
    assert_eq!(out.code, 3);
    insta::assert_snapshot!(out.stderr);
}

/// Regression: a rule file that did not parse also gave "there is no rule
/// set named ..." for every indicator naming one of its rule sets (105
/// problems for one unknown key in the shipped rules).
#[test]
fn a_rule_file_that_does_not_parse_is_one_problem_not_one_per_indicator() {
    let f = referrals_project();
    f.file(
        "rules/standard.yaml",
        &STANDARD_RULES.replacen("    kind: dot\n", "    kind: dot\n    colour: blue\n", 1),
    );
    f.file(
        "indicators/a.yaml",
        &indicators(&[
            indicator("A1", "count", "neutral", GOOD_MEASURE, "dot: dot_banded"),
            indicator("A2", "count", "neutral", GOOD_MEASURE, "dot: dot_banded"),
        ]),
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown key `colour`"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("no rule set named"), "{}", out.stderr);
    assert!(out.stderr.ends_with("1 problem found\n"), "{}", out.stderr);
}
