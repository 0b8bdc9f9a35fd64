//! A corpus of broken definition files (`tests/broken/`, one mistake per
//! file): each gets its exact message pinned, and none makes Rubric panic.
//! Also the machine-readable output of `check --format json` and the
//! scaffold of `rubric new indicator`.

use crate::common;
use common::*;

#[test]
fn every_broken_file_gets_its_message() {
    insta::glob!("broken/*.yaml", |path| {
        let f = referrals_project();
        let text = std::fs::read(path).unwrap();
        std::fs::write(f.path().join("indicators/broken.yaml"), text).unwrap();
        // A mistake in a rule comes with its rule file beside it.
        if let Ok(rules) = std::fs::read(path.with_extension("rules")) {
            std::fs::write(f.path().join("rules/broken.yaml"), rules).unwrap();
        }
        let out = f.rubric(&["check"]);
        assert_eq!(
            out.code,
            1,
            "{} should fail check:\n{}",
            path.display(),
            out.stdout
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        insta::assert_snapshot!(out.stderr);
    });
}

#[test]
fn the_corpus_covers_at_least_25_kinds_of_mistake() {
    let n = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/broken"))
        .unwrap()
        .count();
    assert!(n >= 25, "only {n} broken files");
}

#[test]
fn a_file_that_is_not_utf8_is_refused_clearly() {
    let f = referrals_project();
    std::fs::write(
        f.path().join("indicators/latin1.yaml"),
        b"indicators:\n  - id: A1\n    title: Caf\xe9\n",
    )
    .unwrap();
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("not valid UTF-8"), "{}", out.stderr);
}

fn check_output_validator() -> (boon::Schemas, boon::SchemaIndex) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/check-output.schema.json"
    ))
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource(
            "file:///check-output.schema.json",
            serde_json::from_str(&text).unwrap(),
        )
        .unwrap();
    let index = compiler
        .compile("file:///check-output.schema.json", &mut schemas)
        .unwrap();
    (schemas, index)
}

#[test]
fn check_json_output_matches_its_documented_shape() {
    let (schemas, index) = check_output_validator();
    let f = referrals_project();
    std::fs::write(
        f.path().join("indicators/broken.yaml"),
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/broken/unknown_column.yaml"
        ))
        .unwrap(),
    )
    .unwrap();
    let out = f.rubric(&["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    schemas
        .validate(&doc, index)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["count"], 1);
    assert_eq!(doc["problems"][0]["line"], 13);
    assert_eq!(doc["problems"][0]["subject"], "indicator A1");
    std::fs::remove_file(f.path().join("indicators/broken.yaml")).unwrap();
    let ok = f.rubric(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    schemas
        .validate(&doc, index)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (ok.code, &doc["ok"]),
        (0, &serde_json::Value::Bool(true)),
        "{}",
        ok.stdout
    );
}

#[test]
fn new_indicator_scaffolds_are_valid_as_written() {
    let f = Fixture::new();
    f.standard_rules().table(
        "plans",
        vec![
            ("start_date", dates(&[Some("2023-03-01")])),
            ("end_date", dates(&[None])),
            ("team", strs(&[Some("North")])),
        ],
    );
    for kind in ["flow", "snapshot", "ratio", "rate"] {
        let out = f.rubric(&[
            "new",
            "indicator",
            &format!("N_{kind}"),
            "--source",
            "plans",
            "--kind",
            kind,
            "--polarity",
            "higher-is-better",
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let check = f.rubric(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(
        check.stdout,
        "ok: 4 indicators, 4 rule sets, 1 sources checked\n"
    );
    let again = f.rubric(&["new", "indicator", "N_flow", "--source", "plans"]);
    assert_eq!(again.code, 1, "an existing file is never overwritten");
    let snapshot = std::fs::read_to_string(f.path().join("indicators/n_snapshot.yaml")).unwrap();
    insta::assert_snapshot!(snapshot);
}

/// A red indicator with no commentary for its latest period is listed by
/// `check` as a warning (exit 0); commentary for that month clears it.
#[test]
fn check_lists_red_indicators_without_commentary() {
    let project = |commentary: &str| {
        let f = Fixture::new();
        f.standard_rules()
            .table(
                "events",
                vec![("event_date", dates(&repeat("2023-03-01", 3)))],
            )
            .file(
                "indicators/e.yaml",
                &indicators(&[indicator(
                    "E1",
                    "count",
                    "higher_is_better",
                    "{ kind: flow, source: events, date: event_date }",
                    &format!("targets: {{ 2022-23: 10 }}\nrag: rag_target{commentary}"),
                )]),
            );
        f
    };
    let f = project("");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("; 1 warning"), "{}", out.stdout);
    insta::assert_snapshot!(out.stderr);
    let f = project("\ncommentary:\n  2023-03: Three events; the new service starts in April.");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert!(!out.stdout.contains("warning"), "{}", out.stdout);
}
