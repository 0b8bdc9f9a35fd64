//! `rubric run`: evaluate the project and write the scorecard.

use super::failure::{Failure, Outcome};
use super::summary::{Bar, Format, Summary};
use super::{EXIT_DIFFERENT, EXIT_RUN_FAILED};
use crate::calendar::period::Month;
use crate::output::compare;
use crate::progress::Progress;
use crate::rules::scorecard;
use crate::{output, run};
use std::path::{Path, PathBuf};

/// What `rubric run` was asked to do.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Where to write the outputs (default: out/ in the project).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The reporting month, YYYY-MM (default: the latest month with data).
    #[arg(long, value_parser = super::parse_month)]
    pub period: Option<Month>,
    /// Write nothing: compare what would be written with the outputs
    /// already there, and fail if they differ.
    #[arg(long)]
    pub check: bool,
    /// Print how long each stage took, to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Apply the publication policy of rubric.yaml: withhold small
    /// counts, and any cell they could be worked out from.
    #[arg(long)]
    pub publish: bool,
    /// No progress bar and no summary: errors only.
    #[arg(long, short)]
    pub quiet: bool,
    /// The summary at the end: text (default) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Read the sources a snapshot folder holds (`rubric snapshot --out
    /// DIR`) instead of the live ones.
    #[arg(long, conflicts_with = "series")]
    pub data: Option<PathBuf>,
    /// Rate series computed elsewhere (a Parquet table as
    /// `--write-series` writes it: the README's series contract) instead of
    /// measuring the sources.
    #[arg(long)]
    pub series: Option<PathBuf>,
    /// Also write the run's series (before any publication policy) to
    /// this Parquet file.
    #[arg(long)]
    pub write_series: Option<PathBuf>,
}

pub(super) fn run(project: &Path, options: Options) -> Outcome {
    let Options {
        out,
        period,
        check,
        timings,
        publish,
        quiet,
        format,
        data,
        series,
        write_series,
    } = options;
    let snapshot = super::snapshot_of(data.as_deref())?;
    let p = super::compiled_with(project, snapshot.as_ref())?;
    let policy = match (publish, p.publication) {
        (false, _) => None,
        (true, Some(policy)) => Some(policy),
        (true, None) => {
            return Err(Failure::message(super::EXIT_USAGE, "error: --publish needs a publication policy\n  = help: add to rubric.yaml:\n      publication:\n        suppress_below: 5"));
        }
    };
    // The bar shows only on a terminal; JSON is for scripts, so no bar.
    let bar = Bar::new(quiet || check || matches!(format, Format::Json));
    let options = run::RunOptions {
        period,
        publish: policy,
        progress: &bar,
        ..run::RunOptions::new(&p)
    };
    let evaluated = match &series {
        None => run::run(&p, options),
        Some(path) => crate::run::series_file::read(&p, path, period)
            .map_err(crate::error::EvalError)
            .and_then(|(reporting, s)| run::run_from_series(&p, s, reporting, options)),
    };
    let card = match evaluated {
        Ok(card) => card,
        Err(e) => {
            bar.finish();
            return Err(Failure::run_failed(e.0, &p.texts));
        }
    };
    if timings {
        for (stage, took) in &card.timings {
            errln!("{stage:>16}: {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
    if let Some(path) = &write_series {
        if let Err(why) = write_series_file(&p, &card, path) {
            return Err(Failure::message(
                EXIT_RUN_FAILED,
                format!(
                    "error: cannot write the series to {}: {why}",
                    path.display()
                ),
            ));
        }
    }
    let out_dir = out.unwrap_or_else(|| project.join("out"));
    if check {
        return check_outputs(&p, &card, &out_dir);
    }
    bar.stage("writing outputs", 1);
    let step = std::time::Instant::now();
    let written = output::write(&p, &card, &out_dir);
    bar.step();
    bar.finish();
    if timings {
        errln!(
            "{:>16}: {:>8.1} ms",
            "write outputs",
            step.elapsed().as_secs_f64() * 1000.0
        );
    }
    if let Err(e) = written {
        return Err(Failure::message(e.exit_code(), format!("error: {e}\n  = help: check the output folder is writable and its outputs are plain files")));
    }
    let warnings = super::check::warnings_of(&p, &card);
    let names = output::file_names(&p);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let summary = Summary::new(&p, &card, &out_dir, &names, &warnings);
    match format {
        Format::Json => outln!("{}", summary.json()),
        Format::Text if !quiet => out!("{}", summary.text()),
        Format::Text => {}
    }
    Ok(())
}

/// Compares the outputs this run would write with those in `out_dir`.
fn check_outputs(
    p: &crate::model::Project,
    card: &scorecard::Scorecard,
    out_dir: &Path,
) -> Outcome {
    let files = match output::render_all(p, card) {
        Ok(f) => f,
        Err(e) => return Err(Failure::message(e.exit_code(), format!("error: {e}"))),
    };
    let mut stale = Vec::new();
    let mut fresh_csv = None;
    for (name, bytes) in &files {
        if name == output::FILES[1] {
            fresh_csv = Some(bytes.clone());
        }
        match std::fs::read(out_dir.join(name)) {
            Ok(old) if &old == bytes => {}
            Ok(old) if crlf_as_lf(&old) == *bytes => stale.push(format!(
                "{name} differs only in its line endings (CRLF, as git on Windows may check files out): add `out/** -text` to .gitattributes so git keeps Rubric's"
            )),
            Ok(_) => stale.push(format!("{name} differs")),
            Err(_) => stale.push(format!("{name} is missing")),
        }
    }
    if stale.is_empty() {
        outln!("{} is up to date", out_dir.display());
        return Ok(());
    }
    errln!("error: {} is not up to date:", out_dir.display());
    for s in &stale {
        errln!("  {s}");
    }
    let old_csv = std::fs::read(out_dir.join(output::FILES[1])).unwrap_or_default();
    if let (Ok(old), Some(Ok(new))) = (
        compare::read_csv(&old_csv),
        fresh_csv.map(|b| compare::read_csv(&b)),
    ) {
        let diffs = compare::differences(&old, &new);
        if !diffs.is_empty() {
            let ids: Vec<&str> = diffs.keys().map(String::as_str).collect();
            errln!("  indicators that differ: {}", ids.join(", "));
        }
    }
    errln!(
        "  = help: run `rubric run` and commit {}",
        out_dir.display()
    );
    Err(Failure::Reported(EXIT_DIFFERENT))
}

/// The bytes with each CRLF read as LF.
fn crlf_as_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, b) in bytes.iter().enumerate() {
        if !(*b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(*b);
        }
    }
    out
}

/// Why the series could not be written.
#[derive(Debug, thiserror::Error)]
enum SeriesFileError {
    #[error(transparent)]
    Render(#[from] crate::output::RenderError),
    #[error("the path names no file")]
    NoName,
    #[error(transparent)]
    Place(#[from] crate::output::atomic::WriteError),
}

/// Writes the run's series to `path`, replacing it all or nothing.
fn write_series_file(
    p: &crate::model::Project,
    card: &scorecard::Scorecard,
    path: &Path,
) -> Result<(), SeriesFileError> {
    let bytes = crate::run::series_file::render(p, &card.series, card.reporting)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or(SeriesFileError::NoName)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Ok(output::atomic::write_all(dir, &[(name, bytes)])?)
}
