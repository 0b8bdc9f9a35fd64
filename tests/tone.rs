//! Outcomes carry their meaning in `tone`: renaming and relabelling every
//! outcome of the shipped rule sets changes no colour in the reports and
//! keeps `check`'s warning about bad ratings without commentary.

use crate::common;
use common::*;
use std::path::Path;

/// The shipped rule sets' outcomes, renamed and relabelled.
const RENAMES: [(&str, &str); 8] = [
    ("red", "off_track"),
    ("amber", "at_risk"),
    ("green", "on_track"),
    ("improving", "better"),
    ("worsening", "worse"),
    ("similar", "steady"),
    ("up", "rising"),
    ("down", "falling"),
];

/// A copy of the example whose rule sets are then renamed.
fn example_copy() -> tempfile::TempDir {
    common::example_copy(&["indicators", "rules", "data", "calendars", "sources"])
}

/// The example with no commentary, so its reds are warned of.
fn without_commentary(dir: &Path) {
    for entry in std::fs::read_dir(dir.join("indicators")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut kept = String::new();
        let mut skipping = false;
        for line in text.lines() {
            if line == "    commentary:" {
                skipping = true;
                continue;
            }
            if skipping && line.starts_with("      ") {
                continue;
            }
            skipping = false;
            kept.push_str(line);
            kept.push('\n');
        }
        std::fs::write(&path, kept).unwrap();
    }
}

fn renamed_example() -> tempfile::TempDir {
    let dir = example_copy();
    let path = dir.path().join("rules/standard.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (old, new) in RENAMES {
        let label = |s: &str| s[..1].to_uppercase() + &s[1..];
        text = text
            .replace(&format!("name: {old},"), &format!("name: {new},"))
            .replace(
                &format!("label: {},", label(old)),
                &format!("label: {},", label(new)),
            )
            .replace(&format!("\"{old}\""), &format!("\"{new}\""));
    }
    assert!(!text.contains("name: red"), "{text}");
    std::fs::write(&path, text).unwrap();
    dir
}

/// The `class` of every badge on the page, in order.
fn badge_classes(html: &str) -> Vec<String> {
    html.match_indices("class=\"badge")
        .map(|(i, _)| {
            let rest = &html[i + 7..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn renamed_outcomes_keep_their_colours_and_the_warning() {
    let renamed = renamed_example();
    let original_out = tempfile::tempdir().unwrap();
    let renamed_out = tempfile::tempdir().unwrap();
    let run = |project: &Path, out: &Path| {
        let o = rubric_in(project, &["run", "--quiet", "--out", out.to_str().unwrap()]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    run(Path::new(env!("CARGO_MANIFEST_DIR")), original_out.path());
    run(renamed.path(), renamed_out.path());

    let html = |dir: &Path| std::fs::read_to_string(dir.join("scorecard.html")).unwrap();
    let (before, after) = (html(original_out.path()), html(renamed_out.path()));
    let classes = badge_classes(&before);
    assert!(classes.iter().any(|c| c == "badge red"), "{classes:?}");
    assert!(
        classes.iter().any(|c| c == "badge dot green"),
        "{classes:?}"
    );
    assert_eq!(badge_classes(&after), classes);
    assert!(after.contains("<option value=\"red\">Off_track</option>"));

    // The workbook colours the new words with the same fills.
    let sheet = |dir: &Path| {
        let file = std::fs::File::open(dir.join("scorecard.xlsx")).unwrap();
        let mut zip = zip::ZipArchive::new(file).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut text,
        )
        .unwrap();
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles)
            .unwrap();
        (text, styles)
    };
    let (sheet_before, styles_before) = sheet(original_out.path());
    let (sheet_after, styles_after) = sheet(renamed_out.path());
    assert!(sheet_before.contains("\"Red\""), "the original colours Red");
    assert!(
        sheet_after.contains("\"Off_track\""),
        "the renamed colours Off_track"
    );
    assert_eq!(
        sheet_before.matches("<cfRule").count(),
        sheet_after.matches("<cfRule").count()
    );
    assert_eq!(styles_before, styles_after, "the same fills and inks");

    // `check` still warns of bad ratings without commentary, by tone.
    let warned = |project: &Path, name: &str| {
        let o = rubric_in(project, &["check"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.stderr.matches(&format!(" is {name} in ")).count()
    };
    let plain = example_copy();
    without_commentary(plain.path());
    without_commentary(renamed.path());
    let reds = warned(plain.path(), "red");
    assert!(reds > 0);
    assert_eq!(warned(renamed.path(), "off_track"), reds);
}
