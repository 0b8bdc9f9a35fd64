//! Pages: a page file lays out what one report shows, and Markdown, HTML
//! and the workbook all draw from it. Hand-made data whose figures are
//! worked out below.
//!
//! The referrals: month k from April 2021 (k = 0) to July 2023 (k = 27)
//! has 1 + (k mod 3) referrals. So July 2023 (k = 27) has 1, June 3, July
//! 2022 (k = 15) 1, June 2022 (k = 14) 3; the financial year 2022-23
//! (k = 12 to 23) has four runs of 1 + 2 + 3, 24 referrals: the outturn.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::{dates, indicator, indicators, Fixture};
use std::io::Cursor;

use crate::common;

fn referral_dates() -> Vec<String> {
    let mut all = Vec::new();
    for k in 0..28u32 {
        let (year, month) = (2021 + (3 + k) / 12, (3 + k) % 12 + 1);
        for day in 0..=(k % 3) {
            all.push(format!("{year}-{month:02}-{:02}", 1 + day));
        }
    }
    all
}

const PAGE: &str = r#"title: Test page
description: For the tests.
months: 14
columns:
  - periods
  - { change: previous, display: points, label: Change }
  - { change: last_year, display: relative }
  - { rated: vs_last_year, label: Rated against last year }
  - { rated: vs_england }
  - outturn
  - { target: 2022-23 }
  - { target: 2023-24 }
  - { benchmark: england, label: England }
  - trend
  - reporter
sections:
  - title: First
    rows:
      - { heading: Sub one }
      - { indicator: A1, ref: R-1, label: "Referrals <b>counted</b>" }
      - A2
  - title: Again
    indicators_of: Tests
"#;

fn project() -> Fixture {
    let f = Fixture::new();
    let when = referral_dates();
    let refs: Vec<Option<&str>> = when.iter().map(|d| Some(d.as_str())).collect();
    let within: Vec<Option<bool>> = (0..when.len()).map(|i| Some(i % 2 == 0)).collect();
    f.standard_rules().table(
        "referrals",
        vec![
            ("referral_date", dates(&refs)),
            ("within", common::bools(&within)),
        ],
    );
    f.file(
        "indicators/a.yaml",
        &indicators(&[
            indicator(
                "A1",
                "count",
                "neutral",
                "kind: flow\nsource: referrals\ndate: referral_date",
                "decimals: 0\nreporter: Performance Analyst, Front Door\ntargets: { 2022-23: 5, 2023-24: TBC }\nbenchmarks: { england: 2 }\nrated:\n  - { name: vs_last_year, against: last_year, rule: dot_banded }\n  - { name: vs_england, against: england, rule: dot_banded }",
            )
            .replace("    decimals: 1\n", ""),
            indicator(
                "A2",
                "percent",
                "higher_is_better",
                "kind: ratio\nnumerator: { kind: flow, source: referrals, date: referral_date, filter: within }\ndenominator: { kind: flow, source: referrals, date: referral_date }",
                "",
            ),
        ]),
    );
    f.file("pages/test.yaml", PAGE);
    f
}

#[test]
fn a_page_lays_out_its_sections_columns_and_rows() {
    let f = project();
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = std::fs::read_to_string(f.out_dir().join("test.md")).unwrap();
    // Fourteen months: June 2022 (3 referrals) to July 2023 (1).
    assert!(md.contains("| Ref | Indicator | Jun-22 | Jul-22 |"), "{md}");
    assert!(!md.contains("May-22"), "{md}");
    // The change printed in points (1 - 3), against last year relative
    // (1 against 1); rated against last year: similar; against the
    // England benchmark of 2: down by 50%. The outturn of 2022-23 is 24;
    // the 2022-23 target 5, the 2023-24 one TBC.
    let row = md
        .lines()
        .find(|l| l.starts_with("| R-1 |"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        row.ends_with("| -2 | 0% | ► Similar | ↓ Down | 24 | 5 | TBC | 2 | █▁▅█▁▅█▁▅█▁▅█▁ | Performance Analyst, Front Door |"),
        "{row}"
    );
    // A label, escaped; a sub-heading row before it; the percentage of a
    // monthly flow has no outturn.
    assert!(row.contains("Referrals &lt;b>counted&lt;/b>"), "{row}");
    assert!(md.contains("|  | **Sub one** |"), "{md}");
    let a2 = md.lines().find(|l| l.contains("Indicator A2")).unwrap();
    assert!(a2.contains("| – | – | – | – | – |"), "{a2}");
    // The indicator shown in two sections appears twice; the default
    // board is still written beside the page.
    assert_eq!(md.matches("| R-1 |").count(), 1, "{md}");
    assert_eq!(md.matches("Indicator A1").count(), 1, "{md}");
    assert!(md.contains("## Again"), "{md}");
    assert!(f.out_dir().join("scorecard.md").is_file());
    insta::assert_snapshot!(md);
}

#[test]
fn html_and_the_workbook_draw_from_the_same_page() {
    let f = project();
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = std::fs::read_to_string(f.out_dir().join("test.html")).unwrap();
    assert!(html.contains("<title>Test page: Jul-23</title>"), "{html}");
    assert!(html.contains("<th scope=\"col\" data-col=\"16\">Rated against last year</th>"));
    assert!(html.contains("<th scope=\"col\" data-col=\"21\">England</th>"));
    assert!(
        html.contains("scope=\"colgroup\" colspan=\"26\">Sub one</th>"),
        "{html}"
    );
    assert!(
        html.contains("Referrals &lt;b&gt;counted&lt;&#x2f;b&gt;"),
        "{}",
        &html[html.find("Referrals").unwrap_or(0)..][..60]
    );
    assert!(!html.contains("<b>counted"));

    let bytes = std::fs::read(f.out_dir().join("test.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
    let sheet = book.worksheet_range("Scorecard").expect("sheet");
    let header: Vec<String> = sheet
        .rows()
        .find(|r| r.first() == Some(&Data::String("Ref".into())))
        .expect("a header row")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[2], "Jun-22");
    assert!(
        header.contains(&"Rated against last year".to_string()),
        "{header:?}"
    );
    assert!(header.contains(&"Target 2023-24".to_string()), "{header:?}");
    let row = sheet
        .rows()
        .find(|r| r.first() == Some(&Data::String("R-1".into())))
        .expect("the row");
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(row[at("Last year's outturn")], Data::Float(24.0));
    assert_eq!(row[at("Target 2023-24")], Data::String("TBC".into()));
    assert_eq!(row[at("vs england")].to_string(), "Down");
}

#[test]
fn a_page_naming_what_does_not_exist_is_a_check_error_at_its_place() {
    let f = project();
    f.file(
        "pages/test.yaml",
        r#"title: Broken
formats: [markdown, htm]
months: 30
columns:
  - periods
  - { benchmark: englnd }
  - { rated: vs_lastyear }
  - avg12m
  - { change: next_year }
  - { target: 2023 }
sections:
  - title: First
    rows:
      - A3
  - title: Second
    indicators_of: Test
  - title: Empty
"#,
    );
    f.file(
        "pages/scorecard.yaml",
        "title: Clash\ncolumns: []\nsections: [{ title: S, rows: [A1] }]\n",
    );
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn a_change_shows_its_direction_as_the_page_says() {
    let f = project();
    f.file(
        "pages/test.yaml",
        &PAGE.replace(
            "  - { change: previous, display: points, label: Change }\n",
            "  - { change: previous, display: points, label: Change }\n  - { change: previous, display: points, sign: unsigned, label: Unsigned }\n  - { change: previous, display: points, sign: arrow, label: Arrow }\n  - { change: last_year, display: relative, sign: arrow, label: Year arrow }\n",
        ),
    );
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // July 2023 has 1 referral, June 3: -2, printed 2 unsigned and with a
    // down arrow; July 2022 also had 1: no change, an arrow across.
    let md = std::fs::read_to_string(f.out_dir().join("test.md")).unwrap();
    let row = md.lines().find(|l| l.starts_with("| R-1 |")).unwrap();
    assert!(row.contains("| 1 | -2 | 2 | ↓ 2 | → 0% | 0% |"), "{row}");
    let html = std::fs::read_to_string(f.out_dir().join("test.html")).unwrap();
    assert!(html.contains(">↓ 2<"), "the arrow in the HTML cell");
    // A sign that is not one, or on a column that is not a change, is refused.
    for (column, problem) in [
        (
            "{ change: previous, sign: sideways }",
            "`sign: sideways` is not a way to show a change's direction",
        ),
        (
            "{ column: rag, sign: arrow }",
            "`sign` applies to a change column, not `rag`",
        ),
    ] {
        f.file(
            "pages/test.yaml",
            &PAGE.replace(
                "  - { change: last_year, display: relative }\n",
                &format!("  - {column}\n"),
            ),
        );
        let out = f.rubric(&["check"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains(problem), "{}", out.stderr);
    }
}

/// A sum with no rows in June 2023, on a page with its own marks.
fn marked() -> Fixture {
    let f = Fixture::new();
    f.standard_rules().table(
        "published",
        vec![
            (
                "month_end",
                dates(&[Some("2023-05-31"), Some("2023-07-31")]),
            ),
            ("value", common::floats(&[Some(5.0), Some(7.0)])),
        ],
    );
    f.file(
        "indicators/p.yaml",
        &indicators(&[indicator(
            "P1",
            "count",
            "neutral",
            "kind: flow\nsource: published\ndate: month_end\nsum: value",
            "",
        )]),
    );
    f.file(
        "pages/marked.yaml",
        "title: Marked\nmonths: 3\ncolumns: [periods, target, rag]\nmarkers: { missing: \"-\", not_applicable: \"\", reasons: { \"no rows in this period\": nr } }\nsections:\n  - title: S\n    rows: [P1]\n",
    );
    f
}

#[test]
fn a_page_marks_cells_without_a_figure_its_own_way_and_says_so() {
    let f = marked();
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = std::fs::read_to_string(f.out_dir().join("marked.md")).unwrap();
    // May 5, June no rows (`nr`), July 7; no target and no RAG rule: blank.
    let row = md.lines().find(|l| l.contains("Indicator P1")).unwrap();
    assert!(row.ends_with("| 5.0 | nr | 7.0 |  |  |"), "{row}");
    assert!(
        md.contains("`nr`: no rows in this period; `-`: no value (reasons under each section); a blank cell: not applicable."),
        "{md}"
    );
    let html = std::fs::read_to_string(f.out_dir().join("marked.html")).unwrap();
    assert!(
        html.contains("“nr”: no rows in this period;"),
        "the HTML key"
    );
    assert!(html.contains(">nr<"), "the HTML cell");
    let bytes = std::fs::read(f.out_dir().join("marked.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
    let sheet = book.worksheet_range("Scorecard").expect("sheet");
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "nr"), "{cells:?}");
    assert!(!cells.iter().any(|c| c == "–" || c == "n/a"), "{cells:?}");
}

#[test]
fn older_periods_may_fold_and_the_key_columns_are_marked_to_stay_in_view() {
    let f = project();
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = std::fs::read_to_string(f.out_dir().join("test.html")).unwrap();
    // Fourteen months: Jun-22 is 13 periods before the latest, Jul-23,
    // which is the column that must stay in view; the columns after the
    // periods (the changes, ratings, targets) never fold by age.
    assert!(
        html.contains("<th scope=\"col\" data-col=\"0\" data-age=\"13\">Jun-22</th>"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\" data-col=\"13\" data-age=\"0\" data-key>Jul-23</th>"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\" data-col=\"14\">Change</th>"),
        "{html}"
    );
    // The script folds them; without it every period shows.
    assert!(html.contains("function fit(t, open)"), "{html}");
    assert!(!html.contains("class=\"folded\""), "{html}");
}

#[test]
fn a_block_without_a_title_has_no_heading_and_a_section_may_start_a_new_page() {
    let f = project();
    f.file(
        "pages/test.yaml",
        "title: Blocks\ncolumns: [latest, target]\nsections:\n  - rows: [A1]\n  - title: Second\n    new_page: true\n    rows: [A2]\n",
    );
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let read = |name: &str| std::fs::read_to_string(f.out_dir().join(name)).unwrap();
    // Markdown: the first block's table follows the lead with no heading.
    let md = read("test.md");
    assert_eq!(md.matches("\n## ").count(), 1, "{md}");
    assert!(md.contains("\n## Second\n"), "{md}");
    // HTML: no heading, a caption that still counts, a label for the
    // region; the second section breaks the printed page.
    let html = read("test.html");
    assert!(
        html.contains("<section id=\"section-untitled\" aria-label=\"Rows without a heading\">"),
        "{html}"
    );
    assert!(
        html.contains(">Indicators: <span class=\"count\""),
        "{html}"
    );
    assert!(
        html.contains("<section id=\"section-second\" class=\"new-page\" aria-labelledby=\"section-second-h\">"),
        "{html}"
    );
    assert_eq!(html.matches("<h2 id=").count(), 1, "{html}");
    // The workbook: no heading row for the block, a page break before Second.
    let sheet = common::workbook_part(&f.out_dir().join("test.xlsx"), "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<rowBreaks count=\"1\""), "{sheet}");
    // The PDF: Second starts the second page.
    if let Some(pdftotext) = common::poppler("pdftotext") {
        let page = |n: &str| {
            let out = std::process::Command::new(&pdftotext)
                .args(["-f", n, "-l", n])
                .arg(f.out_dir().join("test.pdf"))
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).to_string()
        };
        assert!(!page("1").contains("Second"), "{}", page("1"));
        assert!(page("2").contains("Second"), "{}", page("2"));
    }
}
