//! Hostile text from data and command lines: every writer escapes for its
//! own format (CSV formulas, Markdown, terminals, YAML), and a stdout that
//! cannot be written to is an error, not a panic.

use crate::common;
use common::*;

const TEAMS: [&str; 6] = [
    "=HYPERLINK(\"http://x/\",\"y\")",
    "@SUM(A1)",
    "+1+1",
    "-2+3",
    "<script>alert(1)</script>",
    "\u{1b}[31mred\u{1b}[0m\r",
];

/// Referrals in March 2023, one per hostile team, broken down by team.
fn hostile_teams() -> Fixture {
    let f = Fixture::new();
    f.standard_rules().table(
        "referrals",
        vec![
            ("referral_date", dates(&repeat("2023-03-01", TEAMS.len()))),
            (
                "team",
                strs(&TEAMS.iter().map(|t| Some(*t)).collect::<Vec<_>>()),
            ),
            (
                "child_id",
                ints(&(1..=TEAMS.len() as i64).map(Some).collect::<Vec<_>>()),
            ),
        ],
    );
    referrals_counted(&f, "breakdown: team");
    f
}

#[test]
fn formulas_in_text_are_neutralised_in_csv_and_kept_in_parquet() {
    let f = hostile_teams();
    let out = f.rubric(&["run", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let csv = std::fs::read_to_string(f.out_dir().join("scorecard.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let teams: std::collections::BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap()[7].to_string())
        .collect();
    for formula in &TEAMS[..4] {
        assert!(teams.contains(&format!("'{formula}")), "{teams:?}");
        assert!(!teams.contains(*formula), "{formula} is raw in {teams:?}");
    }
    // The Parquet output keeps the raw value.
    let file = std::fs::File::open(f.out_dir().join("scorecard.parquet")).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut raw = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let col = batch.column_by_name("breakdown_value").unwrap();
        let col = arrow_cast::cast(col, &arrow_schema::DataType::Utf8).unwrap();
        let col = col
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap();
        raw.extend(col.iter().flatten().map(String::from));
    }
    assert!(raw.contains(&TEAMS[0].to_string()), "{raw:?}");

    // Drilled rows written to CSV are neutralised the same way.
    let rows = f.path().join("rows.csv");
    let drill = f.rubric(&[
        "drill",
        "A1",
        "--breakdown",
        TEAMS[2],
        "--out",
        rows.to_str().unwrap(),
    ]);
    assert_eq!(drill.code, 0, "{}", drill.stderr);
    let text = std::fs::read_to_string(rows).unwrap();
    assert!(text.contains("'+1+1"), "{text}");
}

#[test]
fn markdown_carries_no_html_and_no_broken_rows() {
    let f = hostile_teams();
    assert_eq!(f.rubric(&["run", "--quiet"]).code, 0);
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script>"), "{md}");
    assert!(!md.contains('\r') && !md.contains('\u{1b}'), "{md:?}");
    for line in md.lines().filter(|l| l.starts_with('|')) {
        assert!(line.ends_with('|'), "a row cut short: {line:?}");
    }
}

#[test]
fn data_shown_on_a_terminal_cannot_drive_it() {
    let f = hostile_teams();
    let drill = f.rubric(&["drill", "A1", "--period", "2023-03"]);
    assert_eq!(drill.code, 0, "{}", drill.stderr);
    assert!(!drill.stdout.contains('\u{1b}'), "{:?}", drill.stdout);
    assert!(drill.stdout.contains("\\u{1b}[31mred"), "{}", drill.stdout);
    let explain = f.rubric(&["explain", "A1", "--breakdown", TEAMS[5]]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    assert!(!explain.stdout.contains('\u{1b}'), "{:?}", explain.stdout);
}

#[test]
fn regression_drill_s_heading_shows_a_breakdown_value_s_control_characters() {
    // The heading names the breakdown value drilled into, from the data.
    let f = hostile_teams();
    let drill = f.rubric(&[
        "drill",
        "A1",
        "--period",
        "2023-03",
        "--breakdown",
        TEAMS[5],
    ]);
    assert_eq!(drill.code, 0, "{}", drill.stderr);
    assert!(!drill.stdout.contains('\u{1b}'), "{:?}", drill.stdout);
    assert!(
        drill.stdout.contains("team = \\u{1b}[31mred"),
        "{}",
        drill.stdout
    );
}

#[test]
fn a_new_indicator_s_section_is_written_as_valid_yaml() {
    let f = hostile_teams();
    for (id, section) in [
        ("N1", "Front door: MASH"),
        ("N2", "Early help\nowner: injected"),
    ] {
        let out = f.rubric(&[
            "new",
            "indicator",
            id,
            "--source",
            "referrals",
            "--section",
            section,
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let check = f.rubric(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let list = f.rubric(&["list"]);
    assert!(list.stdout.contains("Front door: MASH"), "{}", list.stdout);
    assert!(
        list.stdout.contains("Early help\\u{a}owner: injected"),
        "{}",
        list.stdout
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error_not_a_panic() {
    let f = hostile_teams();
    for args in [
        &["list"][..],
        &["sql"],
        &["explain", "A1"],
        &["run", "--format", "json"],
        &["check"],
        &["review"],
    ] {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists on Linux");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rubric"))
            .arg("--project")
            .arg(f.path())
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("could not write the output"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn sections_whose_names_share_an_anchor_get_anchors_of_their_own() {
    let f = hostile_teams();
    let items: Vec<String> = [("U1", "Ü"), ("E1", "É")]
        .iter()
        .map(|(id, section)| {
            indicator(
                id,
                "count",
                "neutral",
                "kind: flow\nsource: referrals\ndate: referral_date",
                "",
            )
            .replace("section: Tests", &format!("section: {section}"))
        })
        .collect();
    f.file("indicators/b.yaml", &indicators(&items));
    assert_eq!(f.rubric(&["run", "--quiet"]).code, 0);
    let html = std::fs::read_to_string(f.out_dir().join("scorecard.html")).unwrap();
    let ids: Vec<&str> = html
        .match_indices("<section id=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert_eq!(ids.len(), 3, "{ids:?}");
}

#[test]
fn an_outcome_label_stays_text_in_the_page_and_the_workbook() {
    let f = hostile_teams();
    f.file(
        "rules/standard.yaml",
        &STANDARD_RULES.replace(
            "label: Red, tone: bad",
            "label: \"Red \\\"x\\\" <b>&\", tone: bad",
        ),
    );
    // A rated indicator, so the label is shown and coloured.
    f.file(
        "indicators/b.yaml",
        &indicators(&[indicator(
            "B1",
            "count",
            "lower_is_better",
            "kind: flow\nsource: referrals\ndate: referral_date",
            "rag: rag_target\ntargets: { 2022-23: 1 }",
        )]),
    );
    assert_eq!(f.rubric(&["run", "--quiet"]).code, 0);
    let html = std::fs::read_to_string(f.out_dir().join("scorecard.html")).unwrap();
    assert!(
        html.contains("<option value=\"red\">Red &quot;x&quot; &lt;b&gt;&amp;</option>"),
        "{html}"
    );
    assert!(!html.contains("<b>&"), "raw label in the page");
    let file = std::fs::File::open(f.out_dir().join("scorecard.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(
        sheet.contains("SEARCH(\"Red \"\"x\"\" &lt;b&gt;&amp;\","),
        "{sheet}"
    );
}

#[test]
fn regression_ids_and_page_names_that_differ_only_in_case_are_refused() {
    let f = Fixture::new();
    f.standard_rules().table(
        "referrals",
        vec![("referral_date", dates(&[Some("2023-03-01")]))],
    );
    let count = "kind: flow\nsource: referrals\ndate: referral_date";
    f.file(
        "indicators/a.yaml",
        &indicators(&[
            indicator("A1", "count", "neutral", count, ""),
            indicator("a1", "count", "neutral", count, ""),
        ]),
    );
    let page = "title: P\ncolumns: [latest]\nsections: [{ title: S, rows: [A1] }]\n";
    f.file("pages/board.yaml", page);
    f.file("pages/Board.yaml", page);
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the indicator id `a1` differs from `A1` only in case"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("the page `board` differs from `Board` only in case"),
        "{}",
        out.stderr
    );
}
