//! PDF pages: every example page is written as a tagged PDF whose text
//! holds every figure its Markdown page shows, in the same order, and the
//! same bytes on every run. The text is read with poppler (`pdftotext`,
//! `pdfinfo`), which CI installs; elsewhere these tests say they skip.

use crate::common::{self, example_copy, poppler, rubric_in};
use std::path::Path;
use std::process::Command;

/// The example's custom pages, each with a Markdown and a PDF file.
const PAGES: [&str; 4] = ["board", "scrutiny", "framework", "priorities"];

fn run_example() -> tempfile::TempDir {
    let dir = example_copy(&[
        "indicators",
        "rules",
        "data",
        "calendars",
        "pages",
        "sources",
    ]);
    let out = rubric_in(dir.path(), &["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    dir
}

fn tool(tool: &Path, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("poppler runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("text")
}

/// Every word with a digit in the Markdown page's table rows, after each
/// row's reference and title, in order.
fn markdown_figures(md: &str) -> Vec<String> {
    md.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---") && !l.contains("| Indicator |"))
        .flat_map(|l| {
            l.split('|')
                .skip(3)
                .flat_map(|cell| cell.split_whitespace())
                .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
                .map(|w| {
                    w.replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&amp;", "&")
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_example_page_is_a_tagged_pdf_with_the_markdown_pages_figures_in_order() {
    let (Some(pdftotext), Some(pdfinfo)) = (poppler("pdftotext"), poppler("pdfinfo")) else {
        return;
    };
    let dir = run_example();
    let out = dir.path().join("out");
    for page in PAGES {
        let pdf = out.join(format!("{page}.pdf"));
        let info = Command::new(&pdfinfo).arg(&pdf).output().expect("pdfinfo");
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("Tagged:          yes"), "{page}: {info}");
        assert!(
            info.contains("Page size:       841.89 x 595.276 pts (A4)"),
            "{page}: {info}"
        );
        let text = tool(&pdftotext, &["-raw"], &pdf);
        let md = std::fs::read_to_string(out.join(format!("{page}.md"))).unwrap();
        // The document's title is the page's heading, with its period.
        let heading = md
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# "))
            .unwrap();
        assert!(
            info.contains(&format!("Title:           {heading}\n")),
            "{page}: {info}"
        );
        let figures = markdown_figures(&md);
        assert!(figures.len() > 20, "{page}: {figures:?}");
        // Each figure is found after the one before it.
        let mut at = 0;
        for (n, figure) in figures.iter().enumerate() {
            match text[at..].find(figure.as_str()) {
                Some(i) => at += i + figure.len(),
                None => panic!(
                    "{page}.pdf lacks `{figure}` (figure {n} of {}) after byte {at}:\n{}",
                    figures.len(),
                    &text[at.saturating_sub(300)..(at + 300).min(text.len())]
                ),
            }
        }
        // Every page says where it is in the whole.
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("a page count");
        assert!(text.contains(&format!("Page 1 of {pages}")), "{page}");
        assert!(text.contains(&format!("Page {pages} of {pages}")), "{page}");
    }
}

#[test]
fn a_pdf_is_the_same_bytes_on_every_run() {
    let dir = run_example();
    let first: Vec<Vec<u8>> = PAGES
        .iter()
        .map(|p| std::fs::read(dir.path().join("out").join(format!("{p}.pdf"))).unwrap())
        .collect();
    let again_dir = dir.path().join("again");
    let again = rubric_in(
        dir.path(),
        &["run", "--quiet", "--out", again_dir.to_str().unwrap()],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    for (page, bytes) in PAGES.iter().zip(first) {
        let second = std::fs::read(dir.path().join("again").join(format!("{page}.pdf"))).unwrap();
        assert!(bytes == second, "{page}.pdf differs between two runs");
        assert!(bytes.starts_with(b"%PDF-"), "{page}");
    }
    common::same_files(
        &dir.path().join("out"),
        &dir.path().join("again"),
        23,
        "between two runs",
    );
}

#[test]
fn text_from_a_definition_is_printed_in_the_pdf_never_run_as_typst() {
    let Some(pdftotext) = poppler("pdftotext") else {
        return;
    };
    let dir = example_copy(&["indicators", "rules", "data", "calendars", "sources"]);
    std::fs::create_dir_all(dir.path().join("pages")).unwrap();
    std::fs::write(
        dir.path().join("pages/hostile.yaml"),
        r##"title: '#read("/etc/passwd") ]*bold* $x$'
description: '#panic("boom") \ @label // not a comment'
formats: [pdf]
columns: [latest, rag]
sections:
  - title: '= Heading #h(1fr)'
    rows:
      - { indicator: PUB1, ref: '#(1+1)', label: '#emph[x] `raw` <b>' }
"##,
    )
    .unwrap();
    let out = rubric_in(dir.path(), &["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = tool(&pdftotext, &["-raw"], &dir.path().join("out/hostile.pdf"));
    for literal in [
        r#"#read("/etc/passwd") ]*bold* $x$"#,
        r#"#panic("boom") \ @label // not a comment"#,
        "= Heading #h(1fr)",
        "#(1+1)",
        "#emph[x] `raw` <b>",
    ] {
        assert!(
            text.contains(literal),
            "`{literal}` is not printed as written:\n{text}"
        );
    }
    assert!(!text.contains("root:"), "{text}");
}
