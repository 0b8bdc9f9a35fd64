//! The shape ARCHITECTURE.md describes, held: every module sits on a floor
//! (one table, below), imports only from its own floor or below, and no
//! files import each other in a circle. ARCHITECTURE.md's floor table is
//! this table, so the two cannot drift. Also: small files, and the YAML
//! crate named only under `src/config/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every floor, lowest first, with the modules on it and what it is for.
/// A module not listed here fails `every_module_has_a_floor`.
const FLOORS: &[(&str, &[&str], &str)] = &[
    (
        "base",
        &["diagnostic", "error", "text", "progress"],
        "analysts' diagnostics, run errors, text as shown, progress",
    ),
    (
        "calendar",
        &["calendar", "dialect"],
        "months, financial years, working days; each SQL engine's dialect",
    ),
    (
        "config",
        &["config"],
        "YAML documents: the only place the YAML crate is named",
    ),
    (
        "read",
        &["expr", "source"],
        "the Rhai sandbox and vectorised plans; sources, their schemas and expectations",
    ),
    (
        "model",
        &["model", "format"],
        "the validated project; numbers formatted with their unit",
    ),
    (
        "measure",
        &["measure", "sql"],
        "measures computed here (scan, series) or as SQL where the data lives",
    ),
    (
        "rules",
        &["rules"],
        "comparisons, DoT, RAG, benchmarks, flags: the scorecard",
    ),
    (
        "layout",
        &["layout"],
        "pages laid out as sections, lines and cells",
    ),
    ("output", &["output"], "one file per output format"),
    (
        "run",
        &["run"],
        "a run in order: plan, measure, rate, publish; the series contract",
    ),
    ("cli", &["cli", "lib", "main"], "one file per command"),
];

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
    files.sort();
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

/// `src/measure/scan.rs` is `measure::scan`; `src/sql/mod.rs` is `sql`.
fn module_of(file: &str) -> String {
    let path = file.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 1 && parts.last() == Some(&"mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without comments and without its test module, which
/// may reach for fixtures anywhere.
fn code_of(text: &str) -> String {
    let end = text.find("#[cfg(test)]\nmod ").unwrap_or(text.len());
    text[..end]
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path a piece of code names from `crate::` or `super::`, with use
/// groups expanded (`crate::a::{b, c::{d}}` names `a::b`, `a::c::d`), the
/// `super::` ones made absolute from `module`.
fn named_paths(code: &str, module: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let before_ok = i == 0
            || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        let start = if rest.starts_with("crate::") {
            Some((String::new(), 7))
        } else if rest.starts_with("super::") {
            // `super` of `a::b` is `a`, whether `b` is a file or a folder.
            let mut parts: Vec<&str> = module.split("::").collect();
            parts.pop();
            Some((parts.join("::"), 7))
        } else {
            None
        };
        match start {
            Some((base, skip)) if before_ok => {
                let mut j = i + skip;
                let mut paths = Vec::new();
                tree(&chars, &mut j, &base, &mut paths);
                found.extend(paths);
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
    found
}

/// Reads a use tree at `chars[*j..]` under `prefix`, adding each leaf path.
fn tree(chars: &[char], j: &mut usize, prefix: &str, out: &mut Vec<String>) {
    let mut path = prefix.to_string();
    loop {
        let start = *j;
        while *j < chars.len() && (chars[*j].is_alphanumeric() || chars[*j] == '_') {
            *j += 1;
        }
        let segment: String = chars[start..*j].iter().collect();
        if !segment.is_empty() {
            if !path.is_empty() {
                path.push_str("::");
            }
            path.push_str(&segment);
        }
        if chars[*j..].starts_with(&[':', ':']) {
            *j += 2;
            if chars.get(*j) == Some(&'{') {
                *j += 1;
                loop {
                    while chars
                        .get(*j)
                        .is_some_and(|c| c.is_whitespace() || *c == ',')
                    {
                        *j += 1;
                    }
                    if chars.get(*j).is_none_or(|c| *c == '}') {
                        *j += 1;
                        return;
                    }
                    let before = *j;
                    tree(chars, j, &path, out);
                    // `self` and anything unparsed: skip a character.
                    if *j == before {
                        *j += 1;
                    }
                }
            }
            continue;
        }
        out.push(path);
        return;
    }
}

/// Each file's module and the modules (files) it imports, itself aside.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let files = all();
    let modules: BTreeSet<String> = files.iter().map(|(f, _)| module_of(f)).collect();
    let resolve = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|m| modules.contains(m))
    };
    files
        .iter()
        .map(|(file, text)| {
            let module = module_of(file);
            let uses = named_paths(&code_of(text), &module)
                .iter()
                .filter_map(|p| resolve(p))
                .filter(|m| *m != module)
                .collect();
            (module, uses)
        })
        .collect()
}

fn floor_of(module: &str) -> Option<usize> {
    let top = module.split("::").next().unwrap();
    FLOORS
        .iter()
        .position(|(_, modules, _)| modules.contains(&top))
}

#[test]
fn every_module_has_a_floor() {
    for (module, _) in imports() {
        assert!(
            floor_of(&module).is_some(),
            "{module} is on no floor: add it to FLOORS in tests/architecture.rs and to ARCHITECTURE.md"
        );
    }
}

#[test]
fn no_module_imports_from_a_floor_above_its_own() {
    let mut climbs = Vec::new();
    for (module, uses) in imports() {
        let own = floor_of(&module).unwrap();
        for used in uses {
            let theirs = floor_of(&used).unwrap();
            if theirs > own {
                climbs.push(format!(
                    "{module} ({}) imports {used} ({})",
                    FLOORS[own].0, FLOORS[theirs].0
                ));
            }
        }
    }
    assert!(
        climbs.is_empty(),
        "imports that climb:\n{}",
        climbs.join("\n")
    );
}

/// Strongly connected components of more than one file (Tarjan's).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let found = circles(&imports());
    assert!(
        found.is_empty(),
        "files importing each other in a circle: {found:?}"
    );
}

#[test]
fn the_import_reader_sees_groups_super_and_circles() {
    let paths = named_paths(
        "use crate::a::{b, c::{d, e}};\nlet x = super::f::g(1); my_crate::no;",
        "m::n",
    );
    assert_eq!(paths, ["a::b", "a::c::d", "a::c::e", "m::f::g"]);
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(circles(&graph), [["a", "b", "c"]]);
}

/// The floors as ARCHITECTURE.md shows them, between its markers.
fn floors_table() -> String {
    let mut table = String::from("| floor | modules | for |\n| --- | --- | --- |\n");
    for (floor, modules, what) in FLOORS.iter().rev() {
        let shown: Vec<String> = modules.iter().map(|m| format!("`{m}`")).collect();
        table.push_str(&format!("| {floor} | {} | {what} |\n", shown.join(", ")));
    }
    table
}

#[test]
fn architecture_md_shows_the_floors_this_test_holds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let (start, end) = ("<!-- floors: start -->\n", "<!-- floors: end -->");
    let from = doc
        .find(start)
        .expect("ARCHITECTURE.md has a floors section")
        + start.len();
    let to = doc
        .find(end)
        .expect("ARCHITECTURE.md's floors section ends");
    assert_eq!(
        &doc[from..to],
        floors_table(),
        "ARCHITECTURE.md's floor table differs from tests/architecture.rs: paste the table above"
    );
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

/// The error type of each `Result<T, E>` a piece of code names.
fn result_errors(code: &str) -> Vec<String> {
    let flat: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let mut errors = Vec::new();
    let mut from = 0;
    while let Some(at) = flat[from..].find("Result<") {
        let start = from + at + "Result<".len();
        let (mut depth, mut split, mut end) = (1, None, None);
        for (i, c) in flat[start..].char_indices() {
            match c {
                '<' | '(' | '[' => depth += 1,
                '>' | ')' | ']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(start + i);
                        break;
                    }
                }
                ',' if depth == 1 => split = Some(start + i),
                _ => {}
            }
        }
        if let (Some(s), Some(e)) = (split, end) {
            errors.push(flat[s + 1..e].to_string());
        }
        from = start;
    }
    errors
}

#[test]
fn no_function_fails_with_a_bare_string() {
    assert_eq!(
        result_errors("fn a() -> Result<Vec<(u8, String)>, String> { Ok(x) }\nResult<T, E>"),
        ["String", "E"]
    );
    for (name, text) in all() {
        let code = code_of(&text);
        for error in result_errors(&code) {
            assert!(
                !matches!(error.as_str(), "String" | "&str" | "&'staticstr"),
                "{name} has a Result whose error is {error}: give it an error type (thiserror) saying the cause"
            );
        }
    }
}
