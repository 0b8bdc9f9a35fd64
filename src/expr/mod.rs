//! Rhai expressions: the sandboxed engine, the functions analysts call,
//! row filters (vectorised with a per-row fallback) and where each
//! expression sits in its YAML file.

pub mod column_type;
pub(crate) mod date;
pub mod engine;
pub(crate) mod function;
pub mod history;
pub(crate) mod plan;
pub mod row_expr;
pub mod site;
pub(crate) mod value;
