//! The shape ARCHITECTURE.md describes, held: small files, the YAML crate
//! only under `src/config/`, and no module importing from a stage above it.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn all() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn no_source_file_is_over_700_lines() {
    for (name, text) in all() {
        assert!(
            text.lines().count() <= 700,
            "{name} has {} lines",
            text.lines().count()
        );
    }
}

#[test]
fn the_yaml_crate_is_named_only_under_config() {
    for (name, text) in all() {
        if !name.starts_with("src/config/") {
            assert!(!text.contains("serde_saphyr"), "{name} names serde_saphyr");
        }
    }
}

#[test]
fn no_module_imports_from_a_stage_above_it() {
    let rules: [(&[&str], &str); 2] = [
        (
            &["src/model/", "src/expr/", "src/calendar/"],
            "crate::measure",
        ),
        (&["src/rules/", "src/scorecard.rs"], "crate::output"),
    ];
    for (name, text) in all() {
        for (floors, above) in rules {
            if floors.iter().any(|f| name.starts_with(f)) {
                assert!(!text.contains(above), "{name} uses {above}");
            }
        }
    }
}
