//! No key is silently ignored: for every measure kind, every key it
//! accepts (the compiler's own table, `model::compile::accepted_keys`) and
//! every place a measure can stand (an indicator's measure, inside a
//! window, a rate, either side of a ratio, a cohort's member), a measure
//! with the key set (or changed) either gives other figures than the same
//! measure without it, or is refused by `check` with a message naming the
//! key. A key accepted and ignored is a wrong figure with no warning.

use crate::common;
use common::*;
use rubric::model::compile::accepted_keys;
use std::collections::{BTreeMap, BTreeSet};

/// Where a measure stands.
const PLACES: [&str; 6] = [
    "top",
    "window",
    "rate",
    "numerator",
    "denominator",
    "cohort",
];

type Keys = Vec<(&'static str, String)>;

/// A measure as a YAML flow mapping, `kind` first.
fn mapping(kind: &str, keys: &Keys) -> String {
    let mut parts = vec![format!("kind: {kind}")];
    parts.extend(keys.iter().map(|(k, v)| format!("{k}: {v}")));
    format!("{{ {} }}", parts.join(", "))
}

/// `keys` with `changes` applied: a key set again takes its new value.
fn with(keys: &Keys, changes: &Keys) -> Keys {
    let mut out = keys.clone();
    for (k, v) in changes {
        match out.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v.clone(),
            None => out.push((k, v.clone())),
        }
    }
    out
}

fn keys(pairs: &[(&'static str, &str)]) -> Keys {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

const FLOW: &str = "{ kind: flow, source: events, date: date }";

/// The smallest measure of each kind.
fn base(kind: &str) -> Keys {
    match kind {
        "flow" => keys(&[("source", "events"), ("date", "date")]),
        "snapshot" => keys(&[("source", "events"), ("start", "start"), ("end", "end")]),
        "ratio" => keys(&[
            (
                "numerator",
                "{ kind: flow, source: events, date: date, filter: 'team == \"North\"' }",
            ),
            ("denominator", FLOW),
        ]),
        "rate" => keys(&[
            ("measure", FLOW),
            ("population", "{ value: 1000 }"),
            ("per", "1000"),
        ]),
        "window" => keys(&[("window", "rolling_12m"), ("measure", FLOW)]),
        "cohort" => keys(&[(
            "any_of",
            "[{ kind: flow, source: events, date: date, distinct: child }, \
             { kind: snapshot, source: events2, start: start, end: end, distinct: child }]",
        )]),
        "expression" => keys(&[("formula", "HELPER + 1")]),
        other => {
            panic!("no base measure for the kind `{other}`: add one to tests/keys_honoured.rs")
        }
    }
}

/// For a kind's key: what the base needs first, and the change that must
/// show in the figures (or be refused).
fn case(kind: &str, key: &str) -> (Keys, Keys) {
    let date = if kind == "flow" { "date" } else { "start" };
    match (kind, key) {
        (_, "source") => (vec![], keys(&[("source", "events2")])),
        ("flow", "date") => (vec![], keys(&[("date", "alt_date")])),
        ("snapshot", "start") => (vec![], keys(&[("start", "alt_start")])),
        ("snapshot", "end") => (vec![], keys(&[("end", "alt_end")])),
        // Child 1's first row ends on 31 May: closed at May's end, or open.
        ("snapshot", "open_on_end_day") => (
            keys(&[("end", "month_end")]),
            keys(&[("open_on_end_day", "true")]),
        ),
        (_, "filter") => (vec![], keys(&[("filter", "'team == \"North\"'")])),
        (_, "distinct") => (vec![], keys(&[("distinct", "child")])),
        (_, "sum") => (vec![], keys(&[("sum", "amount")])),
        (_, "mean") => (vec![], keys(&[("mean", "amount")])),
        // Child 3's rows, all of July, have no amount: the month is missing
        // "TBC" instead of "no rows in this period".
        (_, "missing_reason") => (
            keys(&[("sum", "amount"), ("filter", "'child == 3'")]),
            keys(&[("missing_reason", "reason")]),
        ),
        (_, "history") => (
            vec![
                ("history", format!("{{ entity: child, order: {date} }}")),
                ("filter", format!("'previous({date}) == ()'")),
            ],
            vec![("history", format!("{{ entity: team, order: {date} }}"))],
        ),
        (_, "having") => (
            keys(&[("distinct", "child")]),
            keys(&[("having", "'rows >= 2'")]),
        ),
        (_, "lookup") => (
            keys(&[
                (
                    "lookup",
                    "[{ source: people, key: child, columns: [flag] }]",
                ),
                ("filter", "'flag == 1'"),
            ]),
            keys(&[(
                "lookup",
                "[{ source: people2, key: child, columns: [flag] }]",
            )]),
        ),
        ("ratio", "numerator") => (
            vec![],
            keys(&[("numerator", "{ kind: flow, source: events2, date: date }")]),
        ),
        ("ratio", "denominator") => (
            vec![],
            keys(&[(
                "denominator",
                "{ kind: snapshot, source: events, start: start, end: end }",
            )]),
        ),
        ("ratio", "scale") => (vec![], keys(&[("scale", "1000")])),
        ("rate" | "window", "measure") => (
            vec![],
            keys(&[("measure", "{ kind: flow, source: events, date: alt_date }")]),
        ),
        ("rate", "population") => (vec![], keys(&[("population", "{ value: 2000 }")])),
        ("rate", "per") => (vec![], keys(&[("per", "100")])),
        ("window", "window") => (vec![], keys(&[("window", "financial_year_to_date")])),
        ("cohort", "any_of") => (
            vec![],
            keys(&[(
                "any_of",
                "[{ kind: flow, source: events, date: date, distinct: child }, \
                 { kind: snapshot, source: events, start: start, end: end, distinct: child }]",
            )]),
        ),
        // Only the ids also (or never) held by a snapshot of `events`.
        ("cohort", "all_of" | "none_of") => (
            vec![],
            vec![(
                if key == "all_of" { "all_of" } else { "none_of" },
                "[{ kind: snapshot, source: events, start: start, end: end, distinct: child }]"
                    .to_string(),
            )],
        ),
        ("expression", "formula") => (vec![], keys(&[("formula", "HELPER + 2")])),
        (kind, key) => panic!(
            "the {kind} measure's key `{key}` has no case: add one to tests/keys_honoured.rs \
             (what to set first, and a change that must show in the figures)"
        ),
    }
}

/// The measure `inner` standing in `place`.
fn placed(place: &str, inner: &str) -> String {
    match place {
        "top" => inner.to_string(),
        "window" => format!("{{ kind: window, window: rolling_12m, measure: {inner} }}"),
        "rate" => format!("{{ kind: rate, measure: {inner}, population: {{ value: 1000 }}, per: 1000 }}"),
        "numerator" => format!("{{ kind: ratio, numerator: {inner}, denominator: {FLOW} }}"),
        "denominator" => format!("{{ kind: ratio, numerator: {FLOW}, denominator: {inner} }}"),
        "cohort" => format!(
            "{{ kind: cohort, any_of: [{inner}, {{ kind: snapshot, source: events2, start: start, end: end, distinct: child }}] }}"
        ),
        other => panic!("no place `{other}`"),
    }
}

/// Rows over May to July 2023 (and two in 2022, so windows differ), with
/// every column a case changes to: each change moves some month's figure.
fn project() -> Fixture {
    let f = Fixture::new();
    let d = |v: &[Option<&str>]| dates(v);
    f.standard_rules()
        .table(
            "events",
            vec![
                (
                    "child",
                    ints(&[
                        Some(1),
                        Some(1),
                        Some(2),
                        Some(3),
                        Some(3),
                        Some(4),
                        Some(5),
                    ]),
                ),
                (
                    "team",
                    strs(&[
                        Some("North"),
                        Some("North"),
                        Some("South"),
                        Some("South"),
                        Some("North"),
                        Some("South"),
                        Some("North"),
                    ]),
                ),
                (
                    "date",
                    d(&[
                        Some("2023-05-03"),
                        Some("2023-06-10"),
                        Some("2023-06-12"),
                        Some("2023-07-01"),
                        Some("2023-07-02"),
                        Some("2022-11-04"),
                        Some("2022-06-05"),
                    ]),
                ),
                (
                    "alt_date",
                    d(&[
                        Some("2023-06-03"),
                        Some("2023-06-11"),
                        Some("2023-07-12"),
                        Some("2023-05-01"),
                        Some("2023-07-03"),
                        Some("2023-02-04"),
                        Some("2022-06-06"),
                    ]),
                ),
                (
                    "start",
                    d(&[
                        Some("2023-05-01"),
                        Some("2023-06-01"),
                        Some("2023-05-20"),
                        Some("2023-07-01"),
                        Some("2023-07-02"),
                        Some("2022-11-01"),
                        Some("2022-06-01"),
                    ]),
                ),
                (
                    "end",
                    d(&[
                        None,
                        Some("2023-07-15"),
                        None,
                        None,
                        None,
                        Some("2023-01-10"),
                        None,
                    ]),
                ),
                (
                    "month_end",
                    d(&[
                        Some("2023-05-31"),
                        None,
                        None,
                        None,
                        None,
                        Some("2023-01-10"),
                        None,
                    ]),
                ),
                (
                    "alt_start",
                    d(&[
                        Some("2023-06-01"),
                        Some("2023-05-01"),
                        Some("2023-07-01"),
                        Some("2023-06-20"),
                        Some("2023-07-02"),
                        Some("2022-11-01"),
                        Some("2022-06-01"),
                    ]),
                ),
                (
                    "alt_end",
                    d(&[
                        None,
                        None,
                        Some("2023-07-20"),
                        None,
                        None,
                        None,
                        Some("2022-07-15"),
                    ]),
                ),
                (
                    "amount",
                    floats(&[
                        Some(10.0),
                        Some(20.0),
                        Some(5.0),
                        None,
                        None,
                        Some(3.0),
                        Some(1.0),
                    ]),
                ),
                (
                    "reason",
                    strs(&[None, None, None, Some("TBC"), Some("TBC"), None, None]),
                ),
            ],
        )
        .table(
            "events2",
            vec![
                ("child", ints(&[Some(7), Some(2)])),
                ("team", strs(&[Some("North"), Some("South")])),
                ("date", d(&[Some("2023-07-05"), Some("2023-06-06")])),
                ("start", d(&[Some("2023-07-05"), Some("2023-06-06")])),
                ("end", d(&[None, None])),
                ("amount", floats(&[Some(1.0), Some(2.0)])),
            ],
        )
        .table(
            "people",
            vec![
                (
                    "child",
                    ints(&[Some(1), Some(2), Some(3), Some(4), Some(5)]),
                ),
                ("flag", ints(&[Some(1), Some(0), Some(1), Some(0), Some(1)])),
            ],
        )
        .table(
            "people2",
            vec![
                (
                    "child",
                    ints(&[Some(1), Some(2), Some(3), Some(4), Some(5)]),
                ),
                ("flag", ints(&[Some(0), Some(1), Some(0), Some(1), Some(0)])),
            ],
        )
        .file(
            "indicators/helper.yaml",
            &indicators(&[indicator("HELPER", "count", "neutral", FLOW, "")]),
        );
    f
}

/// Each indicator's figures: (group, period) to (value, numerator,
/// denominator, status and reason).
fn figures(f: &Fixture) -> BTreeMap<String, BTreeMap<(String, String), Vec<String>>> {
    let mut reader = csv::Reader::from_path(f.out_dir().join("scorecard.csv")).expect("csv");
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |name: &str| headers.iter().position(|h| h == name);
    let kept: Vec<usize> = ["value", "numerator", "denominator", "status", "reason"]
        .iter()
        .filter_map(|c| at(c))
        .collect();
    let (ind, by, group, period) = (
        at("indicator").unwrap(),
        at("breakdown").unwrap(),
        at("breakdown_value").unwrap(),
        at("period").unwrap(),
    );
    let mut out: BTreeMap<String, BTreeMap<_, _>> = BTreeMap::new();
    for record in reader.records() {
        let r = record.unwrap();
        out.entry(r[ind].to_string()).or_default().insert(
            (format!("{}={}", &r[by], &r[group]), r[period].to_string()),
            kept.iter().map(|i| r[*i].to_string()).collect(),
        );
    }
    out
}

#[test]
fn no_measure_key_is_accepted_and_ignored_in_any_place() {
    let f = project();
    // Case id: (kind, key, place). Each writes a base and a changed indicator.
    let mut cases: BTreeMap<String, (&str, &str, &str)> = BTreeMap::new();
    for (n, (kind, key)) in accepted_keys().into_iter().enumerate() {
        for place in PLACES {
            let (first, change) = case(kind, key);
            let mut before = with(&base(kind), &first);
            // A cohort's member counts distinct ids: given one to start from,
            // the `distinct` case changes which.
            let cohort_member = place == "cohort" && matches!(kind, "flow" | "snapshot");
            let mut change = change;
            if cohort_member {
                before = with(&keys(&[("distinct", "child")]), &before);
                if key == "distinct" {
                    change = keys(&[("distinct", "team")]);
                }
            }
            let after = with(&before, &change);
            let id = format!("K{n}_{place}").to_uppercase();
            for (suffix, measure) in [("A", &before), ("B", &after)] {
                f.file(
                    &format!("indicators/{id}_{suffix}.yaml").to_lowercase(),
                    &indicators(&[indicator(
                        &format!("{id}_{suffix}"),
                        "count",
                        "neutral",
                        &placed(place, &mapping(kind, measure)),
                        "",
                    )]),
                );
            }
            cases.insert(id, (kind, key, place));
        }
    }
    let out = f.rubric(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("check --format json: {e}\n{}\n{}", out.stdout, out.stderr));
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in doc["problems"].as_array().unwrap() {
        let subject = p["subject"].as_str().unwrap_or_default();
        let text = format!(
            "{} {}",
            p["message"].as_str().unwrap_or_default(),
            p["help"].as_str().unwrap_or_default()
        );
        problems
            .entry(subject.trim_start_matches("indicator ").to_string())
            .or_default()
            .push(text);
    }
    let mut ignored = Vec::new();
    let mut refused_unnamed = Vec::new();
    let mut compared = BTreeSet::new();
    // A case refused by check leaves the project, so the rest can run.
    let remove = |id: &str| {
        for suffix in ["a", "b"] {
            let file = format!("indicators/{}_{suffix}.yaml", id.to_lowercase());
            std::fs::remove_file(f.path().join(file)).unwrap();
        }
    };
    for (id, (kind, key, place)) in &cases {
        let (a, b) = (format!("{id}_A"), format!("{id}_B"));
        if problems.contains_key(&a) {
            // The kind (or its base) is refused in this place: nothing to compare.
            remove(id);
            continue;
        }
        if let Some(texts) = problems.get(&b) {
            if !texts.iter().any(|t| t.contains(&format!("`{key}`"))) {
                refused_unnamed.push(format!("{kind}.{key} in {place}: {texts:?}"));
            }
            remove(id);
            continue;
        }
        compared.insert(id.clone());
    }
    assert!(
        refused_unnamed.is_empty(),
        "refused without naming the key:\n{}",
        refused_unnamed.join("\n")
    );
    // Every kind's every key is compared at the top at least.
    for (id, (kind, key, place)) in &cases {
        if *place == "top" {
            assert!(
                compared.contains(id),
                "{kind}.{key} at the top was refused: {:?}",
                problems.get(&format!("{id}_B"))
            );
        }
    }
    let t = f.rubric(&["run", "--period", "2023-07"]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    let figures = figures(&f);
    for id in &compared {
        let (kind, key, place) = cases[id];
        let a = &figures[&format!("{id}_A")];
        let b = &figures[&format!("{id}_B")];
        if a == b {
            ignored.push(format!("{kind}.{key} in {place} ({id})"));
        }
    }
    assert!(
        ignored.is_empty(),
        "keys accepted by check that change no figure (ignored):\n{}",
        ignored.join("\n")
    );
}
