//! Builds small fixture projects in a temporary folder and runs the real
//! `rubric` binary on them.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helper"
)]

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn date(s: &str) -> i32 {
    rubric::calendar::period::days_from_date(
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date"),
    )
}

pub fn dates(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(Date32Array::from(
        values.iter().map(|v| v.map(date)).collect::<Vec<_>>(),
    ))
}

pub fn ints(values: &[Option<i64>]) -> ArrayRef {
    Arc::new(Int64Array::from(values.to_vec()))
}

pub fn floats(values: &[Option<f64>]) -> ArrayRef {
    Arc::new(Float64Array::from(values.to_vec()))
}

pub fn strs(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

pub fn bools(values: &[Option<bool>]) -> ArrayRef {
    Arc::new(BooleanArray::from(values.to_vec()))
}

/// `n` copies of a date, for building monthly counts.
pub fn repeat(date: &str, n: usize) -> Vec<Option<&str>> {
    vec![Some(date); n]
}

/// The shipped rule sets, so fixtures rate like the example does.
pub const STANDARD_RULES: &str = include_str!("../../rules/standard.yaml");

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["indicators", "rules", "data"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("folder");
        }
        Fixture { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, relative: &str, text: &str) -> &Self {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(path, text).expect("write fixture file");
        self
    }

    pub fn standard_rules(&self) -> &Self {
        self.file("rules/standard.yaml", STANDARD_RULES)
    }

    pub fn table(&self, name: &str, columns: Vec<(&str, ArrayRef)>) -> &Self {
        let batch = RecordBatch::try_from_iter(columns).expect("fixture columns");
        let file = std::fs::File::create(self.path().join("data").join(format!("{name}.parquet")))
            .expect("create");
        let mut writer = ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
        writer.write(&batch).expect("write");
        writer.close().expect("close");
        self
    }

    /// Runs the binary on the fixture; a run that takes over a minute is
    /// killed and fails the test (a hang must not stall the suite).
    pub fn rubric(&self, args: &[&str]) -> Output {
        rubric_in(self.path(), args)
    }

    /// Runs `rubric run` and returns the long-form CSV keyed by (indicator, breakdown value, period).
    pub fn run(&self, extra: &[&str]) -> Table {
        let out = self.rubric(&[&["run"], extra].concat());
        assert_eq!(out.code, 0, "run failed:\n{}", out.stderr);
        self.read_csv()
    }

    pub fn read_csv(&self) -> Table {
        let mut reader = csv::Reader::from_path(self.out_dir().join("scorecard.csv")).expect("csv");
        let headers: Vec<String> = reader
            .headers()
            .expect("headers")
            .iter()
            .map(String::from)
            .collect();
        let mut rows = BTreeMap::new();
        for record in reader.records() {
            let record = record.expect("record");
            let row: BTreeMap<String, String> = headers
                .iter()
                .cloned()
                .zip(record.iter().map(String::from))
                .collect();
            let key = (
                row["indicator"].clone(),
                row["breakdown"].clone(),
                row["breakdown_value"].clone(),
                row["period"].clone(),
            );
            rows.insert(key, row);
        }
        Table { rows }
    }

    pub fn out_dir(&self) -> PathBuf {
        self.path().join("out")
    }
}

/// A project with the standard rules and one small referrals table, whose
/// `flags` column (a list) is of a type expressions cannot use.
pub fn referrals_project() -> Fixture {
    let f = Fixture::new();
    let flags =
        arrow_array::ListArray::from_iter_primitive::<arrow_array::types::Int32Type, _, _>(vec![
            Some(vec![Some(1)]),
            None,
        ]);
    f.standard_rules().table(
        "referrals",
        vec![
            (
                "referral_date",
                dates(&[Some("2023-03-01"), Some("2023-03-02")]),
            ),
            ("team", strs(&[Some("North"), Some("South")])),
            ("child_id", ints(&[Some(1), Some(2)])),
            ("flags", Arc::new(flags) as ArrayRef),
        ],
    );
    f
}

pub struct Table {
    /// Keyed by (indicator, breakdown, breakdown value, period).
    pub rows: BTreeMap<(String, String, String, String), BTreeMap<String, String>>,
}

impl Table {
    pub fn get(&self, indicator: &str, period: &str, column: &str) -> String {
        self.group(indicator, "all", period, column)
    }

    /// The cell of a breakdown value (or `all`), found by the value alone:
    /// a value two breakdowns share needs [`Table::by`].
    pub fn group(&self, indicator: &str, group: &str, period: &str, column: &str) -> String {
        let rows: Vec<&BTreeMap<String, String>> = self
            .rows
            .iter()
            .filter(|((i, _, g, p), _)| {
                (i, g, p) == (&indicator.into(), &group.into(), &period.into())
            })
            .map(|(_, row)| row)
            .collect();
        match rows[..] {
            [row] => row
                .get(column)
                .unwrap_or_else(|| panic!("no column {column}"))
                .clone(),
            [] => panic!("no row for {indicator} {group} {period}"),
            _ => panic!("several breakdowns of {indicator} have {group}: name the breakdown"),
        }
    }

    /// The cell of one breakdown's value.
    pub fn by(&self, indicator: &str, by: &str, value: &str, period: &str, column: &str) -> String {
        let key = (indicator.into(), by.into(), value.into(), period.into());
        let row = self
            .rows
            .get(&key)
            .unwrap_or_else(|| panic!("no row for {key:?}"));
        row.get(column)
            .unwrap_or_else(|| panic!("no column {column}"))
            .clone()
    }

    pub fn value(&self, indicator: &str, period: &str) -> String {
        self.get(indicator, period, "value")
    }
}

/// An indicator's YAML with the fields every indicator needs filled in.
pub fn indicator(id: &str, unit: &str, polarity: &str, measure: &str, extra: &str) -> String {
    let measure = measure
        .trim_end()
        .lines()
        .map(|l| format!("      {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    let extra = extra
        .trim_end()
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "  - id: {id}\n    title: Indicator {id}\n    section: Tests\n    owner: Performance Analyst\n    outcome: Tested.\n    unit: {unit}\n    polarity: {polarity}\n    decimals: 1\n    measure:\n{measure}\n{extra}\n"
    )
}

/// Writes `indicators/a.yaml`: A1, the count of referrals by
/// `referral_date`, with `extra` keys (such as `breakdown: team`).
pub fn referrals_counted(f: &Fixture, extra: &str) {
    f.file(
        "indicators/a.yaml",
        &indicators(&[indicator(
            "A1",
            "count",
            "neutral",
            "kind: flow\nsource: referrals\ndate: referral_date",
            extra,
        )]),
    );
}

pub fn indicators(items: &[String]) -> String {
    format!("indicators:\n{}", items.concat())
}

/// Runs the binary on a project folder; a run that takes over a minute
/// is killed and fails the test. Paths to the project in messages read
/// `[PROJECT]`.
pub fn rubric_in(project: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rubric"))
        .arg("--project")
        .arg(project)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rubric");
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).expect("read output");
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("stdout")));
    let stderr = read(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().expect("kill");
            panic!("rubric {args:?} did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    output_of(
        project,
        std::process::Output {
            status,
            stdout: stdout.join().expect("stdout"),
            stderr: stderr.join().expect("stderr"),
        },
    )
}

/// A finished process's exit code and text; paths to the project read `[PROJECT]`.
pub fn output_of(project: &Path, out: std::process::Output) -> Output {
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr)
            .replace(&project.display().to_string(), "[PROJECT]"),
    }
}

/// Runs the binary as `rubric_in` does, within 5 s of CPU time and 1 GiB
/// of address space (the hostile corpus's bounds): past either the kernel
/// stops it, and the exit code says so (a signal gives -1).
pub fn rubric_bounded(project: &Path, args: &[&str]) -> Output {
    rubric_bounded_cpu(project, args, 5)
}

/// As `rubric_bounded`, with `seconds` of CPU.
pub fn rubric_bounded_cpu(project: &Path, args: &[&str], seconds: u64) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rubric"));
    command.arg("--project").arg(project).args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between
        // fork and exec.
        unsafe {
            command.pre_exec(move || {
                let cpu = libc::rlimit {
                    rlim_cur: seconds,
                    rlim_max: seconds + 1,
                };
                let memory = libc::rlimit {
                    rlim_cur: 1 << 30,
                    rlim_max: 1 << 30,
                };
                if libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0
                    || libc::setrlimit(libc::RLIMIT_AS, &memory) != 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    // Windows has no rlimit: there the hostile corpus runs unbounded.
    #[cfg(not(unix))]
    let _ = seconds;
    output_of(project, command.output().expect("run rubric"))
}

/// Runs the binary on the example shipped in this repository.
pub fn example(args: &[&str]) -> Output {
    rubric_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Asserts folders `a` and `b` hold the same `count` files, byte for byte;
/// `how` says what differs between the two runs, for the message.
pub fn same_files(a: &Path, b: &Path, count: usize, how: &str) {
    let mut names: Vec<String> = std::fs::read_dir(a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names.len(), count, "{names:?}");
    for name in names {
        let (x, y) = (
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
        );
        assert!(x == y, "{name} differs {how}");
    }
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// The shipped example's `rubric.yaml` and these of its folders, copied
/// into a temporary folder.
pub fn example_copy(folders: &[&str]) -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in folders {
        copy_dir(&root.join(folder), &dir.path().join(folder));
    }
    std::fs::copy(root.join("rubric.yaml"), dir.path().join("rubric.yaml")).expect("copy");
    dir
}

/// The Python with DuckDB, or `None` (with the reason said) where there is none.
pub fn duckdb_python() -> Option<PathBuf> {
    let candidate = std::env::var_os("RUBRIC_DUCKDB_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/venv/bin/python")
        });
    let works = Command::new(&candidate)
        .args(["-c", "import duckdb, sqlglot"])
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(candidate);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run this test: .ci/run installs DuckDB and sqlglot (bench/duckdb-venv.sh)"
    );
    eprintln!(
        "skipped: DuckDB's or sqlglot's Python package is not installed (run `bash bench/duckdb-venv.sh`, or set RUBRIC_DUCKDB_PYTHON)"
    );
    None
}

/// Runs the fixture for `period`, then DuckDB on `rubric sql`'s queries
/// (`bench/sql_check.py`), and checks DuckDB's report starts with
/// `expected` ("N figures of M indicators agree ..."); says it skipped
/// where DuckDB is not installed (outside CI).
pub fn sql_agrees_with_duckdb(f: &Fixture, period: &str, expected: &str) {
    let run = f.rubric(&["run", "--quiet", "--period", period]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = f.rubric(&["sql", "--format", "json", "--period", period]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let Some(python) = duckdb_python() else {
        return;
    };
    let json_file = f.path().join("sql.json");
    std::fs::write(&json_file, &json.stdout).expect("write the SQL");
    let out = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/sql_check.py"))
        .arg(f.path())
        .arg(&json_file)
        .arg(f.out_dir().join("scorecard.csv"))
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.starts_with(expected),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A headless chromium, where one is installed (`.ci/run` installs
/// Debian's), or the one `RUBRIC_BROWSER` names.
pub fn browser() -> Option<PathBuf> {
    std::env::var_os("RUBRIC_BROWSER")
        .map(PathBuf::from)
        .or_else(|| {
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
        })
}

pub fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1600,1200",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Poppler's command `tool` (`pdftotext`, `pdfinfo`), or `None` (with the
/// reason said) where it is not installed; CI installs poppler-utils.
pub fn poppler(tool: &str) -> Option<PathBuf> {
    let works = Command::new(tool)
        .arg("-v")
        .output()
        .is_ok_and(|o| !o.stderr.is_empty() || o.status.success());
    if works {
        return Some(PathBuf::from(tool));
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run this test: .ci/run installs poppler-utils"
    );
    eprintln!("skipped: poppler's {tool} is not installed (Debian: apt-get install poppler-utils)");
    None
}

/// One part of a workbook (`xl/worksheets/sheet1.xml`), as text.
pub fn workbook_part(workbook: &Path, part: &str) -> String {
    use std::io::Read;
    let bytes = std::fs::read(workbook).expect("read the workbook");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(part)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("text");
    text
}
