//! Every integration test, built as one binary: each file here is a
//! module of it (`cargo test` links one test binary instead of one per
//! file; each took a full link of arrow, parquet and rhai). A new test
//! file is added with one line below.

mod common;

mod architecture;
mod benchmark_table;
mod board_conventions;
mod breakdowns;
mod change_display;
mod charts;
mod cohort_sets;
mod data_ends;
mod date_arithmetic;
mod diagnostics;
mod drill;
mod errors;
mod example;
mod example_pages;
mod explain;
mod history;
mod hostile;
mod hostile_dates;
#[cfg(unix)]
mod hostile_files;
mod hostile_memory;
mod hostile_scale;
mod hostile_sql;
mod hostile_surprises;
mod hostile_text;
mod hostile_writes;
mod html;
mod install;
mod keys_honoured;
mod lookups;
mod measures;
mod page_agreement;
mod pages;
mod pdf;
mod period_logic;
mod periods;
mod plausible_numbers;
mod publication;
mod readme;
mod reliability;
mod report;
mod reviews;
mod rule_flags;
mod rules;
mod run_summary;
mod schema;
mod series_contract;
mod snapshot_ends;
mod sources_csv;
mod sources_odbc;
mod sources_xlsx;
mod sql;
mod strict_targets;
mod tone;
mod vectorised;
mod versions;
mod working_days;
mod xlsx;
