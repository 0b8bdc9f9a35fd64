//! Everything that reads YAML. The YAML crate is used only inside this
//! folder, so it could be swapped by touching nothing else.

pub(crate) mod breakdown;
pub(crate) mod comparison;
pub mod document;
pub mod files;
pub(crate) mod load;
pub(crate) mod number;
pub mod page;
pub(crate) mod project_path;
pub mod schema;
pub mod sources;
pub(crate) mod span;

pub use document::*;
pub use load::{load_project, Loaded, ProjectFiles};

/// `text` as a YAML scalar that reads back as exactly `text`: plain when
/// it is simple words, otherwise double-quoted with JSON's escapes (valid
/// YAML), so a value written into a YAML file can never end its line or
/// add a key.
pub fn yaml_scalar(text: &str) -> String {
    let simple = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ')
        && !text.ends_with(' ')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if simple {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("a string is JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yaml_scalar_reads_back_as_written() {
        #[derive(serde::Deserialize)]
        struct Doc {
            section: String,
        }
        for text in [
            "Front door",
            "Front door: MASH",
            "a\nowner: injected",
            "'quoted' \"both\"",
            "yes",
            "- dash",
            "# hash",
            "tab\there",
            "émigré",
        ] {
            let yaml = format!("section: {}\n", yaml_scalar(text));
            let doc: Doc = serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(doc.section, text, "{yaml}");
        }
        assert_eq!(yaml_scalar("Front door"), "Front door");
    }
}
