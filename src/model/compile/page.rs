//! Page files to checked pages: every indicator, section, column, rated
//! comparison and benchmark a page names must exist, each refusal at its
//! place in the page file.

use crate::calendar::period::FinancialYear;
use crate::config::document::{ChangeDisplay, ChangeSign};
use crate::config::load::Loaded;
use crate::config::page::{ColumnDoc, PageDoc, RowDoc};
use crate::config::span::Spanned;
use crate::diagnostic::{did_you_mean, Diagnostic, Place};
use crate::model::indicator::Indicator;
use crate::model::page::{
    ColumnKind, Format, Markers, Page, PageColumn, PageRow, PageSection, COLUMN_NAMES,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The output name the default board takes.
const DEFAULT_NAME: &str = "scorecard";

/// Checks every page file; problems are added to `problems`.
pub(super) fn compile_pages(
    files: &[Loaded<PageDoc>],
    indicators: &[Indicator],
    benchmarks: &BTreeSet<String>,
    formats: &[Format],
    problems: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    let mut pages = Vec::new();
    // Page names that differ only in case name the same outputs on Windows
    // and macOS (`board.md`, `Board.md`).
    let mut folded: BTreeMap<String, String> = BTreeMap::new();
    for f in files {
        let name = f
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(other) = folded.insert(name.to_lowercase(), name.clone()) {
            problems.push(
                Diagnostic::new(
                    &f.file,
                    Place::WHOLE_FILE,
                    format!("the page `{name}` differs from `{other}` only in case"),
                )
                .subject(format!("page {name}"))
                .help("rename one: their outputs would be one file on Windows and macOS"),
            );
            continue;
        }
        let mut site = Site {
            file: &f.file,
            name: &name,
            problems: &mut *problems,
            formats,
            failed: false,
        };
        if let Some(page) = site.page(&f.doc, indicators, benchmarks) {
            pages.push(page);
        }
    }
    pages
}

struct Site<'a> {
    file: &'a Path,
    name: &'a str,
    problems: &'a mut Vec<Diagnostic>,
    /// Every format a page can be written in.
    formats: &'a [Format],
    failed: bool,
}

impl Site<'_> {
    fn refuse(&mut self, place: Place, message: String, help: impl Into<String>) {
        self.failed = true;
        self.problems.push(
            Diagnostic::new(self.file, place, message)
                .subject(format!("page {}", self.name))
                .help(help),
        );
    }

    /// The formats a page names, in the registry's order; every default
    /// one when it names none.
    fn formats(&mut self, named: Option<&[Spanned<String>]>) -> Vec<Format> {
        let Some(named) = named else {
            return self.formats.iter().filter(|f| f.default).copied().collect();
        };
        let names: Vec<&str> = self.formats.iter().map(|f| f.name).collect();
        let mut chosen = Vec::new();
        for name in named {
            match self.formats.iter().position(|f| f.name == name.value) {
                Some(i) => chosen.push(i),
                None => {
                    let known = names.join(", ");
                    self.refuse(
                        Place::from(&name.referenced),
                        format!("`{}` is not a page format", name.value),
                        match did_you_mean(&name.value, names.iter().copied()) {
                            Some(close) => {
                                format!("did you mean `{close}`? The formats are {known}")
                            }
                            None => format!("the formats are {known}"),
                        },
                    );
                }
            }
        }
        if named.is_empty() {
            self.refuse(
                Place::WHOLE_FILE,
                "`formats` is empty, so the page writes nothing".to_string(),
                format!(
                    "list one or more of {}, or leave `formats` out for the default ones",
                    names.join(", ")
                ),
            );
        }
        chosen.sort_unstable();
        chosen.dedup();
        chosen.into_iter().map(|i| self.formats[i]).collect()
    }

    fn page(
        &mut self,
        doc: &PageDoc,
        indicators: &[Indicator],
        benchmarks: &BTreeSet<String>,
    ) -> Option<Page> {
        let safe = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !safe || self.name == DEFAULT_NAME {
            self.refuse(
                Place::WHOLE_FILE,
                format!("the page file's name `{}` cannot name its outputs", self.name),
                if safe {
                    "`scorecard` is the default board's name; rename the file (its name names the outputs: board.yaml writes board.md, board.html, board.xlsx)".to_string()
                } else {
                    "rename the file with letters, digits, `_` and `-` only: its name names the outputs".to_string()
                },
            );
        }
        let formats = self.formats(doc.formats.as_deref());
        let months = self.count(doc.months.as_ref(), "months", 13, 24);
        let quarters = self.count(doc.quarters.as_ref(), "quarters", 5, 8);
        let years = self.count(doc.years.as_ref(), "years", 3, 4);
        let rated: BTreeSet<&str> = indicators
            .iter()
            .flat_map(|i| i.rated.iter().map(|r| r.name.as_str()))
            .collect();
        let columns: Vec<PageColumn> = doc
            .columns
            .iter()
            .filter_map(|c| self.column(c, benchmarks, &rated))
            .collect();
        let ids: Vec<&str> = indicators.iter().map(|i| i.id.as_str()).collect();
        let declared_sections: Vec<&str> = indicators.iter().map(|i| i.section.as_str()).collect();
        let mut sections = Vec::new();
        for s in &doc.sections {
            let mut rows = Vec::new();
            if let Some(of) = &s.indicators_of {
                let members: Vec<PageRow> = indicators
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.section == of.value)
                    .map(|(index, _)| PageRow::Indicator {
                        index,
                        reference: None,
                        label: None,
                    })
                    .collect();
                if members.is_empty() {
                    let hint = did_you_mean(&of.value, declared_sections.iter().copied())
                        .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                    self.refuse(
                        Place::from(&of.referenced),
                        format!("no indicator is declared with `section: {}`", of.value),
                        format!("{hint}`indicators_of` takes a section as the indicators write it"),
                    );
                }
                rows.extend(members);
            }
            for row in &s.rows {
                match &row.value {
                    RowDoc::Heading(h) => rows.push(PageRow::Heading(h.clone())),
                    RowDoc::Indicator {
                        id,
                        reference,
                        label,
                    } => {
                        match ids.iter().position(|i| i == id) {
                            Some(index) => rows.push(PageRow::Indicator {
                                index,
                                reference: reference.clone(),
                                label: label.clone(),
                            }),
                            None => {
                                let hint = did_you_mean(id, ids.iter().copied())
                                    .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                                self.refuse(
                                Place::from(&row.referenced),
                                format!("the page names the indicator `{id}`, which is not declared"),
                                format!("{hint}a row names an indicator by its `id`"),
                            );
                            }
                        }
                    }
                }
            }
            // Rows refused above are reported already.
            if s.rows.is_empty() && s.indicators_of.is_none() {
                self.refuse(
                    s.title
                        .as_ref()
                        .map_or(Place::WHOLE_FILE, |t| Place::from(&t.referenced)),
                    match &s.title {
                        Some(t) => format!("the section `{}` has no rows", t.value),
                        None => "a section without a title has no rows".to_string(),
                    },
                    "list its indicators under `rows`, or take a declared section's with `indicators_of`",
                );
            }
            sections.push(PageSection {
                title: s
                    .title
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                new_page: s.new_page.unwrap_or(false),
                rows,
            });
        }
        if self.failed {
            return None;
        }
        Some(Page {
            name: self.name.to_string(),
            title: doc.title.clone(),
            description: doc.description.clone(),
            formats,
            months,
            quarters,
            years,
            columns: Some(columns),
            breakdowns: doc.breakdowns.unwrap_or(true),
            commentary: doc.commentary.unwrap_or(true),
            charts: doc.charts.unwrap_or(false),
            sections,
            markers: doc
                .markers
                .as_ref()
                .map_or_else(Markers::default, |m| Markers {
                    missing: m
                        .missing
                        .clone()
                        .unwrap_or_else(|| Markers::default().missing),
                    not_applicable: m
                        .not_applicable
                        .clone()
                        .unwrap_or_else(|| Markers::default().not_applicable),
                    reasons: m.reasons.clone().into_iter().collect(),
                }),
            file: Some(self.file.to_path_buf()),
        })
    }

    fn count(&mut self, n: Option<&Spanned<u32>>, key: &str, default: u32, most: u32) -> u32 {
        match n {
            None => default,
            Some(n) if (1..=most).contains(&n.value) => n.value,
            Some(n) => {
                self.refuse(
                    Place::from(&n.referenced),
                    format!("`{key}: {}` is outside 1 to {most}", n.value),
                    format!("the data keeps {most} {key} before the reporting period for pages; the default is {default}"),
                );
                default
            }
        }
    }

    fn column(
        &mut self,
        c: &Spanned<ColumnDoc>,
        benchmarks: &BTreeSet<String>,
        rated: &BTreeSet<&str>,
    ) -> Option<PageColumn> {
        let place = Place::from(&c.referenced);
        let doc = &c.value;
        let display = match doc.display.as_deref() {
            None => None,
            Some("points") => Some(ChangeDisplay::Points),
            Some("relative") => Some(ChangeDisplay::Relative),
            Some(other) => {
                self.refuse(
                    place,
                    format!("`display: {other}` is not a way to print a change"),
                    "write `display: points` (the difference) or `display: relative` (the percent change)",
                );
                return None;
            }
        };
        let sign = match doc.sign.as_deref() {
            None | Some("plus_minus") => ChangeSign::PlusMinus,
            Some("unsigned") => ChangeSign::Unsigned,
            Some("arrow") => ChangeSign::Arrow,
            Some(other) => {
                self.refuse(
                    place,
                    format!("`sign: {other}` is not a way to show a change's direction"),
                    "write `sign: plus_minus` (+10%, the default), `sign: unsigned` (10%) or `sign: arrow` (↑ 10%)",
                );
                return None;
            }
        };
        if doc.sign.is_some() && !matches!(doc.kind.as_str(), "change" | "change_yoy") {
            self.refuse(
                place,
                format!("`sign` applies to a change column, not `{}`", doc.kind),
                "remove `sign`, or put it on a `change` column",
            );
            return None;
        }
        if display.is_some() && !matches!(doc.kind.as_str(), "change" | "change_yoy") {
            self.refuse(
                place,
                format!("`display` applies to a change column, not `{}`", doc.kind),
                "remove `display`, or put it on a `change` column",
            );
            return None;
        }
        let of = doc.of.as_deref();
        let kind = match (doc.kind.as_str(), of) {
            ("change", None | Some("previous")) => ColumnKind::Change {
                last_year: false,
                display,
                sign,
            },
            ("change", Some("last_year")) | ("change_yoy", None) => ColumnKind::Change {
                last_year: true,
                display,
                sign,
            },
            ("change", Some(other)) => {
                self.refuse(
                    place,
                    format!("`change: {other}` is not a comparison"),
                    "write `change: previous` (the previous period) or `change: last_year` (the same period last year)",
                );
                return None;
            }
            ("target", None | Some("in_force")) => ColumnKind::Target(None),
            ("target", Some(year)) => match FinancialYear::parse(year) {
                Some(fy) => ColumnKind::Target(Some(fy)),
                None => {
                    self.refuse(
                        place,
                        format!("`target: {year}` is not a financial year"),
                        "write the year as `2023-24`, or `in_force` for the target of the period shown",
                    );
                    return None;
                }
            },
            ("benchmark", Some(name)) => {
                if !benchmarks.contains(name) {
                    let hint = did_you_mean(name, benchmarks.iter().map(String::as_str))
                        .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                    self.refuse(
                        place,
                        format!("no indicator has the benchmark `{name}`"),
                        format!("{hint}benchmarks are named under an indicator's `benchmarks:` or in the benchmark table's `names`"),
                    );
                    return None;
                }
                ColumnKind::Benchmark(name.to_string())
            }
            ("rated", Some("dot")) => ColumnKind::Dot,
            ("rated", Some("rag")) => ColumnKind::Rag,
            ("rated", Some(name)) => {
                if !rated.contains(name) {
                    let hint = did_you_mean(name, rated.iter().copied())
                        .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                    self.refuse(
                        place,
                        format!("no indicator has the rated comparison `{name}`"),
                        format!("{hint}`rated` takes `dot`, `rag` or a name under an indicator's `rated:`"),
                    );
                    return None;
                }
                ColumnKind::Rated(name.to_string())
            }
            (name, None) => match plain(name) {
                Some(kind) => kind,
                None => {
                    let hint = did_you_mean(name, COLUMN_NAMES)
                        .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                    self.refuse(
                        place,
                        format!("`{name}` is not a column"),
                        format!(
                            "{hint}a column is one of {}, or a map with change, target, benchmark or rated",
                            COLUMN_NAMES.join(", ")
                        ),
                    );
                    return None;
                }
            },
            (kind, Some(_)) => {
                self.refuse(
                    place,
                    format!("`{kind}` takes no value"),
                    "write the column's name alone, or `{ column: NAME, label: HEADING }`",
                );
                return None;
            }
        };
        Some(PageColumn {
            kind,
            label: doc.label.clone(),
            group: doc.group.clone(),
        })
    }
}

fn plain(name: &str) -> Option<ColumnKind> {
    Some(match name {
        "periods" => ColumnKind::Periods,
        "latest" => ColumnKind::Latest,
        "trend" => ColumnKind::Trend,
        "dot" => ColumnKind::Dot,
        "rag" => ColumnKind::Rag,
        "avg_12m" => ColumnKind::Avg12m,
        "max_12m" => ColumnKind::Max12m,
        "min_12m" => ColumnKind::Min12m,
        "outturn" => ColumnKind::Outturn,
        "benchmarks" => ColumnKind::Benchmarks,
        "commentary" => ColumnKind::Commentary,
        "owner" => ColumnKind::Owner,
        "reporter" => ColumnKind::Reporter,
        "outcome" => ColumnKind::Outcome,
        _ => return None,
    })
}
