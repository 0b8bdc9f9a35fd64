//! `rubric new indicator ID`: a commented indicator file, valid as written,
//! built from the options given and the columns of the chosen source.

use super::failure::{Failure, Outcome};
use super::{EXIT_PROBLEMS, EXIT_RUN_FAILED};
use crate::expr::column_type::ColumnType;
use crate::source::discover;
use clap::ValueEnum;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Kind {
    Flow,
    Snapshot,
    Ratio,
    Rate,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Unit {
    Count,
    Percent,
    Rate,
    Days,
    Number,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
    Neutral,
}

/// What the scaffold is built from: the options of `rubric new indicator`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The new indicator's id.
    pub id: String,
    /// The source table (a .parquet file under data/, without the extension).
    #[arg(long)]
    pub source: String,
    /// The measure kind.
    #[arg(long, value_enum, default_value_t = Kind::Flow)]
    pub kind: Kind,
    /// The unit (default: count, or percent for a ratio, rate for a rate).
    #[arg(long, value_enum)]
    pub unit: Option<Unit>,
    /// Whether higher values are better.
    #[arg(long, value_enum, default_value_t = Polarity::Neutral)]
    pub polarity: Polarity,
    /// The scorecard section.
    #[arg(long, default_value = "New indicators")]
    pub section: String,
}

pub(super) fn new_indicator(project: &Path, o: &Options) -> Outcome {
    let valid_id = o.id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && o.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_id {
        return Err(Failure::message(EXIT_PROBLEMS, format!("error: `{}` is not a valid id\n  = help: use letters, digits and `_`, starting with a letter (e.g. CP3)", o.id)));
    }
    let files = crate::config::load_project(project);
    let (sources, _) = discover(project, &files.sources, None);
    let Some(source) = sources.by_name.get(&o.source) else {
        let names: Vec<&str> = sources.by_name.keys().map(String::as_str).collect();
        return Err(Failure::message(EXIT_PROBLEMS, format!("error: there is no source `{}`\n  = help: sources are the .parquet files under data/ and those declared in rubric.yaml or sources/: {}", o.source, names.join(", "))));
    };
    let dates: Vec<&str> = source
        .columns
        .iter()
        .filter(|(_, t)| **t == Some(ColumnType::Date))
        .map(|(n, _)| n.as_str())
        .collect();
    let pick = |hint: &str| {
        dates
            .iter()
            .find(|d| d.contains(hint))
            .or(dates.first())
            .copied()
    };
    let (Some(start), Some(end)) = (
        pick("start").or(pick("date")),
        dates
            .iter()
            .rev()
            .find(|d| d.contains("end"))
            .or(dates.last())
            .copied(),
    ) else {
        return Err(Failure::message(EXIT_PROBLEMS, format!("error: `{}` has no date column, so no period can be given to its rows\n  = help: its columns are: {}", o.source, source.column_list())));
    };
    if o.kind == Kind::Snapshot && start == end {
        return Err(Failure::message(EXIT_PROBLEMS, format!("error: a snapshot needs a start and an end date column; `{}` has only `{start}`\n  = help: use --kind flow", o.source)));
    }
    let unit = o.unit.unwrap_or(match o.kind {
        Kind::Ratio => Unit::Percent,
        Kind::Rate => Unit::Rate,
        _ => Unit::Count,
    });
    let q = crate::config::yaml_scalar;
    let (source_name, start, end) = (q(&o.source), q(start), q(end));
    let base = |indent: &str, comment: bool| {
        let mut s = String::new();
        if o.kind == Kind::Snapshot {
            let _ = writeln!(s, "{indent}kind: snapshot");
            let _ = writeln!(s, "{indent}source: {source_name}");
            let _ = writeln!(
                s,
                "{indent}start: {start}{}",
                if comment {
                    "   # counted at each period end while open"
                } else {
                    ""
                }
            );
            let _ = writeln!(s, "{indent}end: {end}");
        } else {
            let _ = writeln!(s, "{indent}kind: flow");
            let _ = writeln!(s, "{indent}source: {source_name}");
            let _ = writeln!(
                s,
                "{indent}date: {start}{}",
                if comment {
                    "   # the row counts in the period of this date"
                } else {
                    ""
                }
            );
        }
        s
    };
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# yaml-language-server: $schema=../schemas/indicators.schema.json"
    );
    let _ = writeln!(
        y,
        "# Made by `rubric new indicator {}`: fill in the title, owner and outcome,",
        o.id
    );
    let _ = writeln!(
        y,
        "# then check the measure. `rubric check` validates it; the README has every key."
    );
    let _ = writeln!(y, "indicators:");
    let _ = writeln!(y, "  - id: {}", o.id);
    let _ = writeln!(y, "    title: {} (title to write)", o.id);
    let _ = writeln!(y, "    section: {}", q(&o.section));
    let _ = writeln!(
        y,
        "    owner: Performance Analyst      # the accountable role, not a person"
    );
    let _ = writeln!(y, "    outcome: The outcome this indicator evidences.");
    let _ = writeln!(
        y,
        "    unit: {}",
        unit.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    );
    let _ = writeln!(
        y,
        "    polarity: {}",
        o.polarity
            .to_possible_value()
            .map(|v| v.get_name().replace('-', "_"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        y,
        "    decimals: {}",
        if unit == Unit::Count { 0 } else { 1 }
    );
    let _ = writeln!(y, "    measure:");
    match o.kind {
        Kind::Flow | Kind::Snapshot => {
            y.push_str(&base("      ", true));
            let _ = writeln!(
                y,
                "      # filter: team == \"North\"     # keep only some rows"
            );
        }
        Kind::Ratio => {
            let _ = writeln!(
                y,
                "      kind: ratio                 # numerator x 100 / denominator"
            );
            let _ = writeln!(y, "      numerator:");
            y.push_str(&base("        ", false));
            let _ = writeln!(
                y,
                "        filter: true              # replace with the rows that count"
            );
            let _ = writeln!(y, "      denominator:");
            y.push_str(&base("        ", false));
        }
        Kind::Rate => {
            let _ = writeln!(y, "      kind: rate");
            let _ = writeln!(y, "      per: 10000");
            let _ = writeln!(y, "      population: {{ value: 10000 }}   # or {{ source: population, year: year, column: children_0_17 }}");
            let _ = writeln!(y, "      measure:");
            y.push_str(&base("        ", false));
        }
    }
    let _ = writeln!(
        y,
        "    # targets: {{ 2023-24: 95 }}     # per financial year"
    );
    let _ = writeln!(y, "    # benchmarks: {{ england: 21 }}");
    let _ = writeln!(
        y,
        "    # dot: dot_banded               # a rule set in rules/"
    );
    let _ = writeln!(y, "    # rag: rag_target");
    let path = project
        .join("indicators")
        .join(format!("{}.yaml", o.id.to_lowercase()));
    if path.exists() {
        return Err(Failure::message(
            EXIT_PROBLEMS,
            format!(
                "error: {} already exists\n  = help: choose another id, or edit that file",
                path.display()
            ),
        ));
    }
    if let Err(e) =
        std::fs::create_dir_all(project.join("indicators")).and_then(|_| std::fs::write(&path, y))
    {
        return Err(Failure::message(
            EXIT_RUN_FAILED,
            format!("error: writing {}: {e}", path.display()),
        ));
    }
    outln!(
        "wrote {}; run `rubric check` after editing it",
        path.display()
    );
    Ok(())
}
