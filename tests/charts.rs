//! Charts: a page with `charts: true` draws, per indicator, its periods,
//! the same periods a year before, the target in force (stepped at the
//! financial year) and a benchmark, with the latest value rated in words,
//! in HTML (inline SVG with a title and a description, the figures as a
//! table) and in the PDF; never in Markdown. Figures worked out by hand.

use crate::common::{dates, indicator, indicators, poppler, Fixture};

/// Referrals from April 2022 (1) rising by one a month to July 2023 (16).
fn referral_dates() -> Vec<String> {
    let mut all = Vec::new();
    for k in 0..16u32 {
        let (year, month) = (2022 + (3 + k) / 12, (3 + k) % 12 + 1);
        for day in 0..=k {
            all.push(format!("{year}-{month:02}-{:02}", 1 + day));
        }
    }
    all
}

fn project(page: &str) -> Fixture {
    let f = Fixture::new();
    let when = referral_dates();
    let refs: Vec<Option<&str>> = when.iter().map(|d| Some(d.as_str())).collect();
    f.standard_rules()
        .table("referrals", vec![("referral_date", dates(&refs))]);
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator(
            "A1",
            "count",
            "higher_is_better",
            "kind: flow\nsource: referrals\ndate: referral_date",
            "decimals: 0\ntargets: { 2022-23: 10, 2023-24: 12 }\nrag: rag_target\nbenchmarks: { england: 14 }\ncommentary:\n  2023-07: Referrals <rose> again.",
        )
        .replace("    decimals: 1\n", "")]),
    );
    f.file("pages/charted.yaml", page);
    f
}

const PAGE: &str = "title: Charted\nmonths: 6\ncharts: true\ncolumns: [latest, target, rag]\nsections:\n  - title: Front door\n    rows: [A1]\n";

#[test]
fn a_chart_draws_the_periods_last_year_the_stepped_target_and_a_benchmark() {
    let f = project(PAGE);
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = std::fs::read_to_string(f.out_dir().join("charted.html")).unwrap();
    // Feb-23 to Jul-23: 11 to 16; a year before, Feb-22 and Mar-22 count
    // none (the referrals start in April 2022), then 1 to 4;
    // the 2022-23 target of 10 for Feb and Mar, 12 from April; England 14;
    // 16 against 12 for a higher-is-better count is green.
    let svg_at = html
        .find("<svg class=\"chart\" role=\"img\"")
        .expect("a chart");
    let svg = &html[svg_at..svg_at + html[svg_at..].find("</svg>").unwrap()];
    assert!(svg.contains("<title>Indicator A1: Jul-23</title>"), "{svg}");
    assert!(
        svg.contains("<desc>Indicator A1 from Feb-23 to Jul-23: 11 in Feb-23, 16 in Jul-23 (a year before: 4); target 12; england 14; rated Green.</desc>"),
        "{svg}"
    );
    // The target is two steps: 10 to March, 12 from April.
    let target_lines = svg
        .matches("stroke=\"#b35900\" stroke-width=\"1.5\"")
        .count();
    assert_eq!(target_lines, 1, "one stepped line: {svg}");
    let ys: Vec<&str> = svg
        .split("stroke=\"#b35900\" stroke-width=\"1.5\"")
        .next()
        .and_then(|s| s.rsplit("<polyline points=\"").next())
        .unwrap()
        .split(['"'])
        .next()
        .unwrap()
        .split(' ')
        .map(|p| p.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(ys.len(), 12, "two points per period: {ys:?}");
    assert_ne!(ys[0], ys[11], "the target steps: {ys:?}");
    assert_eq!(ys[0], ys[3], "{ys:?}");
    assert_eq!(ys[4], ys[11], "{ys:?}");
    // The latest point is labelled with its value and its rating in words.
    assert!(svg.contains(">16</text>"), "{svg}");
    assert!(svg.contains(">● Green</text>"), "{svg}");
    assert!(svg.contains(">Benchmark: england</text>"), "{svg}");
    // The figures drawn, as a table: period, value, a year before, target.
    for row in [
        "<th scope=\"row\">Feb-23</th><td class=\"num\">11</td><td class=\"num\">0</td><td class=\"num\">10</td>",
        "<th scope=\"row\">Apr-23</th><td class=\"num\">13</td><td class=\"num\">1</td><td class=\"num\">12</td>",
        "<th scope=\"row\">Jul-23</th><td class=\"num\">16</td><td class=\"num\">4</td><td class=\"num\">12</td>",
    ] {
        assert!(html.contains(row), "{row}");
    }
    // The commentary beside it, escaped; not repeated as a list below.
    assert!(
        html.contains("<p>Referrals &lt;rose&gt; again.</p>"),
        "{html}"
    );
    assert!(!html.contains("Analysis and actions"), "{html}");
    // Markdown draws no chart.
    let md = std::fs::read_to_string(f.out_dir().join("charted.md")).unwrap();
    assert!(!md.contains("svg") && !md.contains("A year before"), "{md}");
}

#[test]
fn a_page_without_charts_draws_none_and_reads_no_earlier_year() {
    let f = project(&PAGE.replace("charts: true\n", ""));
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = std::fs::read_to_string(f.out_dir().join("charted.html")).unwrap();
    assert!(!html.contains("<svg class=\"chart\""), "{html}");
    assert!(html.contains("Analysis and actions"), "{html}");
}

#[test]
fn the_pdf_draws_the_same_chart_with_its_figures() {
    let Some(pdftotext) = poppler("pdftotext") else {
        return;
    };
    let f = project(PAGE);
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pdf = f.out_dir().join("charted.pdf");
    let text = std::process::Command::new(pdftotext)
        .arg("-raw")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    // The chart's own words (drawn from the SVG), then the figures beside it.
    for words in [
        "This year",
        "A year before",
        "Benchmark: england",
        "Referrals <rose> again.",
        "Feb-23 11 0 10",
        "Jul-23 16 4 12",
        "Benchmark (england): 14",
    ] {
        assert!(text.contains(words), "`{words}` not in:\n{text}");
    }
}
