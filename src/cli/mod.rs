//! The command line: one file per subcommand, each returning its
//! `Failure` (with its exit code) for `main` to print once. Exit codes:
//! 0 success, 1 problems in the project's definitions, 2 bad command-line
//! usage, 3 a run failed on the data or while writing, 4 `run --check` or
//! `diff` found differences.

/// Prints to stdout like `print!`, without panicking when stdout is full
/// or closed: the first failure is kept and reported when the command ends.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::write_out(format_args!($($arg)*)) };
}

/// `println!` to stdout, without panicking (see `out!`).
macro_rules! outln {
    () => { $crate::cli::output::write_out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::output::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!`, ignoring a failed write: with stderr gone there is no one
/// left to tell, and a panic would only replace the exit code.
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::output::write_err(format_args!($($arg)*)) };
}

/// `eprintln!`, ignoring a failed write (see `err!`).
macro_rules! errln {
    () => { $crate::cli::output::write_err(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::output::write_err(format_args!("{}\n", format_args!($($arg)*))) };
}

mod check;
mod diff;
mod drill;
mod explain;
mod failure;
mod figure;
mod init;
mod list;
mod new;
pub(crate) mod output;
mod review;
mod run;
mod schema;
mod sources;
mod sql;
mod summary;
mod test;

use clap::{Parser, Subcommand};
use failure::{Failure, Outcome};
use std::path::PathBuf;
use std::process::ExitCode;

pub use crate::error::{EXIT_DIFFERENT, EXIT_PROBLEMS, EXIT_RUN_FAILED, EXIT_USAGE};

/// `rubric --version`: the release and the commit it was built from
/// (build.rs), so a scorecard can be traced to the engine that made it.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("RUBRIC_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "rubric",
    version = VERSION,
    about = "Rules-as-config indicator engine: YAML indicators and rules over Parquet, into a scorecard"
)]
pub struct Cli {
    /// The project folder (holding indicators/, rules/ and data/).
    #[arg(long, global = true, default_value = ".")]
    pub project: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new project that runs as written: settings, one indicator,
    /// the standard rule sets and a small CSV extract. Never replaces a file.
    Init {
        /// The folder (default: the --project folder, else this one).
        dir: Option<PathBuf>,
    },
    /// Evaluate every indicator and write the scorecard to out/.
    Run(run::Options),
    /// Show each indicator's definition review: its normalised definition
    /// and what it gives on the data; `--check` compares each with its
    /// snapshot, `--accept` writes the new ones.
    Review(review::Options),
    /// Explain one figure: its definition, value, numerator and denominator,
    /// comparisons, target, and why its DoT and RAG are what they are.
    Explain {
        /// The indicator.
        id: String,
        /// The reporting month, YYYY-MM (default: the latest month with data);
        /// the indicator's latest period as of then is explained.
        #[arg(long, value_parser = parse_month)]
        period: Option<crate::calendar::period::Month>,
        /// A breakdown value, as `team=North` or `North` (default: the whole).
        #[arg(long)]
        breakdown: Option<String>,
    },
    /// List the source rows behind a figure, chosen by the same filters as
    /// the measure; their count is the figure.
    Drill {
        /// The indicator.
        id: String,
        /// The reporting month, YYYY-MM (default: the latest month with data).
        #[arg(long, value_parser = parse_month)]
        period: Option<crate::calendar::period::Month>,
        /// A breakdown value, as `team=North` or `North` (default: the whole).
        #[arg(long)]
        breakdown: Option<String>,
        /// Which rows: those counted (the numerator), the denominator's, or
        /// those in the denominator but not the numerator.
        #[arg(long, value_enum, default_value = "numerator")]
        part: DrillPart,
        /// Write every row to this .csv or .parquet file instead of showing the first 40.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run the expected-value tests written beside the definitions (`tests:`).
    Test {
        /// The indicators whose tests to run (default: all).
        ids: Vec<String>,
    },
    /// Scaffold a new definition file.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Write JSON Schemas of the YAML files, for editor completion and checks.
    Schema {
        /// Where to write them (default: schemas/ in the project).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compare two scorecards (output folders or scorecard.parquet files), per indicator.
    Diff {
        /// The scorecard before.
        old: PathBuf,
        /// The scorecard after.
        new: PathBuf,
    },
    /// Load, compile and validate everything; write nothing.
    Check {
        /// text (default) or json.
        #[arg(long, value_enum, default_value_t = check::Format::Text)]
        format: check::Format,
        /// The reporting month the scorecard is evaluated for, YYYY-MM
        /// (default: the latest month with data), as `run --period`.
        #[arg(long, value_parser = parse_month)]
        period: Option<crate::calendar::period::Month>,
    },
    /// List the indicators, one line each.
    List,
    /// Write the measures as SQL giving the series table, to run where the
    /// data is (DuckDB or Spark over the Parquet files, PostgreSQL or SQL
    /// Server over tables named after the sources) and check the figures.
    Sql {
        /// The indicators (default: all).
        ids: Vec<String>,
        /// The reporting month, YYYY-MM (default: the latest month with data).
        #[arg(long, value_parser = parse_month)]
        period: Option<crate::calendar::period::Month>,
        /// text (default: one script) or json.
        #[arg(long, value_enum, default_value_t = sql::Format::Text)]
        format: sql::Format,
        /// The engine the SQL is for.
        #[arg(long, value_enum, default_value_t = crate::dialect::Dialect::Duckdb)]
        dialect: crate::dialect::Dialect,
        /// Read the sources a snapshot folder holds (`rubric snapshot --out
        /// DIR`), as `run --data` does: the SQL reads its Parquet files.
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Write the sources (default: all) as Parquet into a folder, with a
    /// manifest of row counts and content hashes; `run --data DIR` reads it.
    Snapshot {
        /// The sources (default: all).
        sources: Vec<String>,
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check one source's expectations and list the rows failing them.
    Expect {
        /// The source.
        source: String,
        /// The reporting month, YYYY-MM (default: the latest month with data).
        #[arg(long, value_parser = parse_month)]
        period: Option<crate::calendar::period::Month>,
        /// Write every failing row to this .csv or .parquet file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A commented indicator file, valid as written: indicators/ID.yaml.
    Indicator(new::Options),
}

/// A `--period` that is not a month.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a month: write it as YYYY-MM, e.g. 2023-07")]
struct NotAMonth(String);

fn parse_month(s: &str) -> Result<crate::calendar::period::Month, NotAMonth> {
    crate::calendar::period::Month::parse(s).ok_or_else(|| NotAMonth(s.to_string()))
}

/// The parts of a figure `drill` lists.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DrillPart {
    Numerator,
    Denominator,
    Excluded,
}

impl From<DrillPart> for crate::measure::drill::Part {
    fn from(p: DrillPart) -> Self {
        match p {
            DrillPart::Numerator => Self::Numerator,
            DrillPart::Denominator => Self::Denominator,
            DrillPart::Excluded => Self::Excluded,
        }
    }
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome: Outcome = match cli.command {
        Command::Init { dir } => init::init(&dir.unwrap_or(cli.project)),
        Command::Run(options) => run::run(&cli.project, options),
        Command::Review(options) => review::review(&cli.project, options),
        Command::Diff { old, new } => diff::diff(&old, &new),
        Command::Drill {
            id,
            period,
            breakdown,
            part,
            out,
        } => drill::drill(
            &cli.project,
            &id,
            period,
            breakdown.as_deref(),
            part.into(),
            out,
        ),
        Command::Explain {
            id,
            period,
            breakdown,
        } => explain::explain(&cli.project, &id, period, breakdown.as_deref()),
        Command::New {
            what: NewCommand::Indicator(options),
        } => new::new_indicator(&cli.project, &options),
        Command::Schema { out } => {
            schema::schema(&out.unwrap_or_else(|| cli.project.join("schemas")))
        }
        Command::Check { format, period } => check::check(&cli.project, format, period),
        Command::List => list::list(&cli.project),
        Command::Sql {
            ids,
            period,
            format,
            dialect,
            data,
        } => sql::sql(&cli.project, &ids, period, format, dialect, data.as_deref()),
        Command::Test { ids } => test::test(&cli.project, &ids),
        Command::Snapshot {
            sources: names,
            out,
        } => sources::snapshot(&cli.project, &names, &out),
        Command::Expect {
            source,
            period,
            out,
        } => sources::expect(&cli.project, &source, period, out.as_deref()),
    };
    let code = match outcome {
        Ok(()) => 0,
        Err(failure) => {
            failure.print();
            failure.code()
        }
    };
    if let Some(why) = output::failure() {
        errln!("error: could not write the output: {why}");
        return ExitCode::from(EXIT_RUN_FAILED.max(code));
    }
    ExitCode::from(code)
}

/// The position of indicator `id`, or that there is no such indicator
/// (with the nearest id, and all of them).
fn indicator_index(p: &crate::model::Project, id: &str) -> Result<usize, Failure> {
    p.indicators.iter().position(|i| i.id == id).ok_or_else(|| {
        let ids: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
        let hint = crate::diagnostic::did_you_mean(id, ids.iter().copied())
            .map_or(String::new(), |s| format!("did you mean `{s}`? "));
        Failure::message(
            EXIT_PROBLEMS,
            format!(
                "error: no indicator `{id}`\n  = help: {hint}the indicators are: {}",
                ids.join(", ")
            ),
        )
    })
}

/// The snapshot `--data` names, if any, checked against its manifest.
fn snapshot_of(
    data: Option<&std::path::Path>,
) -> Result<Option<crate::source::snapshot::Snapshot>, Failure> {
    data.map(crate::source::snapshot::Snapshot::open)
        .transpose()
        .map_err(|why| {
            Failure::message(
                EXIT_USAGE,
                format!("error: cannot read the snapshot: {why}"),
            )
        })
}

/// The compiled project, or its problems.
fn compiled(project: &std::path::Path) -> Result<crate::model::Project, Failure> {
    compiled_with(project, None)
}

/// The compiled project reading the sources a snapshot holds from it.
fn compiled_with(
    project: &std::path::Path,
    snapshot: Option<&crate::source::snapshot::Snapshot>,
) -> Result<crate::model::Project, Failure> {
    crate::model::compile_project_with(project, snapshot, &crate::output::formats())
        .map_err(|failure| Failure::problems(failure.problems, &failure.texts))
}
