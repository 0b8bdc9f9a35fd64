//! Rubric: a rules-as-config indicator engine. Indicators and rules are
//! declared in YAML with small Rhai expressions, evaluated over Parquet.
//!
//! The pipeline, one folder per stage: `config` reads YAML, `source` finds
//! the data, `model` validates the definitions into compiled indicators and
//! rules, `measure` scans sources into series, `rules` compares and rates
//! them into a scorecard, `run` runs it all in order, `layout` lays out
//! the board, `output` formats and writes reports, `cli` is the command
//! line. Below them all: `diagnostic`, `error`, `text` and `calendar`.
//! ARCHITECTURE.md draws it; `tests/architecture.rs` holds the floors.
//!
//! Modules the integration tests, examples and fuzz targets do not reach
//! are `pub(crate)`, and so is every item not reachable from outside
//! (`unreachable_pub`).

#![warn(unreachable_pub)]

pub mod calendar;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod dialect;
pub(crate) mod error;
pub mod expr;
pub(crate) mod format;
pub(crate) mod layout;
pub mod measure;
pub mod model;
pub mod output;
pub(crate) mod progress;
pub mod rules;
pub mod run;
pub mod source;
pub mod sql;
pub(crate) mod text;
