//! The README's YAML reference names every key the YAML documents accept.
//! Each document type's keys are read from its own "unknown key" error, so
//! a key added to the types and not to the README fails here.

use rubric::config::document::{
    CalendarDoc, HolidayDoc, IndicatorDoc, MeasureDoc, OutcomeDoc, PopulationDoc, ProjectDoc,
    RuleSetDoc,
};

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
