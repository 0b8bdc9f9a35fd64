//! Pages that agree with themselves, as a board member reads them: counts
//! add up to the indicators shown, commentary and notes name rows as the
//! page does, plurals are right, a quarterly page is titled by its
//! quarter, the lead explains only the columns the page has, and an
//! outcome with an empty label is refused. Each failed on the pages
//! before it was fixed.

use crate::common;
use common::*;
use std::path::Path;

fn page(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("out").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The text between two markers.
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text.find(from).map(|i| i + from.len()).unwrap_or(0);
    let end = text[start..].find(to).map_or(text.len(), |i| start + i);
    &text[start..end]
}

#[test]
fn regression_rag_counts_add_up_to_the_indicators_shown_once_each() {
    // The board shows PUB12 in two sections: it is one indicator.
    let html = page("board.html");
    let summary = between(&html, "<ul class=\"summary\"", "</ul>");
    let total: usize = summary
        .split("<li>")
        .skip(1)
        .map(|li| {
            between(li, ": ", "</li>")
                .trim()
                .parse::<usize>()
                .unwrap_or_else(|_| panic!("a count in {li}"))
        })
        .sum();
    assert!(
        html.contains("18 indicators."),
        "{}",
        between(&html, "class=\"lead\">", "</p>")
    );
    assert_eq!(total, 18, "{summary}");
}

#[test]
fn regression_commentary_and_notes_name_rows_as_the_page_prints_them() {
    for name in ["board.md", "scrutiny.md", "framework.md", "scorecard.md"] {
        let md = page(name);
        // Each table row's first two cells: the ref (or ID) and the title.
        let rows: Vec<(String, String)> = md
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Ref") && !l.starts_with("| ID"))
            .map(|l| {
                let cells: Vec<&str> = l.split(" | ").collect();
                (
                    cells[0].trim_start_matches("| ").trim().to_string(),
                    cells.get(1).unwrap_or(&"").trim().to_string(),
                )
            })
            .collect();
        for bullet in md.lines().filter(|l| l.starts_with("- **")) {
            let named = between(bullet, "- **", "**");
            let printed = rows
                .iter()
                .any(|(r, t)| named == r || named == t || named == format!("{r} {t}").trim());
            assert!(
                printed,
                "{name}: `{named}` is not how any row of the page is printed\n{bullet}"
            );
        }
    }
}

#[test]
fn regression_one_is_singular() {
    for name in [
        "board.html",
        "scrutiny.html",
        "framework.html",
        "scorecard.html",
        "board.md",
        "scrutiny.md",
        "framework.md",
        "scorecard.md",
    ] {
        let text = page(name);
        assert!(
            !text.contains(">1 indicators") && !text.contains(" 1 indicators"),
            "{name}"
        );
    }
    // The annual table of the scrutiny page holds one indicator.
    assert!(page("scrutiny.html").contains(">1 indicator<"));
}

#[test]
fn regression_a_quarterly_page_is_titled_by_its_latest_quarter() {
    let md = page("framework.md");
    let title = md.lines().next().unwrap();
    // Its tables end with the quarter to June 2023.
    assert_eq!(title, "# Early intervention framework: 2023-24 Q1");
    assert!(page("framework.html").contains("Early intervention framework: 2023-24 Q1</h1>"));
    // A monthly page keeps the month.
    assert!(page("board.md").starts_with("# Board data tables: Jul-23\n"));
}

#[test]
fn regression_the_lead_explains_only_the_columns_the_page_has() {
    let lead = |name: &str| between(&page(name), "<p class=\"lead\">Reporting", "</p>").to_string();
    // The framework page has RAG but no direction of travel, and tables,
    // not a line per indicator.
    let framework = lead("framework.html");
    assert!(
        framework.contains("rates the latest value against its target"),
        "{framework}"
    );
    assert!(!framework.contains("direction of travel"), "{framework}");
    assert!(!framework.contains("the line shows"), "{framework}");
    // The board has both; the default scorecard has its lines.
    let board = lead("board.html");
    assert!(
        board.contains("direction of travel") && board.contains("RAG"),
        "{board}"
    );
    assert!(lead("scorecard.html").contains("the line shows the periods before it"));
}

#[test]
fn an_outcome_with_an_empty_label_is_refused() {
    let f = Fixture::new();
    f.standard_rules();
    referrals_counted(&f, "");
    f.table(
        "referrals",
        vec![("referral_date", dates(&[Some("2023-01-05")]))],
    );
    let rules = std::fs::read_to_string(f.path().join("rules/standard.yaml")).expect("rules");
    let emptied = rules.replacen("label: Red", "label: \"\"", 1);
    assert_ne!(rules, emptied, "the shipped rules label an outcome Red");
    f.file("rules/standard.yaml", &emptied);
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("has an empty `label`"),
        "{}",
        out.stderr
    );
}

#[test]
fn regression_a_direction_of_travel_is_not_drawn_as_a_rag_rating() {
    // The board's DoT column: bold coloured text, no box (class `dot`);
    // its RAG column keeps the box.
    let html = page("board.html");
    assert!(
        html.contains(
            "<span class=\"badge dot red\"><span aria-hidden=\"true\">-1 </span>Worsening</span>"
        ),
        "no DoT drawn as text"
    );
    assert!(
        html.contains("<span class=\"badge red\"><span aria-hidden=\"true\">● </span>Red</span>")
    );
    assert!(html.contains(".badge.dot { background: none; border: none;"));
}

#[test]
fn regression_the_filter_counts_an_indicator_shown_twice_once() {
    let Some(browser) = browser() else {
        eprintln!("skipped: no chromium (set RUBRIC_BROWSER); .ci/run installs one");
        return;
    };
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("out/board.html");
    let out = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains(">18 indicators shown<"),
        "{}",
        between(&dom, "filter-count", "</p>")
    );
}

#[test]
fn regression_workbooks_honour_breakdowns_false_and_freeze_every_sheet() {
    use std::io::Read;
    for name in [
        "board.xlsx",
        "scrutiny.xlsx",
        "framework.xlsx",
        "scorecard.xlsx",
    ] {
        let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("out").join(name))
            .expect("workbook");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut text = |entry: &str| {
            let mut s = String::new();
            zip.by_name(entry)
                .unwrap_or_else(|_| panic!("{name}: {entry}"))
                .read_to_string(&mut s)
                .unwrap();
            s
        };
        let workbook = text("xl/workbook.xml");
        let sheets = workbook.matches("<sheet ").count();
        // The three pages say `breakdowns: false`: no team sheets there.
        if name != "scorecard.xlsx" {
            assert!(!workbook.contains(" teams\""), "{name}: {workbook}");
        }
        for i in 1..=sheets {
            let sheet = text(&format!("xl/worksheets/sheet{i}.xml"));
            assert!(
                sheet.contains("<pane "),
                "{name}: sheet {i} has no frozen panes"
            );
        }
    }
}

#[test]
fn regression_a_column_label_names_the_period_of_its_table() {
    // The scrutiny page labels its change `vs previous {period}`: its
    // monthly tables say month, its annual table year.
    let md = page("scrutiny.md");
    let headers: Vec<&str> = md.lines().filter(|l| l.starts_with("| ID |")).collect();
    assert!(
        headers
            .iter()
            .any(|h| h.contains("| 2022-23 | vs previous year |")),
        "{headers:?}"
    );
    assert!(
        headers
            .iter()
            .any(|h| h.contains("| Jul-23 | vs previous month |")),
        "{headers:?}"
    );
    assert!(!md.contains("2022-23 | vs previous month"));
}

#[test]
fn the_index_lists_every_file_of_the_pack_and_fingerprints_the_definitions() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("out");
    let index = page("index.html");
    let linked: std::collections::BTreeSet<String> = index
        .split("href=\"")
        .skip(1)
        .map(|rest| between(rest, "", "\"").to_string())
        .collect();
    let written: std::collections::BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n != "index.html")
        .collect();
    assert_eq!(linked, written);
    assert!(index.contains("<h1>Scorecard pack: Jul-23</h1>"));
    // The same definitions, the same bytes; a changed title, another print.
    let f = Fixture::new();
    f.standard_rules();
    f.table(
        "referrals",
        vec![("referral_date", dates(&[Some("2023-01-05")]))],
    );
    referrals_counted(&f, "");
    let fingerprint = |f: &Fixture| {
        let run = f.rubric(&["run", "--quiet"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let index = std::fs::read_to_string(f.out_dir().join("index.html")).unwrap();
        between(&index, "fingerprint <code>", "</code>").to_string()
    };
    let first = fingerprint(&f);
    assert_eq!(first.len(), 12);
    assert_eq!(fingerprint(&f), first);
    let yaml = std::fs::read_to_string(f.path().join("indicators/a.yaml")).unwrap();
    f.file(
        "indicators/a.yaml",
        &yaml.replacen("title: ", "title: Renamed ", 1),
    );
    assert_ne!(fingerprint(&f), first);
}

#[test]
fn the_key_explains_the_ratings_the_page_shows_from_its_rule_sets() {
    // The board rates RAG and scores DoT as the board does; the framework
    // page has no DoT column, so its key has no DoT rule.
    let board = page("board.md");
    let key = between(&board, "Key to the ratings:\n\n", "\n\n");
    assert!(
        key.contains("- ● Red, ● Amber, ● Green: Green when the target is met"),
        "{key}"
    );
    assert!(
        key.contains("- +1 Improving, 0 Same, -1 Worsening"),
        "{key}"
    );
    let framework = page("framework.md");
    let key = between(&framework, "Key to the ratings:\n\n", "\n\n");
    assert!(key.contains("● Red") && !key.contains("Improving"), "{key}");
    assert!(
        page("board.html").contains("<details class=\"key\"><summary>Key to the ratings</summary>")
    );
}

#[test]
fn a_heading_over_a_group_of_columns_is_printed_in_every_format() {
    // The board's four benchmark columns share `group: Benchmarking`.
    let md = page("board.md");
    assert!(
        md.contains("**Benchmarking**: Own previous year 2021-22, Statistical neighbours 2021-22, South East 2021-22, England 2021-22\n\n| Ref |"),
        "{md}"
    );
    assert!(page("board.html").contains(
        "<th scope=\"colgroup\" colspan=\"4\" data-from=\"17\" data-span=\"4\">Benchmarking</th>"
    ));
    let sheet = crate::common::workbook_part(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("out/board.xlsx"),
        "xl/worksheets/sheet1.xml",
    );
    assert!(
        sheet.contains("<mergeCell ref=\""),
        "no merged heading in the workbook"
    );
}
