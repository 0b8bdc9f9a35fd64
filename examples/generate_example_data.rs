//! Writes the shipped example's record-level tables into `data/`:
//! referrals, assessments, child protection plans and the population of
//! children aged 0-17. Synthetic, with a fixed seed: the same bytes every run.
//!
//! Run: `cargo run --example generate_example_data -- [DIR]` (default `data`).

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, Date32Array, DictionaryArray, Int64Array, RecordBatch};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const TEAMS: [&str; 4] = ["Central", "East", "North", "West"];
const SOURCES: [&str; 5] = ["police", "school", "health", "local authority", "other"];
const CATEGORIES: [&str; 4] = [
    "neglect",
    "emotional abuse",
    "physical abuse",
    "sexual abuse",
];

fn days(d: NaiveDate) -> i32 {
    rubric::measure::period::days_from_date(d)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("data"));
    std::fs::create_dir_all(&dir)?;
    let mut rng = ChaCha8Rng::seed_from_u64(20230731);
    let first = days(NaiveDate::from_ymd_opt(2019, 1, 1).expect("date"));
    let last = days(NaiveDate::from_ymd_opt(2023, 7, 31).expect("date"));

    let mut referrals = Referrals::default();
    let mut assessments = Assessments::default();
    let mut plans = Plans::default();
    let mut last_referral: Vec<Option<i32>> = Vec::new();
    let mut plan_count: Vec<i64> = Vec::new();
    let mut recent: Vec<usize> = Vec::new();
    for day in first..=last {
        let weekday = (day + 3).rem_euclid(7); // 0 = Monday
        let per_day = if weekday >= 5 {
            3
        } else {
            rng.random_range(11..=18)
        };
        for _ in 0..per_day {
            // About a quarter of referrals are of a child referred in the last year.
            let child = if !recent.is_empty() && rng.random_bool(0.26) {
                recent[rng.random_range(0..recent.len())]
            } else {
                last_referral.push(None);
                plan_count.push(0);
                last_referral.len() - 1
            };
            let team = TEAMS[child % TEAMS.len()];
            referrals.push(
                referrals.id.len() as i64 + 1,
                child as i64 + 1,
                day,
                last_referral[child],
                team,
                SOURCES[rng.random_range(0..SOURCES.len())],
            );
            last_referral[child] = Some(day);
            recent.push(child);
            if recent.len() > 4000 {
                recent.remove(0);
            }
            if rng.random_bool(0.9) {
                let start = day + rng.random_range(0..5);
                let took = if rng.random_bool(0.82) {
                    rng.random_range(12..=45)
                } else {
                    rng.random_range(46..100)
                };
                let done = (start + took <= last && !rng.random_bool(0.02)).then_some(start + took);
                assessments.push(
                    child as i64 + 1,
                    start,
                    done,
                    team,
                    if rng.random_bool(0.5) {
                        "nfa"
                    } else {
                        "services"
                    },
                );
            }
            if rng.random_bool(0.105) {
                let start = day + rng.random_range(20..60);
                let length = rng.random_range(90..540);
                let end = (start + length <= last).then_some(start + length);
                plan_count[child] += 1;
                if start <= last {
                    plans.push(
                        child as i64 + 1,
                        start,
                        end,
                        team,
                        CATEGORIES[rng.random_range(0..CATEGORIES.len())],
                        plan_count[child] + i64::from(rng.random_bool(0.2)),
                    );
                }
            }
        }
    }
    write(&dir.join("referrals.parquet"), referrals.batch()?)?;
    write(&dir.join("assessments.parquet"), assessments.batch()?)?;
    write(&dir.join("cp_plans.parquet"), plans.batch()?)?;
    let years: Vec<i64> = (2018..=2023).collect();
    let population: Vec<i64> = vec![48_900, 49_150, 49_400, 49_600, 49_800, 50_000];
    write(
        &dir.join("population.parquet"),
        RecordBatch::try_from_iter([
            ("year", Arc::new(Int64Array::from(years)) as ArrayRef),
            (
                "children_0_17",
                Arc::new(Int64Array::from(population)) as ArrayRef,
            ),
        ])?,
    )?;
    println!("wrote example data to {}", dir.display());
    Ok(())
}

fn dict(values: &[&'static str]) -> ArrayRef {
    Arc::new(
        values
            .iter()
            .copied()
            .collect::<DictionaryArray<Int32Type>>(),
    )
}

#[derive(Default)]
struct Referrals {
    id: Vec<i64>,
    child: Vec<i64>,
    date: Vec<i32>,
    previous: Vec<Option<i32>>,
    team: Vec<&'static str>,
    source: Vec<&'static str>,
}

impl Referrals {
    fn push(
        &mut self,
        id: i64,
        child: i64,
        date: i32,
        previous: Option<i32>,
        team: &'static str,
        source: &'static str,
    ) {
        self.id.push(id);
        self.child.push(child);
        self.date.push(date);
        self.previous.push(previous);
        self.team.push(team);
        self.source.push(source);
    }

    fn batch(&self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        RecordBatch::try_from_iter([
            (
                "referral_id",
                Arc::new(Int64Array::from(self.id.clone())) as ArrayRef,
            ),
            (
                "child_id",
                Arc::new(Int64Array::from(self.child.clone())) as ArrayRef,
            ),
            (
                "referral_date",
                Arc::new(Date32Array::from(self.date.clone())) as ArrayRef,
            ),
            (
                "previous_referral_date",
                Arc::new(Date32Array::from(self.previous.clone())) as ArrayRef,
            ),
            ("team", dict(&self.team)),
            ("source", dict(&self.source)),
        ])
    }
}

#[derive(Default)]
struct Assessments {
    child: Vec<i64>,
    start: Vec<i32>,
    completed: Vec<Option<i32>>,
    team: Vec<&'static str>,
    outcome: Vec<&'static str>,
}

impl Assessments {
    fn push(
        &mut self,
        child: i64,
        start: i32,
        completed: Option<i32>,
        team: &'static str,
        outcome: &'static str,
    ) {
        self.child.push(child);
        self.start.push(start);
        self.completed.push(completed);
        self.team.push(team);
        self.outcome.push(outcome);
    }

    fn batch(&self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let took: Vec<Option<i64>> = self
            .start
            .iter()
            .zip(&self.completed)
            .map(|(s, c)| c.map(|c| i64::from(c - s)))
            .collect();
        RecordBatch::try_from_iter([
            (
                "child_id",
                Arc::new(Int64Array::from(self.child.clone())) as ArrayRef,
            ),
            (
                "start_date",
                Arc::new(Date32Array::from(self.start.clone())) as ArrayRef,
            ),
            (
                "completed_date",
                Arc::new(Date32Array::from(self.completed.clone())) as ArrayRef,
            ),
            (
                "days_to_complete",
                Arc::new(Int64Array::from(took)) as ArrayRef,
            ),
            ("team", dict(&self.team)),
            ("outcome", dict(&self.outcome)),
        ])
    }
}

#[derive(Default)]
struct Plans {
    child: Vec<i64>,
    start: Vec<i32>,
    end: Vec<Option<i32>>,
    team: Vec<&'static str>,
    category: Vec<&'static str>,
    number: Vec<i64>,
}

impl Plans {
    fn push(
        &mut self,
        child: i64,
        start: i32,
        end: Option<i32>,
        team: &'static str,
        category: &'static str,
        number: i64,
    ) {
        self.child.push(child);
        self.start.push(start);
        self.end.push(end);
        self.team.push(team);
        self.category.push(category);
        self.number.push(number);
    }

    fn batch(&self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        RecordBatch::try_from_iter([
            (
                "child_id",
                Arc::new(Int64Array::from(self.child.clone())) as ArrayRef,
            ),
            (
                "start_date",
                Arc::new(Date32Array::from(self.start.clone())) as ArrayRef,
            ),
            (
                "end_date",
                Arc::new(Date32Array::from(self.end.clone())) as ArrayRef,
            ),
            ("team", dict(&self.team)),
            ("category", dict(&self.category)),
            (
                "plan_number",
                Arc::new(Int64Array::from(self.number.clone())) as ArrayRef,
            ),
        ])
    }
}

fn write(path: &Path, batch: RecordBatch) -> Result<(), Box<dyn std::error::Error>> {
    let props = WriterProperties::builder()
        .set_created_by("rubric example generator".to_string())
        .build();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(path)?, batch.schema(), Some(props))?;
    writer.write(&batch)?;
    writer.close()?;
    Ok(())
}
