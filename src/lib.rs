//! Rubric: a rules-as-config indicator engine. Indicators and rules are
//! declared in YAML with small Rhai expressions, evaluated over Parquet.
//!
//! The pipeline, one folder per stage: `config` reads YAML, `model`
//! validates it into compiled indicators and rules, `measure` scans sources
//! into series, `rules` compares and rates them, `output` writes reports,
//! `cli` is the command line.

pub mod calendar;
pub mod cli;
pub mod config;
pub mod definition_tests;
pub mod diagnostic;
pub mod expr;
pub mod measure;
pub mod model;
pub mod output;
pub mod progress;
pub mod publication;
pub mod rules;
pub mod scorecard;
pub mod sql;
