//! Writes the shipped example's record-level tables into `data/`: one
//! English city's children's services from January 2018 to July 2023
//! (warm-up included, so July 2023 has 13 months shown, last year's figures
//! and full rolling windows). Synthetic, calibrated to the reference board
//! reports (about 1,750 contacts and 320 referrals a month, a quarter of them
//! re-referrals, 300-400 children on a plan, 500-560 in care, 250-300 care
//! leavers), with a fixed seed: the same bytes every run.
//!
//! Run: `cargo run --release --example generate_example_data -- [--scale N] [DIR]`
//! (default scale 1, the city; 100 is about national size; default DIR `data`).
//! A larger scale is written shard by shard (a city each), so memory does
//! not grow with the scale.

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array, RecordBatch,
};
use chrono::Datelike;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;
use rubric::calendar::period::{date_from_days, days_from_date};
use rubric::calendar::{parse_day, Calendar};
use rubric::model::compile::builtin_calendar;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const TEAMS: [(&str, &str); 6] = [
    ("North 1", "North"),
    ("North 2", "North"),
    ("Central 1", "Central"),
    ("Central 2", "Central"),
    ("West 1", "West"),
    ("West 2", "West"),
];
const CONTACT_SOURCES: [&str; 6] = [
    "police",
    "school",
    "health",
    "local authority",
    "individual",
    "other",
];
const CP_CATEGORIES: [&str; 4] = [
    "neglect",
    "emotional abuse",
    "physical abuse",
    "sexual abuse",
];
const PLACEMENT_TYPES: [(&str, f64); 6] = [
    ("in-house foster", 0.35),
    ("independent fostering agency", 0.27),
    ("residential", 0.13),
    ("connected carer", 0.12),
    ("placed with parents", 0.06),
    ("other", 0.07),
];

/// A column being built: values pushed row by row.
enum Col {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Date(Vec<Option<i32>>),
    Text(Vec<&'static str>),
    Bool(Vec<Option<bool>>),
}

/// A table being built, written to `data/NAME.parquet`.
struct Table {
    name: &'static str,
    cols: Vec<(&'static str, Col)>,
}

/// One cell of a row being added.
enum V {
    I(i64),
    OI(Option<i64>),
    F(f64),
    D(Option<i32>),
    T(&'static str),
    B(bool),
}

impl Table {
    fn new(name: &'static str, cols: &[(&'static str, char)]) -> Table {
        let cols = cols
            .iter()
            .map(|&(n, kind)| {
                let col = match kind {
                    'i' => Col::Int(Vec::new()),
                    'f' => Col::Float(Vec::new()),
                    'd' => Col::Date(Vec::new()),
                    't' => Col::Text(Vec::new()),
                    _ => Col::Bool(Vec::new()),
                };
                (n, col)
            })
            .collect();
        Table { name, cols }
    }

    fn push(&mut self, row: Vec<V>) {
        assert_eq!(row.len(), self.cols.len(), "row of {}", self.name);
        for ((_, col), v) in self.cols.iter_mut().zip(row) {
            match (col, v) {
                (Col::Int(c), V::I(x)) => c.push(Some(x)),
                (Col::Int(c), V::OI(x)) => c.push(x),
                (Col::Float(c), V::F(x)) => c.push(Some(x)),
                (Col::Date(c), V::D(x)) => c.push(x),
                (Col::Text(c), V::T(x)) => c.push(x),
                (Col::Bool(c), V::B(x)) => c.push(Some(x)),
                _ => panic!("wrong cell type in {}", self.name),
            }
        }
    }

    /// The table as one batch, under the SSD's names.
    fn batch(self) -> Result<(&'static str, RecordBatch), arrow_schema::ArrowError> {
        let name = self.name;
        let arrays: Vec<(&str, ArrayRef)> = self
            .cols
            .into_iter()
            .map(|(n, c)| {
                let a: ArrayRef = match c {
                    Col::Int(v) => Arc::new(Int64Array::from(v)),
                    Col::Float(v) => Arc::new(Float64Array::from(v)),
                    Col::Date(v) => Arc::new(Date32Array::from(v)),
                    Col::Text(v) => Arc::new(v.into_iter().collect::<DictionaryArray<Int32Type>>()),
                    Col::Bool(v) => Arc::new(BooleanArray::from(v)),
                };
                (ssd_name(name, Some(n)), a)
            })
            .collect();
        Ok((ssd_name(name, None), RecordBatch::try_from_iter(arrays)?))
    }
}

/// Each table's Parquet file, open while shards are appended to it, so
/// only one shard's rows (and the row group being encoded) are in memory.
struct Sink {
    dir: PathBuf,
    files: Vec<(&'static str, ArrowWriter<std::fs::File>, usize)>,
}

impl Sink {
    fn new(dir: &Path) -> std::io::Result<Sink> {
        std::fs::create_dir_all(dir)?;
        Ok(Sink {
            dir: dir.to_path_buf(),
            files: Vec::new(),
        })
    }

    fn append(&mut self, table: Table) -> Result<(), Box<dyn std::error::Error>> {
        let (name, batch) = table.batch()?;
        let at = match self.files.iter().position(|f| f.0 == name) {
            Some(at) => at,
            None => {
                let props = WriterProperties::builder()
                    .set_created_by("rubric example generator".to_string())
                    .set_compression(Compression::ZSTD(ZstdLevel::default()))
                    .build();
                let file = std::fs::File::create(self.dir.join(format!("{name}.parquet")))?;
                let writer = ArrowWriter::try_new(file, batch.schema(), Some(props))?;
                self.files.push((name, writer, 0));
                self.files.len() - 1
            }
        };
        let (_, writer, rows) = &mut self.files[at];
        writer.write(&batch)?;
        *rows += batch.num_rows();
        Ok(())
    }

    /// Closes every file; each table's name and row count, in the order
    /// first written.
    fn finish(self) -> Result<Vec<(&'static str, usize)>, Box<dyn std::error::Error>> {
        let mut written = Vec::new();
        for (name, writer, rows) in self.files {
            writer.close()?;
            written.push((name, rows));
        }
        Ok(written)
    }
}

/// A table's name, its SSD name, and its columns' (name, SSD name).
type SsdTable = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The Standard Safeguarding Dataset's names (`ssd-schema.csv` in the
/// reference documents) for the tables and columns the generator builds,
/// applied as each table is written. A table or column the SSD does not
/// have keeps the example's own name (listed in the README).
const SSD_NAMES: &[SsdTable] = &[
    (
        "people",
        "ssd_person",
        &[
            ("child_id", "pers_person_id"),
            ("dob", "pers_dob"),
            ("sex", "pers_sex"),
            ("ethnicity", "pers_ethnicity"),
        ],
    ),
    (
        "contacts",
        "ssd_contacts",
        &[
            ("contact_id", "cont_contact_id"),
            ("child_id", "cont_person_id"),
            ("contact_date", "cont_contact_date"),
            ("source", "cont_contact_source_desc"),
            ("outcome", "cont_contact_outcome_json"),
        ],
    ),
    (
        "referrals",
        "ssd_cin_episodes",
        &[
            ("referral_id", "cine_referral_id"),
            ("child_id", "cine_person_id"),
            ("referral_date", "cine_referral_date"),
            ("team", "cine_referral_team"),
            ("source", "cine_referral_source_desc"),
            ("outcome", "cine_referral_outcome_json"),
        ],
    ),
    (
        "assessments",
        "ssd_cin_assessments",
        &[
            ("child_id", "cina_person_id"),
            ("start_date", "cina_assessment_start_date"),
            ("completed_date", "cina_assessment_auth_date"),
            ("team", "cina_assessment_team"),
            ("outcome", "cina_assessment_outcome_json"),
        ],
    ),
    (
        "section47_enquiries",
        "ssd_s47_enquiry",
        &[
            ("child_id", "s47e_person_id"),
            ("start_date", "s47e_s47_start_date"),
            ("completed_date", "s47e_s47_end_date"),
            ("outcome", "s47e_s47_outcome_json"),
            ("team", "s47e_s47_completed_by_team"),
        ],
    ),
    (
        "initial_conferences",
        "ssd_initial_cp_conference",
        &[
            ("child_id", "icpc_person_id"),
            ("conference_date", "icpc_icpc_date"),
            ("outcome", "icpc_icpc_outcome_json"),
            ("team", "icpc_icpc_team"),
        ],
    ),
    (
        "cp_plans",
        "ssd_cp_plans",
        &[
            ("child_id", "cppl_person_id"),
            ("start_date", "cppl_cp_plan_start_date"),
            ("end_date", "cppl_cp_plan_end_date"),
            ("category", "cppl_cp_plan_initial_category"),
        ],
    ),
    (
        "care_episodes",
        "ssd_cla_episodes",
        &[
            ("child_id", "clae_person_id"),
            ("start_date", "clae_cla_episode_start_date"),
            ("end_date", "clae_cla_episode_ceased_date"),
            ("reason_ceased", "clae_cla_episode_ceased_reason"),
        ],
    ),
    (
        "placements",
        "ssd_cla_placement",
        &[
            ("child_id", "clap_person_id"),
            ("start_date", "clap_cla_placement_start_date"),
            ("end_date", "clap_cla_placement_end_date"),
            ("placement_type", "clap_cla_placement_type"),
            ("distance_miles", "clap_cla_placement_distance"),
        ],
    ),
    (
        "care_leavers",
        "ssd_care_leavers",
        &[
            ("child_id", "clea_person_id"),
            ("in_touch", "clea_care_leaver_in_touch"),
            ("suitable_accommodation", "clea_care_leaver_accom_suitable"),
        ],
    ),
    (
        "early_help",
        "ssd_early_help_episodes",
        &[
            ("child_id", "earl_person_id"),
            ("start_date", "earl_episode_start_date"),
            ("end_date", "earl_episode_end_date"),
            ("outcome", "earl_episode_end_reason"),
        ],
    ),
    (
        "involvements",
        "ssd_involvements",
        &[
            ("worker_id", "invo_professional_id"),
            ("child_id", "invo_person_id"),
            ("start_date", "invo_involvement_start_date"),
            ("end_date", "invo_involvement_end_date"),
        ],
    ),
    (
        "cin_plans",
        "ssd_cin_plans",
        &[
            ("child_id", "cinp_person_id"),
            ("start_date", "cinp_cin_plan_start_date"),
            ("end_date", "cinp_cin_plan_end_date"),
            ("team", "cinp_cin_plan_team"),
        ],
    ),
    (
        "teams",
        "ssd_department",
        &[
            ("team", "dept_team_name"),
            ("locality", "dept_team_parent_name"),
        ],
    ),
];

/// The SSD's name of a table and of one of its columns.
fn ssd_name<'a>(table: &'a str, column: Option<&'a str>) -> &'a str {
    let Some(&(_, ssd, columns)) = SSD_NAMES.iter().find(|t| t.0 == table) else {
        return column.unwrap_or(table);
    };
    match column {
        None => ssd,
        Some(c) => columns.iter().find(|m| m.0 == c).map_or(c, |m| m.1),
    }
}

/// The random side of the generator.
struct Rand {
    rng: ChaCha8Rng,
}

/// The calendar side: working days and the end of the data.
struct Dates {
    cal: Calendar,
    last: i32,
}

struct Gen {
    r: Rand,
    d: Dates,
}

impl Rand {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    fn weighted(&mut self, items: &[(&'static str, f64)]) -> &'static str {
        let mut x: f64 = self.rng.random_range(0.0..1.0);
        for (name, w) in items {
            if x < *w {
                return name;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }

    /// A count around `mean`, varying by up to 15% either way.
    fn around(&mut self, mean: f64) -> usize {
        let f: f64 = self.rng.random_range(0.85..1.15);
        let x = mean * f;
        let whole = x.floor();
        (whole as usize) + usize::from(self.chance(x - whole))
    }
}

impl Dates {
    /// The day `n` working days after `day`.
    fn wd(&self, day: i32, n: i64) -> i32 {
        // The generator's days and steps are a few years at most.
        self.cal
            .add_working_days(day, n)
            .expect("a day within the dates a Date32 holds")
    }

    /// `day` if it is before the end of the data, else `None` (still open).
    fn closed(&self, day: i32) -> Option<i32> {
        (day <= self.last).then_some(day)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut scale = 1.0f64;
    let mut dir = PathBuf::from("data");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--scale" {
            scale = args
                .next()
                .and_then(|s| s.parse().ok())
                .filter(|s: &f64| *s > 0.0)
                .ok_or("--scale takes a positive number")?;
        } else {
            dir = PathBuf::from(a);
        }
    }
    for (name, rows) in generate(&dir, scale)? {
        println!("{name}: {rows} rows");
    }
    println!("wrote example data (scale {scale}) to {}", dir.display());
    Ok(())
}

/// The most of the city one shard holds: a larger scale is written as
/// several shards, each a city of its own (own random streams), appended to
/// the files one after another, so memory stays that of one shard at any
/// scale. Scale 1 is one shard: the shipped `data/`.
const SHARD_SCALE: f64 = 1.0;

/// Writes every table into `dir`; returns each table's name and row count.
fn generate(
    dir: &Path,
    scale: f64,
) -> Result<Vec<(&'static str, usize)>, Box<dyn std::error::Error>> {
    generate_in_shards(dir, scale, SHARD_SCALE)
}

fn generate_in_shards(
    dir: &Path,
    scale: f64,
    most: f64,
) -> Result<Vec<(&'static str, usize)>, Box<dyn std::error::Error>> {
    let shards = (scale / most).ceil().max(1.0) as u64;
    let each = scale / shards as f64;
    let mut sink = Sink::new(dir)?;
    let mut numbered: Numbered = [0; 4];
    // Shards are built a few at a time in parallel and written in order,
    // so the bytes do not depend on the number of threads.
    let at_once = rayon::current_num_threads() as u64;
    let mut next = 0;
    while next < shards {
        let batch: Vec<u64> = (next..shards.min(next + at_once)).collect();
        let built: Vec<(Vec<Table>, Numbered)> = batch
            .par_iter()
            .map(|&n| shard(n, each))
            .collect::<Result<_, String>>()?;
        for (tables, used) in built {
            for mut t in tables {
                // Each shard numbers from 1; written after the shards before
                // it, its ids follow theirs, so ids stay dense at any scale.
                for (column, from) in ID_COLUMNS.iter().zip(numbered) {
                    t.shift(column, from);
                }
                sink.append(t)?;
            }
            for (from, n) in numbered.iter_mut().zip(used) {
                *from += n;
            }
        }
        next += at_once;
    }
    sink.append(teams())?;
    sink.append(population(scale))?;
    let mut written = sink.finish()?;
    // Listed in the order of the tables' file names' first use, as before.
    let order = [
        "contacts",
        "referrals",
        "assessments",
        "strategy_discussions",
        "section47_enquiries",
        "initial_conferences",
        "cp_plans",
        "visits",
        "supervisions",
        "care_episodes",
        "placements",
        "care_leavers",
        "early_help",
        "teams",
        "population",
        "people",
        "involvements",
        "cin_plans",
    ];
    written.sort_by_key(|(name, _)| {
        order
            .iter()
            .position(|t| ssd_name(t, None) == *name)
            .unwrap_or(usize::MAX)
    });
    Ok(written)
}

fn teams() -> Table {
    let mut teams = Table::new("teams", &[("team", 't'), ("locality", 't')]);
    for (team, locality) in TEAMS {
        teams.push(vec![V::T(team), V::T(locality)]);
    }
    teams
}

fn population(scale: f64) -> Table {
    let mut population = Table::new("population", &[("year", 'i'), ("children_0_17", 'i')]);
    for (year, n) in [
        (2017, 48_700.0),
        (2018, 48_900.0),
        (2019, 49_150.0),
        (2020, 49_400.0),
        (2021, 49_600.0),
        (2022, 49_800.0),
        (2023, 50_000.0),
    ] {
        population.push(vec![V::I(year), V::I((n * scale).round() as i64)]);
    }
    population
}

/// The ids a shard numbers: children, contacts, referrals, strategy
/// discussions (the columns holding them in every table).
const ID_COLUMNS: [&str; 4] = ["child_id", "contact_id", "referral_id", "strategy_id"];

/// How many of each of `ID_COLUMNS` a shard numbered.
type Numbered = [i64; 4];

/// Shard `n`'s tables (all but the teams and the population), at `scale`,
/// and how many ids of each kind it numbered from 1.
fn shard(n: u64, scale: f64) -> Result<(Vec<Table>, Numbered), String> {
    let day = |s: &str| parse_day(s).expect("date");
    let mut g = Gen {
        r: Rand {
            rng: ChaCha8Rng::seed_from_u64(20_230_731 + (n << 32)),
        },
        d: Dates {
            cal: builtin_calendar("england-and-wales").ok_or("calendar")?,
            last: day("2023-07-31"),
        },
    };
    let first = day("2018-01-01");

    let mut contacts = Table::new(
        "contacts",
        &[
            ("contact_id", 'i'),
            ("child_id", 'i'),
            ("contact_date", 'd'),
            ("source", 't'),
            ("outcome", 't'),
        ],
    );
    let mut referrals = Table::new(
        "referrals",
        &[
            ("referral_id", 'i'),
            ("child_id", 'i'),
            ("referral_date", 'd'),
            ("previous_referral_date", 'd'),
            ("team", 't'),
            ("source", 't'),
            ("outcome", 't'),
        ],
    );
    let mut assessments = Table::new(
        "assessments",
        &[
            ("child_id", 'i'),
            ("start_date", 'd'),
            ("completed_date", 'd'),
            ("days_to_complete", 'i'),
            ("team", 't'),
            ("outcome", 't'),
        ],
    );
    let mut strategy = Table::new(
        "strategy_discussions",
        &[
            ("strategy_id", 'i'),
            ("child_id", 'i'),
            ("strategy_date", 'd'),
            ("team", 't'),
        ],
    );
    let mut s47 = Table::new(
        "section47_enquiries",
        &[
            ("child_id", 'i'),
            ("strategy_id", 'i'),
            ("start_date", 'd'),
            ("completed_date", 'd'),
            ("outcome", 't'),
            ("team", 't'),
        ],
    );
    let mut icpcs = Table::new(
        "initial_conferences",
        &[
            ("child_id", 'i'),
            ("strategy_id", 'i'),
            ("strategy_date", 'd'),
            ("conference_date", 'd'),
            ("outcome", 't'),
            ("team", 't'),
        ],
    );
    let mut plans = Table::new(
        "cp_plans",
        &[
            ("child_id", 'i'),
            ("start_date", 'd'),
            ("end_date", 'd'),
            ("category", 't'),
            ("plan_number", 'i'),
            ("team", 't'),
        ],
    );
    let mut visits = Table::new(
        "visits",
        &[
            ("child_id", 'i'),
            ("cohort", 't'),
            ("visit_date", 'd'),
            ("previous_visit_date", 'd'),
            ("team", 't'),
        ],
    );
    let mut supervisions = Table::new(
        "supervisions",
        &[
            ("child_id", 'i'),
            ("cohort", 't'),
            ("due_date", 'd'),
            ("held_date", 'd'),
            ("team", 't'),
        ],
    );
    let mut episodes = Table::new(
        "care_episodes",
        &[
            ("child_id", 'i'),
            ("start_date", 'd'),
            ("end_date", 'd'),
            ("legal_status", 't'),
            ("uasc", 'b'),
            ("reason_ceased", 't'),
            ("health_assessment_date", 'd'),
            ("team", 't'),
        ],
    );
    let mut placements = Table::new(
        "placements",
        &[
            ("child_id", 'i'),
            ("start_date", 'd'),
            ("end_date", 'd'),
            ("placement_type", 't'),
            ("distance_miles", 'f'),
        ],
    );
    let mut leavers = Table::new(
        "care_leavers",
        &[
            ("child_id", 'i'),
            ("start_date", 'd'),
            ("end_date", 'd'),
            ("in_touch", 'b'),
            ("suitable_accommodation", 'b'),
        ],
    );
    let mut early_help = Table::new(
        "early_help",
        &[
            ("child_id", 'i'),
            ("start_date", 'd'),
            ("end_date", 'd'),
            ("outcome", 't'),
            ("team", 't'),
        ],
    );

    let mut next_child: i64 = 1;
    // Children referred in the last year, oldest first: child, referral day, team.
    let mut recent: std::collections::VecDeque<(i64, i32, usize)> =
        std::collections::VecDeque::new();
    let mut prior_plans: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    let (mut contact_id, mut referral_id, mut strategy_id) = (0i64, 0i64, 0i64);

    for today in first..=g.d.last {
        if !g.d.cal.is_working_day(today) {
            continue;
        }
        for _ in 0..g.r.around(81.0 * scale) {
            contact_id += 1;
            let source = g.r.pick(&CONTACT_SOURCES);
            // Referrals come from recent families about a quarter of the time.
            let (child, previous, team) = if !recent.is_empty() && g.r.chance(0.245) {
                let i = g.r.rng.random_range(0..recent.len());
                (recent[i].0, Some(recent[i].1), recent[i].2)
            } else {
                next_child += 1;
                (next_child, None, g.r.rng.random_range(0..TEAMS.len()))
            };
            let to_referral = g.r.chance(0.18);
            let outcome = if to_referral {
                "referral to children's social care"
            } else if g.r.chance(0.35) {
                "early help"
            } else if g.r.chance(0.5) {
                "information and advice"
            } else {
                "no further action"
            };
            contacts.push(vec![
                V::I(contact_id),
                V::I(child),
                V::D(Some(today)),
                V::T(source),
                V::T(outcome),
            ]);
            if outcome == "early help" && g.r.chance(0.3) {
                let end = g.d.closed(today + g.r.between(60, 270) as i32);
                let o = if end.is_none() {
                    "open"
                } else if g.r.chance(0.7) {
                    "outcomes achieved"
                } else if g.r.chance(0.5) {
                    "stepped up"
                } else {
                    "disengaged"
                };
                let start = g.d.wd(today, g.r.between(1, 10));
                if start <= g.d.last {
                    early_help.push(vec![
                        V::I(child),
                        V::D(Some(start)),
                        V::D(end.filter(|e| *e > start)),
                        V::T(o),
                        V::T(TEAMS[team].0),
                    ]);
                }
            }
            if !to_referral {
                continue;
            }
            referral_id += 1;
            let team_name = TEAMS[team].0;
            let nfa = g.r.chance(0.06);
            referrals.push(vec![
                V::I(referral_id),
                V::I(child),
                V::D(Some(today)),
                V::D(previous),
                V::T(team_name),
                V::T(source),
                V::T(if nfa {
                    "no further action"
                } else {
                    "assessment"
                }),
            ]);
            while recent.front().is_some_and(|r| today - r.1 > 365) {
                recent.pop_front();
            }
            recent.push_back((child, today, team));
            if nfa {
                continue;
            }
            // The assessment: most within 45 working days.
            let start = g.d.wd(today, g.r.between(0, 3));
            if start > g.d.last {
                continue;
            }
            let took = if g.r.chance(0.84) {
                g.r.between(10, 45)
            } else {
                g.r.between(46, 80)
            };
            let done = g.d.closed(g.d.wd(start, took));
            let outcome = match g.r.rng.random_range(0..100) {
                0..=49 => "no further action",
                50..=74 => "child in need plan",
                75..=89 => "early help",
                _ => "child protection",
            };
            assessments.push(vec![
                V::I(child),
                V::D(Some(start)),
                V::D(done),
                V::OI(done.map(|d| i64::from(d - start))),
                V::T(team_name),
                V::T(outcome),
            ]);
            if !g.r.chance(0.6) {
                continue;
            }
            // Safeguarding: strategy discussion, section 47, conference, plan.
            strategy_id += 1;
            let sd = g.d.wd(today, g.r.between(0, 2));
            if sd > g.d.last {
                continue;
            }
            strategy.push(vec![
                V::I(strategy_id),
                V::I(child),
                V::D(Some(sd)),
                V::T(team_name),
            ]);
            if !g.r.chance(0.76) {
                continue;
            }
            let s47_done = g.d.closed(g.d.wd(sd, g.r.between(3, 15)));
            let s47_outcome = match g.r.rng.random_range(0..100) {
                0..=25 => "initial conference",
                26..=78 => "no further action",
                _ => "child in need plan",
            };
            s47.push(vec![
                V::I(child),
                V::I(strategy_id),
                V::D(Some(sd)),
                V::D(s47_done),
                V::T(s47_outcome),
                V::T(team_name),
            ]);
            if s47_outcome != "initial conference" {
                continue;
            }
            let conf = g.d.wd(
                sd,
                if g.r.chance(0.72) {
                    g.r.between(8, 15)
                } else {
                    g.r.between(16, 26)
                },
            );
            if conf > g.d.last {
                continue;
            }
            let to_plan = g.r.chance(0.86);
            icpcs.push(vec![
                V::I(child),
                V::I(strategy_id),
                V::D(Some(sd)),
                V::D(Some(conf)),
                V::T(if to_plan {
                    "child protection plan"
                } else {
                    "no plan"
                }),
                V::T(team_name),
            ]);
            if to_plan {
                let n = prior_plans
                    .entry(child)
                    .or_insert(i64::from(g.r.chance(0.2)));
                *n += 1;
                let number = *n;
                let end = g.d.closed(conf + g.r.between(100, 620) as i32);
                plans.push(vec![
                    V::I(child),
                    V::D(Some(conf)),
                    V::D(end),
                    V::T(g.r.pick(&CP_CATEGORIES)),
                    V::I(number),
                    V::T(team_name),
                ]);
                cohort_contacts(
                    &mut g,
                    Some(&mut visits),
                    &mut supervisions,
                    child,
                    "CP",
                    conf,
                    end,
                    team_name,
                    (4, 10),
                );
            }
        }
    }

    // Children in care: episodes since 2008 so that the stock is right by 2018.
    let care_from = day("2008-01-01");
    for today in care_from..=g.d.last {
        if (today - care_from) % 7 != 0 {
            continue;
        }
        for _ in 0..g.r.around(3.4 * scale) {
            next_child += 1;
            let child = next_child;
            let team = g.r.pick(&TEAMS).0;
            let start = today + g.r.between(0, 6) as i32;
            if start > g.d.last {
                continue;
            }
            let uasc = g.r.chance(if start > day("2021-06-01") {
                0.12
            } else {
                0.04
            });
            let months = if g.r.chance(0.45) {
                g.r.between(2, 24)
            } else {
                g.r.between(24, 90)
            };
            let end = g.d.closed(start + (months * 30) as i32);
            let reason = match (end, g.r.rng.random_range(0..100)) {
                (None, _) => "still looked after",
                (_, 0..=39) => "turned 18",
                (_, 40..=56) => "returned home",
                (_, 57..=74) => "special guardianship or arrangements order",
                (_, 75..=87) => "adopted",
                _ => "other",
            };
            let legal = g.r.pick(&[
                "interim care order",
                "care order",
                "section 20",
                "placement order",
            ]);
            let health = g.d.closed(g.d.wd(
                start,
                if g.r.chance(0.4) {
                    g.r.between(5, 20)
                } else {
                    g.r.between(21, 70)
                },
            ));
            episodes.push(vec![
                V::I(child),
                V::D(Some(start)),
                V::D(end),
                V::T(legal),
                V::B(uasc),
                V::T(reason),
                V::D(health),
                V::T(team),
            ]);
            // Placements, one after another, covering the episode.
            let mut from = start;
            let stop = end.unwrap_or(g.d.last + 1);
            while from < stop {
                let to = (from + g.r.between(60, 900) as i32).min(stop);
                let kind = g.r.weighted(&PLACEMENT_TYPES);
                let miles = if g.r.chance(0.69) {
                    g.r.between(0, 19) as f64 + 0.5
                } else {
                    g.r.between(20, 120) as f64 + 0.5
                };
                placements.push(vec![
                    V::I(child),
                    V::D(Some(from)),
                    V::D(g.d.closed(to)),
                    V::T(kind),
                    V::F(miles),
                ]);
                from = to;
            }
            if start + 400 > first {
                cohort_contacts(
                    &mut g,
                    Some(&mut visits),
                    &mut supervisions,
                    child,
                    "CLA",
                    start.max(first),
                    end,
                    team,
                    (15, 28),
                );
            }
            if reason == "turned 18" {
                let leave = end.expect("left care");
                let until = g.d.closed(leave + g.r.between(2 * 365, 5 * 365) as i32);
                let in_touch = g.r.chance(0.9);
                leavers.push(vec![
                    V::I(child),
                    V::D(Some(leave)),
                    V::D(until),
                    V::B(in_touch),
                    V::B(in_touch && g.r.chance(0.9)),
                ]);
                if until.is_none_or(|u| u > first) {
                    cohort_contacts(
                        &mut g,
                        None,
                        &mut supervisions,
                        child,
                        "care leaver",
                        leave.max(first),
                        until,
                        team,
                        (30, 60),
                    );
                }
            }
        }
    }

    // People and workers come from a second random stream, so the tables
    // above keep their bytes whatever is added here.
    let mut r2 = Rand {
        rng: ChaCha8Rng::seed_from_u64(20_230_801 + (n << 32)),
    };
    let people = people(
        &mut r2,
        &[
            (&contacts, "contact_date"),
            (&referrals, "referral_date"),
            (&plans, "start_date"),
            (&episodes, "start_date"),
            (&early_help, "start_date"),
        ],
        &episodes,
    );
    let involvements = allocations(&mut r2, &[&plans, &episodes], scale, n);
    let cin_plans = cin_plans(&mut r2, &assessments, &g.d);

    let numbered = [next_child, contact_id, referral_id, strategy_id];
    let tables = vec![
        contacts,
        referrals,
        assessments,
        strategy,
        s47,
        icpcs,
        plans,
        visits,
        supervisions,
        episodes,
        placements,
        leavers,
        early_help,
        people,
        involvements,
        cin_plans,
    ];
    Ok((tables, numbered))
}

impl Table {
    /// Adds `by` to every id in `column`, where the table has it.
    fn shift(&mut self, column: &str, by: i64) {
        if by == 0 {
            return;
        }
        for (name, col) in &mut self.cols {
            if let (true, Col::Int(values)) = (*name == column, col) {
                for v in values.iter_mut().flatten() {
                    *v += by;
                }
            }
        }
    }

    fn column(&self, name: &str) -> &Col {
        &self
            .cols
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a column")
            .1
    }

    fn ints(&self, name: &str) -> &[Option<i64>] {
        match self.column(name) {
            Col::Int(v) => v,
            _ => panic!("{name} holds integers"),
        }
    }

    fn dates(&self, name: &str) -> &[Option<i32>] {
        match self.column(name) {
            Col::Date(v) => v,
            _ => panic!("{name} holds dates"),
        }
    }

    fn texts(&self, name: &str) -> &[&'static str] {
        match self.column(name) {
            Col::Text(v) => v,
            _ => panic!("{name} holds text"),
        }
    }
}

const ETHNICITIES: [(&str, f64); 5] = [
    ("White", 0.72),
    ("Mixed", 0.09),
    ("Asian or Asian British", 0.09),
    ("Black or Black British", 0.06),
    ("Other", 0.04),
];

/// One row per child met anywhere: a date of birth that makes the child
/// 0 to 17 at their first contact with the service (18 on the day a care
/// episode ended because they turned 18), sex and ethnicity.
fn people(r: &mut Rand, seen: &[(&Table, &str)], episodes: &Table) -> Table {
    let mut first: std::collections::BTreeMap<i64, i32> = std::collections::BTreeMap::new();
    for (table, date) in seen {
        for (child, day) in table.ints("child_id").iter().zip(table.dates(date)) {
            if let (Some(c), Some(d)) = (child, day) {
                first
                    .entry(*c)
                    .and_modify(|f| *f = (*f).min(*d))
                    .or_insert(*d);
            }
        }
    }
    let mut turned_18 = std::collections::BTreeMap::new();
    let reasons = episodes.texts("reason_ceased");
    for ((child, end), reason) in episodes
        .ints("child_id")
        .iter()
        .zip(episodes.dates("end_date"))
        .zip(reasons)
    {
        if let (Some(c), Some(e), "turned 18") = (child, end, *reason) {
            turned_18.insert(*c, *e);
        }
    }
    let mut people = Table::new(
        "people",
        &[
            ("child_id", 'i'),
            ("dob", 'd'),
            ("sex", 't'),
            ("ethnicity", 't'),
        ],
    );
    for (child, first) in first {
        let dob = match turned_18.get(&child) {
            Some(&birthday) => {
                let day = date_from_days(birthday);
                let born = day
                    .with_year(day.year() - 18)
                    .unwrap_or_else(|| day - chrono::Days::new(18 * 365));
                days_from_date(born)
            }
            None => first - r.between(0, 17 * 365 + 364) as i32,
        };
        let sex = if r.chance(0.51) { "male" } else { "female" };
        people.push(vec![
            V::I(child),
            V::D(Some(dob)),
            V::T(sex),
            V::T(r.weighted(&ETHNICITIES)),
        ]);
    }
    people
}

/// Each protection plan and care episode allocated to a social worker of
/// its team (eight workers a team at scale 1), for as long as it is open.
/// A child in need plan for each assessment that ended in one, from the
/// day it was completed, lasting 3 to 12 months (open when that is past the
/// data's end).
fn cin_plans(r: &mut Rand, assessments: &Table, d: &Dates) -> Table {
    let mut out = Table::new(
        "cin_plans",
        &[
            ("child_id", 'i'),
            ("start_date", 'd'),
            ("end_date", 'd'),
            ("team", 't'),
        ],
    );
    let rows = assessments
        .ints("child_id")
        .iter()
        .zip(assessments.dates("completed_date"))
        .zip(assessments.texts("outcome"))
        .zip(assessments.texts("team"));
    for (((child, done), outcome), team) in rows {
        let (Some(start), "child in need plan") = (done, *outcome) else {
            continue;
        };
        let end = d.closed(*start + r.between(91, 365) as i32);
        out.push(vec![
            V::OI(*child),
            V::D(Some(*start)),
            V::D(end),
            V::T(team),
        ]);
    }
    out
}

fn allocations(r: &mut Rand, cases: &[&Table], scale: f64, shard: u64) -> Table {
    let per_team = ((8.0 * scale).round() as i64).max(1);
    let mut out = Table::new(
        "involvements",
        &[
            ("worker_id", 'i'),
            ("child_id", 'i'),
            ("start_date", 'd'),
            ("end_date", 'd'),
        ],
    );
    for table in cases {
        let rows = table
            .ints("child_id")
            .iter()
            .zip(table.dates("start_date"))
            .zip(table.dates("end_date"))
            .zip(table.texts("team"));
        for (((child, start), end), team) in rows {
            let Some(t) = TEAMS.iter().position(|(name, _)| name == team) else {
                continue;
            };
            // Each shard's workers are its own: numbered after the earlier
            // shards' in the team's block of ids.
            let worker =
                (t as i64 + 1) * 1_000_000 + shard as i64 * per_team + r.between(1, per_team);
            out.push(vec![V::I(worker), V::OI(*child), V::D(*start), V::D(*end)]);
        }
    }
    out
}

/// Visits every few working days (when the cohort is visited) and
/// supervisions every two months, while the child is in the cohort.
#[allow(
    clippy::too_many_arguments,
    reason = "a generator helper called from three places"
)]
fn cohort_contacts(
    g: &mut Gen,
    mut visits: Option<&mut Table>,
    supervisions: &mut Table,
    child: i64,
    cohort: &'static str,
    start: i32,
    end: Option<i32>,
    team: &'static str,
    visit_gap: (i64, i64),
) {
    let stop = end.unwrap_or(g.d.last).min(g.d.last);
    let mut previous = start;
    while let Some(visits) = visits.as_deref_mut() {
        let late = g.r.chance(0.12);
        let gap = if late {
            g.r.between(visit_gap.1 + 1, visit_gap.1 + 8)
        } else {
            g.r.between(visit_gap.0, visit_gap.1)
        };
        let next = g.d.wd(previous, gap);
        if next > stop {
            break;
        }
        visits.push(vec![
            V::I(child),
            V::T(cohort),
            V::D(Some(next)),
            V::D(Some(previous)),
            V::T(team),
        ]);
        previous = next;
    }
    let mut due = start + 42;
    while due <= stop {
        let held = if g.r.chance(0.86) {
            Some(due - g.r.between(0, 10) as i32)
        } else if g.r.chance(0.7) {
            g.d.closed(due + g.r.between(1, 30) as i32)
        } else {
            None
        };
        supervisions.push(vec![
            V::I(child),
            V::T(cohort),
            V::D(Some(due)),
            V::D(held),
            V::T(team),
        ]);
        due += 61;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let tables = generate(a.path(), 0.05).unwrap();
        generate(b.path(), 0.05).unwrap();
        assert_eq!(tables.len(), 18);
        for (name, rows) in tables {
            let file = format!("{name}.parquet");
            assert!(rows > 0, "{name} is empty");
            assert_eq!(
                std::fs::read(a.path().join(&file)).unwrap(),
                std::fs::read(b.path().join(&file)).unwrap(),
                "{file} differs"
            );
        }
    }

    #[test]
    fn scale_multiplies_volumes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let small: std::collections::BTreeMap<_, _> =
            generate(a.path(), 0.05).unwrap().into_iter().collect();
        let large: std::collections::BTreeMap<_, _> =
            generate(b.path(), 0.2).unwrap().into_iter().collect();
        let ratio = large["ssd_cin_episodes"] as f64 / small["ssd_cin_episodes"] as f64;
        assert!(
            (3.0..5.0).contains(&ratio),
            "referrals grew {ratio}x for 4x the scale"
        );
    }

    fn ids(dir: &Path, table: &str, column: &str) -> Vec<i64> {
        let file = std::fs::File::open(dir.join(format!("{table}.parquet"))).unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        let mut out = Vec::new();
        for batch in reader {
            let batch = batch.unwrap();
            let col = batch.column_by_name(column).unwrap();
            let col = col.as_any().downcast_ref::<Int64Array>().unwrap();
            out.extend(col.iter().map(|v| v.unwrap()));
        }
        out
    }

    #[test]
    fn a_larger_scale_is_written_as_cities_of_their_own_appended_in_order() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let one: std::collections::BTreeMap<_, _> = generate_in_shards(a.path(), 0.05, 0.05)
            .unwrap()
            .into_iter()
            .collect();
        let two: std::collections::BTreeMap<_, _> = generate_in_shards(b.path(), 0.1, 0.05)
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(one.len(), 18);
        assert_eq!(two["ssd_department"], 6);
        let ratio = two["ssd_cin_episodes"] as f64 / one["ssd_cin_episodes"] as f64;
        assert!((1.6..2.4).contains(&ratio), "referrals grew {ratio}x");
        // The first shard is the city alone; the second's ids follow the
        // first's: every child once in ssd_person, ids dense, each shard's
        // workers its own.
        let alone = ids(a.path(), "ssd_person", "pers_person_id");
        let both = ids(b.path(), "ssd_person", "pers_person_id");
        assert_eq!(both[..alone.len()], alone[..]);
        let last = *alone.iter().max().unwrap();
        assert!(both[alone.len()..].iter().all(|id| *id > last));
        let distinct: std::collections::BTreeSet<_> = both.iter().collect();
        assert_eq!(distinct.len(), both.len());
        let span = both.iter().max().unwrap() - both.iter().min().unwrap();
        assert!(
            span < 2 * both.len() as i64,
            "ids spread over {span} for {}",
            both.len()
        );
        let referrals = ids(b.path(), "ssd_cin_episodes", "cine_referral_id");
        let distinct: std::collections::BTreeSet<_> = referrals.iter().collect();
        assert_eq!(distinct.len(), referrals.len());
        let workers = ids(b.path(), "ssd_involvements", "invo_professional_id");
        let first = ids(a.path(), "ssd_involvements", "invo_professional_id");
        let mine = |w: &i64| w % 1_000_000;
        let top = first.iter().map(mine).max().unwrap();
        assert!(workers[first.len()..].iter().all(|w| mine(w) > top));
    }
}
