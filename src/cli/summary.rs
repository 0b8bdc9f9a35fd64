//! What `rubric run` says when it is done: one screen on the latest period
//! (indicators by RAG and DoT, those with no value and why, flagged
//! figures, warnings), as text or JSON; and the progress bar while it runs.

use crate::config::document::RuleKind;
use crate::format::period_label;
use crate::model::Project;
use crate::progress::Progress;
use crate::rules::evaluate::Rating;
use crate::rules::scorecard::Scorecard;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

/// How `run` reports what it did.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Format {
    /// A short summary for people.
    #[default]
    Text,
    /// One JSON document, for CI and scripts.
    Json,
}

/// A progress bar on stderr; hidden when stderr is not a terminal (indicatif
/// checks) or when asked to be quiet.
pub(super) struct Bar(ProgressBar);

impl Bar {
    pub(super) fn new(quiet: bool) -> Bar {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        };
        bar.set_style(
            ProgressStyle::with_template("{msg:>22} [{bar:30}] {pos}/{len} {elapsed}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Bar(bar)
    }

    pub(super) fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, steps: usize) {
        self.0.set_length(steps as u64);
        self.0.set_position(0);
        self.0.set_message(name.to_string());
    }

    fn step(&self) {
        self.0.inc(1);
    }
}

fn outcome_name(r: &Rating) -> &str {
    match r {
        Rating::Outcome { name, .. } => name,
        Rating::NotRated(_) => "not_rated",
    }
}

pub(super) struct Summary {
    doc: serde_json::Value,
    /// The outcomes in the order their rule sets declare them, then not
    /// rated and no rule: the order counts are listed in.
    rag_order: Vec<String>,
    dot_order: Vec<String>,
}

/// File names grouped by their stem, so a run's list fits a line:
/// `scorecard.{parquet,csv}, board.md`.
fn grouped(files: &[&str]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for f in files {
        let (stem, ext) = f.rsplit_once('.').unwrap_or((f, ""));
        match groups.iter_mut().find(|(s, _)| *s == stem) {
            Some((_, exts)) => exts.push(ext),
            None => groups.push((stem, vec![ext])),
        }
    }
    groups
        .iter()
        .map(|(stem, exts)| match exts.as_slice() {
            [one] => format!("{stem}.{one}"),
            many => format!("{stem}.{{{}}}", many.join(",")),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Summary {
    pub(super) fn new(
        project: &Project,
        card: &Scorecard,
        out_dir: &Path,
        files: &[&str],
        warnings: &[crate::diagnostic::Diagnostic],
    ) -> Summary {
        let latest = crate::rules::scorecard::latest_whole_rows(card);
        let mut rag: BTreeMap<&str, usize> = BTreeMap::new();
        let mut dot: BTreeMap<&str, usize> = BTreeMap::new();
        let mut missing = Vec::new();
        let mut flagged = Vec::new();
        for (&i, row) in &latest {
            let ind = &project.indicators[i];
            let rag_key = if ind.rag_at(row.period).is_none() {
                "no_rule"
            } else {
                outcome_name(&row.rag)
            };
            let dot_key = if ind.dot_at(row.period).is_none() {
                "no_rule"
            } else {
                outcome_name(&row.dot)
            };
            *rag.entry(rag_key).or_default() += 1;
            *dot.entry(dot_key).or_default() += 1;
            let period = period_label(row.period, ind.frequency);
            if row.point.value.is_none() {
                missing.push(json!({
                    "indicator": ind.id, "period": period,
                    "reason": row.point.missing.clone().unwrap_or_default(),
                }));
            }
            if !row.flags.is_empty() {
                let flags: Vec<String> = row.flags.iter().map(ToString::to_string).collect();
                flagged.push(json!({ "indicator": ind.id, "period": period, "flags": flags }));
            }
        }
        let warnings: Vec<serde_json::Value> = warnings
            .iter()
            .map(|w| json!({ "subject": w.subject, "message": w.message }))
            .collect();
        let order = |kind: RuleKind| -> Vec<String> {
            let mut names: Vec<String> = Vec::new();
            for set in project.rule_sets.values().filter(|r| r.kind == kind) {
                for o in &set.outcomes {
                    if !names.contains(&o.name) {
                        names.push(o.name.clone());
                    }
                }
            }
            names.extend(["not_rated", "no_rule"].map(String::from));
            names
        };
        Summary {
            rag_order: order(RuleKind::Rag),
            dot_order: order(RuleKind::Dot),
            doc: json!({
                "reporting": card.reporting.to_string(),
                "out": out_dir.display().to_string(),
                "files": files,
                "indicators": project.indicators.len(),
                "rag": rag,
                "dot": dot,
                "missing": missing,
                "flagged": flagged,
                "warnings": warnings,
            }),
        }
    }

    pub(super) fn json(&self) -> String {
        serde_json::to_string_pretty(&self.doc).expect("JSON of plain values")
    }

    pub(super) fn text(&self) -> String {
        let d = &self.doc;
        let counts = |key: &str, order: &[String]| -> String {
            let map = d[key].as_object().expect("counts");
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| {
                order
                    .iter()
                    .position(|o| o.as_str() == k.as_str())
                    .unwrap_or(order.len())
            });
            keys.iter()
                .map(|k| format!("{} {}", map[*k], k.replace('_', " ")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let list = |key: &str| d[key].as_array().expect("list").clone();
        let mut out = format!(
            "wrote {} to {} (reporting period {})\n{} indicators\n  RAG: {}\n  DoT: {}\n",
            grouped(
                &d["files"]
                    .as_array()
                    .expect("files")
                    .iter()
                    .map(|f| f.as_str().unwrap_or_default())
                    .collect::<Vec<_>>()
            ),
            d["out"].as_str().unwrap_or_default(),
            d["reporting"].as_str().unwrap_or_default(),
            d["indicators"],
            counts("rag", &self.rag_order),
            counts("dot", &self.dot_order),
        );
        let missing = list("missing");
        if !missing.is_empty() {
            out.push_str(&format!(
                "  no value in the latest period: {}\n",
                missing.len()
            ));
            for m in missing.iter().take(5) {
                out.push_str(&format!(
                    "    {} {}: {}\n",
                    m["indicator"].as_str().unwrap_or_default(),
                    m["period"].as_str().unwrap_or_default(),
                    m["reason"].as_str().unwrap_or_default()
                ));
            }
            if missing.len() > 5 {
                out.push_str(&format!(
                    "    and {} more (scorecard.csv has them all)\n",
                    missing.len() - 5
                ));
            }
        }
        let flagged = list("flagged");
        if !flagged.is_empty() {
            let ids: Vec<&str> = flagged
                .iter()
                .filter_map(|f| f["indicator"].as_str())
                .collect();
            out.push_str(&format!(
                "  to read with care (flags): {}\n",
                ids.join(", ")
            ));
        }
        let warnings = list("warnings");
        if !warnings.is_empty() {
            out.push_str(&format!(
                "  warnings: {} (`rubric check` lists them with where to fix each)\n",
                warnings.len()
            ));
        }
        out
    }
}
