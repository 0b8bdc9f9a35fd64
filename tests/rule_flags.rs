//! Quality flags a rule can read, a rule giving no rating with its reason,
//! and flags shown in every format. Figures worked out by hand.

use crate::common;
use common::*;

const RULES: &str = r#"rules:
  - name: careful
    kind: rag
    outcomes: [{ name: green, tone: good }]
    expression: |
      if flags.contains("partial_12m") {
          #{ because: "the 12-month average is over " + flags.len() + " flag(s) worth of doubt" }
      } else {
          "green"
      }
"#;

/// Events from January 2023, collected from January 2023: at April the
/// 12-month statistics are over 4 of 12 months.
fn project() -> Fixture {
    let f = Fixture::new();
    let mut days = repeat("2023-01-10", 3);
    days.extend(repeat("2023-04-10", 5));
    f.file("rules/careful.yaml", RULES)
        .table("events", vec![("event_date", dates(&days))])
        .file(
            "indicators/e.yaml",
            &indicators(&[indicator(
                "E1",
                "count",
                "neutral",
                "{ kind: flow, source: events, date: event_date }",
                "rag: careful\ncollected_from: 2023-01",
            )]),
        );
    f
}

#[test]
fn a_partial_twelve_month_window_is_flagged_and_rules_read_the_flag() {
    let f = project();
    let t = f.run(&["--period", "2023-04"]);
    // January to April: 3, 0, 0, 5; the average over those 4 months is 2.
    assert_eq!(t.get("E1", "2023-04", "avg_12m"), "2");
    assert_eq!(
        t.get("E1", "2023-04", "flags"),
        "partial: the 12-month average, highest and lowest are over 4 of 12 months"
    );
    // The rule saw the flag and gave no rating, saying why.
    assert_eq!(t.get("E1", "2023-04", "rag"), "not_rated");
    assert_eq!(
        t.get("E1", "2023-04", "rag_note"),
        "the 12-month average is over 1 flag(s) worth of doubt"
    );
    // Every format shows the flag.
    let md = std::fs::read_to_string(f.out_dir().join("scorecard.md")).unwrap();
    assert!(
        md.contains("Read with care:\n\n- **E1** (Apr-23): partial: the 12-month average, highest and lowest are over 4 of 12 months"),
        "{md}"
    );
    let html = std::fs::read_to_string(f.out_dir().join("scorecard.html")).unwrap();
    assert!(
        html.contains("over 4 of 12 months"),
        "the HTML page shows the flag"
    );
    let xlsx = std::fs::read(f.out_dir().join("scorecard.xlsx")).unwrap();
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut comments = String::new();
    for i in 0..book.len() {
        let mut file = book.by_index(i).unwrap();
        if file.name().unwrap().contains("comments") {
            std::io::Read::read_to_string(&mut file, &mut comments).unwrap();
        }
    }
    assert!(comments.contains("over 4 of 12 months"), "{comments}");
}
