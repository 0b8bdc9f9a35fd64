//! `rubric init [DIR]`: a new project that runs as written (settings, one
//! indicator, the standard rule sets, a small CSV extract declared as a
//! source, the editor schemas), so a user who installed the binary starts
//! without the repository. It writes only files that do not exist yet, and
//! when it cannot write them all it removes what it wrote and nothing else.

use super::failure::{Failure, Outcome};
use super::{EXIT_PROBLEMS, EXIT_RUN_FAILED};
use crate::text::slashed;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

const SETTINGS: &str = "\
# yaml-language-server: $schema=schemas/rubric.schema.json
# The project's settings; every key is described in Rubric's README.
calendar: england-and-wales
# A percentage or rate over fewer than 10 cases is flagged and not rated.
quality:
  small_base: 10
";

const SOURCE: &str = "\
# yaml-language-server: $schema=../schemas/sources.schema.json
# The referrals extract: one row per referral, as a case-management system
# exports it. Put your own extract in its place (the same column names), or
# change the names here and in indicators/. Every run checks what the rows
# must satisfy (`expect`); `rubric expect referrals` lists the rows failing.
sources:
  - name: referrals
    path: data/referrals.csv
    date_formats: [\"%Y-%m-%d\", \"%d/%m/%Y\"]   # ISO or day first, as Excel saves
    expect:
      - unique: [referral_id]
      - not_null: [referral_id, referral_date]
";

const INDICATOR: &str = "\
# yaml-language-server: $schema=../schemas/indicators.schema.json
# One indicator to start from. `rubric new indicator ID --source referrals`
# writes another; `rubric check` validates them all.
indicators:
  - id: RR1
    title: Percentage of referrals that were re-referrals
    section: Referrals
    owner: Head of Service, Front Door      # a role, not a person
    outcome: Children get the help they need the first time.
    unit: percent
    polarity: lower_is_better
    decimals: 1
    measure:
      kind: ratio                            # numerator x 100 / denominator
      numerator:
        kind: flow                           # rows counted in the month of their date
        source: referrals
        date: referral_date
        filter: re_referral                  # a Rhai expression over the row's columns
      denominator: { kind: flow, source: referrals, date: referral_date }
    breakdown: team
    targets: { 2024-25: 22, 2025-26: 22 }   # per financial year
    dot: dot_banded                          # rules/standard.yaml
    rag: rag_target
";

const ATTRIBUTES: &str = "\
# Rubric compares outputs and review snapshots byte for byte: keep the line
# endings it writes (LF) on every platform, Windows included.
out/** -text
reviews/*.snap text eol=lf
";

const IGNORE: &str = "\
# What a run leaves while it writes (and, on Windows, its lock file).
out/.rubric-*
out/.rubric.lock
";

/// The first month of the example extract and how many months it covers.
const FIRST: (i32, u32) = (2024, 4);
const MONTHS: u32 = 14;

/// The example extract: month m (from April 2024) holds 20 + m referrals,
/// alternately North and South, every fifth a re-referral; so May 2025
/// holds 33 referrals of which 7 are re-referrals (21.2%).
pub(super) fn referrals_csv() -> String {
    let mut csv = String::from("referral_id,referral_date,team,re_referral\n");
    let mut id = 0;
    for m in 0..MONTHS {
        let month0 = FIRST.1 - 1 + m;
        let (year, month) = (FIRST.0 + (month0 / 12) as i32, month0 % 12 + 1);
        for i in 0..20 + m {
            id += 1;
            let day = 1 + (i * 7) % 28;
            let team = if i % 2 == 0 { "North" } else { "South" };
            let again = i % 5 == 0;
            let _ = writeln!(csv, "{id},{year}-{month:02}-{day:02},{team},{again}");
        }
    }
    csv
}

/// Every file of a new project: (path relative to it, bytes).
fn files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("rubric.yaml".into(), SETTINGS.into()),
        ("indicators/referrals.yaml".into(), INDICATOR.into()),
        (
            "rules/standard.yaml".into(),
            include_str!("../../rules/standard.yaml").into(),
        ),
        ("sources/referrals.yaml".into(), SOURCE.into()),
        ("data/referrals.csv".into(), referrals_csv().into_bytes()),
        (".gitattributes".into(), ATTRIBUTES.into()),
        (".gitignore".into(), IGNORE.into()),
    ];
    for (name, text) in crate::config::schema::all() {
        files.push((Path::new("schemas").join(name), text.into_bytes()));
    }
    files
}

pub(super) fn init(dir: &Path) -> Outcome {
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::message(
            EXIT_PROBLEMS,
            format!(
                "error: {} is not a folder\n  = help: give the folder to create the project in",
                dir.display()
            ),
        ));
    }
    let files = files();
    let taken: Vec<String> = files
        .iter()
        .filter(|(p, _)| std::fs::symlink_metadata(dir.join(p)).is_ok())
        .map(|(p, _)| slashed(p))
        .collect();
    if !taken.is_empty() {
        return Err(Failure::message(EXIT_PROBLEMS, format!(
            "error: {} already holds {}\n  = help: `rubric init` never replaces a file; give an empty folder, or a new one: `rubric init my-scorecard`",
            dir.display(),
            taken.join(", ")
        )));
    }
    let mut made = Made::default();
    if let Err(e) = made.write_all(dir, &files) {
        made.undo();
        return Err(Failure::message(EXIT_RUN_FAILED, format!(
            "error: writing the project into {}: {e}\n  = help: nothing was left behind; check the folder can be written to and run again",
            dir.display()
        )));
    }
    outln!("created a Rubric project in {}:", dir.display());
    for (path, _) in &files {
        if !path.starts_with("schemas") {
            outln!("  {}", slashed(path));
        }
    }
    outln!("  schemas/ (for editors: YAML completion and checks)");
    outln!("next, in that folder:");
    if dir != Path::new(".") {
        outln!("  cd {}", dir.display());
    }
    outln!("  rubric run                writes the scorecard into out/");
    outln!("  rubric review --accept    pins each indicator's review in reviews/");
    outln!("  rubric check              checks the YAML after each change");
    Ok(())
}

/// What this run created, so a failure part-way removes exactly that.
#[derive(Default)]
struct Made {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Made {
    fn write_all(&mut self, dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> std::io::Result<()> {
        for (relative, bytes) in files {
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                self.folders_up_to(parent)?;
            }
            // create_new: a file appearing since the check is not replaced.
            let mut f = std::fs::File::create_new(&path)?;
            self.files.push(path);
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        Ok(())
    }

    fn folders_up_to(&mut self, folder: &Path) -> std::io::Result<()> {
        if folder.as_os_str().is_empty() || folder.is_dir() {
            return Ok(());
        }
        if let Some(parent) = folder.parent() {
            self.folders_up_to(parent)?;
        }
        std::fs::create_dir(folder)?;
        self.folders.push(folder.to_path_buf());
        Ok(())
    }

    /// Removes the files this run wrote, then its folders, deepest first;
    /// a folder holding anything else is left (remove_dir needs it empty).
    fn undo(&self) {
        for f in &self.files {
            let _ = std::fs::remove_file(f);
        }
        for d in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extract_s_last_month_is_worked_out_as_its_comment_says() {
        let csv = referrals_csv();
        let may: Vec<&str> = csv.lines().filter(|l| l.contains(",2025-05-")).collect();
        assert_eq!(may.len(), 33);
        assert_eq!(may.iter().filter(|l| l.ends_with(",true")).count(), 7);
        assert_eq!(csv.lines().count(), 1 + (20..34).sum::<usize>());
        assert!(csv
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("1,2024-04-01,North,true"));
    }

    #[test]
    fn a_failure_part_way_removes_only_what_it_made() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/mine.csv"), "kept").unwrap();
        // The second file's folder is taken by a file: writing it fails.
        std::fs::write(dir.path().join("rules"), "a file").unwrap();
        let files = vec![
            (PathBuf::from("data/a.csv"), b"a".to_vec()),
            (PathBuf::from("indicators/x.yaml"), b"x".to_vec()),
            (PathBuf::from("rules/standard.yaml"), b"r".to_vec()),
        ];
        let mut made = Made::default();
        assert!(made.write_all(dir.path(), &files).is_err());
        made.undo();
        assert!(!dir.path().join("data/a.csv").exists());
        assert!(!dir.path().join("indicators").exists());
        assert_eq!(
            std::fs::read(dir.path().join("data/mine.csv")).unwrap(),
            b"kept"
        );
        assert_eq!(std::fs::read(dir.path().join("rules")).unwrap(), b"a file");
    }
}
