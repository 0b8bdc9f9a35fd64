//! The example's three pages (`pages/`): each pinned in Markdown, rendered
//! by a real browser (where one is installed) with its rows and filters
//! working, and read back from the workbook as a spreadsheet would.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::{browser, headless};
use std::io::Cursor;
use std::path::Path;

use crate::common;

/// Each page, its title with the period it is titled by, and its count.
const PAGES: [(&str, &str, usize); 3] = [
    ("board", "Board data tables: Jul-23", 18),
    (
        "scrutiny",
        "Scrutiny panel performance analysis: Jul-23",
        16,
    ),
    ("framework", "Early intervention framework: 2023-24 Q1", 6),
];

fn run(out: &Path) {
    let run = common::example(&["run", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn the_three_pages_are_pinned_in_markdown() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path());
    for (name, title, count) in PAGES {
        let md = std::fs::read_to_string(dir.path().join(format!("{name}.md"))).unwrap();
        assert!(md.starts_with(&format!("# {title}\n")), "{md}");
        assert!(md.contains(&format!("; {count} indicators")), "{md}");
        insta::assert_snapshot!(name, md);
    }
}

#[test]
fn the_three_pages_read_back_from_their_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path());
    for (name, title, _) in PAGES {
        let bytes = std::fs::read(dir.path().join(format!("{name}.xlsx"))).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
        let sheet = book.worksheet_range("Scorecard").expect("the page's sheet");
        assert_eq!(
            sheet.get_value((0, 0)),
            Some(&Data::String(title.to_string()))
        );
        // The page's description under its title.
        assert!(
            matches!(sheet.get_value((2, 0)), Some(Data::String(d)) if d.len() > 40),
            "{name}: no description"
        );
        let labels: Vec<String> = sheet.rows().map(|r| r[1].to_string()).collect();
        let md = std::fs::read_to_string(dir.path().join(format!("{name}.md"))).unwrap();
        // Every row of the Markdown page is a row of the workbook's sheet.
        for line in md
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Ref") && !l.starts_with("| ID"))
        {
            let title = line.split(" | ").nth(1).unwrap().trim_matches('*');
            let title = title.replace("&lt;", "<");
            assert!(
                labels.contains(&title),
                "{name}: {title} not in the workbook"
            );
        }
    }
    // The board's DoT against the month before, as a word (its colour and
    // reason are the cell's format and note).
    let bytes = std::fs::read(dir.path().join("board.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
    let sheet = book.worksheet_range("Scorecard").expect("sheet");
    let header = sheet
        .rows()
        .find(|r| r.first() == Some(&Data::String("Ref".into())))
        .expect("header")
        .to_vec();
    let dot = header
        .iter()
        .position(|h| h == &Data::String("Direction of travel".into()))
        .expect("a DoT column");
    let referrals = sheet
        .rows()
        .find(|r| r.first() == Some(&Data::String("62".into())))
        .expect("ref 62");
    assert_eq!(referrals[dot], Data::String("Worsening".into()));
    // The Data and Definitions sheets hold only the board's indicators.
    let data = book.worksheet_range("Data").expect("the Data sheet");
    let ids: std::collections::BTreeSet<String> =
        data.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(ids.len(), 18, "{ids:?}");
    assert!(ids.iter().all(|i| i.starts_with("PUB")), "{ids:?}");
    let definitions = book.worksheet_range("Definitions").expect("sheet");
    assert_eq!(definitions.rows().count(), 19);
}

#[test]
fn a_real_browser_renders_the_three_pages() {
    let Some(browser) = browser() else {
        eprintln!(
            "SKIPPED: no chromium found (install Debian's `chromium`, or set RUBRIC_BROWSER)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    run(dir.path());
    for (name, _, count) in PAGES {
        let url = format!(
            "file://{}",
            dir.path().join(format!("{name}.html")).display()
        );
        let profile = tempfile::tempdir().unwrap();
        let dom = headless(&browser, profile.path())
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .expect("run the browser");
        let dom = String::from_utf8_lossy(&dom.stdout);
        // The board shows one indicator in two sections: 19 rows.
        let rows = dom.matches("data-indicator=").count();
        let expected = if name == "board" { count + 1 } else { count };
        assert_eq!(rows, expected, "{name}: rows in the DOM");
        // The filter counts indicators, each once.
        assert!(
            dom.contains(&format!("{count} indicators shown")),
            "{name}: the filter script did not run"
        );
    }
}
