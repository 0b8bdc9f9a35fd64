//! JSON Schemas for the YAML files, generated from the same document types
//! the loader reads, so editors can complete keys and flag mistakes as the
//! analyst types. Draft-07, the version common YAML language servers read.

use super::document::{CalendarDoc, IndicatorFile, ProjectDoc, RuleFile};
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

/// Every schema, by file name.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        (
            "indicators.schema.json",
            render::<IndicatorFile>("Rubric indicators"),
        ),
        ("rules.schema.json", render::<RuleFile>("Rubric rule sets")),
        (
            "rubric.schema.json",
            render::<ProjectDoc>("Rubric project settings"),
        ),
        (
            "sources.schema.json",
            render::<super::sources::SourcesFile>("Rubric sources"),
        ),
        (
            "pages.schema.json",
            render::<super::page::PageDoc>("Rubric page"),
        ),
        (
            "calendar.schema.json",
            render::<CalendarDoc>("Rubric working-day calendar"),
        ),
    ]
}

fn render<T: JsonSchema>(title: &str) -> String {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert(
        "title".to_string(),
        serde_json::Value::String(title.to_string()),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is always JSON");
    text.push('\n');
    text
}
