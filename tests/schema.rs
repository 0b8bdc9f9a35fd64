//! The JSON Schemas: committed copies match the document types, every
//! shipped YAML file names its schema and validates against it.

use rubric::config::schema;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml_files(folder: &str) -> Vec<PathBuf> {
    let (files, problems) = rubric::config::files::files_with_extensions(
        &root(),
        &root().join(folder),
        &["yaml", "yml"],
    );
    assert!(problems.is_empty(), "{problems:?}");
    files
}

fn validator(schema_file: &str) -> (boon::Schemas, boon::SchemaIndex) {
    let text = std::fs::read_to_string(root().join("schemas").join(schema_file))
        .expect("committed schema");
    let json: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let loc = format!("file:///schemas/{schema_file}");
    compiler.add_resource(&loc, json).expect("add schema");
    let index = compiler
        .compile(&loc, &mut schemas)
        .expect("schema compiles");
    (schemas, index)
}

fn as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("read");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_schemas_match_the_document_types() {
    for (name, text) in schema::all() {
        let committed =
            std::fs::read_to_string(root().join("schemas").join(name)).unwrap_or_default();
        assert!(
            committed == text,
            "schemas/{name} is stale: run `cargo run -- schema` and commit it"
        );
    }
}

#[test]
fn every_shipped_yaml_file_names_and_validates_against_its_schema() {
    let mut checked = 0;
    for (folder, schema_file) in [
        ("indicators", "indicators.schema.json"),
        ("rules", "rules.schema.json"),
        ("calendars", "calendar.schema.json"),
    ] {
        let (schemas, index) = validator(schema_file);
        for path in yaml_files(folder) {
            let first = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            assert_eq!(
                first,
                format!("# yaml-language-server: $schema=../schemas/{schema_file}"),
                "{}",
                path.display()
            );
            let doc = as_json(&path);
            if let Err(e) = schemas.validate(&doc, index) {
                panic!("{} does not match {schema_file}: {e}", path.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 13, "only {checked} files checked");
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let (schemas, index) = validator("indicators.schema.json");
    let bad: serde_json::Value = serde_saphyr::from_str(
        "indicators:\n  - id: A\n    title: t\n    section: s\n    owner: o\n    outcome: o\n    unit: percentage\n    polarity: neutral\n    decimals: 0\n    measure: { kind: flow }\n    benchmark: { england: 1 }\n",
    )
    .unwrap();
    let err = schemas
        .validate(&bad, index)
        .expect_err("an unknown unit and an unknown key are invalid")
        .to_string();
    assert!(err.contains("unit") || err.contains("benchmark"), "{err}");
}
