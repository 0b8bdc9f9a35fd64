//! Rhai expressions: the sandboxed engine, the functions analysts call,
//! row filters (vectorised with a per-row fallback) and where each
//! expression sits in its YAML file.

pub mod column_type;
pub mod engine;
pub mod history;
pub(crate) mod plan;
pub mod row_expr;
pub mod site;
