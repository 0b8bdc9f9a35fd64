//! The README's YAML reference names every key the YAML documents accept.
//! Each document type's keys are read from its own "unknown key" error, so
//! a key added to the types and not to the README fails here.

use rubric::config::document::{
    CalendarDoc, HolidayDoc, IndicatorDoc, MeasureDoc, OutcomeDoc, PopulationDoc, ProjectDoc,
    RuleSetDoc,
};
use rubric::config::page::{PageDoc, SectionDoc};
use rubric::config::sources::{AllowedDoc, DatesDoc, ExpectationDoc, FreshDoc, RowsDoc, SourceDoc};

fn keys<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<&'static str> {
    match serde_saphyr::from_str::<T>("not_a_key_of_anything: 1\n") {
        Err(e) => match e.without_snippet() {
            serde_saphyr::Error::SerdeUnknownField { expected, .. } => expected.clone(),
            other => panic!("expected an unknown-key error, got {other}"),
        },
        Ok(doc) => panic!("parsed {doc:?}"),
    }
}

#[test]
fn every_yaml_key_is_documented_in_the_readme() {
    let readme = include_str!("../README.md");
    let all = [
        keys::<IndicatorDoc>(),
        keys::<MeasureDoc>(),
        keys::<PopulationDoc>(),
        keys::<RuleSetDoc>(),
        keys::<OutcomeDoc>(),
        keys::<ProjectDoc>(),
        keys::<CalendarDoc>(),
        keys::<HolidayDoc>(),
        keys::<SourceDoc>(),
        keys::<ExpectationDoc>(),
        keys::<AllowedDoc>(),
        keys::<DatesDoc>(),
        keys::<RowsDoc>(),
        keys::<FreshDoc>(),
        keys::<PageDoc>(),
        keys::<SectionDoc>(),
        keys::<rubric::config::document::RatedDoc>(),
        keys::<rubric::config::document::BenchmarkTableDoc>(),
    ]
    .concat();
    assert!(all.len() > 30, "the keys were read: {all:?}");
    let missing: Vec<_> = all
        .iter()
        .filter(|k| {
            !readme.contains(&format!("`{k}`"))
                && !readme.contains(&format!("{{ {k}"))
                && !readme.contains(&format!(", {k}"))
        })
        .collect();
    assert!(missing.is_empty(), "keys not in the README: {missing:?}");
}

use crate::common;

/// The first number before `marker` in the README (digits just before it).
fn number_before(readme: &str, marker: &str) -> usize {
    let at = readme
        .find(marker)
        .unwrap_or_else(|| panic!("the README says `{marker}`"));
    let digits: String = readme[..at]
        .chars()
        .rev()
        .skip_while(|c| c.is_whitespace())
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().unwrap()
}

#[test]
fn the_readme_counts_the_example_s_indicators_truly() {
    let readme = include_str!("../README.md");
    let list = common::example(&["list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let sources: Vec<&str> = list
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    let published = sources.iter().filter(|s| **s == "published").count();
    let record_level = sources.len() - published;
    assert_eq!(
        number_before(readme, "indicators over record-level data"),
        record_level
    );
    assert_eq!(
        number_before(readme, "indicators that read\nthe published board figures"),
        published
    );
    let said = number_before(readme, "indicators,\n...` or lists each problem");
    let check = common::example(&["check"]);
    assert!(
        check.stdout.starts_with(&format!("ok: {said} indicators,")),
        "the README says {said}; check says {}",
        check.stdout
    );
}
