//! Drilling down gives exactly the rows behind each figure: for every
//! indicator of the shipped example, the rows' count (or distinct ids, sum
//! or mean) equals the scorecard's figure, and a ratio's excluded rows are
//! its denominator less its numerator.

use crate::common;
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::Array;
use common::*;
use rubric::measure::drill::{cohort_ids, drill, Drilled, Part};
use rubric::model::measure::{Aggregate, Measure};
use rubric::model::{compile_project, Project};
use std::collections::BTreeSet;

/// What the scorecard would say the drilled rows add up to.
fn figure(p: &Project, d: &Drilled) -> f64 {
    let rows = &d.rows;
    let column = |c: &str| rows.column_by_name(c).expect("column of the measure");
    match &p.base_measures[d.base].aggregate {
        Aggregate::Count => rows.num_rows() as f64,
        Aggregate::Distinct(c) => {
            let ids = column(c);
            let shown =
                arrow_cast::display::ArrayFormatter::try_new(ids.as_ref(), &Default::default())
                    .unwrap();
            (0..ids.len())
                .map(|i| shown.value(i).to_string())
                .collect::<BTreeSet<_>>()
                .len() as f64
        }
        Aggregate::Sum(c) | Aggregate::Mean(c) => {
            let v = arrow_cast::cast(column(c), &arrow_schema::DataType::Float64).unwrap();
            let v = v.as_primitive::<Float64Type>();
            let sum: f64 = v.iter().flatten().sum();
            match &p.base_measures[d.base].aggregate {
                Aggregate::Mean(_) => sum / v.len() as f64,
                _ => sum,
            }
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn drilled_rows_add_up_to_every_figure_of_the_example() {
    let Ok(p) = compile_project(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &rubric::output::formats(),
    ) else {
        panic!("the example compiles")
    };
    let card = rubric::run::run(&p, rubric::run::RunOptions::new(&p)).expect("example runs");
    let mut checked = 0;
    for (index, ind) in p.indicators.iter().enumerate() {
        let row = card
            .rows
            .iter()
            .rfind(|r| r.indicator == index && r.group.is_none())
            .expect("a row");
        let point = &row.point;
        let numerator_only = matches!(ind.measure, Measure::Base(_));
        let is_ratio = matches!(ind.measure, Measure::Ratio { .. });
        // A cohort (alone or as a ratio's numerator) lists its ids: as
        // many as the figure.
        if let Some(ids) = cohort_ids(&p, index, row.period, card.reporting, None) {
            let ids = ids.unwrap_or_else(|e| panic!("{}: {e}", ind.id));
            let expected = if matches!(ind.measure, Measure::Cohort(_)) {
                point.value
            } else {
                point.numerator
            };
            assert_eq!(
                Some(ids.ids.len() as f64),
                expected,
                "{}: cohort ids",
                ind.id
            );
            checked += 1;
        }
        let Ok(num) = drill(&p, index, row.period, card.reporting, None, Part::Numerator) else {
            // Formulas (and cohorts, drilled above) have no rows of their
            // own to list.
            let no_rows = |m: &Measure| matches!(m, Measure::Expression(_) | Measure::Cohort(_));
            assert!(
                no_rows(&ind.measure)
                    || matches!(&ind.measure, Measure::Ratio { numerator, .. } if no_rows(numerator)),
                "{} could not be drilled",
                ind.id
            );
            continue;
        };
        let expected = if numerator_only {
            point.value
        } else {
            point.numerator
        };
        if let Some(expected) = expected {
            assert!(
                close(figure(&p, &num), expected),
                "{}: drilled {} against {expected}",
                ind.id,
                figure(&p, &num)
            );
        }
        if is_ratio {
            let den = drill(
                &p,
                index,
                row.period,
                card.reporting,
                None,
                Part::Denominator,
            )
            .unwrap();
            if let Some(expected) = point.denominator {
                assert!(
                    close(figure(&p, &den), expected),
                    "{}: denominator {} against {expected}",
                    ind.id,
                    figure(&p, &den)
                );
            }
            let same_source = p.base_measures[num.base].source == p.base_measures[den.base].source;
            let counts = matches!(p.base_measures[den.base].aggregate, Aggregate::Count)
                && matches!(p.base_measures[num.base].aggregate, Aggregate::Count);
            if same_source && counts {
                let excluded =
                    drill(&p, index, row.period, card.reporting, None, Part::Excluded).unwrap();
                assert_eq!(
                    excluded.rows.num_rows(),
                    den.rows.num_rows() - num.rows.num_rows(),
                    "{}: the excluded rows are the denominator's less the numerator's",
                    ind.id
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} indicators drilled");
}

/// Six visits in March 2023 for two teams; the filter keeps the late ones.
#[test]
fn drill_lists_the_rows_of_a_team_and_the_excluded_ones() {
    let f = Fixture::new();
    f.standard_rules()
        .table(
            "visits",
            vec![
                ("visit_date", dates(&repeat("2023-03-10", 6))),
                ("visit_id", ints(&[Some(1), Some(2), Some(3), Some(4), Some(5), Some(6)])),
                ("team", strs(&[Some("North"), Some("North"), Some("North"), Some("South"), Some("South"), None])),
                ("on_time", bools(&[Some(true), Some(false), Some(true), Some(true), Some(false), Some(true)])),
            ],
        )
        .file(
            "indicators/v.yaml",
            &indicators(&[indicator(
                "V1",
                "percent",
                "higher_is_better",
                "kind: ratio\nnumerator: { kind: flow, source: visits, date: visit_date, filter: on_time == true }\ndenominator: { kind: flow, source: visits, date: visit_date }",
                "breakdown: team",
            )]),
        );
    let out = f.rubric(&[
        "drill",
        "V1",
        "--period",
        "2023-03",
        "--breakdown",
        "team=North",
        "--part",
        "excluded",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let csv = f.path().join("late.csv");
    let out = f.rubric(&[
        "drill",
        "V1",
        "--period",
        "2023-03",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text.lines().count(),
        1 + 4,
        "a header and the 4 visits on time:\n{text}"
    );
    assert!(
        text.contains("NA"),
        "the missing team is NA, not blank:\n{text}"
    );
}

#[test]
fn regression_drill_lists_a_cohorts_ids_a_formulas_parts_and_the_previous_values_read() {
    // CIC12: children in need, less those on a plan or in care.
    let out = example(&["drill", "CIC12"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("CIC12 2023-07, the whole: the ids counted, 452 ids and the members holding each (the figure: 452)")
            && out.stdout.contains("any of: ssd_cin_plans  none of: ssd_cp_plans  none of: ssd_cla_episodes"),
        "{}",
        out.stdout
    );
    // AS5 is AS1 / FD3 * 100: its parts, each with its figure.
    let out = example(&["drill", "AS5"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("a formula of other indicators, `AS1 / FD3 * 100` = 94.5")
            && out.stdout.contains("  AS1 = 293")
            && out.stdout.contains("  FD3 = 310"),
        "{}",
        out.stdout
    );
    // FD9's filter reads each referral's previous one: shown as the filter names it.
    let out = example(&["drill", "FD9"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("previous(cine_referral_date)") && !out.stdout.contains("previous__"),
        "{}",
        out.stdout
    );
}
