//! Rubric: a rules-as-config indicator engine. Indicators and rules are
//! declared in YAML with small Rhai expressions, evaluated over Parquet.
//!
//! The pipeline, one folder per stage: `config` reads YAML, `source` finds
//! the data, `model` validates the definitions into compiled indicators and
//! rules, `measure` scans sources into series, `rules` compares and rates
//! them, `scorecard` runs it all, `layout` lays out the board, `output`
//! formats and writes reports, `cli` is the command line. Below them all:
//! `diagnostic`, `error`, `format` and `calendar`. ARCHITECTURE.md draws it.

pub mod calendar;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod dialect;
pub(crate) mod error;
pub mod expr;
pub mod format;
pub(crate) mod layout;
pub mod measure;
pub mod model;
pub mod output;
pub(crate) mod progress;
pub mod rules;
pub mod run;
pub mod source;
pub mod sql;
pub mod text;
