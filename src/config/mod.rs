//! Everything that reads YAML. The YAML crate is used only inside this
//! folder, so it could be swapped by touching nothing else.

pub mod document;
pub mod load;
pub mod schema;
pub mod span;

pub use document::*;
pub use load::{load_project, Loaded, ProjectFiles};
